// Copyright 2026 The Haywire Authors.

#include "guest/simulated_ram.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr uint32_t kRegionPages = 1024;
constexpr uint64_t kRamBytes = 64ull << 20;  // 16384 pages.

// A fresh path under the test's private directory.
std::string TestPath(absl::string_view name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
  unlink(path.c_str());
  return path;
}

SimulatedRamOptions Options(const std::string& path, uint64_t seed = 7) {
  SimulatedRamOptions options;
  options.path = path;
  options.ram_bytes = kRamBytes;
  options.region_pages = kRegionPages;
  options.seed = seed;
  return options;
}

CompanionIdentity TestIdentity() {
  CompanionIdentity identity;
  identity.pid = 99;
  identity.start_unix_ns = 1;
  identity.hostname = "test-guest";
  return identity;
}

HeaderVerdict VerdictAt(const SimulatedRam& ram, uint64_t offset) {
  return CheckPageHeader(ReadPageHeader(ram.data() + offset));
}

// Region pages that start a new run: the file offset is not right after the
// previous page's.
int CountRuns(const std::vector<uint64_t>& offsets) {
  int runs = offsets.empty() ? 0 : 1;
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] != offsets[i - 1] + kPageSize) ++runs;
  }
  return runs;
}

TEST(SimulatedRamTest, PlacementIsReproducibleForTheSameSeed) {
  absl::StatusOr<std::unique_ptr<SimulatedRam>> a =
      SimulatedRam::Open(Options(TestPath("repro-a"), 42));
  absl::StatusOr<std::unique_ptr<SimulatedRam>> b =
      SimulatedRam::Open(Options(TestPath("repro-b"), 42));
  absl::StatusOr<std::unique_ptr<SimulatedRam>> c =
      SimulatedRam::Open(Options(TestPath("repro-c"), 43));
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE(c.ok()) << c.status();

  EXPECT_THAT((*a)->page_offsets(), ElementsAreArray((*b)->page_offsets()));
  EXPECT_EQ((*a)->decoys().stale_session_id, (*b)->decoys().stale_session_id);
  EXPECT_THAT((*a)->decoys().stale_page_offsets,
              ElementsAreArray((*b)->decoys().stale_page_offsets));
  EXPECT_THAT((*a)->decoys().magic_only_offsets,
              ElementsAreArray((*b)->decoys().magic_only_offsets));
  EXPECT_EQ((*a)->decoys().bad_checksum_offset,
            (*b)->decoys().bad_checksum_offset);
  EXPECT_EQ((*a)->decoys().unknown_version_offset,
            (*b)->decoys().unknown_version_offset);

  EXPECT_NE((*a)->page_offsets(), (*c)->page_offsets());
  EXPECT_NE((*a)->decoys().stale_session_id, (*c)->decoys().stale_session_id);
}

TEST(SimulatedRamTest, PagesAreAlignedDistinctInsideAndScattered) {
  const std::string path = TestPath("scatter");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(path));
  ASSERT_TRUE(ram.ok()) << ram.status();
  EXPECT_TRUE((*ram)->created());
  EXPECT_EQ((*ram)->path(), path);
  EXPECT_EQ((*ram)->ram_bytes(), kRamBytes);

  const std::vector<uint64_t>& offsets = (*ram)->page_offsets();
  ASSERT_THAT(offsets, SizeIs(kRegionPages));
  std::set<uint64_t> distinct(offsets.begin(), offsets.end());
  EXPECT_EQ(distinct.size(), offsets.size());
  for (uint64_t offset : offsets) {
    EXPECT_EQ(offset % kPageSize, 0u);
    EXPECT_LE(offset + kPageSize, kRamBytes);
  }

  // Several runs, handed out in an order that is not file order, spread over
  // most of the file.
  EXPECT_GT(CountRuns(offsets), 8);
  EXPECT_FALSE(std::is_sorted(offsets.begin(), offsets.end()));
  EXPECT_GT(*distinct.rbegin() - *distinct.begin(), kRamBytes / 2);

  // pages() points at those offsets of the file mapping.
  PageTable pages = (*ram)->pages();
  ASSERT_EQ(pages.page_count(), kRegionPages);
  for (uint32_t i = 0; i < kRegionPages; ++i) {
    EXPECT_EQ(pages.page(i), (*ram)->data() + offsets[i]);
  }

  // The caller makes them a region, and it lands in the file.
  ASSERT_TRUE(InitializeRegion(pages, 0xABCD, TestIdentity()).ok());
  for (uint32_t i = 0; i < kRegionPages; ++i) {
    const PageHeader header = ReadPageHeader((*ram)->data() + offsets[i]);
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kValid);
    EXPECT_EQ(header.page_index, i);
    EXPECT_EQ(header.session_id, 0xABCDu);
  }
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  PageHeader from_file;
  ASSERT_EQ(pread(fd, &from_file, sizeof(from_file), offsets[0]),
            static_cast<ssize_t>(sizeof(from_file)));
  close(fd);
  EXPECT_EQ(CheckPageHeader(from_file), HeaderVerdict::kValid);
  EXPECT_EQ(from_file.session_id, 0xABCDu);
}

