// Copyright 2026 The Haywire Authors.
//
// The slot state machine, one step at a time, on one thread: a request's
// round trip through claim, publish, take, complete and consume, sixteen
// slots side by side, and the timelines in which a slot changes hands while
// a request is in flight (a late answer never reaches the next owner).

#include "haywire/protocol/slot.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot_test_support.h"

namespace haywire {
namespace {

TEST_F(SlotTest, FullRoundTrip) {
  // Claim.
  std::optional<SlotWord> claimed = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->state, SlotState::kClaimed);
  EXPECT_EQ(claimed->owner_pid, kHostA);
  EXPECT_EQ(LoadSlotWord(slot()), *claimed);

  // Publish.
  const auto payload = Bytes("hello, guest");
  SlotWord published;
  ASSERT_TRUE(PublishRequest(slot(), *claimed, 0xDEADBEEF, RequestType::kPing,
                             payload, doorbell(), &published)
                  .ok());
  EXPECT_EQ(published.state, SlotState::kRequestReady);
  EXPECT_EQ(published.generation, claimed->generation);
  EXPECT_EQ(published.owner_pid, kHostA);
  EXPECT_EQ(LoadSlotWord(slot()), published);
  EXPECT_EQ(LoadRelaxed(*doorbell()), 1u);
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kWaiting);

  // A response cannot be consumed before it exists.
  Response early;
  EXPECT_EQ(
      ConsumeResponse(slot(), response(), published, 0xDEADBEEF, &early).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LoadSlotWord(slot()), published);

  // Take.
  Request req;
  bool malformed = true;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken.has_value());
  EXPECT_FALSE(malformed);
  EXPECT_EQ(taken->state, SlotState::kInProgress);
  EXPECT_EQ(taken->generation, published.generation);
  EXPECT_EQ(taken->owner_pid, kHostA);
  EXPECT_EQ(req.ticket, 0xDEADBEEFu);
  EXPECT_EQ(req.type, static_cast<uint32_t>(RequestType::kPing));
  EXPECT_EQ(req.host_pid, kHostA);
  ASSERT_EQ(req.payload_bytes, payload.size());
  EXPECT_EQ(std::memcmp(req.payload, payload.data(), payload.size()), 0);
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kWaiting);
  // Nobody else can take it now.
  Request again;
  EXPECT_FALSE(TryTakeRequest(slot(), &again, &malformed).has_value());
  EXPECT_EQ(
      ConsumeResponse(slot(), response(), published, 0xDEADBEEF, &early).code(),
      absl::StatusCode::kFailedPrecondition);

  // Complete.
  EXPECT_EQ(Answer(0, *taken, req), Completion::kDelivered);
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kResponseReady);
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kResponseReady);

  // Consume.
  Response r;
  ASSERT_TRUE(
      ConsumeResponse(slot(), response(), published, 0xDEADBEEF, &r).ok());
  EXPECT_EQ(r.ticket, 0xDEADBEEFu);
  EXPECT_EQ(r.status, ResponseStatus::kOk);
  EXPECT_EQ(r.type, static_cast<uint32_t>(RequestType::kPing));
  EXPECT_EQ(r.guest_mono_ns, 777u);
  EXPECT_EQ(r.payload, "tseug ,olleh");

  const SlotWord after = LoadSlotWord(slot());
  EXPECT_EQ(after.state, SlotState::kFree);
  EXPECT_EQ(after.owner_pid, 0u);
  EXPECT_TRUE(after.IsWellFormed());
  // Delivered exactly once.
  Response twice;
  EXPECT_FALSE(
      ConsumeResponse(slot(), response(), published, 0xDEADBEEF, &twice).ok());
  EXPECT_EQ(PollRequest(slot(), published), RequestProgress::kLost);
}

