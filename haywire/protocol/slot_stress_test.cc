// Copyright 2026 The Haywire Authors.
//
// Many host threads and one companion thread hammer the 16 slots of one
// region. Every response a host accepts must be the answer to its own
// request, no request is served twice, every request the companion accepts
// is whole (its payload is the one its ticket was published with), and the
// totals add up. The companion runs both ways a companion may serve: taking
// the slot first (TryTakeRequest), and in place (ReadPublishedRequest, the
// reference companion's fast path), which copies a request while its owner
// may withdraw it and a new owner refill the page. Run it under
// ThreadSanitizer too: bazel test --config=tsan :slot_stress_test.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kHostThreads =
    24;  // more than kRequestSlotCount: claims contend.
constexpr int kRequestsPerHost = 2000;
// A generous bound on any single wait (for a slot, for a response). Never a
// performance assertion: only there so a broken state machine fails instead
// of hanging.
constexpr auto kWaitDeadline = std::chrono::seconds(10);

// The response the companion computes for a request: the ticket, the payload
// echoed, and the payload's CRC-32C, so a response to any other request
// (another ticket or payload) is recognisable.
std::string ExpectedResponse(uint64_t ticket, const uint8_t* payload,
                             size_t bytes) {
  std::string out(sizeof(ticket), '\0');
  std::memcpy(out.data(), &ticket, sizeof(ticket));
  out.append(reinterpret_cast<const char*>(payload), bytes);
  const uint32_t crc = Crc32c(payload, bytes);
  out.append(reinterpret_cast<const char*>(&crc), sizeof(crc));
  return out;
}

// Tickets: host thread number (1-based) in the high half, request number in
// the low half, so every request of the run has its own ticket.
uint64_t MakeTicket(int host, int request) {
  return (uint64_t(host + 1) << 32) | uint32_t(request);
}

// A request's payload and type follow from its ticket, so the companion can
// tell a whole copy from a torn one (a ticket of one request with the bytes
// of another).
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  return x ^ (x >> 33);
}

// Mostly small payloads; a quarter of them a full page, whose copy takes
// long enough for withdrawals to land in it.
size_t PayloadBytesFor(uint64_t ticket) {
  const uint64_t h = Mix(ticket);
  return h % 4 == 0 ? kRequestPayloadBytes : (h >> 8) % 96;
}

uint8_t PayloadByte(uint64_t ticket, size_t i) {
  return static_cast<uint8_t>(Mix(ticket + 0x9E3779B97F4A7C15ull * (i + 1)));
}

RequestType TypeFor(uint64_t ticket) {
  return ticket % 2 ? RequestType::kPing : RequestType::kGetProcessInfo;
}

bool IsWholeRequest(const Request& req) {
  if (req.payload_bytes != PayloadBytesFor(req.ticket) ||
      req.type != static_cast<uint32_t>(TypeFor(req.ticket))) {
    return false;
  }
  for (size_t i = 0; i < req.payload_bytes; ++i) {
    if (req.payload[i] != PayloadByte(req.ticket, i)) return false;
  }
  return true;
}

// How the companion reads requests.
enum class CompanionPath {
  kTakeFirst,  // TryTakeRequest: kRequestReady -> kInProgress, then copy.
  kInPlace,    // ReadPublishedRequest: copy, re-check, answer in place.
};

struct HostResult {
  int published = 0;
  int consumed = 0;
  int abandoned = 0;
  std::vector<uint64_t> consumed_tickets;
};

struct CompanionResult {
  uint64_t delivered = 0;
  uint64_t dropped = 0;
  uint64_t lost = 0;
  uint64_t malformed = 0;
  uint64_t torn = 0;
  std::vector<uint64_t> taken_tickets;
};

class SlotStressTest : public ::testing::TestWithParam<CompanionPath> {
 protected:
  static constexpr uint32_t kPages = kMinRegionPages;

