// Copyright 2026 The Haywire Authors.
//
// The connection path: full scan the first time, the cached page table after
// that, and a fall back to a full scan whenever the cache no longer matches.

#include "haywire/host/live_session.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "guest/simulated_ram.h"
#include "haywire/host/failure.h"
#include "haywire/host/session_cache.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir ? dir : "/tmp", "/", name, "-", ::getpid());
}

// A simulated companion: a region in a RAM file with a ticking heartbeat.
class FakeCompanion {
 public:
  // `ring_pages` > 0 announces an event ring at pages [100, 100 + ring_pages)
  // in the beacon (only the announcement: these tests read no events).
  FakeCompanion(const std::string& path, uint64_t session_id, uint64_t seed,
                uint32_t ring_pages = 0) {
    SimulatedRamOptions options;
    options.path = path;
    options.ram_bytes = 32ull << 20;
    options.region_pages = 256;
    options.seed = seed;
    ram_ = *SimulatedRam::Open(options);
    CompanionIdentity id;
    id.pid = 1000;
    id.hostname = "guest";
    if (ring_pages > 0) {
      id.capabilities |= kCapEventRing;
      id.event_ring_first_page = 100;
      id.event_ring_page_count = ring_pages;
    }
    EXPECT_TRUE(InitializeRegion(ram_->pages(), session_id, id).ok());
    beacon_ = reinterpret_cast<BeaconPage*>(ram_->pages().page(0));
    thread_ = std::thread([this] {
      uint64_t t = 0;
      while (!stop_.load(std::memory_order_relaxed)) {
        TickHeartbeat(*beacon_, ++t);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~FakeCompanion() { Stop(/*wipe=*/true); }

  void Stop(bool wipe) {
    if (thread_.joinable()) {
      stop_.store(true, std::memory_order_relaxed);
      thread_.join();
      if (wipe) WipeRegion(ram_->pages());
    }
  }
  const SimulatedRam& ram() const { return *ram_; }

 private:
  std::unique_ptr<SimulatedRam> ram_;
  BeaconPage* beacon_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A cache entry for `companion`'s pages in `file`, as a scan would store it.
CachedSession EntryFor(const RamFile& file, const FakeCompanion& companion,
                       uint64_t session_id) {
  CachedSession cached;
  cached.key = file.key();
  cached.session_id = session_id;
  cached.offsets = companion.ram().page_offsets();
  return cached;
}

// An entry of `pages` pages, each its own run (every other page of the
// file), for tests of the entry format alone.
CachedSession PagesApart(const RamFileKey& key, uint64_t session_id,
                         uint32_t pages) {
  CachedSession s;
  s.key = key;
  s.session_id = session_id;
  s.offsets.resize(pages);
  for (uint32_t i = 0; i < pages; ++i) s.offsets[i] = i * 8192ull;
  return s;
}

ConnectOptions Options(const std::string& mem_file, const std::string& cache) {
  ConnectOptions options;
  options.mem_file = mem_file;
  options.cache_dir = cache;
  options.discover.live_wait = absl::Milliseconds(200);
  return options;
}

TEST(LiveSessionTest, SecondConnectUsesTheCache) {
  const std::string path = TempPath("ram");
  const std::string cache = TempPath("cache");
  FakeCompanion companion(path, 0xC0FFEE, 1);

  absl::StatusOr<LiveSession> first =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->from_cache);
  EXPECT_GT(first->scan.pages_examined, 0u);
  EXPECT_EQ(first->report.pages.session_id, 0xC0FFEEu);

  absl::StatusOr<LiveSession> second =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->scan.pages_examined, 0u);  // no scan at all
  EXPECT_EQ(second->report.pages.offsets, companion.ram().page_offsets());
  // The region is usable: page i of the Region is the companion's page i.
  for (uint32_t i = 0; i < second->region.page_count(); ++i) {
    ASSERT_EQ(second->region.pages().page(i),
              second->file->base() + companion.ram().page_offsets()[i]);
  }
}

TEST(LiveSessionTest, RestartedCompanionInvalidatesTheCache) {
  const std::string path = TempPath("ram2");
  const std::string cache = TempPath("cache2");
  {
    FakeCompanion companion(path, 0x1111, 2);
    ASSERT_TRUE(ConnectToLiveSession(Options(path, cache)).ok());
  }
  // The old companion wiped its region; a new one starts on the same file.
  FakeCompanion restarted(path, 0x2222, 3);
  absl::StatusOr<LiveSession> s = ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->from_cache);
  EXPECT_EQ(s->report.pages.session_id, 0x2222u);
  absl::StatusOr<LiveSession> again =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->report.pages.session_id, 0x2222u);
}

TEST(LiveSessionTest, StaleCachedSessionFallsBackToScanAndFails) {
  const std::string path = TempPath("ram3");
  const std::string cache = TempPath("cache3");
  FakeCompanion companion(path, 0x3333, 4);
  ASSERT_TRUE(ConnectToLiveSession(Options(path, cache)).ok());
  companion.Stop(/*wipe=*/false);  // crashed: pages intact, heartbeat frozen
  absl::StatusOr<LiveSession> s = ConnectToLiveSession(Options(path, cache));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FailureOf(s.status()), Failure::kNoLiveSession);
}

