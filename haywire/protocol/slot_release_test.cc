// Copyright 2026 The Haywire Authors.
//
// How a slot goes back to free, on one thread: a host abandoning its
// request at every stage, releasing a claim, reclaiming a dead owner's slot,
// and keeping a slot for its next request.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/slot.h"
#include "haywire/protocol/slot_test_support.h"

namespace haywire {
namespace {

TEST_F(SlotTest, AbandonBeforeTakeFreesTheSlot) {
  const SlotWord published = ClaimAndPublish(kHostA, 20, "never served");
  EXPECT_TRUE(AbandonRequest(slot(), published));
  const SlotWord after = LoadSlotWord(slot());
  EXPECT_EQ(after.state, SlotState::kFree);
  EXPECT_EQ(after.owner_pid, 0u);
  Request req;
  bool malformed;
  EXPECT_FALSE(TryTakeRequest(slot(), &req, &malformed));
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kLost);
  // A second abandon of the same request is refused: not ours any more.
  EXPECT_FALSE(AbandonRequest(slot(), published));
  EXPECT_TRUE(TryClaimSlot(slot(), kHostB));
}

TEST_F(SlotTest, AbandonAfterResponseFreesTheSlot) {
  const SlotWord published = ClaimAndPublish(kHostA, 21, "late reader");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  EXPECT_TRUE(AbandonRequest(slot(), published));
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);
  Response r;
  EXPECT_FALSE(ConsumeResponse(slot(), response(), published, 21, &r).ok());
}

TEST_F(SlotTest, AbandonDuringServiceIsDroppedByTheCompanion) {
  const SlotWord published = ClaimAndPublish(kHostA, 30, "slow");
  Request req;
  bool malformed;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken);

  EXPECT_TRUE(AbandonRequest(slot(), published));
  SlotWord now = LoadSlotWord(slot());
  EXPECT_EQ(now.state, SlotState::kAbandoned);
  EXPECT_EQ(now.generation, published.generation);
  EXPECT_TRUE(now.IsWellFormed());
  EXPECT_TRUE(AbandonRequest(slot(), published));  // idempotent
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kLost);
  // Nobody may claim or reclaim it while the companion still holds it.
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));
  EXPECT_FALSE(ReclaimSlot(slot(), now));

  EXPECT_EQ(Answer(0, *taken, req), Completion::kDropped);
  now = LoadSlotWord(slot());
  EXPECT_EQ(now.state, SlotState::kFree);
  EXPECT_EQ(now.owner_pid, 0u);
  Response r;
  EXPECT_FALSE(ConsumeResponse(slot(), response(), published, 30, &r).ok());
  EXPECT_TRUE(TryClaimSlot(slot(), kHostB));
}

TEST_F(SlotTest, ReleaseClaim) {
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  EXPECT_TRUE(ReleaseClaim(slot(), *c));
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);
  EXPECT_FALSE(ReleaseClaim(slot(), *c));  // no longer claimed
  // A stale claim cannot release a newer one.
  std::optional<SlotWord> c2 = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c2);
  EXPECT_FALSE(ReleaseClaim(slot(), *c));
  EXPECT_EQ(LoadSlotWord(slot()), *c2);
}

TEST_F(SlotTest, ReclaimFreesDeadOwnersSlots) {
  // kClaimed.
  std::optional<SlotWord> c = TryClaimSlot(slot(0), kHostA);
  ASSERT_TRUE(c);
  EXPECT_TRUE(ReclaimSlot(slot(0), LoadSlotWord(slot(0))));
  EXPECT_EQ(LoadSlotWord(slot(0)).state, SlotState::kFree);
  EXPECT_EQ(LoadSlotWord(slot(0)).owner_pid, 0u);

  // kRequestReady.
  SlotWord p = ClaimAndPublish(kHostA, 1, "x", 1);
  EXPECT_TRUE(ReclaimSlot(slot(1), p));
  EXPECT_EQ(LoadSlotWord(slot(1)).state, SlotState::kFree);
  Request req;
  bool malformed;
  EXPECT_FALSE(TryTakeRequest(slot(1), &req, &malformed));

  // kResponseReady.
  p = ClaimAndPublish(kHostA, 2, "y", 2);
  ASSERT_EQ(Serve(2), Completion::kDelivered);
  const SlotWord ready = LoadSlotWord(slot(2));
  ASSERT_EQ(ready.state, SlotState::kResponseReady);
  EXPECT_TRUE(ReclaimSlot(slot(2), ready));
  EXPECT_EQ(LoadSlotWord(slot(2)).state, SlotState::kFree);
  Response r;
  EXPECT_FALSE(ConsumeResponse(slot(2), response(2), p, 2, &r).ok());
}

TEST_F(SlotTest, ReclaimLeavesSlotsTheCompanionHoldsAlone) {
  const SlotWord p = ClaimAndPublish(kHostA, 1, "x");
  Request req;
  bool malformed;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(ReclaimSlot(slot(), *taken));  // in progress
  EXPECT_EQ(LoadSlotWord(slot()), *taken);
  ASSERT_TRUE(AbandonRequest(slot(), p));
  const SlotWord abandoned = LoadSlotWord(slot());
  ASSERT_EQ(abandoned.state, SlotState::kAbandoned);
  EXPECT_FALSE(ReclaimSlot(slot(), abandoned));
  EXPECT_EQ(LoadSlotWord(slot()), abandoned);
  // Free slots are not "reclaimed" either.
  EXPECT_EQ(Answer(0, *taken, req), Completion::kDropped);
  EXPECT_FALSE(ReclaimSlot(slot(), LoadSlotWord(slot())));
}

