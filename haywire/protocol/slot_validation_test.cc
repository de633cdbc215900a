// Copyright 2026 The Haywire Authors.
//
// What the slot functions check before they act, on one thread: payload
// sizes on both sides, tickets, the word a host names, and a claim that is
// no longer its own.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/protocol/slot_test_support.h"

namespace haywire {
namespace {

TEST_F(SlotTest, PublishRejectsOversizedPayload) {
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  std::vector<uint8_t> too_big(kRequestPayloadBytes + 1, 1);
  SlotWord published{SlotState::kFree, 999, 999};
  EXPECT_EQ(PublishRequest(slot(), *c, 1, RequestType::kPing, too_big,
                           doorbell(), &published)
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Not published, no doorbell, still ours to use.
  EXPECT_EQ(LoadSlotWord(slot()), *c);
  EXPECT_EQ(LoadRelaxed(*doorbell()), 0u);
  EXPECT_EQ(published, (SlotWord{SlotState::kFree, 999, 999}));
  Request req;
  bool malformed;
  EXPECT_FALSE(TryTakeRequest(slot(), &req, &malformed));

  // The largest payload that fits is accepted and arrives whole.
  std::vector<uint8_t> full(kRequestPayloadBytes);
  for (size_t i = 0; i < full.size(); ++i) full[i] = static_cast<uint8_t>(i);
  ASSERT_TRUE(PublishRequest(slot(), *c, 2, RequestType::kPing, full,
                             doorbell(), &published)
                  .ok());
  ASSERT_TRUE(TryTakeRequest(slot(), &req, &malformed));
  EXPECT_FALSE(malformed);
  ASSERT_EQ(req.payload_bytes, kRequestPayloadBytes);
  EXPECT_EQ(std::memcmp(req.payload, full.data(), full.size()), 0);
}

TEST_F(SlotTest, PublishFailsIfTheClaimWasReclaimed) {
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  ASSERT_TRUE(ReclaimSlot(slot(), *c));
  SlotWord published;
  EXPECT_EQ(PublishRequest(slot(), *c, 1, RequestType::kPing, {}, doorbell(),
                           &published)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);
  EXPECT_EQ(LoadRelaxed(*doorbell()), 0u);
}

TEST_F(SlotTest, OversizedRequestFromAHostileHostIsTakenAsMalformed) {
  const SlotWord published = ClaimAndPublish(kHostA, 9, "abc");
  // The host scribbles an impossible length after publishing.
  slot().payload_bytes = kRequestPayloadBytes + 1;
  Request req;
  req.payload_bytes = 1234;
  bool malformed = false;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken) << "a malformed request is still taken, to be answered";
  EXPECT_TRUE(malformed);
  EXPECT_EQ(req.payload_bytes, 0u);
  EXPECT_EQ(req.ticket, 9u);
  // It can be answered with an error like any other request.
  ResponseFields fields;
  fields.ticket = req.ticket;
  fields.status = ResponseStatus::kBadRequest;
  EXPECT_EQ(CompleteRequest(slot(), response(), *taken, fields, {}),
            Completion::kDelivered);
  Response r;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), published, 9, &r).ok());
  EXPECT_EQ(r.status, ResponseStatus::kBadRequest);

  // 0xFFFFFFFF too.
  const SlotWord p2 = ClaimAndPublish(kHostA, 10, "");
  slot().payload_bytes = 0xFFFFFFFFu;
  malformed = false;
  taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken);
  EXPECT_TRUE(malformed);
  EXPECT_EQ(req.payload_bytes, 0u);
  EXPECT_EQ(Answer(0, *taken, req), Completion::kDelivered);
  ASSERT_TRUE(ConsumeResponse(slot(), response(), p2, 10, &r).ok());
}

TEST_F(SlotTest, OversizedResponseFromAHostileCompanionIsNotDelivered) {
  const SlotWord published = ClaimAndPublish(kHostA, 11, "abc");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  slot().response.payload_bytes = kResponsePayloadBytes + 1;
  Response r;
  r.payload = "untouched";
  EXPECT_EQ(ConsumeResponse(slot(), response(), published, 11, &r).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.payload, "untouched");
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);  // freed anyway.
}

TEST_F(SlotTest, WrongTicketIsNeverDeliveredAndTheSlotIsFreed) {
  const SlotWord published = ClaimAndPublish(kHostA, 100, "mine");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  // The response page now echoes 100; corrupt it to another ticket.
  slot().response.ticket = 101;
  Response r;
  r.ticket = 55;
  r.payload = "untouched";
  EXPECT_EQ(ConsumeResponse(slot(), response(), published, 100, &r).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.ticket, 55u);
  EXPECT_EQ(r.payload, "untouched");
  const SlotWord after = LoadSlotWord(slot());
  EXPECT_EQ(after.state, SlotState::kFree);
  EXPECT_EQ(after.owner_pid, 0u);
  EXPECT_TRUE(TryClaimSlot(slot(), kHostB));
}

TEST_F(SlotTest, ConsumeWithTheWrongWordIsRefused) {
  const SlotWord published = ClaimAndPublish(kHostA, 7, "q");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  Response r;
  SlotWord other_gen = published;
  other_gen.generation += 1;
  EXPECT_EQ(ConsumeResponse(slot(), response(), other_gen, 7, &r).code(),
            absl::StatusCode::kFailedPrecondition);
  SlotWord other_pid = published;
  other_pid.owner_pid = kHostB;
  EXPECT_EQ(ConsumeResponse(slot(), response(), other_pid, 7, &r).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kResponseReady);
  EXPECT_EQ(PollRequest(slot(), other_gen), RequestProgress::kLost);
  EXPECT_EQ(PollRequest(slot(), other_pid), RequestProgress::kLost);
  ASSERT_TRUE(ConsumeResponse(slot(), response(), published, 7, &r).ok());
}

TEST_F(SlotTest, PublishingNeedsAClaimedOrKeptSlot) {
  SlotWord published = ClaimAndPublish(kHostA, 1, "x");
  SlotWord next;
  // Not from kRequestReady (a request already in flight) nor kFree.
  EXPECT_EQ(PublishRequest(slot(), published, 2, RequestType::kPing, {},
                           nullptr, &next)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PublishRequest(slot(1), SlotWord{}, 2, RequestType::kPing, {},
                           nullptr, &next)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadSlotWord(slot()), published);
  EXPECT_EQ(LoadSlotWord(slot(1)), SlotWord{});
}

}  // namespace
}  // namespace haywire