TEST(SimulatedRamTest, DecoysHaveTheExpectedVerdicts) {
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(TestPath("decoys")));
  ASSERT_TRUE(ram.ok()) << ram.status();
  const SimulatedRam::DecoyReport& decoys = (*ram)->decoys();

  // The dead session: a complete, valid region of its own.
  ASSERT_NE(decoys.stale_session_id, 0u);
  const uint32_t stale_pages =
      static_cast<uint32_t>(decoys.stale_page_offsets.size());
  EXPECT_GE(stale_pages, 64u);
  EXPECT_LE(stale_pages, 128u);
  EXPECT_GT(CountRuns(decoys.stale_page_offsets), 1);
  for (uint32_t i = 0; i < stale_pages; ++i) {
    const PageHeader header =
        ReadPageHeader((*ram)->data() + decoys.stale_page_offsets[i]);
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kValid) << i;
    EXPECT_EQ(header.session_id, decoys.stale_session_id);
    EXPECT_EQ(header.page_index, i);
    EXPECT_EQ(header.page_count, stale_pages);
  }
  auto& beacon = *reinterpret_cast<BeaconPage*>(
      (*ram)->data() + decoys.stale_page_offsets[kBeaconPageIndex]);
  absl::StatusOr<CompanionIdentity> identity = ReadBeaconInfo(beacon);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->pid, 4242u);
  EXPECT_EQ(identity->hostname, "stale-guest");
  EXPECT_GE(ReadHeartbeat(beacon).counter, 3u);

  ASSERT_THAT(decoys.magic_only_offsets, Not(IsEmpty()));
  for (uint64_t offset : decoys.magic_only_offsets) {
    EXPECT_TRUE(StartsWithPageMagic((*ram)->data() + offset));
    EXPECT_EQ(VerdictAt(**ram, offset), HeaderVerdict::kBadMagic2);
  }
  EXPECT_EQ(VerdictAt(**ram, decoys.bad_checksum_offset),
            HeaderVerdict::kBadChecksum);
  EXPECT_EQ(VerdictAt(**ram, decoys.unknown_version_offset),
            HeaderVerdict::kUnknownVersion);

  // No decoy overlaps another or the region.
  absl::flat_hash_set<uint64_t> used((*ram)->page_offsets().begin(),
                                     (*ram)->page_offsets().end());
  size_t expected = used.size();
  for (uint64_t offset : decoys.stale_page_offsets) used.insert(offset);
  for (uint64_t offset : decoys.magic_only_offsets) used.insert(offset);
  used.insert(decoys.bad_checksum_offset);
  used.insert(decoys.unknown_version_offset);
  expected +=
      decoys.stale_page_offsets.size() + decoys.magic_only_offsets.size() + 2;
  EXPECT_EQ(used.size(), expected);

  // The region's pages are untouched until the caller initialises them.
  for (uint64_t offset : (*ram)->page_offsets()) {
    ASSERT_EQ(VerdictAt(**ram, offset), HeaderVerdict::kNoMagic);
  }
}

