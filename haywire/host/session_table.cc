// Copyright 2026 The Haywire Authors.

#include "haywire/host/session_table.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"

namespace haywire {

uint32_t SessionPages::Runs() const {
  uint32_t runs = 0;
  uint64_t previous = kMissingPage;
  for (uint64_t offset : offsets) {
    if (offset == kMissingPage) {
      previous = kMissingPage;
      continue;
    }
    if (previous == kMissingPage || offset != previous + kPageSize) ++runs;
    previous = offset;
  }
  return runs;
}

std::vector<SessionPages> GroupBySession(const std::vector<FoundPage>& pages) {
  // Pass 1: per session, decide the page count: the beacon's, or else the
  // most common one.
  absl::flat_hash_map<uint64_t, std::map<uint32_t, uint32_t>> count_votes;
  absl::flat_hash_map<uint64_t, uint32_t> beacon_count;
  for (const FoundPage& page : pages) {
    const PageHeader& h = page.header;
    ++count_votes[h.session_id][h.page_count];
    if (h.page_index == kBeaconPageIndex) {
      beacon_count.try_emplace(h.session_id, h.page_count);
    }
  }
  absl::flat_hash_map<uint64_t, SessionPages> sessions;
  for (const auto& [id, votes] : count_votes) {
    SessionPages& s = sessions[id];
    s.session_id = id;
    auto beacon = beacon_count.find(id);
    if (beacon != beacon_count.end()) {
      s.page_count = beacon->second;
    } else {
      s.page_count = std::max_element(votes.begin(), votes.end(),
                                      [](const auto& a, const auto& b) {
                                        return a.second < b.second;
                                      })
                         ->first;
    }
    s.offsets.assign(s.page_count, kMissingPage);
  }
  // Pass 2: place pages.
  for (const FoundPage& page : pages) {
    const PageHeader& h = page.header;
    SessionPages& s = sessions[h.session_id];
    if (h.page_count != s.page_count) {
      ++s.inconsistent_pages;
      continue;
    }
    // CheckPageHeader guaranteed page_index < page_count.
    if (h.page_index == kBeaconPageIndex) {
      s.beacon_offsets.push_back(page.offset);
      s.created_unix_ns = h.created_unix_ns;
    } else if (s.created_unix_ns == 0) {
      s.created_unix_ns = h.created_unix_ns;
    }
    uint64_t& slot = s.offsets[h.page_index];
    if (slot == kMissingPage) {
      slot = page.offset;
      ++s.pages_found;
    } else {
      ++s.duplicate_pages;
    }
  }
  std::vector<SessionPages> out;
  out.reserve(sessions.size());
  for (auto& [id, s] : sessions) out.push_back(std::move(s));
  std::sort(out.begin(), out.end(),
            [](const SessionPages& a, const SessionPages& b) {
              if (a.created_unix_ns != b.created_unix_ns) {
                return a.created_unix_ns > b.created_unix_ns;
              }
              return a.session_id < b.session_id;
            });
  return out;
}

}  // namespace haywire
