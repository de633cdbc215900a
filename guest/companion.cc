// Copyright 2026 The Haywire Authors.

#include "guest/companion.h"

#include <time.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/util/clock.h"
#include "haywire/util/trace.h"

namespace haywire {

Companion::Companion(Region region, const RequestRouter* router,
                     CompanionOptions options)
    : region_(std::move(region)),
      options_(options),
      router_(router),
      sweeper_(options.stuck_slots) {
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    request_slots_[i] = &region_.request_slot(i);
    response_slots_[i] = &region_.response_slot(i);
  }
}

bool Companion::TickIfDue(absl::Time now) {
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t interval_ns =
      absl::ToInt64Nanoseconds(options_.heartbeat_interval);
  // Relaxed: a hint that keeps the lock off the loop's hot path; the
  // decision is taken again under the lock.
  if (now_ns - last_tick_ns_.load(std::memory_order_relaxed) < interval_ns) {
    return false;
  }
  std::lock_guard<std::mutex> lock(tick_mu_);
  if (now_ns - last_tick_ns_.load(std::memory_order_relaxed) < interval_ns) {
    return false;
  }
  // Relaxed: the lock orders the two threads' ticks.
  last_tick_ns_.store(now_ns, std::memory_order_relaxed);
  TickHeartbeat(region_.beacon(), MonotonicNowNs());
  // Statistics are informational: relaxed.
  StoreRelaxed(region_.beacon().requests_served,
               served_.load(std::memory_order_relaxed));
  StoreRelaxed(region_.beacon().requests_rejected,
               rejected_.load(std::memory_order_relaxed));
  return true;
}

void Companion::Watchdog(const std::atomic<bool>& stop) {
  // Four looks per heartbeat interval at most: a handler that started just
  // after the loop's last tick is covered within 1.25 intervals, well within
  // the protocol's kHeartbeatPeriodNs, at about 25 wake-ups a second of a
  // thread that does nothing else.
  const absl::Duration period =
      std::max(options_.heartbeat_interval * 2.5, absl::Milliseconds(1));
  // Relaxed: flags polled for exit; no data rides on them.
  while (!stop.load(std::memory_order_relaxed) &&
         !watchdog_stop_.load(std::memory_order_relaxed)) {
    absl::SleepFor(period);
    // Relaxed: a recent value is enough (see handler_since_ns_).
    const int64_t since = handler_since_ns_.load(std::memory_order_relaxed);
    if (since == 0) continue;  // the loop ticks for itself
    const absl::Time now = absl::Now();
    if (now - absl::FromUnixNanos(since) >= options_.heartbeat_stall_limit) {
      continue;  // stuck: let the heartbeat say so
    }
    TickIfDue(now);
  }
}

absl::Time Companion::ReadClock() {
  now_ = absl::Now();
  return now_;
}

bool Companion::Serve(uint32_t slot_index) {
  RequestSlotPage& slot = *request_slots_[slot_index];
  RequestAuthenticator* const authenticator = options_.authenticator;
  bool malformed = false;
  std::optional<SlotWord> taken = ReadPublishedRequest(
      slot, &request_, &malformed,
      authenticator != nullptr ? WithAuth::kYes : WithAuth::kNo);
  if (!taken.has_value()) return false;
  // A request with a side effect acts only from a slot the companion has
  // taken: the CAS fails if the owner withdrew the request after the copy,
  // and then nothing is done (slot.h TakeCopiedRequest).
  if (!malformed && router_->TakesSlot(request_.type)) {
    taken = TakeCopiedRequest(slot, *taken);
    if (!taken.has_value()) return false;
  }
  request_.slot = slot_index;
  bool handled = false;
  HandlerResult result;
  // With a key: the channel the request came on (null: refused, or the
  // request is the challenge that opens one).
  const RequestAuthenticator::Channel* channel = nullptr;
  bool admitted = true;
  if (authenticator != nullptr) {
    if (request_.type == static_cast<uint32_t>(RequestType::kAuthChallenge)) {
      result = authenticator->Challenge(request_, malformed, &channel);
      admitted = false;  // answered here, not by the router
    } else {
      std::string why;
      ResponseStatus refusal;
      channel = authenticator->Verify(slot_index, request_, malformed, &refusal,
                                      &why);
      if (channel == nullptr) {
        result = ErrorResult(refusal, why);
        admitted = false;
      }
    }
  }
  if (admitted) {
    // PING and errors the router answers itself need no clock.
    absl::Time deadline = absl::InfiniteFuture();
    if (router_->RunsHandler(request_, malformed)) {
      const absl::Time start = ReadClock();
      deadline = start + options_.handler_budget;
      // Relaxed: see handler_since_ns_.
      handler_since_ns_.store(absl::ToUnixNanos(start),
                              std::memory_order_relaxed);
    }
    const uint64_t handler_start_ns = TraceEnabled() ? MonotonicNowNs() : 0;
    result =
        router_->Dispatch(request_, malformed, &handled, deadline,
                          channel != nullptr ? &channel->window_key : nullptr);
    handler_since_ns_.store(0, std::memory_order_relaxed);
    TraceWith([&] {
      return absl::StrCat("served request type ", request_.type, " in ",
                          MonotonicNowNs() - handler_start_ns, " ns, ",
                          result.payload.size(), " bytes");
    });
  }
  // Single writer: a relaxed load and store, no read-modify-write needed.
  std::atomic<uint64_t>& counter =
      result.status == ResponseStatus::kOk ? served_ : rejected_;
  counter.store(counter.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
  ResponseFields fields;
  fields.ticket = request_.ticket;
  fields.status = result.status;
  fields.type = request_.type;
  fields.flags = result.flags;
  fields.iterator_id = result.iterator_id;
  // PING is the transport floor: no clock read (docs/PROTOCOL.md 9.5).
  fields.guest_mono_ns =
      request_.type == static_cast<uint32_t>(RequestType::kPing)
          ? 0
          : MonotonicNowNs();
  const auto payload = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(result.payload.data()),
      result.payload.size());
  auth::Tag tag;
  if (channel != nullptr) {
    tag = authenticator->Sign(*channel, slot_index, request_, fields, payload);
    fields.response_tag = &tag;
  }
  const Completion completion = CompleteRequest(
      slot, *response_slots_[slot_index], *taken, fields, payload);
  if (completion == Completion::kDelivered) {
    SlotWord published = *taken;
    published.state = SlotState::kResponseReady;
    sweeper_.Published(slot_index, published);
  }
  return handled;
}

