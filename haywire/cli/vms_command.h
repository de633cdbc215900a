// Copyright 2026 The Haywire Authors.
//
// `haywire vms`: the VMs running on this host and whether Haywire can look
// inside each (haywire/host/vm_finder.h).
#ifndef HAYWIRE_CLI_VMS_COMMAND_H_
#define HAYWIRE_CLI_VMS_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command VmsCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_VMS_COMMAND_H_
