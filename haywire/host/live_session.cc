// Copyright 2026 The Haywire Authors.

#include "haywire/host/live_session.h"

#include <vector>

#include "glog/logging.h"
#include "haywire/host/session_cache.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/page_table.h"

namespace haywire {
namespace {

std::string CacheDirOf(const std::string& dir) {
  return dir.empty() ? DefaultCacheDir() : dir;
}

// A session report rebuilt from a verified cache entry (whose table it
// takes: a copy would cost a page fault per 4 KiB).
SessionPages PagesFromCache(CachedSession&& cached) {
  SessionPages pages;
  pages.session_id = cached.session_id;
  pages.page_count = static_cast<uint32_t>(cached.offsets.size());
  pages.offsets = std::move(cached.offsets);
  pages.beacon_offsets = {pages.offsets[kBeaconPageIndex]};
  pages.pages_found = pages.page_count;
  return pages;
}

}  // namespace

Region RegionInFile(const RamFile& file, const SessionPages& pages) {
  CHECK(pages.unambiguous());
  std::vector<std::byte*> table(pages.page_count);
  for (uint32_t i = 0; i < pages.page_count; ++i) {
    table[i] = file.base() + pages.offsets[i];
  }
  return Region(PageTable(std::move(table)));
}

absl::Status RememberSession(const std::string& cache_dir, const RamFile& file,
                             const SessionReport& report) {
  CachedSession cached;
  cached.key = file.key();
  cached.session_id = report.pages.session_id;
  cached.offsets = report.pages.offsets;
  return SessionCache(CacheDirOf(cache_dir)).Store(cached);
}

absl::StatusOr<LiveSession> ConnectToLiveSession(
    const ConnectOptions& options) {
  const absl::Time start = absl::Now();
  if (options.mem_file_is_default) {
    if (absl::Status s = CheckDefaultPathOwnership(options.mem_file); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<std::unique_ptr<RamFile>> file =
      RamFile::Open(options.mem_file, /*writable=*/true);
  if (!file.ok()) return file.status();
  LiveSession session;
  session.file = *std::move(file);
  const RamFile& ram = *session.file;
  const SessionCache cache(CacheDirOf(options.cache_dir));

  if (options.use_cache) {
    std::optional<CachedSession> cached = cache.Load(ram.key());
    if (cached.has_value() &&
        (!options.session_id.has_value() ||
         *options.session_id == cached->session_id) &&
        VerifyCachedSession(ram, *cached, PageRange{0, kFirstBulkPage})) {
      std::vector<SessionReport> reports;
      bool ring_ok = true;
      if (options.verify_event_ring) {
        // The ring's place is in the beacon (verified above).
        absl::StatusOr<CompanionIdentity> identity =
            ReadBeaconInfo(*reinterpret_cast<const BeaconPage*>(
                ram.base() + cached->offsets[kBeaconPageIndex]));
        ring_ok =
            identity.ok() &&
            (identity->event_ring_page_count == 0 ||
             VerifyCachedSession(ram, *cached,
                                 PageRange{identity->event_ring_first_page,
                                           identity->event_ring_page_count}));
      }
      reports.push_back(
          ExamineSession(ram, PagesFromCache(std::move(*cached))));
      // Build the page table before the liveness wait, not after: the wait
      // ends on a heartbeat tick, and the companion looks for the request
      // that follows it once, tick_recheck (1 ms) later. The table is
      // 128 KiB of fresh memory, about 0.6 ms of page faults here; built
      // after the tick, it would make the first request late for that look.
      // (The liveness check cannot move page 0: a cache entry names one
      // beacon copy, PagesFromCache.)
      Region region = RegionInFile(ram, reports[0].pages);
      if (ring_ok) CheckLiveness(ram, options.discover.live_wait, &reports);
      if (ring_ok && reports[0].live && reports[0].live_beacon_copies == 1) {
        session.report = std::move(reports[0]);
        session.region = std::move(region);
        session.from_cache = true;
        session.elapsed = absl::Now() - start;
        return session;
      }
    }
    // Stale, moved or corrupt: forget it and rescan.
    if (cached.has_value()) cache.Forget(ram.key());
  }

  absl::StatusOr<Discovery> discovery = Discover(ram, options.discover);
  if (!discovery.ok()) return discovery.status();
  absl::StatusOr<const SessionReport*> chosen =
      ChooseSession(*discovery, options.session_id);
  if (!chosen.ok()) return chosen.status();
  session.report = **chosen;
  session.scan = discovery->stats;
  session.region = RegionInFile(ram, session.report.pages);
  if (options.use_cache) {
    absl::Status stored =
        RememberSession(options.cache_dir, ram, session.report);
    if (!stored.ok()) LOG(WARNING) << stored.message();
  }
  session.elapsed = absl::Now() - start;
  return session;
}

}  // namespace haywire
