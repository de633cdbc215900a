// Copyright 2026 The Haywire Authors.
//
// The slot state machine, one step at a time, on one thread.

#include "haywire/protocol/slot.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

constexpr uint32_t kHostA = 1001;
constexpr uint32_t kHostB = 2002;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

class SlotTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kPages = kMinRegionPages;

  void SetUp() override {
    void* base = std::aligned_alloc(kPageSize, size_t{kPages} * kPageSize);
    buffer_.reset(static_cast<std::byte*>(base));
    const PageTable table = PageTable::Contiguous(buffer_.get(), kPages);
    CompanionIdentity id;
    id.pid = 1;
    ASSERT_TRUE(InitializeRegion(table, 12345, id).ok());
    region_ = Region(table);
  }

  RequestSlotPage& slot(uint32_t i = 0) { return region_.request_slot(i); }
  ResponseSlotPage& response(uint32_t i = 0) {
    return region_.response_slot(i);
  }
  uint64_t* doorbell() { return &region_.beacon().request_doorbell; }

  // Raw write of a state word, as a buggy or hostile peer would.
  void ForceWord(uint32_t i, uint64_t word) {
    StoreRelease(slot(i).state, word);
  }

  // Claims and publishes; returns the published word.
  SlotWord ClaimAndPublish(uint32_t pid, uint64_t ticket,
                           const std::string& payload, uint32_t i = 0) {
    std::optional<SlotWord> claimed = TryClaimSlot(slot(i), pid);
    EXPECT_TRUE(claimed.has_value());
    if (!claimed) return SlotWord{};
    SlotWord published;
    const auto bytes = Bytes(payload);
    EXPECT_TRUE(PublishRequest(slot(i), *claimed, ticket, RequestType::kPing,
                               bytes, doorbell(), &published)
                    .ok());
    return published;
  }

  // The companion's side: takes the request and answers with its payload
  // reversed.
  Completion Serve(uint32_t i) {
    Request req;
    bool malformed = true;
    std::optional<SlotWord> taken = TryTakeRequest(slot(i), &req, &malformed);
    EXPECT_TRUE(taken.has_value());
    if (!taken) return Completion::kLost;
    return Answer(i, *taken, req);
  }

  // Serves slot 0's published request and consumes the response keeping
  // the slot; returns the kept (kResponseReady) word.
  SlotWord ServeAndKeep(const SlotWord& published, uint64_t ticket,
                        Response* r) {
    EXPECT_EQ(Serve(0), Completion::kDelivered);
    EXPECT_TRUE(ConsumeResponse(slot(), response(), published, ticket, r,
                                AfterResponse::kKeep)
                    .ok());
    SlotWord kept = published;
    kept.state = SlotState::kResponseReady;
    return kept;
  }

  Completion Answer(uint32_t i, const SlotWord& taken, const Request& req) {
    std::vector<uint8_t> out(req.payload, req.payload + req.payload_bytes);
    std::reverse(out.begin(), out.end());
    ResponseFields fields;
    fields.ticket = req.ticket;
    fields.type = req.type;
    fields.status = ResponseStatus::kOk;
    fields.guest_mono_ns = 777;
    return CompleteRequest(slot(i), response(i), taken, fields, out);
  }

  std::unique_ptr<std::byte, FreeDeleter> buffer_;
  Region region_;
};

TEST(SlotWordTest, PackMatchesTheDocumentedBitLayout) {
  // layout.h: state | generation << 8 | owner_pid << 32.
  SlotWord w{SlotState::kInProgress, 0xABCDEF, 0x12345678};
  EXPECT_EQ(w.Pack(), 0x12345678ABCDEF03ull);
  EXPECT_EQ(SlotWord::Unpack(0x12345678ABCDEF03ull), w);
  // The generation is 24 bits; higher bits do not leak into the pid.
  SlotWord big{SlotState::kClaimed, 0xFFFFFFFF, 1};
  EXPECT_EQ(big.Pack(), 0x00000001FFFFFF01ull);
  for (uint64_t word :
       {0ull, ~0ull, 0x8000000000000000ull, 0x0123456789ABCDEFull}) {
    EXPECT_EQ(SlotWord::Unpack(word).Pack(), word) << std::hex << word;
  }
}

TEST(SlotWordTest, WellFormedness) {
  EXPECT_TRUE((SlotWord{SlotState::kFree, 5, 0}).IsWellFormed());
  EXPECT_FALSE((SlotWord{SlotState::kFree, 5, 9}).IsWellFormed());
  for (uint8_t s = 1; s <= kMaxSlotState; ++s) {
    EXPECT_TRUE((SlotWord{static_cast<SlotState>(s), 5, 9}).IsWellFormed());
    EXPECT_FALSE((SlotWord{static_cast<SlotState>(s), 5, 0}).IsWellFormed());
  }
  for (int s = kMaxSlotState + 1; s < 256; ++s) {
    EXPECT_FALSE(SlotWord::Unpack(uint64_t(s) | (9ull << 32)).IsWellFormed());
    EXPECT_FALSE(SlotWord::Unpack(uint64_t(s)).IsWellFormed());
  }
}

