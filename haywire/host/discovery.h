// Copyright 2026 The Haywire Authors.
//
// Discovery: from a RAM file to the sessions in it, live or stale.
//
// Discover() scans the file (scanner.h), rebuilds each session's page table
// (session_table.h), validates each session's beacon, and watches every
// beacon's heartbeat for a bounded time: a session whose heartbeat advances is
// live; one whose heartbeat stays frozen is the leftover of a companion that
// is gone. Discovery only reads: nothing is written to guest memory until a
// session has been seen alive, because a stale page may by now belong to
// something else in the guest.
#ifndef HAYWIRE_HOST_DISCOVERY_H_
#define HAYWIRE_HOST_DISCOVERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/host/ram_file.h"
#include "haywire/host/scanner.h"
#include "haywire/host/session_table.h"
#include "haywire/protocol/beacon.h"

namespace haywire {

// How long to watch a heartbeat before calling a session stale: well over
// kHeartbeatPeriodNs, so a companion delayed by a busy (or emulated) guest is
// not misjudged.
inline constexpr absl::Duration kDefaultLiveWait = absl::Milliseconds(350);

struct DiscoverOptions {
  absl::Duration live_wait = kDefaultLiveWait;
  ScanOptions scan;
};

struct SessionReport {
  SessionPages pages;
  // The beacon copy in use (the live one when several copies exist), or
  // kMissingPage.
  uint64_t beacon_offset = kMissingPage;
  // Validation of the beacon's static info; `identity` is meaningful only
  // when this is OK.
  absl::Status beacon_status = absl::NotFoundError("no beacon page found");
  CompanionIdentity identity;
  bool live = false;
  bool decided = false;  // liveness judged (internal to CheckLiveness).
  Heartbeat heartbeat;   // the last one read.
  // For a stale session of the same guest boot as a live one: how long its
  // heartbeat has been silent, on the guest's clock.
  std::optional<uint64_t> silent_ns;
};

struct Discovery {
  std::string path;
  ScanStats stats;
  std::vector<SessionReport> sessions;  // newest first.
};

// Watches the heartbeats of `sessions` (those with a valid beacon) until each
// has advanced or `wait` has passed, and sets `live` and `beacon_offset`.
// Once a session is live, the others are judged against its guest clock
// without waiting: a different boot id, or a last heartbeat more than two
// periods behind the live one's, means stale.
void CheckLiveness(const RamFile& file, absl::Duration wait,
                   std::vector<SessionReport>* sessions);

// Builds the report of one session from its pages (beacon validation only;
// liveness is CheckLiveness's job).
SessionReport ExamineSession(const RamFile& file, SessionPages pages);

// A session id as every command prints it: "0x" and 16 hex digits.
std::string SessionIdText(uint64_t id);

// Full discovery of `file`.
absl::StatusOr<Discovery> Discover(const RamFile& file,
                                   const DiscoverOptions& options = {});

// The session a command should talk to: the newest live, complete session
// with a valid beacon. Errors carry a Failure (failure.h) and one line that
// says what was found and what to do.
absl::StatusOr<const SessionReport*> ChooseSession(const Discovery& discovery);

}  // namespace haywire

#endif  // HAYWIRE_HOST_DISCOVERY_H_
