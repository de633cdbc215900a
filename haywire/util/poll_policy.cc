// Copyright 2026 The Haywire Authors.

#include "haywire/util/poll_policy.h"

#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"

namespace haywire {
namespace {

// While spinning, read the clock once per this many Pause() calls.
constexpr uint32_t kSpinCallsPerClockRead = 64;

}  // namespace

absl::StatusOr<PollMode> ParsePollMode(absl::string_view text) {
  if (text == "spin") return PollMode::kSpin;
  if (text == "adaptive") return PollMode::kAdaptive;
  if (text == "sleep") return PollMode::kSleep;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown poll mode \"", text, "\"; use spin, adaptive or sleep"));
}

std::string PollModeName(PollMode mode) {
  switch (mode) {
    case PollMode::kSpin:
      return "spin";
    case PollMode::kAdaptive:
      return "adaptive";
    case PollMode::kSleep:
      return "sleep";
  }
  return "unknown";
}

WaitSchedule ClientWaitSchedule(PollMode mode) {
  WaitSchedule s;
  s.timer_slack = absl::Microseconds(1);
  switch (mode) {
    case PollMode::kSpin:
      s.spin = absl::InfiniteDuration();
      break;
    case PollMode::kAdaptive:
      // A companion that is awake answers a PING in about a microsecond and
      // a chunk of /proc reads in tens to hundreds: spin through the first,
      // yield through the second, then sleep.
      s.spin = absl::Microseconds(50);
      s.yield = absl::Microseconds(200);
      break;
    case PollMode::kSleep:
      break;
  }
  // Past spinning and yielding, sleep an eighth of the wait so far (at
  // least 20 us, at most 500 us): a request queued behind other clients'
  // requests waits milliseconds, and sleeping in fixed 20 us steps through
  // that made 16 waiting clients wake ~30 times per request each and take
  // the CPU from the companion serving them (16 clients: 0.6-0.85x the
  // throughput of one; with proportional sleeps 0.78-0.91x, p99 halved).
  // An eighth bounds the latency sleeping adds to a long request to ~12%.
  s.hot_sleep = absl::Microseconds(20);
  s.sleep_fraction = 1.0 / 8;
  s.max_sleep = absl::Microseconds(500);
  return s;
}

WaitSchedule CompanionWaitSchedule(PollMode mode, absl::Duration max_sleep) {
  WaitSchedule s;
  s.timer_slack = absl::Microseconds(1);
  s.max_sleep = max_sleep;
  switch (mode) {
    case PollMode::kSpin:
      s.spin = absl::InfiniteDuration();
      s.hot_sleep = max_sleep;
      break;
    case PollMode::kAdaptive:
      // Requests come in bursts (a listing is tens of chunk requests, a
      // `watch` refreshes every second or two): spin right after activity,
      // stay on short sleeps for a while, then back off to max_sleep.
      s.spin = absl::Microseconds(200);
      s.hot_sleep = std::min(absl::Microseconds(100), max_sleep);
      s.hot_window = absl::Milliseconds(50);
      break;
    case PollMode::kSleep:
      s.hot_sleep = std::min(absl::Milliseconds(1), max_sleep);
      break;
  }
  return s;
}

void SetThreadTimerSlack(absl::Duration slack) {
  const int64_t ns = std::max<int64_t>(1, absl::ToInt64Nanoseconds(slack));
  (void)prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(ns), 0, 0, 0);
}

Waiter::Waiter(const WaitSchedule& schedule)
    : schedule_(schedule), sleep_(schedule.hot_sleep) {
  Restart();
}

void Waiter::Restart() { Restart(absl::Now()); }

void Waiter::Restart(absl::Time now) {
  start_ = last_now_ = now;
  calls_since_clock_ = 0;
  sleep_ = schedule_.hot_sleep;
  next_sleep_cap_ = absl::InfiniteDuration();
  phase_ = Phase::kSpin;
  UpdatePhase();
}

void Waiter::UpdatePhase() {
  const absl::Duration elapsed = last_now_ - start_;
  if (elapsed < schedule_.spin) {
    phase_ = Phase::kSpin;
  } else if (elapsed < schedule_.spin + schedule_.yield) {
    phase_ = Phase::kYield;
  } else {
    phase_ = Phase::kSleep;
  }
}

void Waiter::Pause() {
  if (phase_ == Phase::kSpin) {
    CpuRelax();
    if (++calls_since_clock_ < kSpinCallsPerClockRead) return;
    calls_since_clock_ = 0;
    last_now_ = absl::Now();
    UpdatePhase();
    return;
  }
  if (phase_ == Phase::kYield) {
    sched_yield();
  } else {
    if (schedule_.sleep_fraction > 0) {
      sleep_ = std::clamp((last_now_ - start_) * schedule_.sleep_fraction,
                          schedule_.hot_sleep,
                          std::max(schedule_.hot_sleep, schedule_.max_sleep));
    }
    const bool capped = next_sleep_cap_ < sleep_;
    std::this_thread::sleep_for(
        absl::ToChronoNanoseconds(capped ? next_sleep_cap_ : sleep_));
    next_sleep_cap_ = absl::InfiniteDuration();
    if (!capped && schedule_.sleep_fraction <= 0 &&
        last_now_ - start_ >= schedule_.hot_window) {
      sleep_ = std::min(sleep_ * 2, schedule_.max_sleep);
    }
  }
  last_now_ = absl::Now();
  UpdatePhase();
}

}  // namespace haywire
