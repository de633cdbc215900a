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

#include "absl/time/time.h"
#include "haywire/cli/command.h"

// Shared with `watch --all` (watch_all.h).
DECLARE_double(interval);
DECLARE_bool(batch);
DECLARE_int32(iterations);

namespace haywire {

// The checks `watch` and `watch --all` share, before they touch a RAM file:
// --interval in [0.1, 3600] s, --iterations >= 0, --json only with --batch,
// and a terminal for the full-screen view (stdout; stdin too when
// `needs_keyboard`). The usage error to print (exit 2), or "" when the flags
// are fine.
std::string WatchLoopFlagsProblem(bool needs_keyboard);

// The first snapshot of a session only starts the %CPU interval; the first
// frame comes this long after it (or --interval, when shorter).
inline constexpr absl::Duration kWatchMaxPriming = absl::Milliseconds(500);

// The view's run function, help paragraphs and the flags it adds to the host
// flags and --reconnect-timeout-ms (shared with --events).
int RunWatchView(const std::vector<std::string>& args);
std::string WatchViewHelp();
std::vector<std::string> WatchViewFlagNames();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_VIEW_COMMAND_H_