  void SetUp() override {
    CompanionIdentity id;
    id.pid = 1;
    absl::StatusOr<std::unique_ptr<TestRegion>> memory =
        TestRegion::Create(kPages, 0x5EED, id);
    ASSERT_TRUE(memory.ok()) << memory.status();
    memory_ = *std::move(memory);
    region_ = memory_->region();
  }

  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() < 20) failures_.push_back(std::move(message));
    abort_.store(true, std::memory_order_relaxed);
  }

  void RunCompanion(CompanionResult* result) {
    Request req;
    std::vector<uint8_t> out;
    std::mt19937 rng(99);
    while (!stop_.load(std::memory_order_acquire)) {
      bool served = false;
      for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
        bool malformed = false;
        std::optional<SlotWord> taken =
            GetParam() == CompanionPath::kTakeFirst
                ? TryTakeRequest(region_.request_slot(i), &req, &malformed)
                : ReadPublishedRequest(region_.request_slot(i), &req,
                                       &malformed);
        if (!taken) continue;
        served = true;
        result->taken_tickets.push_back(req.ticket);
        if (!malformed && !IsWholeRequest(req)) {
          ++result->torn;
          Fail(absl::StrCat("the companion accepted a torn copy of ticket ",
                            req.ticket));
        }
        // "Work" for a moment now and then, so hosts also abandon requests
        // while they are in progress.
        if (rng() % 8 == 0) {
          for (uint32_t y = rng() % 16; y > 0; --y) std::this_thread::yield();
        }
        if (malformed) ++result->malformed;
        const std::string body =
            ExpectedResponse(req.ticket, req.payload, req.payload_bytes);
        out.assign(body.begin(), body.end());
        ResponseFields fields;
        fields.ticket = req.ticket;
        fields.type = req.type;
        fields.status = ResponseStatus::kOk;
        fields.iterator_id = req.host_pid;  // echoed for a sanity check.
        switch (CompleteRequest(region_.request_slot(i),
                                region_.response_slot(i), *taken, fields,
                                out)) {
          case Completion::kDelivered:
            ++result->delivered;
            break;
          case Completion::kDropped:
            ++result->dropped;
            break;
          case Completion::kLost:
            ++result->lost;
            break;
        }
      }
      if (!served) std::this_thread::yield();
    }
  }

  void RunHost(int host, HostResult* result) {
    // Pairs of threads share a station id, as threads of one host process
    // would: only the generation tells their slots apart.
    const uint32_t pid = 100 + static_cast<uint32_t>(host % (kHostThreads / 2));
    const bool may_abandon = host % 3 == 0;
    // Some hosts keep their slot for up to 8 requests in a row (keep-alive,
    // T11/T12), as the reference client does.
    const bool keeps_slots = host % 4 == 1;
    std::optional<std::pair<uint32_t, SlotWord>> kept;
    int kept_requests = 0;
    std::mt19937_64 rng(0xC0FFEE + host);
    std::vector<uint8_t> payload;
    // In place, withdrawals race the companion's copy: abandon more, and
    // sooner, so new owners refill pages under it.
    const bool in_place = GetParam() == CompanionPath::kInPlace;
    // The slot this host withdrew its last request from; kNone when not.
    constexpr uint32_t kNone = kRequestSlotCount;
    uint32_t last_abandoned = kNone;

    for (int n = 0; n < kRequestsPerHost; ++n) {
      if (abort_.load(std::memory_order_relaxed)) return;
      const uint64_t ticket = MakeTicket(host, n);
      const size_t bytes = PayloadBytesFor(ticket);
      payload.resize(bytes);
      for (size_t i = 0; i < bytes; ++i) payload[i] = PayloadByte(ticket, i);
      const RequestType type = TypeFor(ticket);

      // Claim any slot, starting at a random one (or reuse the kept one).
      uint32_t index = 0;
      std::optional<SlotWord> claimed;
      if (kept.has_value()) {
        index = kept->first;
        claimed = kept->second;
        kept.reset();
      }
      const auto claim_deadline = Clock::now() + kWaitDeadline;
      while (!claimed) {
        // After a withdrawal, try the slot just freed first: the new request
        // then lands in the page the companion may still be copying.
        const uint32_t start =
            last_abandoned != kNone
                ? last_abandoned
                : static_cast<uint32_t>(rng() % kRequestSlotCount);
        last_abandoned = kNone;
        for (uint32_t k = 0; k < kRequestSlotCount && !claimed; ++k) {
          index = (start + k) % kRequestSlotCount;
          claimed = TryClaimSlot(region_.request_slot(index), pid);
        }
        if (claimed) break;
        if (abort_.load(std::memory_order_relaxed)) return;
        if (Clock::now() > claim_deadline) {
          return Fail(
              absl::StrCat("host ", host, " found no free slot in 10 s"));
        }
        std::this_thread::yield();
      }
      RequestSlotPage& slot = region_.request_slot(index);
      ResponseSlotPage& response = region_.response_slot(index);
      if ((claimed->state != SlotState::kClaimed &&
           claimed->state != SlotState::kResponseReady) ||
          claimed->owner_pid != pid) {
        return Fail("TryClaimSlot returned a word that is not our claim");
      }

      SlotWord published;
      const absl::Status publish =
          PublishRequest(slot, *claimed, ticket, type, payload,
                         &region_.beacon().request_doorbell, &published);
      if (!publish.ok()) {
        return Fail(
            absl::StrCat("host ", host, " publish: ", publish.ToString()));
      }
      ++result->published;

      // Some requests are given up on after a random number of polls, which
      // lands the abandon in every state: request-ready, in-progress and
      // response-ready.
      const bool abandon = may_abandon && rng() % (in_place ? 2 : 4) == 0;
      const uint64_t polls_before_abandon = rng() % (in_place ? 8 : 64);
      uint64_t polls = 0;
      const auto wait_deadline = Clock::now() + kWaitDeadline;
      for (;;) {
        if (abandon && polls >= polls_before_abandon) break;
        const RequestProgress progress = PollRequest(slot, published);
        ++polls;
        if (progress == RequestProgress::kLost) {
          return Fail(absl::StrCat("host ", host, " lost ticket ", ticket));
        }
        if (progress == RequestProgress::kResponseReady && !abandon) break;
        if (abort_.load(std::memory_order_relaxed)) return;
        if (Clock::now() > wait_deadline) {
          return Fail(
              absl::StrCat("host ", host, " waited 10 s for ticket ", ticket));
        }
        std::this_thread::yield();
      }

      if (abandon) {
        if (!AbandonRequest(slot, published)) {
          return Fail(absl::StrCat("host ", host, " could not abandon ticket ",
                                   ticket));
        }
        ++result->abandoned;
        last_abandoned = index;
        continue;
      }

      Response r;
      const bool keep =
          keeps_slots && ++kept_requests % 8 != 0 && n + 1 < kRequestsPerHost;
      const absl::Status consume =
          ConsumeResponse(slot, response, published, ticket, &r,
                          keep ? AfterResponse::kKeep : AfterResponse::kFree);
      if (!consume.ok()) {
        return Fail(absl::StrCat("host ", host, " consume ticket ", ticket,
                                 ": ", consume.ToString()));
      }
      ++result->consumed;
      result->consumed_tickets.push_back(ticket);
      if (r.ticket != ticket ||
          r.payload != ExpectedResponse(ticket, payload.data(), bytes) ||
          r.type != static_cast<uint32_t>(type) ||
          r.status != ResponseStatus::kOk || r.iterator_id != pid) {
        return Fail(absl::StrCat("host ", host, " got a response for ticket ",
                                 r.ticket, " that is not the answer to ",
                                 ticket));
      }
      if (keep) {
        SlotWord ready = published;
        ready.state = SlotState::kResponseReady;
        if (LoadSlotWord(slot) != ready) {
          return Fail(absl::StrCat("host ", host, " kept slot ", index,
                                   " changed hands"));
        }
        kept = std::make_pair(index, ready);
        continue;
      }
      // A response is delivered once: consuming it again must fail (the
      // slot is free, or already someone else's).
      if (n % 16 == 0) {
        Response again;
        if (ConsumeResponse(slot, response, published, ticket, &again).ok()) {
          return Fail(absl::StrCat("ticket ", ticket, " delivered twice"));
        }
      }
    }
  }

  std::unique_ptr<TestRegion> memory_;
  Region region_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> abort_{false};
  std::mutex mu_;
  std::vector<std::string> failures_;
};

