// Copyright 2026 The Haywire Authors.
//
// WatchScreen: `haywire watch`'s full-screen, top-like view (ncurses).
//
// The screen shows top's five summary lines, the column heading (the sort
// column highlighted) and as many processes as fit, with a status line at
// the bottom; processes that started in the last few seconds are bold
// green, those that exited are dimmed red with their last values. Keys:
//
//   q            quit                  P M T N   sort by %CPU %MEM TIME+ PID
//   < >          sort by the column left/right      R  reverse the order
//   /            filter by name (Enter applies, Esc cancels, empty clears)
//   c            show command lines instead of names
//   arrows PageUp PageDown Home End   scroll         space  refresh now
//   h ?          help
//
// The guest I/O runs in a WatchRefresher thread; the UI thread only ever
// waits for a key, at most 100 ms at a time, so it keeps reacting (and
// redraws on terminal resize) while the guest is slow or gone. When the
// companion goes away the status line says so, and the view picks up the
// new session by itself.
#ifndef HAYWIRE_CLI_WATCH_SCREEN_H_
#define HAYWIRE_CLI_WATCH_SCREEN_H_

#include <memory>

#include "haywire/cli/watch_refresher.h"
#include "haywire/watch/guest_poller.h"
#include "haywire/watch/sort_order.h"

namespace haywire {

struct WatchScreenOptions {
  RefresherOptions refresher;
  ViewOrder order;
  // Quit by itself after this many frames (0: only on q).
  int iterations = 0;
};

// Runs the view on the terminal until q; returns the exit status. stdin and
// stdout must be a terminal (the caller checks). `first` is the snapshot
// taken to check the connection.
int RunWatchScreen(std::unique_ptr<GuestPoller> poller, Snapshot first,
                   const WatchScreenOptions& options);

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_SCREEN_H_
