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
//
// Any guest user can run a companion of their own (or forge its pages, a
// ticking heartbeat included), so nothing a session says about itself or
// about others (boot id, start time, creation time) decides which session is
// real or which is stale: each session is judged by its own heartbeat only,
// and when more than one live session could be talked to, ChooseSession
// refuses to guess (Failure::kAmbiguousSession) unless the user named one.
#ifndef HAYWIRE_HOST_DISCOVERY_H_
#define HAYWIRE_HOST_DISCOVERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Beacon copies whose heartbeat moved (more than one: a forged copy ticks
  // too, and the session cannot be trusted).
  uint32_t live_beacon_copies = 0;
  Heartbeat heartbeat;  // the last one read.

  // Live, complete, one beacon copy ticking and no page found twice: a
  // session the host may write to.
  bool usable() const {
    return live && pages.unambiguous() && live_beacon_copies == 1;
  }
};

struct Discovery {
  std::string path;
  ScanStats stats;
  std::vector<SessionReport> sessions;  // newest first.
  // Sessions left unexamined beyond kMaxSessionsExamined.
  uint64_t sessions_ignored = 0;
};

// Watches the heartbeats of `sessions` (those with a valid beacon) until each
// has advanced or `wait` has passed, and sets `live`, `live_beacon_copies`
// and `beacon_offset`. Each session is judged by its own heartbeat alone. A
// session with several beacon copies is watched for the whole `wait`, so
// that a second ticking copy is seen.
void CheckLiveness(const RamFile& file, absl::Duration wait,
                   std::vector<SessionReport>* sessions);

// Builds the report of one session from its pages (beacon validation only;
// liveness is CheckLiveness's job).
SessionReport ExamineSession(const RamFile& file, SessionPages pages);

// A session id as every command prints it: "0x" and 16 hex digits.
std::string SessionIdText(uint64_t id);

// "0x... (pid N, host NAME, N pages)": how errors name a session. The
// hostname is guest text: whoever prints the message escapes it.
std::string DescribeSession(const SessionReport& s);

// Full discovery of `file`.
absl::StatusOr<Discovery> Discover(const RamFile& file,
                                   const DiscoverOptions& options = {});

// The session a command should talk to: the one usable session (live,
// complete, unambiguous, valid beacon), or with `session_id` that session.
// Several usable sessions without `session_id` fail with kAmbiguousSession,
// naming each. Errors carry a Failure (failure.h) and one line that says
// what was found and what to do.
absl::StatusOr<const SessionReport*> ChooseSession(
    const Discovery& discovery,
    std::optional<uint64_t> session_id = std::nullopt);

// Parses a session id as the user types it: "0x" and up to 16 hex digits, or
// the hex digits alone.
std::optional<uint64_t> ParseSessionId(absl::string_view text);

}  // namespace haywire

#endif  // HAYWIRE_HOST_DISCOVERY_H_
