// Copyright 2026 The Haywire Authors.

#include "haywire/util/latency_stats.h"

#include <algorithm>
#include <random>

#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(LatencyStatsTest, EmptyIsAllZero) {
  const LatencySummary s = SummarizeLatencies({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p50_ns, 0u);
  EXPECT_EQ(s.max_ns, 0u);
}

TEST(LatencyStatsTest, NearestRankOnOneToThousand) {
  std::vector<uint64_t> samples(1000);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = i + 1;
  std::shuffle(samples.begin(), samples.end(), std::mt19937(7));
  const LatencySummary s = SummarizeLatencies(samples);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.min_ns, 1u);
  EXPECT_EQ(s.p50_ns, 500u);
  EXPECT_EQ(s.p90_ns, 900u);
  EXPECT_EQ(s.p99_ns, 990u);
  EXPECT_EQ(s.p999_ns, 999u);
  EXPECT_EQ(s.max_ns, 1000u);
  EXPECT_DOUBLE_EQ(s.mean_ns, 500.5);
}

TEST(LatencyStatsTest, PercentilesAreMeasuredSamples) {
  // Two samples: p50 is the first, p90 and above the second; nothing is
  // interpolated between them.
  const LatencySummary s = SummarizeLatencies({300, 100});
  EXPECT_EQ(s.p50_ns, 100u);
  EXPECT_EQ(s.p90_ns, 300u);
  EXPECT_EQ(s.p999_ns, 300u);
}

TEST(LatencyStatsTest, SingleSample) {
  const LatencySummary s = SummarizeLatencies({42});
  EXPECT_EQ(s.min_ns, 42u);
  EXPECT_EQ(s.p50_ns, 42u);
  EXPECT_EQ(s.p999_ns, 42u);
}

}  // namespace
}  // namespace haywire
