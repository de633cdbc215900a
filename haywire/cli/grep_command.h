// Copyright 2026 The Haywire Authors.
//
// `haywire grep PID PATTERN`: where a byte pattern occurs in a guest
// process's memory, searched by the companion in the guest.
#ifndef HAYWIRE_CLI_GREP_COMMAND_H_
#define HAYWIRE_CLI_GREP_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command GrepCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_GREP_COMMAND_H_
