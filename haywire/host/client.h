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
// A Client is not thread-safe; use one per thread (they may share a
// LiveSession and a PID: slot claims are atomic).
#ifndef HAYWIRE_HOST_CLIENT_H_
#define HAYWIRE_HOST_CLIENT_H_

#include <cstdint>
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

  uint32_t station_id() const { return station_id_; }

 private:
  absl::Status CheckCompanionPresent();
  absl::StatusOr<int> ClaimSlot(SlotWord* claimed);
  absl::Status WaitForResponse(int slot, const SlotWord& published,
                               RequestType type);
  absl::Status ResponseError(const Response& response, RequestType type) const;
  absl::StatusOr<ListChunk> ListCall(RequestType type, absl::string_view payload,
                                     Response* response);
  uint64_t NextTicket();

  const LiveSession* session_;
  ClientOptions options_;
  uint32_t station_id_;
  uint64_t ticket_base_;
  uint64_t ticket_counter_ = 0;
  bool ring_doorbell_ = false;
  // The beacon header CheckCompanionPresent() last found valid (zero: none).
  PageHeader validated_beacon_header_ = {};
};

// Request type names for messages ("LIST_PROCESSES").
std::string RequestTypeName(RequestType type);

}  // namespace haywire

#endif  // HAYWIRE_HOST_CLIENT_H_
