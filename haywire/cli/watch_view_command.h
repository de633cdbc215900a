// Copyright 2026 The Haywire Authors.
//
// `haywire watch`: a live, top-like view of the guest's processes, full
// screen (ncurses) on a terminal, or frames of text or JSON lines with
// --batch (like `top -b -n N`).
//
// The event stream (`watch --events`) is watch_events'; the `watch` command
// (watch_command.h) runs RunWatchView() when --events is not given.
#ifndef HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_
#define HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_

#include <string>
#include <vector>

#include "haywire/cli/command.h"

// Shared with `watch --all` (watch_all.h).
DECLARE_double(interval);
DECLARE_bool(batch);
DECLARE_int32(iterations);

namespace haywire {

// The view's run function, help paragraphs and the flags it adds to the host
// flags and --reconnect-timeout-ms (shared with --events).
int RunWatchView(const std::vector<std::string>& args);
std::string WatchViewHelp();
std::vector<std::string> WatchViewFlagNames();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_
