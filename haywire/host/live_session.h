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

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/host/discovery.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/region.h"

namespace haywire {

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
};

struct LiveSession {
  std::unique_ptr<RamFile> file;  // mapped read-write.
  SessionReport report;
  Region region;
  bool from_cache = false;
  ScanStats scan;  // empty when from_cache.
  absl::Duration elapsed;
};

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
