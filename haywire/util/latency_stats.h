// Copyright 2026 The Haywire Authors.
//
// Latency statistics: percentiles of a set of measured durations, as the
// benchmarks report them.
//
// Percentiles use the nearest-rank definition (the smallest sample such that
// at least p% of the samples are <= it), so every reported number is a
// sample that was actually measured, never an interpolation.
#ifndef HAYWIRE_UTIL_LATENCY_STATS_H_
#define HAYWIRE_UTIL_LATENCY_STATS_H_

#include <cstdint>
#include <vector>

namespace haywire {

struct LatencySummary {
  uint64_t count = 0;
  uint64_t min_ns = 0;
  uint64_t p50_ns = 0;
  uint64_t p90_ns = 0;
  uint64_t p99_ns = 0;
  uint64_t p999_ns = 0;
  uint64_t max_ns = 0;
  double mean_ns = 0;
};

// Nearest-rank percentile `p` (0 < p <= 100) of sorted `samples`; 0 when
// empty.
uint64_t NearestRank(const std::vector<uint64_t>& sorted, double p);

// Sorts `samples` and summarises them. All zeros for an empty set.
LatencySummary SummarizeLatencies(std::vector<uint64_t> samples);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_LATENCY_STATS_H_
