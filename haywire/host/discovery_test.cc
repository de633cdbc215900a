// Copyright 2026 The Haywire Authors.
//
// Discovery on generated RAM files: scattered pages, decoys, stale and live
// sessions, duplicates, corrupted headers and truncated files.

#include "haywire/host/discovery.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "guest/simulated_ram.h"
#include "haywire/host/failure.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

constexpr uint64_t kRamBytes = 64ull << 20;
constexpr uint32_t kRegionPages = 512;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir ? dir : "/tmp", "/", name, "-", ::getpid());
}

CompanionIdentity TestIdentity() {
  CompanionIdentity id;
  id.pid = 777;
  id.start_unix_ns = 1'700'000'000'000'000'000ull;
  id.hostname = "test-guest";
  id.kernel_release = "6.1.0-test";
  id.boot_id = "00000000-1111-2222-3333-444444444444";
  id.capabilities = kCapPing;
  return id;
}

// Keeps a region's heartbeat advancing, like a running companion.
class HeartbeatTicker {
 public:
  explicit HeartbeatTicker(BeaconPage* beacon)
      : thread_([this, beacon] {
          uint64_t t = 0;
          while (!stop_.load(std::memory_order_relaxed)) {
            TickHeartbeat(*beacon, ++t);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          }
        }) {}
  ~HeartbeatTicker() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct LiveRegion {
  std::unique_ptr<SimulatedRam> ram;
  uint64_t session_id = 0;
  BeaconPage* beacon = nullptr;
};

LiveRegion MakeRegion(const std::string& path, uint64_t session_id,
                      uint64_t seed, bool decoys = true) {
  SimulatedRamOptions options;
  options.path = path;
  options.ram_bytes = kRamBytes;
  options.region_pages = kRegionPages;
  options.seed = seed;
  options.add_decoys = decoys;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  EXPECT_TRUE(ram.ok()) << ram.status();
  LiveRegion region;
  region.ram = *std::move(ram);
  region.session_id = session_id;
  EXPECT_TRUE(
      InitializeRegion(region.ram->pages(), session_id, TestIdentity()).ok());
  region.beacon =
      reinterpret_cast<BeaconPage*>(region.ram->pages().page(kBeaconPageIndex));
  return region;
}

DiscoverOptions Fast() {
  DiscoverOptions options;
  options.live_wait = absl::Milliseconds(200);
  return options;
}

std::unique_ptr<RamFile> OpenRam(const std::string& path) {
  absl::StatusOr<std::unique_ptr<RamFile>> file = RamFile::Open(path, false);
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : nullptr;
}

const SessionReport* FindSession(const Discovery& d, uint64_t id) {
  for (const SessionReport& s : d.sessions) {
    if (s.pages.session_id == id) return &s;
  }
  return nullptr;
}

TEST(DiscoveryTest, FindsScatteredLiveSessionAmongDecoys) {
  const std::string path = TempPath("live");
  LiveRegion region = MakeRegion(path, 0x1234567890ABCDEFull, 7);
  HeartbeatTicker ticker(region.beacon);
  auto file = OpenRam(path);
  ASSERT_NE(file, nullptr);

  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->stats.pages_in_file, kRamBytes / kPageSize);
  ASSERT_EQ(d->sessions.size(), 2u);

  const SessionReport* live = FindSession(*d, region.session_id);
  ASSERT_NE(live, nullptr);
  EXPECT_TRUE(live->live);
  EXPECT_TRUE(live->pages.complete());
  EXPECT_EQ(live->pages.offsets, region.ram->page_offsets());
  EXPECT_GT(live->pages.Runs(), 1u);  // scattered, as in a real guest
  EXPECT_EQ(live->beacon_offset, region.ram->page_offsets()[0]);
  ASSERT_TRUE(live->beacon_status.ok()) << live->beacon_status;
  EXPECT_EQ(live->identity.hostname, "test-guest");
  EXPECT_EQ(live->identity.pid, 777u);

  const SessionReport* stale =
      FindSession(*d, region.ram->decoys().stale_session_id);
  ASSERT_NE(stale, nullptr);
  EXPECT_FALSE(stale->live);
  EXPECT_EQ(stale->pages.offsets, region.ram->decoys().stale_page_offsets);