TEST_F(SlotTest, ResponseFieldsAreCopied) {
  const SlotWord published = ClaimAndPublish(kHostA, 5, "x");
  Request req;
  bool malformed;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken);
  ResponseFields fields;
  fields.ticket = 5;
  fields.status = ResponseStatus::kNoSuchProcess;
  fields.type = static_cast<uint32_t>(RequestType::kListProcesses);
  fields.flags = kResponseMore;
  fields.iterator_id = 0x1234;
  fields.guest_mono_ns = 99;
  std::vector<uint8_t> big(kResponsePayloadBytes, 0x42);  // exactly full.
  ASSERT_EQ(CompleteRequest(slot(), response(), *taken, fields, big),
            Completion::kDelivered);
  Response r;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), published, 5, &r).ok());
  EXPECT_EQ(r.status, ResponseStatus::kNoSuchProcess);
  EXPECT_EQ(r.raw_status,
            static_cast<uint32_t>(ResponseStatus::kNoSuchProcess));
  EXPECT_EQ(r.type, static_cast<uint32_t>(RequestType::kListProcesses));
  EXPECT_EQ(r.flags, kResponseMore);
  EXPECT_EQ(r.iterator_id, 0x1234u);
  EXPECT_EQ(r.guest_mono_ns, 99u);
  EXPECT_EQ(r.payload, std::string(kResponsePayloadBytes, '\x42'));
}

// An authenticated request's AuthWords travel in the response header's
// first 16 bytes (layout.h), and a tagged response's tag in place of the
// ticket echo: the companion copies the former, the owner the latter.
TEST_F(SlotTest, AuthWordsAndTagShareTheControlLine) {
  std::optional<SlotWord> claimed = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(claimed);
  RequestAuth auth;
  auth.channel_id = 0x0123456789ABCDEF;
  auth.tag = {1, 2, 3, 4, 5, 6, 7, 8};
  SlotWord published;
  ASSERT_TRUE(PublishRequest(slot(), *claimed, 77, RequestType::kPing,
                             Bytes("p"), nullptr, &published, &auth)
                  .ok());
  Request req;
  bool malformed = false;
  std::optional<SlotWord> taken =
      TryTakeRequest(slot(), &req, &malformed, WithAuth::kYes);
  ASSERT_TRUE(taken);
  EXPECT_EQ(req.channel_id, auth.channel_id);
  EXPECT_EQ(req.request_tag, auth.tag);
  EXPECT_EQ(req.ticket, 77u);

  const MessageTag tag = {9, 8, 7, 6, 5, 4, 3, 2};
  ResponseFields fields;
  fields.ticket = 77;
  fields.type = req.type;
  fields.flags = kResponseMore;
  fields.iterator_id = 5;
  fields.response_tag = &tag;
  ASSERT_EQ(CompleteRequest(slot(), response(), *taken, fields, Bytes("r")),
            Completion::kDelivered);
  // No echo: the owner's ticket stands, and the tag is handed over for the
  // caller to check.
  Response r;
  MessageTag got = {};
  ASSERT_TRUE(ConsumeResponse(slot(), response(), published, 77, &r,
                              AfterResponse::kFree, &got)
                  .ok());
  EXPECT_EQ(got, tag);
  EXPECT_EQ(r.ticket, 77u);
  EXPECT_EQ(r.flags, kResponseMore);
  EXPECT_EQ(r.iterator_id, 5u);
  EXPECT_EQ(r.payload, "r");
}

// Without a key the AuthWords are zero (no channel), whatever the header
// held before; and a refusal on a channel echoes the ticket, which is
// checked as on any unauthenticated response.
TEST_F(SlotTest, RefusalsEchoTheTicketAndUnkeyedRequestsNameNoChannel) {
  ResponseHeader junk;
  std::memset(&junk, 0xA5, sizeof(junk));
  StoreBytesRelease(&slot().response, &junk, sizeof(junk));
  const SlotWord published = ClaimAndPublish(kHostA, 8, "x");
  Request req;
  bool malformed = false;
  std::optional<SlotWord> taken =
      TryTakeRequest(slot(), &req, &malformed, WithAuth::kYes);
  ASSERT_TRUE(taken);
  EXPECT_EQ(req.channel_id, 0u);
  EXPECT_EQ(req.request_tag, MessageTag{});

  ResponseFields fields;
  fields.ticket = 9;  // not the request's
  fields.status = ResponseStatus::kUnauthenticated;
  fields.type = req.type;
  ASSERT_EQ(CompleteRequest(slot(), response(), *taken, fields, {}),
            Completion::kDelivered);
  Response r;
  MessageTag got = {};
  const absl::Status s = ConsumeResponse(slot(), response(), published, 8, &r,
                                         AfterResponse::kFree, &got);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
}