TEST(SlotWordTest, StateNamesAreDistinct) {
  std::set<std::string> names;
  for (uint8_t s = 0; s <= kMaxSlotState; ++s) {
    EXPECT_TRUE(names.insert(SlotStateName(static_cast<SlotState>(s))).second);
  }
  EXPECT_EQ(names.count(SlotStateName(static_cast<SlotState>(200))), 0u);
}

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

TEST_F(SlotTest, ClaimRefusesAMalformedFreeWord) {
  // "Free" state byte but an owner: not free.
  ForceWord(0, SlotWord{SlotState::kFree, 3, kHostB}.Pack());
  EXPECT_FALSE(TryClaimSlot(slot(), kHostA));
  // Garbage state byte.
  ForceWord(0, 0xFFull | (7ull << 8));
  EXPECT_FALSE(TryClaimSlot(slot(), kHostA));
  EXPECT_EQ(LoadRelaxed(slot().state), 0xFFull | (7ull << 8));
}

TEST_F(SlotTest, GenerationBumpsOnEveryClaim) {
  uint32_t last = LoadSlotWord(slot()).generation;
  for (int round = 0; round < 20; ++round) {
    std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->generation, (last + 1) & SlotWord::kGenerationMask);
    last = c->generation;
    // Every way back to free keeps the generation; only claims bump it.
    switch (round % 4) {
      case 0:
        ASSERT_TRUE(ReleaseClaim(slot(), *c));
        break;
      case 1: {
        SlotWord p;
        ASSERT_TRUE(PublishRequest(slot(), *c, round, RequestType::kPing, {},
                                   nullptr, &p)
                        .ok());
        ASSERT_TRUE(AbandonRequest(slot(), p));
        break;
      }
      case 2: {
        SlotWord p;
        ASSERT_TRUE(PublishRequest(slot(), *c, round, RequestType::kPing, {},
                                   nullptr, &p)
                        .ok());
        ASSERT_EQ(Serve(0), Completion::kDelivered);
        Response r;
        ASSERT_TRUE(ConsumeResponse(slot(), response(), p, round, &r).ok());
        break;
      }
      case 3:
        ASSERT_TRUE(ReclaimSlot(slot(), *c));
        break;
    }
    const SlotWord free_word = LoadSlotWord(slot());
    EXPECT_EQ(free_word.state, SlotState::kFree);
    EXPECT_EQ(free_word.generation, last);
  }
}

TEST_F(SlotTest, GenerationWrapsAt24Bits) {
  ForceWord(0, SlotWord{SlotState::kFree, SlotWord::kGenerationMask, 0}.Pack());
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->generation, 0u);
  EXPECT_EQ(LoadSlotWord(slot()).owner_pid, kHostA);  // pid bits intact.
}

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
  const std::optional<SlotWord> read =
      slot_internal::ReadPublishedRequest(slot(), &req, &malformed, [&] {
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

TEST_F(SlotTest, GuestIgnoresMalformedWords) {
  const SlotWord p = ClaimAndPublish(kHostA, 1, "x");
  const uint64_t good = p.Pack();
  Request req;
  bool malformed;
  const uint64_t garbage[] = {
      // kRequestReady without an owner.
      SlotWord{SlotState::kRequestReady, p.generation, 0}.Pack(),
      // Unknown state bytes with an owner.
      (good & ~0xFFull) | 6,
      (good & ~0xFFull) | 0x82,  // kRequestReady with the high bit set
      (good & ~0xFFull) | 0xFF,
      ~0ull,
  };
  for (uint64_t word : garbage) {
    ForceWord(0, word);
    EXPECT_FALSE(SlotWord::Unpack(word).IsWellFormed()) << std::hex << word;
    EXPECT_FALSE(TryTakeRequest(slot(), &req, &malformed)) << std::hex << word;
    EXPECT_EQ(LoadRelaxed(slot().state), word) << "the guest moved garbage";
    EXPECT_FALSE(TryClaimSlot(slot(), kHostB)) << std::hex << word;
    EXPECT_EQ(LoadRelaxed(slot().state), word) << "a host moved garbage";
  }
  // The well-formed word is still taken.
  ForceWord(0, good);
  EXPECT_TRUE(TryTakeRequest(slot(), &req, &malformed));
}

TEST_F(SlotTest, HostIgnoresMalformedWordsOfItsGeneration) {
  const SlotWord p = ClaimAndPublish(kHostA, 1, "x");
  // Same generation and pid, unknown state: not ours to wait on or free.
  const uint64_t odd = (p.Pack() & ~0xFFull) | 0x77;
  ForceWord(0, odd);
  EXPECT_EQ(PollRequest(slot(), p), RequestProgress::kLost);
  EXPECT_FALSE(AbandonRequest(slot(), p));
  EXPECT_FALSE(ReclaimSlot(slot(), SlotWord::Unpack(odd)));
  EXPECT_EQ(LoadRelaxed(slot().state), odd);
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
