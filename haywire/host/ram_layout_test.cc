// Copyright 2026 The Haywire Authors.

#include "haywire/host/ram_layout.h"

#include <random>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMiB = 1ull << 20;

// `count` region pages scattered over a guest laid out as `truth` says.
std::vector<FramePair> PairsOf(const RamLayout& truth, int count,
                               uint32_t seed) {
  std::mt19937_64 random(seed);
  std::vector<FramePair> pairs;
  while (static_cast<int>(pairs.size()) < count) {
    const RamSegment& s = truth.segments[random() % truth.segments.size()];
    const uint64_t page = random() % (s.bytes / 4096);
    pairs.push_back(
        {s.guest_physical + page * 4096, s.file_offset + page * 4096});
  }
  return pairs;
}

RamLayout Truth(std::vector<RamSegment> segments) {
  RamLayout layout;
  layout.segments = std::move(segments);
  return layout;
}

TEST(RamLayoutTest, X86BelowTheHoleIsIdentity) {
  const RamLayout truth = Truth({{0, 0, 512 * kMiB}});
  absl::StatusOr<RamLayout> got =
      DeriveRamLayout(PairsOf(truth, 100, 1), 512 * kMiB);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->machine, "x86 (pc/q35)");
  EXPECT_FALSE(got->partial);
  EXPECT_EQ(got->confirming_pairs, 100u);
  EXPECT_EQ(got->FileOffset(0x1234), 0x1234u);
  EXPECT_EQ(got->FileOffset(512 * kMiB - 1), 512 * kMiB - 1);
  EXPECT_FALSE(got->FileOffset(512 * kMiB).has_value());
}

TEST(RamLayoutTest, X86AboveTheHoleIsFoundFromAHighPage) {
  // pc with 6 GiB: 3 GiB under the hole, 3 GiB from 4 GiB on.
  for (uint64_t below : {2 * kGiB, 3 * kGiB, 3584 * kMiB}) {
    const uint64_t size = 6 * kGiB;
    const RamLayout truth =
        Truth({{0, 0, below}, {4 * kGiB, below, size - below}});
    absl::StatusOr<RamLayout> got =
        DeriveRamLayout(PairsOf(truth, 200, 2), size);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_FALSE(got->partial);
    ASSERT_EQ(got->segments.size(), 2u);
    EXPECT_EQ(got->segments[0].bytes, below);
    EXPECT_EQ(got->FileOffset(4 * kGiB), below);
    EXPECT_EQ(got->FileOffset(4 * kGiB + (size - below) - 1), size - 1);
    EXPECT_FALSE(got->FileOffset(below).has_value()) << "the PCI hole";
    EXPECT_FALSE(got->FileOffset(4 * kGiB + (size - below)).has_value());
  }
}

TEST(RamLayoutTest, X86WithoutAHighPageIsPartial) {
  const uint64_t size = 6 * kGiB;
  const RamLayout truth = Truth({{0, 0, 1 * kGiB}});  // pages low only
  absl::StatusOr<RamLayout> got = DeriveRamLayout(PairsOf(truth, 50, 3), size);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->partial);
  EXPECT_EQ(got->FileOffset(2 * kGiB - 1), 2 * kGiB - 1);
  EXPECT_FALSE(got->FileOffset(2 * kGiB).has_value());
  EXPECT_FALSE(got->FileOffset(5 * kGiB).has_value());
}

TEST(RamLayoutTest, Arm64VirtStartsAtOneGiB) {
  const uint64_t size = 2 * kGiB;
  const RamLayout truth = Truth({{1 * kGiB, 0, size}});
  absl::StatusOr<RamLayout> got = DeriveRamLayout(PairsOf(truth, 100, 4), size);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->machine, "arm64 (virt)");
  EXPECT_EQ(got->FileOffset(1 * kGiB), 0u);
  EXPECT_EQ(got->FileOffset(3 * kGiB - 1), size - 1);
  EXPECT_FALSE(got->FileOffset(1 * kGiB - 1).has_value());
}

TEST(RamLayoutTest, PairsThatFitNoLayoutAreRefused) {
  const uint64_t size = 1 * kGiB;
  std::vector<FramePair> pairs = PairsOf(Truth({{0, 0, size}}), 20, 5);
  pairs.push_back({0x5000, 0x9000});  // a lie, or another file
  absl::StatusOr<RamLayout> got = DeriveRamLayout(pairs, size);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(
      absl::StrContains(got.status().message(), "fit no known RAM layout"))
      << got.status();
  EXPECT_FALSE(DeriveRamLayout({}, size).ok());
  // Frames past the end of the file.
  EXPECT_FALSE(DeriveRamLayout({{{2 * kGiB, 2 * kGiB}}}, size).ok());
}

}  // namespace
}  // namespace haywire
