// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/slot_test_support.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/slot.h"

namespace haywire {

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

void SlotTest::SetUp() {
  CompanionIdentity id;
  id.pid = 1;
  absl::StatusOr<std::unique_ptr<TestRegion>> memory =
      TestRegion::Create(kPages, 12345, id);
  ASSERT_TRUE(memory.ok()) << memory.status();
  memory_ = *std::move(memory);
  region_ = memory_->region();
}

SlotWord SlotTest::ClaimAndPublish(uint32_t pid, uint64_t ticket,
                                   const std::string& payload, uint32_t i) {
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

Completion SlotTest::Serve(uint32_t i) {
  Request req;
  bool malformed = true;
  std::optional<SlotWord> taken = TryTakeRequest(slot(i), &req, &malformed);
  EXPECT_TRUE(taken.has_value());
  if (!taken) return Completion::kLost;
  return Answer(i, *taken, req);
}

SlotWord SlotTest::ServeAndKeep(const SlotWord& published, uint64_t ticket,
                                Response* r) {
  EXPECT_EQ(Serve(0), Completion::kDelivered);
  EXPECT_TRUE(ConsumeResponse(slot(), response(), published, ticket, r,
                              AfterResponse::kKeep)
                  .ok());
  SlotWord kept = published;
  kept.state = SlotState::kResponseReady;
  return kept;
}

Completion SlotTest::Answer(uint32_t i, const SlotWord& taken,
                            const Request& req) {
  std::vector<uint8_t> out(req.payload, req.payload + req.payload_bytes);
  std::reverse(out.begin(), out.end());
  ResponseFields fields;
  fields.ticket = req.ticket;
  fields.type = req.type;
  fields.status = ResponseStatus::kOk;
  fields.guest_mono_ns = 777;
  return CompleteRequest(slot(i), response(i), taken, fields, out);
}

}  // namespace haywire
