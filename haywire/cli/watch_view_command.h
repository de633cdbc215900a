// Copyright 2026 The Haywire Authors.
//
// `haywire watch`: a live, top-like view of the guest's processes, full
// screen (ncurses) on a terminal, or frames of text or JSON lines with
// --batch (like `top -b -n N`).
//
// The event stream (`watch --events`, its flags --events, --max-events and
// --duration) is another command's business (watch_events); a combined
// `watch` command dispatches to RunWatchView() when --events is not given.
#ifndef HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_
#define HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_

#include <string>
#include <vector>

#include "haywire/cli/command.h"

namespace haywire {

// The `watch` command as this file defines it (view only).
Command WatchViewCommand();

// The view's run function, help paragraphs and flag names, for a combined
// `watch` command.
int RunWatchView(const std::vector<std::string>& args);
std::string WatchViewHelp();
std::vector<std::string> WatchViewFlagNames();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_
