// Copyright 2026 The Haywire Authors.
//
// ErrorBackoff: how long a source that keeps failing waits before it tries
// again.
//
// The companion's event thread reads a netlink socket or lists /proc over
// and over. When that fails (a socket error, /proc unmounted or hidden, a
// kernel that keeps refusing), retrying at the normal pace would spin: a
// log line and a system call every few milliseconds, for as long as the
// failure lasts. Each consecutive failure instead doubles the wait, from
// `initial` up to `max`; the first success resets it.
//
//   ErrorBackoff backoff({.initial = absl::Milliseconds(50),
//                         .max = absl::Seconds(5)});
//   for (;;) {
//     if (absl::Status s = TryOnce(); !s.ok()) {
//       absl::SleepFor(backoff.Failed());
//       continue;
//     }
//     backoff.Succeeded();
//   }
//
// Not thread-safe: one loop owns it.
#ifndef HAYWIRE_GUEST_ERROR_BACKOFF_H_
#define HAYWIRE_GUEST_ERROR_BACKOFF_H_

#include <algorithm>
#include <cstdint>

#include "absl/time/time.h"

namespace haywire {

struct ErrorBackoffOptions {
  absl::Duration initial = absl::Milliseconds(50);
  absl::Duration max = absl::Seconds(5);
};

class ErrorBackoff {
 public:
  explicit ErrorBackoff(ErrorBackoffOptions options = {})
      : options_(options), next_(options.initial) {}

  // Records a failure; returns how long to wait before the next try:
  // initial, 2 * initial, 4 * initial... capped at max.
  absl::Duration Failed() {
    const absl::Duration wait = std::min(next_, options_.max);
    next_ = std::min(wait * 2, options_.max);
    ++consecutive_failures_;
    return wait;
  }

  // Records a success: the next failure waits `initial` again.
  void Succeeded() {
    next_ = options_.initial;
    consecutive_failures_ = 0;
  }

  uint64_t consecutive_failures() const { return consecutive_failures_; }

 private:
  ErrorBackoffOptions options_;
  absl::Duration next_;
  uint64_t consecutive_failures_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_ERROR_BACKOFF_H_