TEST(LiveSessionTest, CorruptCacheEntryIsIgnored) {
  const std::string path = TempPath("ram4");
  const std::string cache = TempPath("cache4");
  FakeCompanion companion(path, 0x4444, 5);
  absl::StatusOr<LiveSession> first =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(first.ok());
  const std::string entry = SessionCache(cache).EntryPath(first->file->key());
  {
    std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp(60);
    f.put('\x5A');
  }
  EXPECT_FALSE(SessionCache(cache).Load(first->file->key()).has_value());
  absl::StatusOr<LiveSession> s = ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->from_cache);
  EXPECT_EQ(s->report.pages.session_id, 0x4444u);
}

// A challenge that answers `outcome` and counts the sessions it wrote to.
struct CountingChallenge {
  AuthOutcome outcome = AuthOutcome::kFailed;
  std::shared_ptr<std::atomic<int>> calls =
      std::make_shared<std::atomic<int>>();
  SessionChallenge Get() const {
    return [outcome = outcome, calls = calls](const LiveSession&) {
      ++*calls;
      return absl::StatusOr<AuthOutcome>(outcome);
    };
  }
};

// A session that fails the challenge is remembered for that key: no later
// connection with the same key challenges (writes to) it again, through the
// cache or after a scan; another key still may.
TEST(LiveSessionTest, FailedSessionIsNeverChallengedAgainWithThatKey) {
  const std::string path = TempPath("ram-failed");
  const std::string cache = TempPath("cache-failed");
  FakeCompanion companion(path, 0xFA11ED, 9);
  // A scan first, so that the next connection finds a cache entry.
  ASSERT_TRUE(ConnectToLiveSession(Options(path, cache)).ok());

  CountingChallenge failing;
  ConnectOptions keyed = Options(path, cache);
  keyed.challenge = failing.Get();
  keyed.key_id = 0x1234;
  absl::StatusOr<LiveSession> first = ConnectToLiveSession(keyed);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(FailureOf(first.status()), Failure::kUnauthenticated);
  EXPECT_EQ(failing.calls->load(), 1);  // the cached path; the scan skips it
  EXPECT_TRUE(SessionCache(cache).IsFailedSession(
      RamFile::Open(path, false).value()->key(), 0xFA11ED, 0x1234));

  for (bool use_cache : {true, false}) {
    keyed.use_cache = use_cache;
    absl::StatusOr<LiveSession> again = ConnectToLiveSession(keyed);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(FailureOf(again.status()), Failure::kUnauthenticated);
    EXPECT_TRUE(
        absl::StrContains(again.status().message(), "not challenged again"))
        << again.status();
  }
  EXPECT_EQ(failing.calls->load(), 1);

  CountingChallenge other;
  other.outcome = AuthOutcome::kAuthenticated;
  ConnectOptions other_key = Options(path, cache);
  other_key.challenge = other.Get();
  other_key.key_id = 0x5678;
  absl::StatusOr<LiveSession> right = ConnectToLiveSession(other_key);
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_GE(other.calls->load(), 1);
  ASSERT_TRUE(right->remember_auth_failure);

  // A failure seen later by a client (a response's tag) is remembered too.
  right->remember_auth_failure();
  const int calls = other.calls->load();
  EXPECT_FALSE(ConnectToLiveSession(other_key).ok());
  EXPECT_EQ(other.calls->load(), calls);
}