TEST(SimulatedRamTest, NoDecoysWhenNotAsked) {
  SimulatedRamOptions options = Options(TestPath("nodecoys"));
  options.add_decoys = false;
  options.ram_bytes = uint64_t{kRegionPages} * kPageSize;  // Exactly enough.
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_TRUE(ram.ok()) << ram.status();
  EXPECT_EQ((*ram)->decoys().stale_session_id, 0u);
  EXPECT_THAT((*ram)->decoys().stale_page_offsets, IsEmpty());
  EXPECT_THAT((*ram)->decoys().magic_only_offsets, IsEmpty());
  for (uint64_t offset = 0; offset < options.ram_bytes; offset += kPageSize) {
    ASSERT_FALSE(StartsWithPageMagic((*ram)->data() + offset));
  }
  // Every page of the file is the region's, in runs out of file order.
  std::set<uint64_t> distinct((*ram)->page_offsets().begin(),
                              (*ram)->page_offsets().end());
  EXPECT_EQ(distinct.size(), kRegionPages);
  EXPECT_FALSE(std::is_sorted((*ram)->page_offsets().begin(),
                              (*ram)->page_offsets().end()));
}

TEST(SimulatedRamTest, ReuseKeepsEarlierPagesAndPlacesTheRegionElsewhere) {
  const std::string path = TestPath("reuse");
  std::vector<uint64_t> first_offsets;
  SimulatedRam::DecoyReport first_decoys;
  {
    absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
        SimulatedRam::Open(Options(path));
    ASSERT_TRUE(ram.ok()) << ram.status();
    ASSERT_TRUE(InitializeRegion((*ram)->pages(), 111, TestIdentity()).ok());
    first_offsets = (*ram)->page_offsets();
    first_decoys = (*ram)->decoys();
    // Dropped without WipeRegion: a companion that crashed.
  }

  // Same seed, same size: the file is reused, not rewritten.
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(path));
  ASSERT_TRUE(ram.ok()) << ram.status();
  EXPECT_FALSE((*ram)->created());
  EXPECT_EQ((*ram)->decoys().stale_session_id, 0u);
  EXPECT_THAT((*ram)->decoys().stale_page_offsets, IsEmpty());
  EXPECT_THAT((*ram)->decoys().magic_only_offsets, IsEmpty());
  EXPECT_EQ((*ram)->decoys().bad_checksum_offset, 0u);
  EXPECT_EQ((*ram)->decoys().unknown_version_offset, 0u);

  // The new region avoids every earlier page.
  absl::flat_hash_set<uint64_t> earlier(first_offsets.begin(),
                                        first_offsets.end());
  earlier.insert(first_decoys.stale_page_offsets.begin(),
                 first_decoys.stale_page_offsets.end());
  earlier.insert(first_decoys.magic_only_offsets.begin(),
                 first_decoys.magic_only_offsets.end());
  earlier.insert(first_decoys.bad_checksum_offset);
  earlier.insert(first_decoys.unknown_version_offset);
  ASSERT_THAT((*ram)->page_offsets(), SizeIs(kRegionPages));
  for (uint64_t offset : (*ram)->page_offsets()) {
    ASSERT_FALSE(earlier.contains(offset)) << offset;
  }

  ASSERT_TRUE(InitializeRegion((*ram)->pages(), 222, TestIdentity()).ok());

  // The crashed session and all decoys are intact beside the new one.
  for (uint32_t i = 0; i < kRegionPages; ++i) {
    const PageHeader old_header =
        ReadPageHeader((*ram)->data() + first_offsets[i]);
    ASSERT_EQ(CheckPageHeader(old_header), HeaderVerdict::kValid);
    EXPECT_EQ(old_header.session_id, 111u);
    EXPECT_EQ(old_header.page_index, i);
    const PageHeader new_header =
        ReadPageHeader((*ram)->data() + (*ram)->page_offsets()[i]);
    ASSERT_EQ(CheckPageHeader(new_header), HeaderVerdict::kValid);
    EXPECT_EQ(new_header.session_id, 222u);
  }
  for (uint64_t offset : first_decoys.stale_page_offsets) {
    const PageHeader header = ReadPageHeader((*ram)->data() + offset);
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kValid);
    EXPECT_EQ(header.session_id, first_decoys.stale_session_id);
  }
  for (uint64_t offset : first_decoys.magic_only_offsets) {
    EXPECT_EQ(VerdictAt(**ram, offset), HeaderVerdict::kBadMagic2);
  }
  EXPECT_EQ(VerdictAt(**ram, first_decoys.bad_checksum_offset),
            HeaderVerdict::kBadChecksum);
  EXPECT_EQ(VerdictAt(**ram, first_decoys.unknown_version_offset),
            HeaderVerdict::kUnknownVersion);
}

