// Copyright 2026 The Haywire Authors.

#include "haywire/cli/poll_flag.h"

#include <string>

DEFINE_string(poll, "adaptive",
              "How to wait for the other side: 'spin' (lowest latency, keeps "
              "a CPU core busy while waiting; for guest-serve: always), "
              "'adaptive' (spin briefly, then sleep longer the longer the "
              "wait lasts) or 'sleep' (least CPU, adds a sleep's latency). "
              "See docs/PERFORMANCE.md for what each costs.");

namespace {

bool ValidatePoll(const char*, const std::string& value) {
  return haywire::ParsePollMode(value).ok();
}

const bool poll_validator_registered =
    gflags::RegisterFlagValidator(&FLAGS_poll, &ValidatePoll);

}  // namespace

namespace haywire {

PollMode PollModeFromFlag() {
  (void)poll_validator_registered;
  return ParsePollMode(FLAGS_poll).value_or(PollMode::kAdaptive);
}

}  // namespace haywire