TEST(SessionCacheTest, FailedListKeepsTheNewestAndToleratesJunk) {
  const std::string cache = TempPath("cache-failed-list");
  const SessionCache sessions(cache);
  const RamFileKey key{1, 2, 3};
  ASSERT_TRUE(sessions.RememberFailedSession(key, 7, 1).ok());
  {
    std::ofstream junk(sessions.FailedListPath(key), std::ios::app);
    junk << "not a line\n\n" << std::string(40, 'f') << "\n";
  }
  EXPECT_TRUE(sessions.IsFailedSession(key, 7, 1));
  EXPECT_FALSE(sessions.IsFailedSession(key, 7, 2));  // another key
  EXPECT_FALSE(sessions.IsFailedSession(key, 8, 1));
  EXPECT_FALSE(sessions.IsFailedSession(RamFileKey{1, 9, 3}, 7, 1));
  for (uint64_t id = 100; id < 100 + kMaxRememberedFailures; ++id) {
    ASSERT_TRUE(sessions.RememberFailedSession(key, id, 1).ok());
  }
  EXPECT_FALSE(sessions.IsFailedSession(key, 7, 1));  // the oldest, dropped
  EXPECT_TRUE(sessions.IsFailedSession(key, 100, 1));
  EXPECT_TRUE(sessions.IsFailedSession(key, 99 + kMaxRememberedFailures, 1));
  std::ifstream in(sessions.FailedListPath(key));
  std::string contents((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  EXPECT_EQ(contents.size(), kMaxRememberedFailures * 34);
}

TEST(SessionCacheTest, VerifyRejectsMovedOrForeignPages) {
  const std::string path = TempPath("ram5");
  FakeCompanion companion(path, 0x5555, 6);
  absl::StatusOr<std::unique_ptr<RamFile>> file = RamFile::Open(path, false);
  ASSERT_TRUE(file.ok());
  CachedSession cached = EntryFor(**file, companion, 0x5555);
  EXPECT_TRUE(VerifyCachedSession(**file, cached));

  CachedSession swapped = cached;
  std::swap(swapped.offsets[3], swapped.offsets[4]);
  EXPECT_FALSE(VerifyCachedSession(**file, swapped));

  CachedSession other_session = cached;
  other_session.session_id = 0x5556;
  EXPECT_FALSE(VerifyCachedSession(**file, other_session));

  CachedSession out_of_file = cached;
  out_of_file.offsets[7] = (*file)->size();
  EXPECT_FALSE(VerifyCachedSession(**file, out_of_file));

  CachedSession misaligned = cached;
  misaligned.offsets[7] += 8;
  EXPECT_FALSE(VerifyCachedSession(**file, misaligned));

  CachedSession other_file = cached;
  other_file.key.inode += 1;
  EXPECT_FALSE(VerifyCachedSession(**file, other_file));
}

TEST(SessionCacheTest, VerifyReadsOnlyTheRangeItIsGiven) {
  const std::string path = TempPath("ram6");
  FakeCompanion companion(path, 0x6666, 7);
  absl::StatusOr<std::unique_ptr<RamFile>> file = RamFile::Open(path, false);
  ASSERT_TRUE(file.ok());
  CachedSession cached = EntryFor(**file, companion, 0x6666);
  // Two bulk pages swapped: the control pages still verify.
  std::swap(cached.offsets[120], cached.offsets[121]);
  EXPECT_FALSE(VerifyCachedSession(**file, cached));
  EXPECT_TRUE(
      VerifyCachedSession(**file, cached, PageRange{0, kFirstBulkPage}));
  EXPECT_TRUE(VerifyCachedSession(**file, cached, PageRange{122, 10}));
  EXPECT_FALSE(VerifyCachedSession(**file, cached, PageRange{115, 10}));
  EXPECT_FALSE(VerifyCachedSession(**file, cached, PageRange{121, 1}));
  // A range beyond the session fails instead of reading past the table.
  EXPECT_FALSE(VerifyCachedSession(**file, cached, PageRange{250, 7}));
  EXPECT_FALSE(VerifyCachedSession(**file, cached, PageRange{257, 0}));
  EXPECT_TRUE(VerifyCachedSession(**file, cached, PageRange{256, 0}));
}

TEST(LiveSessionTest, EventRingPagesAreVerifiedOnlyWhenAskedFor) {
  const std::string path = TempPath("ramring");
  const std::string cache = TempPath("cachering");
  FakeCompanion companion(path, 0xABBA, 8, /*ring_pages=*/16);
  absl::StatusOr<LiveSession> first =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->from_cache);
  // Corrupt the cached table inside the ring: pages 105 and 106 swapped.
  SessionCache store(cache);
  std::optional<CachedSession> entry = store.Load(first->file->key());
  ASSERT_TRUE(entry.has_value());
  std::swap(entry->offsets[105], entry->offsets[106]);
  ASSERT_TRUE(store.Store(*entry).ok());

  // ps, info: only the control pages are checked, so the entry is used.
  absl::StatusOr<LiveSession> plain =
      ConnectToLiveSession(Options(path, cache));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->from_cache);
  // watch: the ring's pages are checked, the entry is rejected, the file is
  // rescanned and the cache rewritten with the right table.
  ConnectOptions ring = Options(path, cache);
  ring.verify_event_ring = true;
  absl::StatusOr<LiveSession> watched = ConnectToLiveSession(ring);
  ASSERT_TRUE(watched.ok()) << watched.status();
  EXPECT_FALSE(watched->from_cache);
  EXPECT_EQ(watched->report.pages.offsets, companion.ram().page_offsets());
  absl::StatusOr<LiveSession> again = ConnectToLiveSession(ring);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->from_cache);
}

