// Copyright 2026 The Haywire Authors.

#include "haywire/util/poll_policy.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(PollPolicyTest, ParsesTheThreeModesAndRejectsOthers) {
  for (PollMode mode :
       {PollMode::kSpin, PollMode::kAdaptive, PollMode::kSleep}) {
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

// Sleeps only ever overshoot, so these bounds hold on a loaded machine too.
TEST(PollPolicyTest, ProportionalSleepsGrowWithTheWait) {
  WaitSchedule schedule;
  schedule.hot_sleep = absl::Microseconds(10);
  schedule.hot_window = absl::InfiniteDuration();  // never doubles by itself
  schedule.max_sleep = absl::Seconds(1);
  schedule.sleep_fraction = 1.0;  // each sleep at least doubles the wait
  Waiter waiter(schedule);
  int pauses = 0;
  while (waiter.elapsed() < absl::Milliseconds(50)) {
    waiter.Pause();
    ++pauses;
    // After k pauses the wait is at least 10 us * 2^(k-1).
    ASSERT_GE(waiter.elapsed(),
              absl::Microseconds(10) * (1 << std::min(pauses - 1, 20)))
        << pauses;
  }
  // Fixed 10 us sleeps would take thousands of pauses to reach 50 ms;
  // doubling from 10 us takes at most 14.
  EXPECT_LE(pauses, 14);
}

TEST(PollPolicyTest, ProportionalSleepsStopAtMaxSleep) {
  WaitSchedule schedule;
  schedule.hot_sleep = absl::Microseconds(10);
  schedule.max_sleep = absl::Microseconds(200);
  schedule.sleep_fraction = 1.0;
  Waiter waiter(schedule);
  // Once the wait is long, a proportional sleep would be as long again;
  // capped, 20 more pauses add at least 20 * 200 us but far less than the
  // 2^20-fold growth an uncapped one would.
  while (waiter.elapsed() < absl::Milliseconds(1)) waiter.Pause();
  const absl::Duration before = waiter.elapsed();
  for (int i = 0; i < 20; ++i) waiter.Pause();
  EXPECT_GE(waiter.elapsed() - before, absl::Microseconds(19 * 200));
  EXPECT_LT(waiter.elapsed() - before, absl::Seconds(10));
}

TEST(PollPolicyTest, ClientSleepsInProportionToTheWait) {
  for (PollMode mode : {PollMode::kAdaptive, PollMode::kSleep}) {
    const WaitSchedule s = ClientWaitSchedule(mode);
    EXPECT_GT(s.sleep_fraction, 0) << PollModeName(mode);
    EXPECT_LE(s.sleep_fraction, 0.25) << PollModeName(mode);
  }
}

TEST(PollPolicyTest, CapNextSleepShortensOneSleepOnly) {
  WaitSchedule schedule;  // no spin, no yield: every Pause() sleeps
  schedule.hot_sleep = absl::Milliseconds(500);
  schedule.max_sleep = absl::Milliseconds(500);
  Waiter waiter(schedule);
  waiter.CapNextSleep(absl::Milliseconds(1));
  const absl::Time start = absl::Now();
  waiter.Pause();
  const absl::Duration capped = absl::Now() - start;
  waiter.Pause();
  const absl::Duration uncapped = absl::Now() - start - capped;
  // Sleeps only overshoot: the uncapped one is at least its 500 ms; the
  // capped one, 1 ms asked, is far below it even on a loaded machine.
  EXPECT_GE(uncapped, absl::Milliseconds(500));
  EXPECT_LT(capped, absl::Milliseconds(250));
}

TEST(PollPolicyTest, CompanionSchedulesRespectMaxSleep) {
  for (PollMode mode :
       {PollMode::kSpin, PollMode::kAdaptive, PollMode::kSleep}) {
    const WaitSchedule s = CompanionWaitSchedule(mode, absl::Microseconds(30));
    EXPECT_LE(s.hot_sleep, absl::Microseconds(30)) << PollModeName(mode);
    EXPECT_EQ(s.max_sleep, absl::Microseconds(30));
  }
  EXPECT_EQ(CompanionWaitSchedule(PollMode::kSpin, absl::Milliseconds(10)).spin,
            absl::InfiniteDuration());
  EXPECT_EQ(
      CompanionWaitSchedule(PollMode::kSleep, absl::Milliseconds(10)).spin,
      absl::ZeroDuration());
}

}  // namespace
}  // namespace haywire
