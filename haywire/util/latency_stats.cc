// Copyright 2026 The Haywire Authors.

#include "haywire/util/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace haywire {

uint64_t NearestRank(const std::vector<uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // The epsilon keeps 99.9% of 1000 at rank 999 despite binary rounding.
  const double rank =
      std::ceil(p * static_cast<double>(sorted.size()) / 100.0 - 1e-9);
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

LatencySummary SummarizeLatencies(std::vector<uint64_t> samples) {
  LatencySummary summary;
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  summary.count = samples.size();
  summary.min_ns = samples.front();
  summary.p50_ns = NearestRank(samples, 50);
  summary.p90_ns = NearestRank(samples, 90);
  summary.p99_ns = NearestRank(samples, 99);
  summary.p999_ns = NearestRank(samples, 99.9);
  summary.max_ns = samples.back();
  summary.mean_ns =
      std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
  return summary;
}

}  // namespace haywire
