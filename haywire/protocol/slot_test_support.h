// Copyright 2026 The Haywire Authors.
//
// SlotTest: the fixture of the slot tests (slot_*test.cc). It builds a
// minimal region in ordinary memory and plays both sides of one slot on one
// thread: a host claiming and publishing (ClaimAndPublish), a companion
// taking and answering with the request's payload reversed (Serve, Answer),
// and a buggy or hostile peer writing raw state words (ForceWord).
//
//   TEST_F(SlotTest, Something) {
//     const SlotWord published = ClaimAndPublish(kHostA, 1, "x");
//     ASSERT_EQ(Serve(0), Completion::kDelivered);
//     ...
//   }
//
// Test-only.
#ifndef HAYWIRE_PROTOCOL_SLOT_TEST_SUPPORT_H_
#define HAYWIRE_PROTOCOL_SLOT_TEST_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/test_region.h"

namespace haywire {

// Two host stations (pids) that take turns on a slot.
inline constexpr uint32_t kHostA = 1001;
inline constexpr uint32_t kHostB = 2002;

std::vector<uint8_t> Bytes(const std::string& s);

class SlotTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kPages = kMinRegionPages;

  void SetUp() override;

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
                           const std::string& payload, uint32_t i = 0);

  // The companion's side: takes the request and answers with its payload
  // reversed.
  Completion Serve(uint32_t i);

  // Serves slot 0's published request and consumes the response keeping
  // the slot; returns the kept (kResponseReady) word.
  SlotWord ServeAndKeep(const SlotWord& published, uint64_t ticket,
                        Response* r);

  Completion Answer(uint32_t i, const SlotWord& taken, const Request& req);

  std::unique_ptr<TestRegion> memory_;
  Region region_;
};

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_SLOT_TEST_SUPPORT_H_
