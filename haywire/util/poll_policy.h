// Copyright 2026 The Haywire Authors.
//
// Poll policy: how a side of the protocol waits for the other.
//
// Neither side can interrupt the other: the host cannot raise an interrupt
// in the guest through a RAM file, and the guest cannot signal a host
// process. So both poll shared memory, and the only choice is how to spend
// the time between two looks:
//
//   spin   look continuously (a CPU pause instruction between looks). The
//          lowest latency - one cache-line transfer - at the price of a
//          whole core for as long as the wait lasts.
//   yield  look, then sched_yield(): gives the core to anything runnable,
//          still costs a core when nothing else runs.
//   sleep  look, then nanosleep(). Costs almost nothing, but every sleep
//          adds its length (plus the kernel's wake-up latency and timer
//          slack) to the time until the other side is noticed.
//
// `Waiter` walks these phases by how long the wait (or the idle period) has
// lasted: spin first, then yield, then "hot" sleeps of a short fixed length
// for a while, then sleeps that double up to a ceiling. `PollMode` names the
// three schedules users pick from (`--poll=spin|adaptive|sleep`); the
// adaptive thresholds were chosen from measurements (docs/PERFORMANCE.md).
#ifndef HAYWIRE_UTIL_POLL_POLICY_H_
#define HAYWIRE_UTIL_POLL_POLICY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace haywire {

enum class PollMode {
  kSpin,      // spin for the whole wait: lowest latency, one busy core.
  kAdaptive,  // spin briefly, yield, then sleep longer the longer it lasts.
  kSleep,     // never spin: least CPU, latency of a sleep.
};

// "spin", "adaptive", "sleep".
absl::StatusOr<PollMode> ParsePollMode(absl::string_view text);
std::string PollModeName(PollMode mode);

// The phases of one wait, by time since the wait (or idle period) began.
struct WaitSchedule {
  absl::Duration spin;        // [0, spin): pause instruction between looks.
  absl::Duration yield;       // then for this long: sched_yield().
  absl::Duration hot_sleep;   // then sleep this long per look ...
  absl::Duration hot_window;  // ... until this much time has passed overall,
  absl::Duration max_sleep;   // then double the sleep up to max_sleep.
  // When positive, replaces the hot window and the doubling: each sleep
  // lasts this fraction of the wait so far, within [hot_sleep, max_sleep].
  // That bounds what sleeping adds to a long wait to about this fraction,
  // while the number of wake-ups grows only with the logarithm of the wait
  // (a waiter queued behind other requests wakes a dozen times, not a
  // hundred, and leaves the CPU to the side it waits for).
  double sleep_fraction = 0;
  // Timer slack for the sleeps (prctl PR_SET_TIMERSLACK): the kernel may
  // wake a sleeper this much late to batch wake-ups; the default 50 us would
  // dominate a 100 us sleep.
  absl::Duration timer_slack;
};

// Host client waiting for a response.
WaitSchedule ClientWaitSchedule(PollMode mode);
// Companion waiting for the next request.
WaitSchedule CompanionWaitSchedule(PollMode mode, absl::Duration max_sleep);

// One CPU pause/yield instruction: tells the core (and an SMT sibling) that
// this is a spin loop.
inline void CpuRelax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Sets the calling thread's timer slack. Best effort: errors are ignored
// (the wait still works, only less precisely).
void SetThreadTimerSlack(absl::Duration slack);

// Waiter: call Pause() between looks; Restart() when the awaited thing
// happened (activity), so the next wait starts spinning again.
//
// Pause() reads the clock only every few calls while spinning (a clock read
// costs as much as several looks), so the phase boundaries are approximate
// by a few hundred nanoseconds.
class Waiter {
 public:
  explicit Waiter(const WaitSchedule& schedule);

  // Starts a new wait period now.
  void Restart();
  // Starts a new wait period at `now`, a clock reading the caller just
  // took (saves reading the clock again on a hot path).
  void Restart(absl::Time now);

  // Waits once according to the phase of the current period.
  void Pause();

  // If the next Pause() sleeps, it sleeps at most `cap`, once; the schedule
  // is otherwise unchanged (the sleep after it is what it would have been).
  void CapNextSleep(absl::Duration cap) { next_sleep_cap_ = cap; }

  // True while Pause() would spin; callers may then look only at what is
  // cheap to look at (the companion: the 16 slot state words) between
  // pauses, and do the rest when spinning ends.
  bool spinning() const { return phase_ == Phase::kSpin; }

  // The last clock reading Pause() or Restart() took.
  absl::Time last_clock_reading() const { return last_now_; }

  // Time since Restart(), as of the last clock read.
  absl::Duration elapsed() const { return last_now_ - start_; }

 private:
  enum class Phase { kSpin, kYield, kSleep };
  void UpdatePhase();

  WaitSchedule schedule_;
  absl::Time start_;
  absl::Time last_now_;
  Phase phase_ = Phase::kSpin;
  uint32_t calls_since_clock_ = 0;
  absl::Duration sleep_;
  absl::Duration next_sleep_cap_ = absl::InfiniteDuration();
};

}  // namespace haywire

#endif  // HAYWIRE_UTIL_POLL_POLICY_H_
