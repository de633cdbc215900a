// Copyright 2026 The Haywire Authors.
//
// Client: one host process's conversation with a live companion.
//
// A Client sends requests through the region's slots of a LiveSession:
// claim a free slot by CAS with this process's PID as station id, publish the
// request with a fresh 64-bit ticket, wait for the response with a deadline,
// check the echoed ticket, copy and validate the response, free the slot.
// Everything is bounded:
//   * all slots busy: retry with backoff until `busy_timeout`, reclaiming
//     slots whose owner PID no longer exists on this host, then kBusy;
//   * no response: give up at `request_timeout` (the slot is abandoned so the
//     companion frees it), then kTimeout;
//   * companion gone: a wiped beacon or a heartbeat that stops advancing for
//     `heartbeat_timeout` ends the wait with kNoLiveSession.
// Responses are never trusted: payloads are decoded by messages.h with every
// count, length and string bounded.
//
// Keep-alive: by default a Client keeps its slot after a response (it stays
// kResponseReady, owned by this station), and its next request reuses it in
// one CAS instead of claim + publish + free: back-to-back requests then cost
// two cache-line transfers of the slot's control line per round trip, as a
// raw ping-pong does. A Client that will be idle for a while (or is done)
// should call ReleaseSlot(); the destructor does. A slot kept by a process
// that died is reclaimed like any other slot of a dead owner.
//
// A Client is not thread-safe; use one per thread (they may share a
// LiveSession and a PID: slot claims are atomic).
#ifndef HAYWIRE_HOST_CLIENT_H_
#define HAYWIRE_HOST_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/slot.h"
#include "haywire/util/poll_policy.h"

namespace haywire {

struct ClientOptions {
  absl::Duration request_timeout = absl::Seconds(5);
  absl::Duration busy_timeout = absl::Seconds(5);
  absl::Duration heartbeat_timeout = absl::Seconds(2);
  // How to wait for a response (haywire/util/poll_policy.h).
  WaitSchedule wait = ClientWaitSchedule(PollMode::kAdaptive);
  // Station id written into claimed slots; 0 means getpid().
  uint32_t station_id = 0;
  // Keep the slot between requests (see above); false frees it after every
  // response.
  bool keep_slot = true;
};

// What one listing returned.
struct ProcessList {
  ListHeader header;
  std::vector<ProcessEntry> processes;  // sorted by pid, no duplicates
  uint32_t chunks = 0;
  uint32_t restarts = 0;  // listings restarted after "iterator expired"
};

class Client {
 public:
  // `session` must outlive the client.
  explicit Client(const LiveSession* session, ClientOptions options = {});
  // Releases the kept slot, if any.
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One request/response round trip. The response's status is returned as
  // is (OK or not); errors are transport failures (busy, timeout, companion
  // gone, a response that failed validation).
  absl::StatusOr<Response> Call(RequestType type, absl::string_view payload);

  // PING: the cheapest round trip.
  absl::Status Ping();

  // The whole process list, chunk by chunk through an iterator. Restarts the
  // listing once by itself if the companion expired the iterator.
  absl::StatusOr<ProcessList> ListProcesses();

  absl::StatusOr<ProcessInfo> GetProcessInfo(uint32_t pid);

  // GET_SYSTEM_SUMMARY: top's header numbers and the guest clocks. A
  // companion without it fails with Failure::kVersionMismatch.
  absl::StatusOr<SystemSummary> GetSystemSummary();

  // Hands the kept slot back (kFree) so other clients can claim it. Cheap
  // and idempotent; call it before idling.
  void ReleaseSlot();

  // The index of the slot kept for the next request, or -1.
  int kept_slot() const { return kept_.has_value() ? kept_->index : -1; }

  uint32_t station_id() const { return station_id_; }

 private:
  absl::Status CheckCompanionPresent();
  absl::StatusOr<int> ClaimSlot(SlotWord* claimed);
  // The kept slot if it is still ours (then `*held` is its word), else -1.
  int TakeKeptSlot(SlotWord* held);
  absl::Status WaitForResponse(int slot, const SlotWord& published,
                               RequestType type);
  absl::Status ResponseError(const Response& response, RequestType type) const;
  absl::StatusOr<ListChunk> ListCall(RequestType type,
                                     absl::string_view payload,
                                     Response* response);
  uint64_t NextTicket();

  const LiveSession* session_;
  ClientOptions options_;
  uint32_t station_id_;
  uint64_t ticket_base_;
  uint64_t ticket_counter_ = 0;
  bool ring_doorbell_ = false;
  // The slot kept after the last response, in kResponseReady.
  struct KeptSlot {
    int index;
    SlotWord word;
  };
  std::optional<KeptSlot> kept_;
  // The beacon header CheckCompanionPresent() last found valid (zero: none).
  PageHeader validated_beacon_header_ = {};
};

// Request type names for messages ("LIST_PROCESSES").
std::string RequestTypeName(RequestType type);

}  // namespace haywire

#endif  // HAYWIRE_HOST_CLIENT_H_
