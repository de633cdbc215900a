// Copyright 2026 The Haywire Authors.
//
// `haywire write PID ADDR (HEXBYTES | --in=FILE)`: change bytes of a guest
// process's memory, through a companion that allows it, on an
// authenticated session.
#ifndef HAYWIRE_CLI_WRITE_COMMAND_H_
#define HAYWIRE_CLI_WRITE_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command WriteCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WRITE_COMMAND_H_
