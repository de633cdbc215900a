// Copyright 2026 The Haywire Authors.
//
// `haywire info PID`: one guest process in detail.
#ifndef HAYWIRE_CLI_INFO_COMMAND_H_
#define HAYWIRE_CLI_INFO_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command InfoCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_INFO_COMMAND_H_
