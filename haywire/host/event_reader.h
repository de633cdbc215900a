// Copyright 2026 The Haywire Authors.
//
// EventReader: the process events of a live session, for host commands.
//
// The companion announces its event ring in the beacon (kCapEventRing and
// the ring's page range, see haywire/protocol/event_ring.h). Attach() checks
// that announcement against the session's region before trusting it (the
// range must lie in the region's bulk pages) and attaches a ring reader;
// Poll() then returns the new events, with "lost N events" counts when this
// reader fell behind the ring, without ever waiting.
//
//   absl::StatusOr<haywire::LiveSession> session = ConnectToLiveSession(...);
//   absl::StatusOr<std::unique_ptr<haywire::EventReader>> reader =
//       haywire::EventReader::Attach(*session);
//   while (...) {
//     absl::StatusOr<haywire::EventBatch> batch = (*reader)->Poll();
//     if (!batch.ok()) ...;  // DataLoss: bad entries, reported once;
//                            // Unavailable: the ring is gone (wiped)
//     if (batch->lost > 0) ...;
//     for (const haywire::ProcessEvent& e : batch->events) ...;
//   }
//
// The reader holds pointers into `session`'s mapping: the session must
// outlive it. Not thread-safe; any number of readers (in any processes) may
// follow one ring.
#ifndef HAYWIRE_HOST_EVENT_READER_H_
#define HAYWIRE_HOST_EVENT_READER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/event_ring.h"

namespace haywire {

class EventReader {
 public:
  // Errors (each with a Failure, see failure.h): kGuestError when the
  // companion publishes no events (started with --event-source=off, or an
  // older version) or announces a ring that does not fit its region;
  // Unavailable (kGuestError) while the ring is not initialised yet.
  static absl::StatusOr<std::unique_ptr<EventReader>> Attach(
      const LiveSession& session, EventRingStart start = EventRingStart::kHead);

  // New events since the previous call (at most `max_events`).
  absl::StatusOr<EventBatch> Poll(size_t max_events = 4096) {
    return ring_.Poll(max_events);
  }

  EventSource source() const { return ring_.source(); }
  uint64_t session_id() const { return session_id_; }

 private:
  EventReader(EventRingReader ring, uint64_t session_id)
      : ring_(std::move(ring)), session_id_(session_id) {}

  EventRingReader ring_;
  uint64_t session_id_;
};

// "connector", "pid-diff", or "unknown".
absl::string_view EventSourceName(EventSource source);

}  // namespace haywire

#endif  // HAYWIRE_HOST_EVENT_READER_H_
