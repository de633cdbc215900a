// Copyright 2026 The Haywire Authors.
//
// `haywire maps PID`: a guest process's memory map, as `pmap -X` shows it.
#ifndef HAYWIRE_CLI_MAPS_COMMAND_H_
#define HAYWIRE_CLI_MAPS_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command MapsCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_MAPS_COMMAND_H_