TEST_F(SlotTest, EmptyPayloadRoundTrip) {
  const SlotWord published = ClaimAndPublish(kHostA, 6, "");
  EXPECT_EQ(Serve(0), Completion::kDelivered);
  Response r;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), published, 6, &r).ok());
  EXPECT_TRUE(r.payload.empty());
}

TEST_F(SlotTest, ClaimFailsUnlessFree) {
  std::optional<SlotWord> a = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(a);
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));  // claimed
  EXPECT_FALSE(TryClaimSlot(slot(), kHostA));  // even by the same station
  SlotWord published;
  ASSERT_TRUE(
      PublishRequest(slot(), *a, 1, RequestType::kPing, {}, nullptr, &published)
          .ok());
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));  // request-ready
  Request req;
  bool malformed;
  std::optional<SlotWord> taken = TryTakeRequest(slot(), &req, &malformed);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));  // in progress
  ASSERT_EQ(Answer(0, *taken, req), Completion::kDelivered);
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));  // response ready
  ASSERT_TRUE(AbandonRequest(slot(), published));
  EXPECT_TRUE(TryClaimSlot(slot(), kHostB));  // free again
  // Other slots are independent.
  EXPECT_TRUE(TryClaimSlot(slot(1), kHostA));
}

TEST_F(SlotTest, DoorbellCountsPublishedRequests) {
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    ClaimAndPublish(kHostA + i, 100 + i, "r", i);
  }
  EXPECT_EQ(LoadRelaxed(*doorbell()), uint64_t{kRequestSlotCount});
  // Publishing without a doorbell rings nothing.
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  SlotWord p = LoadSlotWord(slot(0));
  ASSERT_TRUE(AbandonRequest(slot(0), p));
  std::optional<SlotWord> c = TryClaimSlot(slot(0), kHostA);
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      PublishRequest(slot(0), *c, 1, RequestType::kPing, {}, nullptr, &p).ok());
  EXPECT_EQ(LoadRelaxed(*doorbell()), uint64_t{kRequestSlotCount});
}

TEST_F(SlotTest, SixteenIndependentSlots) {
  std::vector<SlotWord> published;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    published.push_back(
        ClaimAndPublish(kHostA, 1000 + i, "slot " + std::to_string(i), i));
  }
  // Serve in reverse order; every host gets exactly its own answer.
  for (uint32_t i = kRequestSlotCount; i-- > 0;) {
    ASSERT_EQ(Serve(i), Completion::kDelivered);
  }
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    Response r;
    ASSERT_TRUE(
        ConsumeResponse(slot(i), response(i), published[i], 1000 + i, &r).ok());
    std::string expected = "slot " + std::to_string(i);
    std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(r.payload, expected);
  }
}

// Client A times out while the companion serves its request and abandons it.
// The slot cannot change hands until the companion is done; the late
// completion is dropped, and B, who gets the slot next, receives only its own
// response.
TEST_F(SlotTest, LateResponseAfterAbandonNeverReachesTheNextOwner) {
  const SlotWord pa = ClaimAndPublish(kHostA, 0xA, "request of A");
  Request req_a;
  bool malformed;
  std::optional<SlotWord> taken_a = TryTakeRequest(slot(), &req_a, &malformed);
  ASSERT_TRUE(taken_a);
  ASSERT_TRUE(AbandonRequest(slot(), pa));  // A's deadline passes.

  // B wants a slot: this one is not available, and reclaiming is refused.
  EXPECT_FALSE(TryClaimSlot(slot(), kHostB));
  EXPECT_FALSE(ReclaimSlot(slot(), LoadSlotWord(slot())));

  // The companion finishes A's request late.
  EXPECT_EQ(Answer(0, *taken_a, req_a), Completion::kDropped);

  // Now B gets the slot and its own answer.
  const SlotWord pb = ClaimAndPublish(kHostB, 0xB, "request of B");
  EXPECT_NE(pb.generation, pa.generation);
  EXPECT_EQ(PollRequest(slot(), pb), RequestProgress::kWaiting);
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  Response rb;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), pb, 0xB, &rb).ok());
  EXPECT_EQ(rb.ticket, 0xBu);
  EXPECT_EQ(rb.payload, "B fo tseuqer");
}