  EXPECT_EQ(d->stats.bad_checksum, 1u);
  EXPECT_EQ(d->stats.unknown_version, 1u);
  EXPECT_EQ(d->stats.unknown_versions.count(99), 1u);
  EXPECT_EQ(d->stats.bad_magic2,
            region.ram->decoys().magic_only_offsets.size());

  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ((*chosen)->pages.session_id, region.session_id);
}

TEST(DiscoveryTest, LiveClockJudgesStaleSessionOfTheSameBoot) {
  const std::string path = TempPath("sameboot");
  uint64_t stale_id = 0x5151;
  {
    LiveRegion old_region = MakeRegion(path, stale_id, 21, /*decoys=*/false);
    TickHeartbeat(*old_region.beacon, 1'000'000'000);  // died at t=1 s
  }
  // A new companion of the same boot reuses the file; its clock is at 9 s+.
  LiveRegion region = MakeRegion(path, 0x6262, 22, /*decoys=*/false);
  std::atomic<bool> stop{false};
  std::thread ticker([&] {
    uint64_t t = 9'000'000'000;
    while (!stop.load(std::memory_order_relaxed)) {
      TickHeartbeat(*region.beacon, t += 2'000'000);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  auto file = OpenRam(path);
  DiscoverOptions options;
  options.live_wait = absl::Seconds(5);
  absl::StatusOr<Discovery> d = Discover(*file, options);
  stop.store(true);
  ticker.join();
  ASSERT_TRUE(d.ok());
  const SessionReport* live = FindSession(*d, 0x6262);
  const SessionReport* stale = FindSession(*d, stale_id);
  ASSERT_TRUE(live != nullptr && stale != nullptr);
  EXPECT_TRUE(live->live);
  EXPECT_FALSE(stale->live);
  ASSERT_TRUE(stale->silent_ns.has_value());
  EXPECT_GE(*stale->silent_ns, 8'000'000'000u);
}

TEST(DiscoveryTest, HoleSkippingDoesNotChangeTheResult) {
  const std::string path = TempPath("holes");
  LiveRegion region = MakeRegion(path, 0x42, 3);
  auto file = OpenRam(path);
  ASSERT_NE(file, nullptr);
  ScanOptions with_holes;
  ScanOptions without_holes;
  without_holes.skip_holes = false;
  without_holes.chunk_bytes = 3 * kPageSize;  // odd chunking, too
  absl::StatusOr<ScanResult> a = ScanRamFile(*file, with_holes);
  absl::StatusOr<ScanResult> b = ScanRamFile(*file, without_holes);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->pages.size(), b->pages.size());
  for (size_t i = 0; i < a->pages.size(); ++i) {
    EXPECT_EQ(a->pages[i].offset, b->pages[i].offset);
  }
  EXPECT_LT(a->stats.pages_examined, b->stats.pages_examined);
  EXPECT_EQ(b->stats.pages_examined, kRamBytes / kPageSize);
}

TEST(DiscoveryTest, OnlyStaleSessionsIsNoLiveSession) {
  const std::string path = TempPath("stale");
  LiveRegion region = MakeRegion(path, 0x77, 5);  // nobody ticks it
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  for (const SessionReport& s : d->sessions) EXPECT_FALSE(s.live);
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kNoLiveSession);
  EXPECT_TRUE(
      absl::StrContains(chosen.status().message(), "is guest-serve running"));
}

TEST(DiscoveryTest, LiveSessionWithMissingPageIsIncomplete) {
  const std::string path = TempPath("missing");
  LiveRegion region = MakeRegion(path, 0x99, 11);
  WipePageHeader(region.ram->pages().page(kFirstBulkPage + 5));
  HeartbeatTicker ticker(region.beacon);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  const SessionReport* live = FindSession(*d, region.session_id);
  ASSERT_NE(live, nullptr);
  EXPECT_TRUE(live->live);
  EXPECT_EQ(live->pages.pages_found, kRegionPages - 1);
  EXPECT_EQ(live->pages.offsets[kFirstBulkPage + 5], kMissingPage);
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kSessionIncomplete);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "1 missing"));
}

TEST(DiscoveryTest, TruncatedFileLosesTheTailPages) {
  const std::string path = TempPath("truncated");
  uint64_t max_offset = 0;
  {
    LiveRegion region = MakeRegion(path, 0xAB, 13, /*decoys=*/false);
    for (uint64_t o : region.ram->page_offsets())
      max_offset = std::max(max_offset, o);
  }
  // Cut the file just below the region's last page.
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(max_offset)), 0);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->sessions.size(), 1u);
  EXPECT_LT(d->sessions[0].pages.pages_found, kRegionPages);
  EXPECT_FALSE(d->sessions[0].pages.complete());
}

