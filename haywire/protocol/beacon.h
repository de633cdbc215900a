// Copyright 2026 The Haywire Authors.
//
// The beacon page (page 0): the companion's identity and its pulse.
//
// The companion fills the static info once, before it publishes the page
// headers, and then advances the heartbeat at least every kHeartbeatPeriodNs.
// A host tells a live session from a stale one (an earlier companion's pages,
// left in freed guest memory) by watching the heartbeat counter change; it
// never writes to a session it has not seen alive, because a stale page may
// already belong to someone else in the guest.
#ifndef HAYWIRE_PROTOCOL_BEACON_H_
#define HAYWIRE_PROTOCOL_BEACON_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "haywire/protocol/layout.h"

namespace haywire {

// Who the companion is, as the guest sees itself.
struct CompanionIdentity {
  uint32_t pid = 0;
  uint64_t start_unix_ns = 0;
  uint64_t capabilities = 0;
  // Where the event ring lives (see layout.h); 0/0 = no ring. The host checks
  // the range against the region's page count before using it.
  uint32_t event_ring_first_page = 0;
  uint32_t event_ring_page_count = 0;
  // Where the slots' bulk windows live (bulk_window.h); 0/0 = none. The
  // host checks the range before using it.
  uint32_t bulk_window_first_page = 0;
  uint32_t bulk_window_pages = 0;
  std::string hostname;
  std::string kernel_release;
  std::string boot_id;
};

// Companion side: writes the static info (with its checksum) into `beacon`.
// Strings longer than their fields are truncated. Call before the page
// headers are published.
void WriteBeaconInfo(BeaconPage& beacon, const CompanionIdentity& identity);

// Host side: copies and validates the static info. Fails with DataLoss when
// the checksum does not match (torn or reused page) and with
// FailedPrecondition when counts or sizes are not those of this protocol
// version. Strings are returned only up to their NUL, with bytes outside
// printable ASCII replaced by '?'.
absl::StatusOr<CompanionIdentity> ReadBeaconInfo(const BeaconPage& beacon);

struct Heartbeat {
  uint64_t counter = 0;
  uint64_t mono_ns = 0;
};

// Companion side: one pulse.
void TickHeartbeat(BeaconPage& beacon, uint64_t mono_ns);

// Either side.
Heartbeat ReadHeartbeat(BeaconPage& beacon);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_BEACON_H_