// The fast path (ReadPublishedRequest) copies a request without taking the
// slot. If A withdraws it in the middle of the copy and B claims the slot
// and writes its own request into the page, the copy holds A's fixed fields
// and B's payload: the re-check of the state word must refuse it.
TEST_F(SlotTest, InPlaceCopyTornByAWithdrawalIsRefused) {
  const std::string a_payload(512, 'a');
  const SlotWord pa = ClaimAndPublish(kHostA, 0xA, a_payload);
  Request req;
  bool malformed = true;
  SlotWord pb;
  const std::optional<SlotWord> read = slot_internal::ReadPublishedRequest(
      slot(), &req, &malformed, WithAuth::kNo, [&] {
        ASSERT_TRUE(AbandonRequest(slot(), pa));
        pb = ClaimAndPublish(kHostB, 0xB, std::string(512, 'b'));
      });
  EXPECT_FALSE(read.has_value())
      << "a torn copy was accepted: ticket " << req.ticket
      << ", payload starts with '" << static_cast<char>(req.payload[0]) << "'";
  // B's request is then read whole, and answered.
  ASSERT_EQ(LoadSlotWord(slot()), pb);
  const std::optional<SlotWord> read_b =
      ReadPublishedRequest(slot(), &req, &malformed);
  ASSERT_TRUE(read_b.has_value());
  EXPECT_EQ(*read_b, pb);
  EXPECT_EQ(req.ticket, 0xBu);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(req.payload),
                        req.payload_bytes),
            std::string(512, 'b'));
}

// A withdrawal that lands after the copy (the copy is whole) only makes the
// answer undeliverable: the completing CAS names A's word and fails, and B
// never sees A's response.
TEST_F(SlotTest, InPlaceAnswerToAWithdrawnRequestIsLost) {
  const SlotWord pa = ClaimAndPublish(kHostA, 0xA, "request of A");
  Request req_a;
  bool malformed = true;
  const std::optional<SlotWord> read_a =
      ReadPublishedRequest(slot(), &req_a, &malformed);
  ASSERT_TRUE(read_a.has_value());
  EXPECT_FALSE(malformed);
  EXPECT_EQ(req_a.ticket, 0xAu);
  ASSERT_TRUE(AbandonRequest(slot(), pa));
  const SlotWord pb = ClaimAndPublish(kHostB, 0xB, "request of B");
  EXPECT_EQ(Answer(0, *read_a, req_a), Completion::kLost);
  EXPECT_EQ(PollRequest(slot(), pb), RequestProgress::kWaiting);
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  Response rb;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), pb, 0xB, &rb).ok());
  EXPECT_EQ(rb.payload, "B fo tseuqer");
}

// A request with a side effect is acted on only once taken: the fast
// path's copy is taken with one CAS from exactly the word it copied under,
// which succeeds while the request stands and fails once it was withdrawn,
// even when the slot already holds the next owner's request (the write is
// then never performed, and B's request is served normally).
TEST_F(SlotTest, ACopiedRequestIsTakenOnlyWhileItStands) {
  const SlotWord pa = ClaimAndPublish(kHostA, 0xA, "write of A");
  Request req;
  bool malformed = true;
  const std::optional<SlotWord> copied =
      ReadPublishedRequest(slot(), &req, &malformed);
  ASSERT_TRUE(copied.has_value());
  const std::optional<SlotWord> taken = TakeCopiedRequest(slot(), *copied);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->state, SlotState::kInProgress);
  EXPECT_EQ(taken->generation, pa.generation);
  EXPECT_EQ(LoadSlotWord(slot()), *taken);
  // While it is in progress, A can only abandon (kAbandoned), and the
  // answer then frees the slot instead of publishing.
  EXPECT_EQ(Answer(0, *taken, req), Completion::kDelivered);
  Response ra;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), pa, 0xA, &ra).ok());

  // Withdrawn after the copy, and the slot refilled by B.
  const SlotWord pa2 = ClaimAndPublish(kHostA, 0xA2, "second write of A");
  const std::optional<SlotWord> copied2 =
      ReadPublishedRequest(slot(), &req, &malformed);
  ASSERT_TRUE(copied2.has_value());
  ASSERT_TRUE(AbandonRequest(slot(), pa2));
  EXPECT_FALSE(TakeCopiedRequest(slot(), *copied2).has_value());
  const SlotWord pb = ClaimAndPublish(kHostB, 0xB, "request of B");
  EXPECT_FALSE(TakeCopiedRequest(slot(), *copied2).has_value());
  EXPECT_EQ(LoadSlotWord(slot()), pb);
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  Response rb;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), pb, 0xB, &rb).ok());
  EXPECT_EQ(rb.ticket, 0xBu);
}

