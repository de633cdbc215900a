// Copyright 2026 The Haywire Authors.

#include "haywire/host/session_table.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"

namespace haywire {
namespace {

// What pass 1 learns of one session.
struct Tally {
  std::map<uint32_t, uint32_t> count_votes;  // page_count -> pages claiming it
  bool has_beacon = false;
  uint32_t beacon_count = 0;
  uint64_t pages = 0;
};

}  // namespace

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

std::vector<SessionPages> GroupBySession(const std::vector<FoundPage>& pages,
                                         uint64_t* ignored) {
  // Pass 1: per session, decide the page count: the beacon's, or else the
  // most common one. The votes map holds one entry per distinct claim, so
  // it too is bounded by the pages found.
  absl::flat_hash_map<uint64_t, Tally> tallies;
  for (const FoundPage& page : pages) {
    const PageHeader& h = page.header;
    Tally& t = tallies[h.session_id];
    ++t.count_votes[h.page_count];
    ++t.pages;
    if (h.page_index == kBeaconPageIndex && !t.has_beacon) {
      t.has_beacon = true;
      t.beacon_count = h.page_count;
    }
  }
  // Keep the sessions worth examining: with a beacon first, then by pages.
  std::vector<std::pair<uint64_t, const Tally*>> ranked;
  ranked.reserve(tallies.size());
  for (const auto& [id, tally] : tallies) ranked.push_back({id, &tally});
  if (ranked.size() > kMaxSessionsExamined) {
    std::nth_element(ranked.begin(), ranked.begin() + kMaxSessionsExamined,
                     ranked.end(), [](const auto& a, const auto& b) {
                       if (a.second->has_beacon != b.second->has_beacon) {
                         return a.second->has_beacon;
                       }
                       if (a.second->pages != b.second->pages) {
                         return a.second->pages > b.second->pages;
                       }
                       return a.first < b.first;
                     });
    ranked.resize(kMaxSessionsExamined);
  }
  if (ignored != nullptr) *ignored = tallies.size() - ranked.size();

  absl::flat_hash_map<uint64_t, SessionPages> sessions;
  for (const auto& [id, tally] : ranked) {
    SessionPages& s = sessions[id];
    s.session_id = id;
    if (tally->has_beacon) {
      s.page_count = tally->beacon_count;
    } else {
      s.page_count =
          std::max_element(
              tally->count_votes.begin(), tally->count_votes.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; })
              ->first;
    }
    // Only a session with at least half its pages found gets a dense table
    // (so the table costs at most two entries per page found).
    if (uint64_t{tally->count_votes.at(s.page_count)} * 2 >= s.page_count) {
      s.offsets.assign(s.page_count, kMissingPage);
    }
  }
  // Pass 2: place pages. Without a dense table, distinct indices are
  // counted in a set of the pages actually found.
  absl::flat_hash_map<uint64_t, absl::flat_hash_map<uint32_t, uint32_t>> sparse;
  absl::flat_hash_map<uint64_t, std::map<uint32_t, bool>> conflicts;
  for (const FoundPage& page : pages) {
    const PageHeader& h = page.header;
    auto it = sessions.find(h.session_id);
    if (it == sessions.end()) continue;  // not examined
    SessionPages& s = it->second;
    if (h.page_count != s.page_count) {
      ++s.inconsistent_pages;
      continue;
    }
    // CheckPageHeader guaranteed page_index < page_count.
    if (h.page_index == kBeaconPageIndex) {
      if (s.beacon_offsets.size() < kMaxBeaconCopies) {
        s.beacon_offsets.push_back(page.offset);
      }
      s.created_unix_ns = h.created_unix_ns;
    } else if (s.created_unix_ns == 0) {
      s.created_unix_ns = h.created_unix_ns;
    }
    bool first_copy;
    if (!s.offsets.empty()) {
      uint64_t& slot = s.offsets[h.page_index];
      first_copy = slot == kMissingPage;
      if (first_copy) slot = page.offset;
    } else {
      first_copy = ++sparse[h.session_id][h.page_index] == 1;
    }
    if (first_copy) {
      ++s.pages_found;
    } else {
      ++s.duplicate_pages;
      if (h.page_index != kBeaconPageIndex) {
        conflicts[h.session_id][h.page_index] = true;
      }
    }
  }
  std::vector<SessionPages> out;
  out.reserve(sessions.size());
  for (auto& [id, s] : sessions) {
    auto c = conflicts.find(id);
    if (c != conflicts.end()) {
      for (const auto& [index, unused] : c->second) {
        if (s.conflicting_indices.size() == kMaxConflictsReported) break;
        s.conflicting_indices.push_back(index);
      }
    }
    out.push_back(std::move(s));
  }
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