TEST_P(SlotStressTest, EveryHostGetsExactlyItsOwnResponses) {
  CompanionResult companion_result;
  std::thread companion([&] { RunCompanion(&companion_result); });
  std::vector<HostResult> host_results(kHostThreads);
  std::vector<std::thread> hosts;
  for (int h = 0; h < kHostThreads; ++h) {
    hosts.emplace_back(
        [this, h, &host_results] { RunHost(h, &host_results[h]); });
  }
  for (auto& t : hosts) t.join();
  stop_.store(true, std::memory_order_release);
  companion.join();

  for (const std::string& f : failures_) ADD_FAILURE() << f;
  ASSERT_TRUE(failures_.empty());

  uint64_t published = 0, consumed = 0, abandoned = 0;
  std::vector<uint64_t> consumed_tickets;
  for (int h = 0; h < kHostThreads; ++h) {
    const HostResult& r = host_results[h];
    EXPECT_EQ(r.published, kRequestsPerHost) << "host " << h;
    EXPECT_EQ(r.consumed + r.abandoned, r.published) << "host " << h;
    if (h % 3 != 0) {
      EXPECT_EQ(r.abandoned, 0) << "host " << h;
    }
    published += r.published;
    consumed += r.consumed;
    abandoned += r.abandoned;
    consumed_tickets.insert(consumed_tickets.end(), r.consumed_tickets.begin(),
                            r.consumed_tickets.end());
  }
  const uint64_t taken = companion_result.taken_tickets.size();
  std::cout << "published " << published << ", consumed " << consumed
            << ", abandoned " << abandoned << "; companion took " << taken
            << ", delivered " << companion_result.delivered << ", dropped "
            << companion_result.dropped << ", lost " << companion_result.lost
            << "\n";

  EXPECT_EQ(published, uint64_t{kHostThreads} * kRequestsPerHost);
  EXPECT_GT(abandoned, 0u);
  // Every publish rang the doorbell once.
  EXPECT_EQ(LoadAcquire(region_.beacon().request_doorbell), published);

  // The companion's view agrees with the hosts'.
  EXPECT_EQ(companion_result.malformed, 0u);
  EXPECT_EQ(companion_result.torn, 0u);
  EXPECT_EQ(companion_result.delivered + companion_result.dropped +
                companion_result.lost,
            taken);
  EXPECT_LE(taken, published);
  EXPECT_LE(consumed, companion_result.delivered);
  if (GetParam() == CompanionPath::kTakeFirst) {
    // A taken request is the companion's until it completes: withdrawing it
    // marks it kAbandoned, and the companion drops the answer.
    EXPECT_EQ(companion_result.lost, 0u);
  } else {
    // In place nothing marks the request taken: a withdrawal frees the slot
    // at once and the answer is lost (its CAS names the old word).
    EXPECT_EQ(companion_result.dropped, 0u);
  }
  // Each abandoned request was never taken, or dropped or lost by the
  // companion, or delivered and then discarded by its owner.
  EXPECT_EQ((published - taken) + companion_result.dropped +
                companion_result.lost + (companion_result.delivered - consumed),
            abandoned);

  // No request was taken twice, and none that was never published.
  std::vector<uint64_t> t = companion_result.taken_tickets;
  std::sort(t.begin(), t.end());
  EXPECT_EQ(std::adjacent_find(t.begin(), t.end()), t.end())
      << "a request was served twice";
  for (uint64_t ticket : t) {
    const uint64_t host = (ticket >> 32) - 1;
    const uint64_t n = ticket & 0xFFFFFFFFu;
    ASSERT_LT(host, uint64_t{kHostThreads}) << ticket;
    ASSERT_LT(n, uint64_t{kRequestsPerHost}) << ticket;
  }
  // No response was delivered twice; every delivered one was taken.
  std::sort(consumed_tickets.begin(), consumed_tickets.end());
  EXPECT_EQ(
      std::adjacent_find(consumed_tickets.begin(), consumed_tickets.end()),
      consumed_tickets.end())
      << "a response was delivered twice";
  EXPECT_TRUE(std::includes(t.begin(), t.end(), consumed_tickets.begin(),
                            consumed_tickets.end()));

  // Everything went back to free.
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    const SlotWord w = LoadSlotWord(region_.request_slot(i));
    EXPECT_EQ(w.state, SlotState::kFree)
        << "slot " << i << " is " << SlotStateName(w.state);
    EXPECT_EQ(w.owner_pid, 0u) << "slot " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    BothCompanionPaths, SlotStressTest,
    ::testing::Values(CompanionPath::kTakeFirst, CompanionPath::kInPlace),
    [](const ::testing::TestParamInfo<CompanionPath>& info) {
      return info.param == CompanionPath::kTakeFirst ? "TakeFirst" : "InPlace";
    });

}  // namespace
}  // namespace haywire