// A abandons before the companion takes the request; B claims and publishes
// on the same slot; a companion that had read A's word before all that
// cannot take or complete anything with it.
TEST_F(SlotTest, StaleCompanionWordCannotMoveTheNextOwnersSlot) {
  const SlotWord pa = ClaimAndPublish(kHostA, 0xA, "A");
  const SlotWord seen_by_companion = LoadSlotWord(slot());  // A's ready word
  ASSERT_TRUE(AbandonRequest(slot(), pa));
  const SlotWord pb = ClaimAndPublish(kHostA, 0xB, "B");  // same station!
  // The companion's CAS from A's word (kRequestReady) fails.
  {
    SlotWord taken_a = seen_by_companion;
    taken_a.state = SlotState::kRequestReady;
    uint64_t expected = taken_a.Pack();
    SlotWord to = taken_a;
    to.state = SlotState::kInProgress;
    EXPECT_FALSE(CompareExchange(slot().state, expected, to.Pack()));
  }
  // Completing with a forged "taken" word of A's generation is lost.
  SlotWord forged_taken = seen_by_companion;
  forged_taken.state = SlotState::kInProgress;
  Request fake;
  fake.ticket = 0xA;
  fake.type = 1;
  fake.payload_bytes = 0;
  EXPECT_EQ(Answer(0, forged_taken, fake), Completion::kLost);
  EXPECT_EQ(LoadSlotWord(slot()), pb);
  // B still gets its own response.
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  Response rb;
  ASSERT_TRUE(ConsumeResponse(slot(), response(), pb, 0xB, &rb).ok());
  EXPECT_EQ(rb.ticket, 0xBu);
  EXPECT_EQ(rb.payload, "B");
}

// The slot changed hands while the companion held it (something freed an
// in-progress slot: a buggy host writing the word). The companion's late
// completion for A is kLost, and B never accepts A's response: even when the
// late write clobbers B's published response page, the ticket check rejects
// it.
TEST_F(SlotTest, LateCompletionAfterTheSlotChangedHandsIsLostOrRejected) {
  const SlotWord pa = ClaimAndPublish(kHostA, 0xAAAA, "from A");
  Request req_a;
  bool malformed;
  std::optional<SlotWord> taken_a = TryTakeRequest(slot(), &req_a, &malformed);
  ASSERT_TRUE(taken_a);
  // A buggy host frees the in-progress slot behind the companion's back.
  ForceWord(0, SlotWord{SlotState::kFree, pa.generation, 0}.Pack());

  // B claims it and publishes; a second companion worker answers B.
  const SlotWord pb = ClaimAndPublish(kHostB, 0xBBBB, "from B");
  ASSERT_EQ(Serve(0), Completion::kDelivered);
  ASSERT_EQ(PollRequest(slot(), pb), RequestProgress::kResponseReady);

  // The first worker completes A's request late.
  EXPECT_EQ(Answer(0, *taken_a, req_a), Completion::kLost);
  EXPECT_EQ(LoadSlotWord(slot()),
            (SlotWord{SlotState::kResponseReady, pb.generation, kHostB}));
  EXPECT_EQ(PollRequest(slot(), pa), RequestProgress::kLost);

  // B must never be handed A's answer.
  Response rb;
  const absl::Status status =
      ConsumeResponse(slot(), response(), pb, 0xBBBB, &rb);
  if (status.ok()) {
    EXPECT_EQ(rb.ticket, 0xBBBBu);
    EXPECT_EQ(rb.payload, "B morf");
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  }
  EXPECT_NE(rb.payload, "A morf");
  EXPECT_EQ(LoadSlotWord(slot()).state, SlotState::kFree);
}

}  // namespace
}  // namespace haywire
