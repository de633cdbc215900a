// Copyright 2026 The Haywire Authors.
//
// --poll: the waiting policy (haywire/util/poll_policy.h) of this process,
// for host commands (how a client waits for responses) and for guest-serve
// (how the companion waits for requests). One flag for both, so a user who
// trades CPU for latency says so the same way on both sides.
#ifndef HAYWIRE_CLI_POLL_FLAG_H_
#define HAYWIRE_CLI_POLL_FLAG_H_

#include "gflags/gflags.h"
#include "haywire/util/poll_policy.h"

DECLARE_string(poll);

namespace haywire {

// The mode --poll names. The flag's validator already rejected anything
// else (a usage error), so this cannot fail.
PollMode PollModeFromFlag();

}  // namespace haywire

#endif  // HAYWIRE_CLI_POLL_FLAG_H_
