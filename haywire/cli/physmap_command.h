// Copyright 2026 The Haywire Authors.
//
// `haywire physmap PID`: where each mapped page of a guest process lies in
// guest-physical memory and in the RAM file.
#ifndef HAYWIRE_CLI_PHYSMAP_COMMAND_H_
#define HAYWIRE_CLI_PHYSMAP_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command PhysmapCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_PHYSMAP_COMMAND_H_