TEST(DiscoveryTest, LiveBeaconCopyWinsOverFrozenDuplicate) {
  const std::string path = TempPath("dup");
  LiveRegion region = MakeRegion(path, 0xD0, 17, /*decoys=*/false);
  // A stale copy of the beacon page elsewhere (as page migration leaves).
  uint64_t copy_offset = 0;
  while (std::find(region.ram->page_offsets().begin(),
                   region.ram->page_offsets().end(),
                   copy_offset) != region.ram->page_offsets().end()) {
    copy_offset += kPageSize;
  }
  std::memcpy(region.ram->data() + copy_offset, region.beacon, kPageSize);
  HeartbeatTicker ticker(region.beacon);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->sessions.size(), 1u);
  const SessionReport& s = d->sessions[0];
  EXPECT_EQ(s.pages.beacon_offsets.size(), 2u);
  EXPECT_EQ(s.pages.duplicate_pages, 1u);
  EXPECT_TRUE(s.live);
  EXPECT_EQ(s.beacon_offset, region.ram->page_offsets()[0]);
  EXPECT_EQ(s.pages.offsets[0], region.ram->page_offsets()[0]);
}

// Writes a page that starts like a Haywire page but is not a valid one.
void WriteHeader(const std::string& path, uint64_t offset, PageHeader header) {
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, &header, sizeof(header), static_cast<off_t>(offset)),
            static_cast<ssize_t>(sizeof(header)));
  ::close(fd);
}

std::string ZeroFile(const std::string& name, uint64_t bytes) {
  const std::string path = TempPath(name);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(bytes)), 0);
  ::close(fd);
  return path;
}

TEST(DiscoveryTest, OnlyBadChecksumsIsNoBeacon) {
  const std::string path = ZeroFile("badsum", 1 << 20);
  for (uint32_t i = 0; i < 3; ++i) {
    PageHeader h = MakePageHeader(0x55, i, kMinRegionPages, 1);
    h.page_count ^= 1;  // corrupt without fixing the checksum
    WriteHeader(path, (i * 7 + 1) * kPageSize, h);
  }
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->sessions.empty());
  EXPECT_EQ(d->stats.bad_checksum, 3u);
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kNoBeacon);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "bad checksum"));
  EXPECT_TRUE(
      absl::StrContains(chosen.status().message(), "256 pages scanned"));
}

TEST(DiscoveryTest, OnlyUnknownVersionIsVersionMismatch) {
  const std::string path = ZeroFile("version", 1 << 20);
  PageHeader h = MakePageHeader(0x56, 0, kMinRegionPages, 1);
  h.version = 7;
  h.checksum = Crc32c(&h, kChecksummedHeaderBytes);
  WriteHeader(path, 3 * kPageSize, h);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kVersionMismatch);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "version 7"));
}

TEST(DiscoveryTest, EmptyOfPagesIsNoBeacon) {
  const std::string path = ZeroFile("zeros", 1 << 20);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kNoBeacon);
  EXPECT_EQ(chosen.status().message(),
            absl::StrCat("no beacon found in ", path,
                         " (256 pages scanned); is guest-serve running in the "
                         "VM?"));
}

TEST(RamFileTest, RejectsUnusableFiles) {
  struct Case {
    std::string path;
    std::string expect;
  };
  const std::string dir = TempPath("dir");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const std::string empty = ZeroFile("empty", 0);
  const std::string odd = ZeroFile("odd", 4096 * 3 + 100);
  for (const Case& c :
       std::vector<Case>{{TempPath("does-not-exist"), "does not exist"},
                         {dir, "is a directory"},
                         {empty, "is empty"},
                         {odd, "not a whole number of 4096-byte pages"}}) {
    absl::StatusOr<std::unique_ptr<RamFile>> file =
        RamFile::Open(c.path, false);
    ASSERT_FALSE(file.ok()) << c.path;
    EXPECT_EQ(FailureOf(file.status()), Failure::kMemFileUnusable);
    EXPECT_TRUE(absl::StrContains(file.status().message(), c.expect))
        << file.status();
    EXPECT_TRUE(absl::StrContains(file.status().message(), c.path));
  }
}

}  // namespace
}  // namespace haywire
