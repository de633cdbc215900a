// Copyright 2026 The Haywire Authors.
//
// Clock readings as nanosecond counts, the unit every Haywire timestamp in
// shared memory and in messages uses. Through the vDSO these cost about
// 20 ns, so they are fine on hot paths that need them, and worth avoiding on
// those that do not (see Client::WaitForResponse).
#ifndef HAYWIRE_UTIL_CLOCK_H_
#define HAYWIRE_UTIL_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace haywire {

// Nanoseconds of `clock` (CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME).
inline uint64_t ClockNs(clockid_t clock) {
  struct timespec ts;
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<uint64_t>(ts.tv_nsec);
}

// Nanoseconds of CLOCK_MONOTONIC (the guest clock responses and events
// carry; on the host, what benchmarks time round trips with).
inline uint64_t MonotonicNowNs() { return ClockNs(CLOCK_MONOTONIC); }

}  // namespace haywire

#endif  // HAYWIRE_UTIL_CLOCK_H_
