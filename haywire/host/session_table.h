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
// ignored, and a page index found twice is reported as a duplicate (the first
// copy is kept; for the beacon, every copy is kept so the live one can be told
// by its heartbeat).
#ifndef HAYWIRE_HOST_SESSION_TABLE_H_
#define HAYWIRE_HOST_SESSION_TABLE_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "haywire/host/scanner.h"

namespace haywire {

inline constexpr uint64_t kMissingPage = std::numeric_limits<uint64_t>::max();

struct SessionPages {
  uint64_t session_id = 0;
  uint32_t page_count = 0;  // expected pages (the beacon's word if present).
  uint64_t created_unix_ns = 0;
  std::vector<uint64_t> offsets;  // page index -> file offset or kMissingPage.
  std::vector<uint64_t> beacon_offsets;  // every copy of page 0 found.
  uint32_t pages_found = 0;              // distinct indices present.
  uint32_t duplicate_pages = 0;          // extra copies of an index.
  uint32_t inconsistent_pages = 0;       // disagreed on page_count.

  bool complete() const { return pages_found == page_count; }
  // Separate runs of consecutive file pages, in page-index order (1 if the
  // region is contiguous). Missing pages break runs.
  uint32_t Runs() const;
};

// Groups `pages` by session. Sessions come out ordered by creation time,
// newest first (ties by id).
std::vector<SessionPages> GroupBySession(const std::vector<FoundPage>& pages);

}  // namespace haywire

#endif  // HAYWIRE_HOST_SESSION_TABLE_H_
