// Copyright 2026 The Haywire Authors.
//
// `haywire read PID ADDR [LEN]`: bytes of a guest process's memory, as an
// xxd hexdump or raw.
#ifndef HAYWIRE_CLI_READ_COMMAND_H_
#define HAYWIRE_CLI_READ_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command ReadCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_READ_COMMAND_H_
