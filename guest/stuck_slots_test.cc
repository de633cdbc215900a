// Copyright 2026 The Haywire Authors.
//
// StuckSlotSweeper on its own, with the clock in the test's hands: which
// words it frees, after how long, and that a word that moves is not stuck.

#include "guest/stuck_slots.h"

#include <array>
#include <memory>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

CompanionIdentity Identity() {
  CompanionIdentity identity;
  identity.pid = 1;
  return identity;
}

constexpr uint64_t kMs = 1'000'000;

class StuckSlotSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestRegion>> region =
        TestRegion::Create(kMinRegionPages, 0x5107, Identity());
    ASSERT_TRUE(region.ok()) << region.status();
    region_ = *std::move(region);
    for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
      slots_[i] = &region_->region().request_slot(i);
    }
  }

  void Put(uint32_t i, uint64_t raw) { StoreRelease(slots_[i]->state, raw); }
  uint64_t Word(uint32_t i) { return LoadAcquire(slots_[i]->state); }

  std::unique_ptr<TestRegion> region_;
  std::array<RequestSlotPage*, kRequestSlotCount> slots_;
};

TEST_F(StuckSlotSweeperTest, ClassifiesWhatTheCompanionDidNotSet) {
  const SlotWord published{SlotState::kResponseReady, 7, 42};
  EXPECT_EQ(ClassifySlotWord(0, std::nullopt), SlotWordClass::kLive);
  EXPECT_EQ(ClassifySlotWord(SlotWord{SlotState::kRequestReady, 3, 9}.Pack(),
                             std::nullopt),
            SlotWordClass::kLive);
  EXPECT_EQ(ClassifySlotWord(published.Pack(), published),
            SlotWordClass::kKept);
  // Forged: a response-ready word the companion never published.
  EXPECT_EQ(ClassifySlotWord(SlotWord{SlotState::kResponseReady, 8, 42}.Pack(),
                             published),
            SlotWordClass::kForeign);
  EXPECT_EQ(ClassifySlotWord(published.Pack(), std::nullopt),
            SlotWordClass::kForeign);
  for (SlotState s :
       {SlotState::kClaimed, SlotState::kInProgress, SlotState::kAbandoned}) {
    EXPECT_EQ(ClassifySlotWord(SlotWord{s, 1, 5}.Pack(), std::nullopt),
              SlotWordClass::kForeign);
  }
  // Not well-formed: unknown state, free with an owner, taken without one.
  EXPECT_EQ(ClassifySlotWord(0xFF, std::nullopt), SlotWordClass::kForeign);
  EXPECT_EQ(ClassifySlotWord(uint64_t{5} << 32, std::nullopt),
            SlotWordClass::kForeign);
  EXPECT_EQ(ClassifySlotWord(SlotWord{SlotState::kRequestReady, 1, 0}.Pack(),
                             std::nullopt),
            SlotWordClass::kForeign);
}

TEST_F(StuckSlotSweeperTest, FreesStuckWordsAfterTheirTimeoutAndNothingElse) {
  StuckSlotOptions options;
  options.timeout = absl::Seconds(1);
  options.kept_timeout = absl::Seconds(10);
  StuckSlotSweeper sweeper(options);
  ASSERT_TRUE(TryClaimSlot(*slots_[0], 4242));  // claimed, never published
  Put(1, 0xDEADBEEF12345699);                   // garbage (state 0x99)
  const SlotWord in_progress{SlotState::kInProgress, 5, 77};
  Put(2, in_progress.Pack());  // forged: this companion never takes
  Put(3, SlotWord{SlotState::kAbandoned, 6, 78}.Pack());
  Put(4, SlotWord{SlotState::kResponseReady, 9, 79}.Pack());  // forged
  const SlotWord ready{SlotState::kRequestReady, 2, 80};
  Put(5, ready.Pack());  // served on the next pass, never stuck
  const SlotWord kept{SlotState::kResponseReady, 3, 81};
  Put(6, kept.Pack());
  sweeper.Published(6, kept);

  EXPECT_EQ(sweeper.Sweep(slots_, 0), 0);
  EXPECT_EQ(sweeper.Sweep(slots_, 999 * kMs), 0);
  EXPECT_EQ(sweeper.Sweep(slots_, 1000 * kMs), 5);
  for (uint32_t i = 0; i <= 4; ++i) {
    const SlotWord now = SlotWord::Unpack(Word(i));
    EXPECT_EQ(now.state, SlotState::kFree) << i;
    EXPECT_EQ(now.owner_pid, 0u) << i;
  }
  // The generation is kept, so the next claim moves past it and the stuck
  // holder's old word can never match again.
  EXPECT_EQ(SlotWord::Unpack(Word(2)).generation, 5u);
  EXPECT_EQ(Word(5), ready.Pack());
  EXPECT_EQ(Word(6), kept.Pack());
  // A claim of a freed slot works.
  EXPECT_TRUE(TryClaimSlot(*slots_[1], 99).has_value());

  // The kept slot goes after its own, longer timeout.
  EXPECT_EQ(sweeper.Sweep(slots_, 9999 * kMs), 0);
  EXPECT_EQ(sweeper.Sweep(slots_, 10000 * kMs), 1);
  EXPECT_EQ(SlotWord::Unpack(Word(6)).state, SlotState::kFree);
  EXPECT_EQ(sweeper.freed(), 6u);
}

TEST_F(StuckSlotSweeperTest, AWordThatMovesIsNotStuck) {
  StuckSlotOptions options;
  options.timeout = absl::Seconds(1);
  StuckSlotSweeper sweeper(options);
  std::optional<SlotWord> claim = TryClaimSlot(*slots_[0], 4242);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(sweeper.Sweep(slots_, 0), 0);
  // The owner moves on (releases, claims again: a new generation) just
  // before the timeout; the new word's clock starts then.
  ASSERT_TRUE(ReleaseClaim(*slots_[0], *claim));
  ASSERT_TRUE(TryClaimSlot(*slots_[0], 4242).has_value());
  EXPECT_EQ(sweeper.Sweep(slots_, 900 * kMs), 0);
  EXPECT_EQ(sweeper.Sweep(slots_, 1800 * kMs), 0);
  EXPECT_EQ(sweeper.Sweep(slots_, 1900 * kMs), 1);
}

TEST_F(StuckSlotSweeperTest, ResetNamesTheExactWord) {
  const SlotWord claimed{SlotState::kClaimed, 4, 10};
  Put(0, claimed.Pack());
  // A stale view frees nothing.
  EXPECT_FALSE(
      ResetStuckSlot(*slots_[0], SlotWord{SlotState::kClaimed, 3, 10}.Pack()));
  EXPECT_EQ(Word(0), claimed.Pack());
  EXPECT_TRUE(ResetStuckSlot(*slots_[0], claimed.Pack()));
  EXPECT_EQ(Word(0), (SlotWord{SlotState::kFree, 4, 0}.Pack()));
}

}  // namespace
}  // namespace haywire
