// Copyright 2026 The Haywire Authors.
//
// `haywire watch`: live views of the guest. For now only the event stream
// (`--events`, see watch_events.h); the full-screen top-like view joins it
// under the same command.
#ifndef HAYWIRE_CLI_WATCH_COMMAND_H_
#define HAYWIRE_CLI_WATCH_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command WatchCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_COMMAND_H_
