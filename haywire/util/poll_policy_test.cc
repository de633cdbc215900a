// Copyright 2026 The Haywire Authors.

#include "haywire/util/poll_policy.h"

#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(PollPolicyTest, ParsesTheThreeModesAndRejectsOthers) {
  for (PollMode mode : {PollMode::kSpin, PollMode::kAdaptive, PollMode::kSleep}) {
    absl::StatusOr<PollMode> parsed = ParsePollMode(PollModeName(mode));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, mode);
  }
  absl::StatusOr<PollMode> bad = ParsePollMode("busy");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("spin, adaptive or sleep"),
            std::string::npos);
}

TEST(PollPolicyTest, SpinModeNeverLeavesSpinning) {
  Waiter waiter(ClientWaitSchedule(PollMode::kSpin));
  for (int i = 0; i < 10000; ++i) waiter.Pause();
  EXPECT_TRUE(waiter.spinning());
}

TEST(PollPolicyTest, SleepModeNeverSpins) {
  Waiter waiter(ClientWaitSchedule(PollMode::kSleep));
  EXPECT_FALSE(waiter.spinning());
  waiter.Pause();
  EXPECT_FALSE(waiter.spinning());
  EXPECT_GT(waiter.elapsed(), absl::ZeroDuration());
}

TEST(PollPolicyTest, AdaptiveSpinsThenStopsSpinningThenRestarts) {
  WaitSchedule schedule = ClientWaitSchedule(PollMode::kAdaptive);
  schedule.spin = absl::Microseconds(100);
  schedule.yield = absl::Microseconds(100);
  Waiter waiter(schedule);
  EXPECT_TRUE(waiter.spinning());
  // However slow this machine is, enough pauses pass the spin phase.
  for (int i = 0; i < 1'000'000 && waiter.spinning(); ++i) waiter.Pause();
  EXPECT_FALSE(waiter.spinning());
  EXPECT_GE(waiter.elapsed(), schedule.spin);
  waiter.Restart();
  EXPECT_TRUE(waiter.spinning());
}

TEST(PollPolicyTest, CompanionSchedulesRespectMaxSleep) {
  for (PollMode mode : {PollMode::kSpin, PollMode::kAdaptive, PollMode::kSleep}) {
    const WaitSchedule s =
        CompanionWaitSchedule(mode, absl::Microseconds(30));
    EXPECT_LE(s.hot_sleep, absl::Microseconds(30)) << PollModeName(mode);
    EXPECT_EQ(s.max_sleep, absl::Microseconds(30));
  }
  EXPECT_EQ(CompanionWaitSchedule(PollMode::kSpin, absl::Milliseconds(10)).spin,
            absl::InfiniteDuration());
  EXPECT_EQ(CompanionWaitSchedule(PollMode::kSleep, absl::Milliseconds(10)).spin,
            absl::ZeroDuration());
}

}  // namespace
}  // namespace haywire
