// Copyright 2026 The Haywire Authors.
//
// The companion's bounds against a real serving loop: slots a hostile host
// process leaves stuck are freed while the other slots keep being served,
// and a handler that blocks does not silence the heartbeat (until the stall
// limit, after which the silence tells hosts nobody is serving); a request
// with a side effect runs only from a slot the companion has taken.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "gtest/gtest.h"
#include "guest/companion.h"
#include "guest/request_router.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/forked_child.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

CompanionIdentity Identity() {
  CompanionIdentity identity;
  identity.pid = 1;
  return identity;
}

// A companion serving a TestRegion on a thread of the test.
class ServedRegion {
 public:
  ServedRegion(const RequestRouter* router, CompanionOptions options) {
    absl::StatusOr<std::unique_ptr<TestRegion>> region =
        TestRegion::Create(kMinRegionPages, 0xB0B, Identity());
    CHECK(region.ok()) << region.status();
    region_ = *std::move(region);
    companion_ =
        std::make_unique<Companion>(region_->region(), router, options);
    thread_ = std::thread([this] { companion_->Serve(stop_); });
  }
  ~ServedRegion() {
    stop_.store(true);
    thread_.join();
  }
  Region region() const { return region_->region(); }
  const Companion& companion() const { return *companion_; }

 private:
  std::unique_ptr<TestRegion> region_;
  std::unique_ptr<Companion> companion_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One request of `type` with `payload` through slot `index`, as a host
// does; true if answered within `timeout`.
bool RequestThrough(Region region, uint32_t index, uint32_t station,
                    RequestType type, const std::string& payload,
                    absl::Duration timeout) {
  RequestSlotPage& slot = region.request_slot(index);
  std::optional<SlotWord> claimed = TryClaimSlot(slot, station);
  if (!claimed.has_value()) return false;
  SlotWord published;
  if (!PublishRequest(
           slot, *claimed, 77, type,
           absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(payload.data()),
                               payload.size()),
           nullptr, &published)
           .ok()) {
    return false;
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (PollRequest(slot, published) == RequestProgress::kWaiting) {
    if (absl::Now() > deadline) {
      AbandonRequest(slot, published);
      return false;
    }
    absl::SleepFor(absl::Microseconds(100));
  }
  Response response;
  return ConsumeResponse(slot, region.response_slot(index), published, 77,
                         &response)
      .ok();
}

bool PingThrough(Region region, uint32_t index, uint32_t station,
                 absl::Duration timeout) {
  return RequestThrough(region, index, station, RequestType::kPing, "",
                        timeout);
}

TEST(CompanionBoundsTest, SlotsAHostileHostLeftStuckAreFreed) {
  RequestRouter router;
  CompanionOptions options;
  options.stuck_slots.timeout = absl::Milliseconds(100);
  ServedRegion served(&router, options);
  Region region = served.region();
  // Another process writes what a crashed or hostile host leaves behind.
  absl::StatusOr<std::unique_ptr<ForkedChild>> host =
      ForkedChild::Start([region] {
        // A claim never published, by this (soon dead) process.
        if (!TryClaimSlot(region.request_slot(0), 4242)) return 1;
        // Garbage, and states only a companion leaves.
        StoreRelease(region.request_slot(1).state,
                     uint64_t{0xDEADBEEF000000F7});
        StoreRelease(region.request_slot(2).state,
                     SlotWord{SlotState::kInProgress, 9, 4242}.Pack());
        StoreRelease(region.request_slot(3).state,
                     SlotWord{SlotState::kAbandoned, 9, 4242}.Pack());
        return 0;
      });
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_EQ((*host)->WaitExit(absl::Seconds(30)), 0);

  // Meanwhile another host is served as usual; the stuck slots come back.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  int pings = 0;
  bool all_free = false;
  while (!all_free && absl::Now() < deadline) {
    ASSERT_TRUE(PingThrough(region, 9, 555, absl::Seconds(10)));
    ++pings;
    all_free = true;
    for (uint32_t i = 0; i <= 3; ++i) {
      all_free &=
          LoadSlotWord(region.request_slot(i)).state == SlotState::kFree &&
          LoadSlotWord(region.request_slot(i)).owner_pid == 0;
    }
  }
  EXPECT_TRUE(all_free) << "stuck slots not freed within 30 s";
  EXPECT_GT(pings, 0);
  EXPECT_EQ(served.companion().stuck_slots_freed(), 4u);
  // And a freed slot serves again.
  EXPECT_TRUE(PingThrough(region, 1, 556, absl::Seconds(10)));
}

TEST(CompanionBoundsTest, AKeptSlotIsNotTakenFromItsOwner) {
  RequestRouter router;
  CompanionOptions options;
  options.stuck_slots.timeout = absl::Milliseconds(20);  // kept: 60 s
  ServedRegion served(&router, options);
  Region region = served.region();
  RequestSlotPage& slot = region.request_slot(4);
  std::optional<SlotWord> claimed = TryClaimSlot(slot, 600);
  ASSERT_TRUE(claimed.has_value());
  SlotWord published;
  ASSERT_TRUE(PublishRequest(slot, *claimed, 5, RequestType::kPing, {}, nullptr,
                             &published)
                  .ok());
  while (PollRequest(slot, published) == RequestProgress::kWaiting) {
    absl::SleepFor(absl::Microseconds(100));
  }
  Response response;
  ASSERT_TRUE(ConsumeResponse(slot, region.response_slot(4), published, 5,
                              &response, AfterResponse::kKeep)
                  .ok());
  SlotWord kept = published;
  kept.state = SlotState::kResponseReady;
  // Many sweeps (every 10 ms) pass with the slot kept; PINGs elsewhere make
  // sure the loop is running.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(PingThrough(region, 10, 601, absl::Seconds(10)));
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(LoadSlotWord(slot), kept);
  EXPECT_TRUE(ReleaseKeptSlot(slot, kept));
  EXPECT_EQ(served.companion().stuck_slots_freed(), 0u);
}

// A GET_PROCESS_INFO handler that blocks until released.
struct BlockingHandler {
  absl::Notification entered;
  absl::Notification release;
  void Register(RequestRouter* router) {
    router->Handle<request::GetProcessInfo>(
        [this](const ProcessInfoRequest&, const RequestContext&) {
          entered.Notify();
          release.WaitForNotificationWithTimeout(absl::Seconds(60));
          return HandlerResult{};
        });
  }
};

// Publishes a GET_PROCESS_INFO in slot `index` (not waited for).
SlotWord PublishInfo(Region region, uint32_t index) {
  RequestSlotPage& slot = region.request_slot(index);
  std::optional<SlotWord> claimed = TryClaimSlot(slot, 700);
  CHECK(claimed.has_value());
  const std::string payload = EncodeMessage(ProcessInfoRequest{.pid = 1});
  SlotWord published;
  const absl::Status status = PublishRequest(
      slot, *claimed, 9, RequestType::kGetProcessInfo,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(payload.data()),
                          payload.size()),
      nullptr, &published);
  CHECK(status.ok()) << status;
  return published;
}