bool Companion::RequestReadyIn(uint32_t i) const {
  // Relaxed: only a hint; PollOnce() loads the word again with acquire
  // before it reads the request.
  return SlotWord::Unpack(LoadRelaxed(request_slots_[i]->state)).state ==
         SlotState::kRequestReady;
}

bool Companion::AnyRequestReady() const {
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    if (RequestReadyIn(i)) return true;
  }
  return false;
}

// After this many rounds of only self-answered requests (PING, errors) the
// companion reads the clock anyway, so the heartbeat ticks under a flood of
// PINGs (64 PINGs take well under a millisecond).
constexpr int kMaxRoundsWithoutClock = 64;

// While spinning, all 16 slots are looked at every this many passes; the
// slot served last on every pass.
constexpr int kFullScanEvery = 8;

int Companion::PollOnce() {
  const uint64_t before = requests_served() + requests_rejected();
  int served = 0;
  bool handler_ran = false;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    if (LoadSlotWord(*request_slots_[i]).state == SlotState::kRequestReady) {
      // A round can serve all 16 slots, each a whole chunk of /proc reads:
      // keep the heartbeat's promise between requests, not only per round.
      if (served > 0) TickIfDue(ReadClock());
      handler_ran |= Serve(i);
      last_served_slot_ = i;
      ++served;
    }
  }
  // After the scan, so a request's answer does not wait for a clock read.
  // A clock read costs about as much as a cache-line transfer, and a client
  // sending PINGs back to back publishes its next one that soon: after a
  // round of PINGs, skip it (a bounded number of times).
  ticked_ = false;
  if (served == 0 || handler_ran ||
      ++rounds_without_clock_ >= kMaxRoundsWithoutClock) {
    rounds_without_clock_ = 0;
    ticked_ = TickIfDue(ReadClock());
    // At the heartbeat's pace: sixteen loads, and a CAS for a slot found
    // stuck.
    if (now_ - last_sweep_ >= options_.heartbeat_interval) {
      last_sweep_ = now_;
      sweeper_.Sweep(request_slots_, MonotonicNowNs());
    }
  }
  return static_cast<int>(requests_served() + requests_rejected() - before);
}

void Companion::Serve(const std::atomic<bool>& stop) {
  SetThreadTimerSlack(options_.wait.timer_slack);
  std::thread watchdog;
  if (options_.heartbeat_stall_limit > absl::ZeroDuration()) {
    watchdog_stop_.store(false, std::memory_order_relaxed);
    watchdog = std::thread([this, &stop] { Watchdog(stop); });
  }
  Waiter waiter(options_.wait);
  ReadClock();
  while (!stop.load(std::memory_order_relaxed)) {
    if (PollOnce() > 0) {
      // From the last clock reading (ours, or the waiter's after a sleep),
      // which may predate this request by a few PINGs: the spin phase then
      // ends that much sooner, no more.
      waiter.Restart(std::max(now_, waiter.last_clock_reading()));
      // Then straight to the spin below, not another PollOnce(): a pass
      // that finds nothing reads the clock for the heartbeat, and a client
      // sending requests back to back publishes its next one in about the
      // time that takes.
    } else if (!waiter.spinning()) {
      if (ticked_ && options_.tick_recheck > absl::ZeroDuration()) {
        waiter.CapNextSleep(options_.tick_recheck);
      }
      waiter.Pause();
      continue;
    }
    // Spin on the slots' state words themselves, not the doorbell: a
    // published request is then noticed in one cache-line transfer instead
    // of two (doorbell, then state word). The 16 unchanged lines stay in
    // this core's cache, so a look costs 16 L1 hits. Leave every few
    // thousand looks to tick the heartbeat and check `stop`.
    //
    // Most passes look only at the slot served last: a client that keeps
    // its slot sends its next request there, and when the two vCPUs share a
    // physical core (SMT), 16 loads per pass measurably slow the client on
    // the other hyperthread (PING 230-250 ns against 210-240 ns with a
    // 110 ns ping-pong). Every kFullScanEvery-th pass looks at all 16, so a
    // request in another slot waits a few pauses more.
    for (int i = 0; i < 4096 && waiter.spinning(); ++i) {
      if (RequestReadyIn(last_served_slot_)) break;
      if (i % kFullScanEvery == kFullScanEvery - 1 && AnyRequestReady()) break;
      waiter.Pause();
    }
  }
  if (watchdog.joinable()) {
    watchdog_stop_.store(true, std::memory_order_relaxed);
    watchdog.join();
  }
}

}  // namespace haywire
