// Copyright 2026 The Haywire Authors.
//
// LiveSession: the connection path every host command takes.
//
// ConnectToLiveSession() opens the RAM file read-write and finds the live
// session, cheaply when it can: a cached page table (session_cache.h) is
// verified by re-reading the headers of the pages a host uses (the control
// pages, and the event ring if asked) and watching the heartbeat; only when that fails does it fall back to a full discovery scan
// (discovery.h), after which the cache is rewritten. The result holds the
// mapped file and a Region over the session's scattered pages, ready for the
// slot protocol.
#ifndef HAYWIRE_HOST_LIVE_SESSION_H_
#define HAYWIRE_HOST_LIVE_SESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/host/discovery.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/region.h"

namespace haywire {

struct LiveSession;

// What an AUTH_CHALLENGE found out about a session (haywire/auth/
// handshake.h; the challenge itself is Client::Authenticate).
enum class AuthOutcome {
  kAuthenticated,    // the companion proved the key.
  kUnauthenticated,  // the companion has no key (does not serve the
                     // challenge).
  kFailed,           // the proof (or the answer's tag) did not verify.
};
// "authenticated", "unauthenticated", "failed".
absl::string_view AuthOutcomeName(AuthOutcome outcome);

// Challenges one candidate session (with the VM key). An error means the
// challenge got no usable answer (timeout, companion gone).
using SessionChallenge =
    std::function<absl::StatusOr<AuthOutcome>(const LiveSession&)>;

// At most this many live sessions are challenged per connection (the
// usable ones, those with the most pages first): each costs a round trip,
// or a whole request timeout for a forgery that never answers.
inline constexpr size_t kMaxChallengedSessions = 8;

struct ConnectOptions {
  std::string mem_file;
  // mem_file is the built-in default, not the user's choice: it is checked
  // with CheckDefaultPathOwnership (ram_file.h) before it is opened.
  bool mem_file_is_default = false;
  std::string cache_dir;  // empty: DefaultCacheDir().
  bool use_cache = true;
  // Also verify the event ring's pages when the page table comes from the
  // cache (for EventReader; `watch`).
  bool verify_event_ring = false;
  // The session to use when several are live (--session); a cached entry
  // of another session is not used.
  std::optional<uint64_t> session_id;
  DiscoverOptions discover;
  // With the VM key: how to challenge a candidate. Then only a session
  // that proves the key is chosen, even when it is the only live one: a
  // cached session is challenged before it is used, and after a scan every
  // usable live session is (at most kMaxChallengedSessions); exactly one
  // must prove the key (none: kUnauthenticated; several: ambiguous).
  SessionChallenge challenge;
  // auth::KeyId of the key `challenge` proves. A session that fails is
  // remembered with it in the cache directory (SessionCache::
  // RememberFailedSession, even with use_cache off) and is never challenged
  // again with that key.
  uint64_t key_id = 0;
};

struct LiveSession {
  // Mapped read-write; shared with the candidates challenged while
  // connecting.
  std::shared_ptr<RamFile> file;
  SessionReport report;
  Region region;
  bool from_cache = false;
  ScanStats scan;  // empty when from_cache.
  absl::Duration elapsed;
  // Set when ConnectOptions::challenge was: the chosen session proved the
  // key.
  std::optional<AuthOutcome> auth;
  // Set with auth: records the session as failed for the key, so that no
  // later command writes to it (a Client calls it when a response's tag
  // fails).
  std::function<void()> remember_auth_failure;
};

// One challenged session's result (for the errors that list them, and for
// `discover`).
struct SessionAuthResult {
  uint64_t session_id = 0;
  std::string description;  // DescribeSession()
  absl::StatusOr<AuthOutcome> outcome;
  // kFailed from the failed-session list, without a challenge.
  bool remembered = false;
};

// With ConnectOptions::challenge: challenges the usable live sessions of
// `discovery` (or the one options.session_id names), at most
// kMaxChallengedSessions, and returns the one that proves the key. Fails
// with kUnauthenticated when none does (the message lists each result),
// kAmbiguousSession when several do. `results` (optional) receives every
// challenge's result.
absl::StatusOr<const SessionReport*> ChooseAuthenticatedSession(
    const std::shared_ptr<RamFile>& file, const Discovery& discovery,
    const ConnectOptions& options,
    std::vector<SessionAuthResult>* results = nullptr);

// Challenges `report` (live and complete) in `file` with `challenge`.
absl::StatusOr<AuthOutcome> ChallengeSession(std::shared_ptr<RamFile> file,
                                             const SessionReport& report,
                                             const SessionChallenge& challenge);

// Builds the Region of `pages` (which must be complete) inside `file`.
Region RegionInFile(const RamFile& file, const SessionPages& pages);

// Finds the live session of `options.mem_file`. Errors carry a Failure
// (failure.h) and a one-line message.
absl::StatusOr<LiveSession> ConnectToLiveSession(const ConnectOptions& options);

// Records `report` (live and complete) as the cached session of `file`.
absl::Status RememberSession(const std::string& cache_dir, const RamFile& file,
                             const SessionReport& report);

}  // namespace haywire

#endif  // HAYWIRE_HOST_LIVE_SESSION_H_