TEST_F(SlotTest, ReclaimRefusesWhenTheWordChanged) {
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  const SlotWord observed = *c;
  // The owner was alive after all: it publishes.
  SlotWord p;
  ASSERT_TRUE(
      PublishRequest(slot(), *c, 1, RequestType::kPing, {}, nullptr, &p).ok());
  EXPECT_FALSE(ReclaimSlot(slot(), observed));
  EXPECT_EQ(LoadSlotWord(slot()), p);

  // Freed and claimed again by someone else (same pid even): the old
  // observation of the same state no longer matches (generation).
  ASSERT_TRUE(AbandonRequest(slot(), p));
  std::optional<SlotWord> c2 = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c2);
  EXPECT_FALSE(ReclaimSlot(slot(), observed));
  EXPECT_EQ(LoadSlotWord(slot()), *c2);
  // A forged observation with another pid does not match either.
  SlotWord forged = *c2;
  forged.owner_pid = kHostB;
  EXPECT_FALSE(ReclaimSlot(slot(), forged));
  EXPECT_EQ(LoadSlotWord(slot()), *c2);
}

TEST_F(SlotTest, KeptSlotCarriesTheNextRequestInOneTransition) {
  SlotWord published = ClaimAndPublish(kHostA, 1, "first");
  Response r;
  const SlotWord kept = ServeAndKeep(published, 1, &r);
  EXPECT_EQ(r.payload, "tsrif");
  // Kept: still kResponseReady, ours, same generation; nobody can claim it.
  EXPECT_EQ(LoadSlotWord(slot()), kept);
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB).has_value());

  // The next request goes straight from kResponseReady to kRequestReady
  // with the next generation, like a claim would give it.
  SlotWord second;
  const auto bytes = Bytes("second");
  ASSERT_TRUE(PublishRequest(slot(), kept, 2, RequestType::kPing, bytes,
                             nullptr, &second)
                  .ok());
  EXPECT_EQ(second.state, SlotState::kRequestReady);
  EXPECT_EQ(second.generation, published.generation + 1);
  EXPECT_EQ(second.owner_pid, kHostA);
  EXPECT_EQ(LoadSlotWord(slot()), second);
  // A companion still holding the old word cannot answer the new request.
  Request stale;
  stale.ticket = 1;
  stale.type = static_cast<uint32_t>(RequestType::kPing);
  stale.payload_bytes = 0;
  EXPECT_EQ(Answer(0, published, stale), Completion::kLost);
  EXPECT_EQ(LoadSlotWord(slot()), second);

  const SlotWord kept2 = ServeAndKeep(second, 2, &r);
  EXPECT_EQ(r.ticket, 2u);
  EXPECT_EQ(r.payload, "dnoces");
  // Releasing hands it back, once.
  EXPECT_TRUE(ReleaseKeptSlot(slot(), kept2));
  EXPECT_EQ(LoadSlotWord(slot()),
            (SlotWord{SlotState::kFree, second.generation, 0}));
  EXPECT_FALSE(ReleaseKeptSlot(slot(), kept2));
  EXPECT_TRUE(TryClaimSlot(slot(), kHostB).has_value());
}

TEST_F(SlotTest, KeptSlotThatChangedHandsIsNeitherDeliveredNorReused) {
  SlotWord published = ClaimAndPublish(kHostA, 1, "x");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  SlotWord ready = published;
  ready.state = SlotState::kResponseReady;
  // Another host wrongly takes kHostA for dead and reclaims the slot, then
  // claims it itself.
  ASSERT_TRUE(ReclaimSlot(slot(), ready));
  ASSERT_TRUE(TryClaimSlot(slot(), kHostB).has_value());
  Response r;
  EXPECT_EQ(ConsumeResponse(slot(), response(), published, 1, &r,
                            AfterResponse::kKeep)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // Publishing on the (no longer) kept slot fails and writes no state.
  const SlotWord b_word = LoadSlotWord(slot());
  SlotWord next;
  EXPECT_EQ(
      PublishRequest(slot(), ready, 2, RequestType::kPing, {}, nullptr, &next)
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadSlotWord(slot()), b_word);
  EXPECT_FALSE(ReleaseKeptSlot(slot(), ready));
  EXPECT_EQ(LoadSlotWord(slot()), b_word);
}

TEST_F(SlotTest, KeptSlotOfADeadOwnerIsReclaimable) {
  SlotWord published = ClaimAndPublish(kHostA, 1, "x");
  Response r;
  const SlotWord kept = ServeAndKeep(published, 1, &r);
  ASSERT_EQ(LoadSlotWord(slot()), kept);
  EXPECT_TRUE(ReclaimSlot(slot(), kept));
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);
}

}  // namespace
}  // namespace haywire