TEST(SessionCacheTest, EntriesWhoseRunsDoNotTileTheRegionAreRejected) {
  const std::string dir = TempPath("cache7");
  SessionCache cache(dir);
  const CachedSession s = PagesApart({1, 3, 1ull << 30}, 7, kMinRegionPages);
  ASSERT_TRUE(cache.Store(s).ok());
  ASSERT_TRUE(cache.Load(s.key).has_value());
  // Rewrites run `r`'s field at `field_offset` (and the checksum, so only
  // the run check can catch it).
  const std::string path = cache.EntryPath(s.key);
  auto rewrite_run = [&](uint32_t r, size_t field_offset, uint64_t value,
                         size_t bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    std::memcpy(&data[48 + r * 16 + field_offset], &value, bytes);
    const uint32_t crc = Crc32c(data.data(), data.size() - 4);
    std::memcpy(&data[data.size() - 4], &crc, 4);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  };
  rewrite_run(3, 8, 4, 4);  // run 3 starts at page 4: a gap
  EXPECT_FALSE(cache.Load(s.key).has_value());
  ASSERT_TRUE(cache.Store(s).ok());
  rewrite_run(3, 8, 2, 4);  // run 3 starts at page 2: an overlap
  EXPECT_FALSE(cache.Load(s.key).has_value());
  ASSERT_TRUE(cache.Store(s).ok());
  rewrite_run(5, 0, (1ull << 30) - 4096 + 4096, 8);  // past the file's end
  EXPECT_FALSE(cache.Load(s.key).has_value());
  ASSERT_TRUE(cache.Store(s).ok());
  rewrite_run(5, 0, 4096 * 7 + 12, 8);  // not page aligned
  EXPECT_FALSE(cache.Load(s.key).has_value());
  ASSERT_TRUE(cache.Store(s).ok());
  rewrite_run(5, 12, 0, 4);  // an empty run
  EXPECT_FALSE(cache.Load(s.key).has_value());
  ASSERT_TRUE(cache.Store(s).ok());
  EXPECT_TRUE(cache.Load(s.key).has_value());
}

TEST(SessionCacheTest, LargestRegionWithEveryPageItsOwnRunRoundTrips) {
  // The worst case of format 2: a 1 GiB region (kMaxRegionPages) whose
  // pages are all apart, one 16-byte run each.
  SessionCache cache(TempPath("cache8"));
  const CachedSession s = PagesApart({1, 4, 4ull << 30}, 8, kMaxRegionPages);
  ASSERT_TRUE(cache.Store(s).ok());
  std::optional<CachedSession> loaded = cache.Load(s.key);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->offsets, s.offsets);
}

TEST(SessionCacheTest, StoreLoadRoundTripAndKeyMismatch) {
  const std::string dir = TempPath("cache6") + "/nested/dir";
  SessionCache cache(dir);
  CachedSession s;
  s.key = {1, 2, 1ull << 30};
  s.session_id = 99;
  s.offsets.resize(kMinRegionPages);
  // Runs of several lengths, going backwards and forwards in the file.
  for (uint32_t i = 0; i < kMinRegionPages; ++i) {
    s.offsets[i] = i < 10   ? 0x100000 + i * 4096ull
                   : i < 20 ? 0x800000 + i * 4096ull
                            : (200 - i) * 4096ull * 3;
  }
  ASSERT_TRUE(cache.Store(s).ok());
  std::optional<CachedSession> loaded = cache.Load(s.key);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->session_id, 99u);
  EXPECT_EQ(loaded->offsets, s.offsets);
  RamFileKey resized = s.key;
  resized.size += 4096;  // same inode, different size: QEMU recreated it
  EXPECT_FALSE(cache.Load(resized).has_value());
  cache.Forget(s.key);
  EXPECT_FALSE(cache.Load(s.key).has_value());
}

}  // namespace
}  // namespace haywire
