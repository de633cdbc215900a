// Copyright 2026 The Haywire Authors.
//
// SessionTable: rebuilds each session's page-index -> file-offset table from
// the pages a scan found.
//
// Every companion run is a session with a random id. A RAM file normally
// holds one live session and any number of stale ones (freed guest pages keep
// their old contents). Pages are grouped by session id; within a session each
// page index should appear exactly once. Disagreements are counted, never
// guessed away: pages that disagree with their session's page count are
// ignored, and a page index found twice is a conflict that makes the session
// unusable (the host cannot tell which copy is the companion's current page,
// and must never write into the other). The beacon is the one exception:
// every copy is kept (up to kMaxBeaconCopies) so that liveness can tell the
// copy whose heartbeat moves.
//
// Every page header is guest-written and may be forged by any guest user, so
// memory stays bounded by what was found, never by what a page claims:
//   * a session's dense table (page_count entries) is built only when at
//     least half of its pages were found; otherwise only the count of
//     distinct indices is kept;
//   * at most kMaxSessionsExamined sessions are kept, preferring those with a
//     beacon page and the most pages (a forgery then costs its author as much
//     guest memory as the real region); the rest are counted as ignored.
#ifndef HAYWIRE_HOST_SESSION_TABLE_H_
#define HAYWIRE_HOST_SESSION_TABLE_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "haywire/host/scanner.h"

namespace haywire {

inline constexpr uint64_t kMissingPage = std::numeric_limits<uint64_t>::max();

// Sessions kept for examination (liveness, beacon validation, reports).
inline constexpr size_t kMaxSessionsExamined = 64;

// Beacon copies kept per session; more than one is already a conflict unless
// exactly one heartbeat moves.
inline constexpr size_t kMaxBeaconCopies = 8;

// Indices of duplicated pages kept for reports.
inline constexpr size_t kMaxConflictsReported = 8;

struct SessionPages {
  uint64_t session_id = 0;
  uint32_t page_count = 0;  // expected pages (the beacon's word if present).
  uint64_t created_unix_ns = 0;
  // Page index -> file offset or kMissingPage. Empty when fewer than half
  // of page_count pages were found (the session cannot be complete).
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> beacon_offsets;  // copies of page 0 found (capped).
  uint32_t pages_found = 0;              // distinct indices present.
  uint32_t duplicate_pages = 0;          // extra copies of an index.
  uint32_t inconsistent_pages = 0;       // disagreed on page_count.
  // Page indices other than the beacon found more than once (the first
  // kMaxConflictsReported of them, in index order).
  std::vector<uint32_t> conflicting_indices;

  bool complete() const { return pages_found == page_count; }
  // Complete, and no page but the beacon found twice: every page the host
  // may write is known to be the one copy.
  bool unambiguous() const { return complete() && conflicting_indices.empty(); }
  // Separate runs of consecutive file pages, in page-index order (1 if the
  // region is contiguous). Missing pages break runs.
  uint32_t Runs() const;
};

// Groups `pages` by session. Sessions come out ordered by creation time,
// newest first (ties by id). When more than kMaxSessionsExamined sessions
// are found, the others are left out and counted in `*ignored` (if given).
std::vector<SessionPages> GroupBySession(const std::vector<FoundPage>& pages,
                                         uint64_t* ignored = nullptr);

}  // namespace haywire

#endif  // HAYWIRE_HOST_SESSION_TABLE_H_
