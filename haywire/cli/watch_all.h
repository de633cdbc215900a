// Copyright 2026 The Haywire Authors.
//
// `haywire watch --all`: every VM at once, one line each, refreshed (the
// fleet view, haywire/watch/fleet.h). The VMs are every VM on the host, the
// --vm ones, or the --mem-file ones (cli/fleet_flags.h). Full screen on a
// terminal (redrawn each --interval, Ctrl-C quits); --batch prints one block
// per refresh, --batch --json one JSON line per refresh.
#ifndef HAYWIRE_CLI_WATCH_ALL_H_
#define HAYWIRE_CLI_WATCH_ALL_H_

#include <string>
#include <vector>

#include "gflags/gflags.h"

DECLARE_bool(all);

namespace haywire {

int RunWatchAll();
std::string WatchAllHelp();

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_ALL_H_
