// Copyright 2026 The Haywire Authors.

#include "haywire/host/event_reader.h"

#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/layout.h"

namespace haywire {

absl::string_view EventSourceName(EventSource source) {
  switch (source) {
    case EventSource::kConnector:
      return "connector";
    case EventSource::kPidDiff:
      return "pid-diff";
    case EventSource::kUnknown:
      break;
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<EventReader>> EventReader::Attach(
    const LiveSession& session, EventRingStart start) {
  const CompanionIdentity& identity = session.report.identity;
  if ((identity.capabilities & kCapEventRing) == 0 ||
      identity.event_ring_page_count == 0) {
    return MakeFailure(
        absl::StatusCode::kFailedPrecondition,
        "the guest companion publishes no process events (it runs with "
        "--event-source=off, or is an older haywire); restart guest-serve "
        "with --event-source=auto",
        Failure::kGuestError);
  }
  if (absl::Status s = ValidateEventRingRange(identity.event_ring_first_page,
                                              identity.event_ring_page_count,
                                              session.region.page_count());
      !s.ok()) {
    return MakeFailure(absl::StatusCode::kDataLoss,
                       absl::StrCat("the companion's beacon announces a bad "
                                    "event ring: ",
                                    s.message()),
                       Failure::kGuestError);
  }
  absl::StatusOr<EventRingReader> ring = EventRingReader::Attach(
      session.region.pages(), identity.event_ring_first_page,
      identity.event_ring_page_count, start);
  if (!ring.ok()) {
    return MakeFailure(ring.status().code(), ring.status().message(),
                       Failure::kGuestError);
  }
  return std::unique_ptr<EventReader>(
      new EventReader(*std::move(ring), session.report.pages.session_id));
}

}  // namespace haywire
