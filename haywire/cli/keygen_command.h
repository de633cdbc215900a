// Copyright 2026 The Haywire Authors.
//
// `haywire keygen --out=FILE`: make a VM key (haywire/auth/vm_key.h).
#ifndef HAYWIRE_CLI_KEYGEN_COMMAND_H_
#define HAYWIRE_CLI_KEYGEN_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command KeygenCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_KEYGEN_COMMAND_H_
