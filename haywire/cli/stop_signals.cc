// Copyright 2026 The Haywire Authors.

#include "haywire/cli/stop_signals.h"

#include <signal.h>

namespace haywire {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true, std::memory_order_relaxed); }

}  // namespace

const std::atomic<bool>& InstallStopSignals() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

}  // namespace haywire
