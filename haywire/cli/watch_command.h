// Copyright 2026 The Haywire Authors.
//
// `haywire watch`: live views of the guest: the top-like view (full screen,
// or frames with --batch; watch_view_command.h), or with --events the event
// stream (watch_events.h).
#ifndef HAYWIRE_CLI_WATCH_COMMAND_H_
#define HAYWIRE_CLI_WATCH_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command WatchCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_COMMAND_H_