TEST(SimulatedRamTest, ReuseOfAWipedRegionMayUseItsPagesAgain) {
  const std::string path = TestPath("wiped");
  SimulatedRamOptions options = Options(path);
  options.add_decoys = false;
  options.ram_bytes = uint64_t{kRegionPages} * kPageSize;
  {
    absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
        SimulatedRam::Open(options);
    ASSERT_TRUE(ram.ok()) << ram.status();
    ASSERT_TRUE(InitializeRegion((*ram)->pages(), 1, TestIdentity()).ok());
    WipeRegion((*ram)->pages());  // A clean exit.
  }
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_TRUE(ram.ok()) << ram.status();
  EXPECT_FALSE((*ram)->created());
  EXPECT_THAT((*ram)->page_offsets(), SizeIs(kRegionPages));
}

TEST(SimulatedRamTest, ReuseWithoutRoomLeftFailsClearly) {
  const std::string path = TestPath("full");
  SimulatedRamOptions options = Options(path);
  options.ram_bytes =
      uint64_t{kRegionPages + kSimulatedRamDecoyRoomPages} * kPageSize;
  {
    absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
        SimulatedRam::Open(options);
    ASSERT_TRUE(ram.ok()) << ram.status();
    ASSERT_TRUE(InitializeRegion((*ram)->pages(), 1, TestIdentity()).ok());
  }
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(ram.status().message(),
              HasSubstr(absl::StrCat(path, " has only ")));
  EXPECT_THAT(ram.status().message(),
              HasSubstr("remove the file or use a larger one"));
  // A file it did not create is left alone.
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0);
}

TEST(SimulatedRamTest, FileIsSparse) {
  const std::string path = TestPath("sparse");
  SimulatedRamOptions options = Options(path);
  options.ram_bytes = 256ull << 20;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_TRUE(ram.ok()) << ram.status();
  ASSERT_TRUE(InitializeRegion((*ram)->pages(), 5, TestIdentity()).ok());

  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), options.ram_bytes);
  // 1024 region pages and about 130 decoy pages are written: under 5 MiB of
  // 256. Allow for file systems that allocate in larger blocks.
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, 16ull << 20);
}

TEST(SimulatedRamTest, RejectsATooSmallFile) {
  SimulatedRamOptions options = Options(TestPath("small"));
  options.ram_bytes = uint64_t{kRegionPages + 100} * kPageSize;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ram.status().message(),
            "simulated RAM of 1124 pages is too small for a region of 1024 "
            "pages plus its decoys; make it at least 5242880 bytes");
  struct stat st;
  EXPECT_NE(stat(options.path.c_str(), &st), 0);  // Nothing was created.
}

TEST(SimulatedRamTest, RejectsASizeThatIsNotWholePages) {
  SimulatedRamOptions options = Options(TestPath("odd"));
  options.ram_bytes = kRamBytes + 100;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ram.status().message(),
            "simulated RAM size must be a positive multiple of the 4096-byte "
            "page size, not 67108964 bytes");
}

TEST(SimulatedRamTest, RejectsABadRegionSize) {
  SimulatedRamOptions options = Options(TestPath("region-size"));
  options.region_pages = kMinRegionPages - 1;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(options);
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ram.status().message(), HasSubstr("a region needs between"));
}

TEST(SimulatedRamTest, RejectsAnExistingFileOfAnotherSize) {
  const std::string path = TestPath("other-size");
  const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 1 << 20), 0);
  close(fd);

  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(path));
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ram.status().message(),
            absl::StrCat(path,
                         " already exists with 1048576 bytes, not 67108864; "
                         "remove it or ask for its size"));
  // Someone else's file is never removed.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 1 << 20);
}

TEST(SimulatedRamTest, RejectsADirectory) {
  const std::string path = TestPath("a-directory");
  ASSERT_EQ(mkdir(path.c_str(), 0700), 0);
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(path));
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ram.status().message(),
            absl::StrCat(path,
                         " is a directory; give the path of a RAM file "
                         "to create or reuse"));
  rmdir(path.c_str());
}

TEST(SimulatedRamTest, ReportsAMissingDirectory) {
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open(Options(TestPath("no-such-dir/ram")));
  ASSERT_FALSE(ram.ok());
  EXPECT_EQ(ram.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ram.status().message(), HasSubstr("cannot create "));
}

}  // namespace
}  // namespace haywire
