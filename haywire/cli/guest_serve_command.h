// Copyright 2026 The Haywire Authors.
//
// `haywire guest-serve`: the companion that runs inside the guest.
#ifndef HAYWIRE_CLI_GUEST_SERVE_COMMAND_H_
#define HAYWIRE_CLI_GUEST_SERVE_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command GuestServeCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_GUEST_SERVE_COMMAND_H_