// A request with a side effect (WRITE_MEMORY) runs only once the companion
// has taken its slot (kInProgress, so its owner can no longer withdraw it
// and let a new owner refill the page); others are answered from the fast
// path's copy, their slot still kRequestReady while the handler runs.
TEST(CompanionBoundsTest, ARequestWithASideEffectRunsOnlyFromATakenSlot) {
  RequestRouter router;
  Region* region = nullptr;  // set before any request is published
  std::atomic<int> write_state{-1};
  std::atomic<int> search_state{-1};
  router.Handle<request::WriteMemory>(
      [&](const WriteMemoryRequest&, const RequestContext& context) {
        write_state = static_cast<int>(
            LoadSlotWord(region->request_slot(context.slot)).state);
        return Respond<request::WriteMemory>({});
      });
  router.Handle<request::SearchMemory>(
      [&](const SearchMemoryRequest&, const RequestContext& context) {
        search_state = static_cast<int>(
            LoadSlotWord(region->request_slot(context.slot)).state);
        return Respond<request::SearchMemory>({});
      });
  WriteMemoryRequest write;
  write.pid = 1;
  write.address = 8;
  write.data = "x";
  SearchMemoryRequest search;
  search.pid = 1;
  search.pattern = "x";
  ServedRegion served(&router, CompanionOptions{});
  Region r = served.region();
  region = &r;
  ASSERT_TRUE(RequestThrough(r, 4, 555, RequestType::kWriteMemory,
                             EncodeMessage(write), absl::Seconds(10)));
  EXPECT_EQ(write_state.load(), static_cast<int>(SlotState::kInProgress));
  ASSERT_TRUE(RequestThrough(r, 5, 555, RequestType::kSearchMemory,
                             EncodeMessage(search), absl::Seconds(10)));
  EXPECT_EQ(search_state.load(), static_cast<int>(SlotState::kRequestReady));
  EXPECT_TRUE(
      router.TakesSlot(static_cast<uint32_t>(RequestType::kWriteMemory)));
  EXPECT_FALSE(
      router.TakesSlot(static_cast<uint32_t>(RequestType::kReadMemory)));
}

TEST(CompanionBoundsTest, TheHeartbeatAdvancesWhileAHandlerBlocks) {
  BlockingHandler blocking;
  RequestRouter router;
  blocking.Register(&router);
  CompanionOptions options;
  options.heartbeat_stall_limit = absl::Seconds(60);
  ServedRegion served(&router, options);
  PublishInfo(served.region(), 0);
  ASSERT_TRUE(
      blocking.entered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  // The loop is inside the handler; the heartbeat still advances.
  BeaconPage& beacon = served.region().beacon();
  const uint64_t first = ReadHeartbeat(beacon).counter;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (ReadHeartbeat(beacon).counter < first + 5 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GE(ReadHeartbeat(beacon).counter, first + 5)
      << "heartbeat stalled while a handler ran";
  blocking.release.Notify();
}

TEST(CompanionBoundsTest, AHandlerStuckPastTheStallLimitSilencesTheHeartbeat) {
  BlockingHandler blocking;
  RequestRouter router;
  blocking.Register(&router);
  CompanionOptions options;
  options.heartbeat_stall_limit = absl::Milliseconds(100);
  ServedRegion served(&router, options);
  PublishInfo(served.region(), 0);
  ASSERT_TRUE(
      blocking.entered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  absl::SleepFor(absl::Milliseconds(200));  // past the stall limit
  BeaconPage& beacon = served.region().beacon();
  const uint64_t before = ReadHeartbeat(beacon).counter;
  absl::SleepFor(absl::Milliseconds(100));  // ten heartbeat intervals
  EXPECT_EQ(ReadHeartbeat(beacon).counter, before);
  blocking.release.Notify();
}

}  // namespace
}  // namespace haywire
