// Copyright 2026 The Haywire Authors.

#include "guest/companion.h"

#include <time.h>

#include <algorithm>
#include <thread>

#include "haywire/protocol/beacon.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {

Companion::Companion(Region region, CompanionOptions options)
    : region_(std::move(region)), options_(options) {}

void Companion::Handle(RequestType type, RequestHandler handler) {
  handlers_[static_cast<uint32_t>(type)] = std::move(handler);
}

void Companion::TickIfDue(absl::Time now) {
  if (now - last_tick_ < options_.heartbeat_interval) return;
  last_tick_ = now;
  TickHeartbeat(region_.beacon(), MonotonicNowNs());
  // Statistics are informational: relaxed.
  StoreRelaxed(region_.beacon().requests_served, served_);
  StoreRelaxed(region_.beacon().requests_rejected, rejected_);
}

HandlerResult Companion::Dispatch(const Request& request, bool malformed) {
  HandlerResult result;
  if (malformed) {
    result.status = ResponseStatus::kBadRequest;
    return result;
  }
  if (request.type == static_cast<uint32_t>(RequestType::kPing)) {
    return result;  // OK, empty payload.
  }
  auto it = handlers_.find(request.type);
  if (it == handlers_.end()) {
    result.status = ResponseStatus::kUnknownRequest;
    return result;
  }
  result = it->second(request);
  if (result.payload.size() > kResponsePayloadBytes) {
    // A handler bug must not overflow the response page.
    result = HandlerResult{ResponseStatus::kInternalError, 0, 0, {}};
  }
  return result;
}

void Companion::Serve(uint32_t slot_index) {
  RequestSlotPage& slot = region_.request_slot(slot_index);
  bool malformed = false;
  std::optional<SlotWord> taken =
      ReadPublishedRequest(slot, &request_, &malformed);
  if (!taken.has_value()) return;
  HandlerResult result = Dispatch(request_, malformed);
  if (result.status == ResponseStatus::kOk) {
    ++served_;
  } else {
    ++rejected_;
  }
  ResponseFields fields;
  fields.ticket = request_.ticket;
  fields.status = result.status;
  fields.type = request_.type;
  fields.flags = result.flags;
  fields.iterator_id = result.iterator_id;
  fields.guest_mono_ns = MonotonicNowNs();
  CompleteRequest(slot, region_.response_slot(slot_index), *taken, fields,
                  absl::MakeConstSpan(
                      reinterpret_cast<const uint8_t*>(result.payload.data()),
                      result.payload.size()));
}

bool Companion::AnyRequestReady() const {
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    // Relaxed: only a hint; PollOnce() loads the word again with acquire
    // before it reads the request.
    if (SlotWord::Unpack(LoadRelaxed(region_.request_slot(i).state)).state ==
        SlotState::kRequestReady) {
      return true;
    }
  }
  return false;
}

int Companion::PollOnce() {
  const uint64_t before = served_ + rejected_;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    if (LoadSlotWord(region_.request_slot(i)).state ==
        SlotState::kRequestReady) {
      Serve(i);
      // A round can serve all 16 slots, each a whole chunk of /proc reads:
      // keep the heartbeat's promise between requests, not only per round.
      TickIfDue(absl::Now());
    }
  }
  // After the scan, so a request's answer does not wait for a clock read.
  TickIfDue(absl::Now());
  return static_cast<int>(served_ + rejected_ - before);
}

void Companion::Serve(const std::atomic<bool>& stop) {
  SetThreadTimerSlack(options_.wait.timer_slack);
  Waiter waiter(options_.wait);
  while (!stop.load(std::memory_order_relaxed)) {
    if (PollOnce() > 0) {
      waiter.Restart();
      continue;
    }
    if (waiter.spinning()) {
      // Spin on the slots' state words themselves, not the doorbell: a
      // published request is then noticed in one cache-line transfer
      // instead of two (doorbell, then state word). The 16 unchanged lines
      // stay in this core's cache, so a look costs 16 L1 hits. Leave every
      // few thousand looks to tick the heartbeat and check `stop`.
      for (int i = 0; i < 4096 && waiter.spinning() && !AnyRequestReady();
           ++i) {
        waiter.Pause();
      }
      continue;
    }
    waiter.Pause();
  }
}

}  // namespace haywire
