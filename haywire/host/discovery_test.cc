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
#include "haywire/host/discovery_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

TEST(DiscoveryTest, FindsScatteredLiveSessionAmongDecoys) {
  const std::string path = TestTempPath("live");
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

TEST(DiscoveryTest, HoleSkippingDoesNotChangeTheResult) {
  const std::string path = TestTempPath("holes");
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
  const std::string path = TestTempPath("stale");
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
  const std::string path = TestTempPath("missing");
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
  const std::string path = TestTempPath("truncated");
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
  const std::string path = TestTempPath("dup");
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
  const std::string path = TestTempPath(name);
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
  const std::string dir = TestTempPath("dir");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const std::string empty = ZeroFile("empty", 0);
  const std::string odd = ZeroFile("odd", 4096 * 3 + 100);
  for (const Case& c :
       std::vector<Case>{{TestTempPath("does-not-exist"), "does not exist"},
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
