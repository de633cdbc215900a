// Copyright 2026 The Haywire Authors.
//
// `haywire ps`: the guest's processes, like `ps aux`.
#ifndef HAYWIRE_CLI_PS_COMMAND_H_
#define HAYWIRE_CLI_PS_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command PsCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_PS_COMMAND_H_
