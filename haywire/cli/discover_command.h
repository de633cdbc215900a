// Copyright 2026 The Haywire Authors.
//
// `haywire discover`: scan a VM's RAM file and report the Haywire sessions in
// it, live or stale.
#ifndef HAYWIRE_CLI_DISCOVER_COMMAND_H_
#define HAYWIRE_CLI_DISCOVER_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command DiscoverCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_DISCOVER_COMMAND_H_
