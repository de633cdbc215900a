// Copyright 2026 The Haywire Authors.
//
// Stop signals for long-running commands (guest-serve, watch --events):
// SIGTERM and SIGINT set a flag the command's loop polls, so it can finish
// cleanly (wipe the region, flush its output) instead of dying mid-write.
// SIGPIPE is ignored: a closed output pipe shows up as a write error.
#ifndef HAYWIRE_CLI_STOP_SIGNALS_H_
#define HAYWIRE_CLI_STOP_SIGNALS_H_

#include <atomic>

namespace haywire {

// Installs the handlers and returns the flag they set (false until a stop
// signal arrives). Loops read it with relaxed loads: it only says "stop",
// it publishes no data.
const std::atomic<bool>& InstallStopSignals();

}  // namespace haywire

#endif  // HAYWIRE_CLI_STOP_SIGNALS_H_
