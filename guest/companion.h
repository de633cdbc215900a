// Copyright 2026 The Haywire Authors.
//
// Companion: the guest side's serving loop.
//
// The companion owns an initialised region (see InitializeRegion) and runs one
// loop that (1) advances the beacon's heartbeat, so hosts can tell it is
// alive, and (2) takes published requests from the 16 request slots, hands
// each to its RequestRouter (which answers PING itself and passes the rest,
// decoded, to the handler registered for their type), and publishes the
// response.
// It trusts nothing in a request: the request is copied out of the slot
// before it is looked at, unknown types and malformed lengths are answered
// with an error status, and a handler only ever sees the copy.
//
// Polling: hosts cannot interrupt a guest, so the companion polls, with the
// schedule of haywire/util/poll_policy.h: right after activity it spins on
// the 16 slots' state words (a request is noticed within one cache-line
// transfer), then sleeps, briefly at first and longer the longer it stays
// idle, up to the schedule's max_sleep, so an idle companion costs almost
// nothing. Every wake also ticks the heartbeat when it is due.
//
// Bounds. A host must not be able to stall or starve the companion:
//   * Handlers get a time budget (`handler_budget`): the deadline in their
//     RequestContext. Handlers that walk /proc stop at it and answer what
//     they have (a listing chunk ends early; a count that could not finish
//     is left out), so one request cannot hold up the others for long.
//   * While a handler runs, a watchdog thread ticks the heartbeat on the
//     loop's behalf, so even a handler stuck in a system call does not make
//     hosts take the companion for dead; but only for `heartbeat_stall_limit`:
//     a loop stuck longer than that is not serving, and the heartbeat stops
//     saying it is.
//   * After each tick the loop sweeps the slots (guest/stuck_slots.h): a
//     state word left in a state the companion did not set (a claim never
//     published, garbage, a forged kInProgress) is freed after a timeout.
//
// With a key (CompanionOptions::authenticator), every request is checked
// before the router sees it, and every response on a channel is tagged.
#ifndef HAYWIRE_GUEST_COMPANION_H_
#define HAYWIRE_GUEST_COMPANION_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "guest/request_authenticator.h"
#include "guest/request_router.h"
#include "guest/stuck_slots.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/slot.h"
#include "haywire/util/clock.h"  // MonotonicNowNs, for users of this header
#include "haywire/util/poll_policy.h"

namespace haywire {

struct CompanionOptions {
  // How to wait for requests; the period restarts at every request.
  WaitSchedule wait =
      CompanionWaitSchedule(PollMode::kAdaptive, absl::Milliseconds(10));
  // The heartbeat is advanced at least this often (well under
  // kHeartbeatPeriodNs, which is the protocol's promise).
  absl::Duration heartbeat_interval = absl::Milliseconds(10);
  // After each heartbeat tick outside the spin phase, the next sleep lasts
  // at most this long. A connecting host waits for the heartbeat to advance
  // (its proof of life) and publishes its first request 0.1-1 ms later
  // (measured here: noticing the tick, then building what the request
  // needs): one short look after the tick serves that request then instead
  // of one whole idle sleep later. About 100 extra wake-ups/s while idle.
  // Zero: no extra look.
  absl::Duration tick_recheck = absl::Milliseconds(1);
  // How long one handler may work on a request (RequestContext::deadline).
  // A listing chunk of a few dozen processes takes about a millisecond; a
  // process with 100 000 open files takes a few hundred to count on kernels
  // before 6.2.
  absl::Duration handler_budget = absl::Milliseconds(100);
  // While a handler runs, the watchdog ticks the heartbeat for at most this
  // long; a loop stuck longer is reported dead by its silent heartbeat.
  // Zero: no watchdog (the loop ticks between requests only).
  absl::Duration heartbeat_stall_limit = absl::Seconds(1);
  // When slots stuck in a state the companion did not set are freed.
  StuckSlotOptions stuck_slots;
  // A companion with the VM key: answers AUTH_CHALLENGE, serves other
  // requests only on authenticated channels and tags its responses
  // (guest/request_authenticator.h). Null: no key. Must outlive the
  // companion; the serving loop is its only user.
  RequestAuthenticator* authenticator = nullptr;
};

class Companion {
 public:
  // `router` must outlive the companion.
  Companion(Region region, const RequestRouter* router,
            CompanionOptions options = {});

  // Serves until `stop` becomes true (checked at least every max_sleep).
  void Serve(const std::atomic<bool>& stop);

  // One pass over the slots: serves every published request. Returns how many
  // requests were answered. Also ticks the heartbeat when due.
  int PollOnce();

  uint64_t requests_served() const {
    return served_.load(std::memory_order_relaxed);
  }
  uint64_t requests_rejected() const {
    return rejected_.load(std::memory_order_relaxed);
  }
  // Slots freed because their word was stuck (guest/stuck_slots.h).
  uint64_t stuck_slots_freed() const { return sweeper_.freed(); }

 private:
  // Ticks the heartbeat if heartbeat_interval has passed; true if it did.
  // Called by the loop and by the watchdog thread.
  bool TickIfDue(absl::Time now);
  // The watchdog thread: ticks while a handler runs (see the header comment)
  // until `stop` or watchdog_stop_.
  void Watchdog(const std::atomic<bool>& stop);
  // Reads the clock into now_.
  absl::Time ReadClock();
  // True if slot `i` holds a published request (a relaxed look: only a
  // hint; PollOnce() loads the word again with acquire before it reads the
  // request).
  bool RequestReadyIn(uint32_t i) const;
  // True if some slot holds a published request (a cheap relaxed scan).
  bool AnyRequestReady() const;
  // Serves slot `slot_index`; returns true if a handler ran (false for what
  // the companion answers by itself in nanoseconds: PING and errors).
  bool Serve(uint32_t slot_index);

  Region region_;
  CompanionOptions options_;
  // The slots' pages, looked up once: the polling loop reads their state
  // words millions of times a second.
  std::array<RequestSlotPage*, kRequestSlotCount> request_slots_;
  std::array<ResponseSlotPage*, kRequestSlotCount> response_slots_;
  const RequestRouter* router_;
  // The last tick, as absl::ToUnixNanos: read relaxed as a hint by both
  // threads, written under tick_mu_ (which also makes TickHeartbeat's
  // read-modify-write of the counter single-writer).
  std::atomic<int64_t> last_tick_ns_{0};  // 1970: the first look ticks
  std::mutex tick_mu_;
  // When the running handler started (absl::ToUnixNanos), 0 when none runs.
  // Relaxed: the watchdog only needs a recent value, no data rides on it.
  std::atomic<int64_t> handler_since_ns_{0};
  std::atomic<bool> watchdog_stop_{false};
  absl::Time now_ = absl::InfinitePast();  // the last clock reading.
  absl::Time last_sweep_ = absl::InfinitePast();
  int rounds_without_clock_ = 0;
  bool ticked_ = false;            // the last PollOnce() ticked the heartbeat.
  uint32_t last_served_slot_ = 0;  // looked at on every spinning pass.
  // Written by the loop only, read by the watchdog's ticks: relaxed
  // (informational statistics).
  std::atomic<uint64_t> served_{0};
  std::atomic<uint64_t> rejected_{0};
  StuckSlotSweeper sweeper_;
  Request request_;  // scratch copy of the request being served.
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_COMPANION_H_
