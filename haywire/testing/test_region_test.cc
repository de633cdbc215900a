// Copyright 2026 The Haywire Authors.

#include "haywire/testing/test_region.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

TEST(TestRegionTest, CreateLaysOutAValidRegion) {
  CompanionIdentity identity;
  identity.pid = 77;
  absl::StatusOr<std::unique_ptr<TestRegion>> region =
      TestRegion::Create(kMinRegionPages, 0xABCD, identity);
  ASSERT_TRUE(region.ok()) << region.status();
  ASSERT_EQ((*region)->page_count(), kMinRegionPages);
  for (uint32_t i = 0; i < kMinRegionPages; ++i) {
    const PageHeader header = ReadPageHeader((*region)->page(i));
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kValid) << "page " << i;
    EXPECT_EQ(header.session_id, 0xABCDu);
    EXPECT_EQ(header.page_index, i);
  }
  absl::StatusOr<CompanionIdentity> read =
      ReadBeaconInfo((*region)->region().beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->pid, 77u);
}

TEST(TestRegionTest, MapLeavesThePagesZeroed) {
  absl::StatusOr<std::unique_ptr<TestRegion>> region = TestRegion::Map(3);
  ASSERT_TRUE(region.ok()) << region.status();
  const std::byte* first = (*region)->page(0);
  for (size_t i = 0; i < 3 * kPageSize; ++i) {
    ASSERT_EQ(first[i], std::byte{0}) << "byte " << i;
  }
  EXPECT_EQ((*region)->page(2), first + 2 * kPageSize);
}

TEST(TestRegionTest, AForkedChildWritesWhatTheTestReads) {
  absl::StatusOr<std::unique_ptr<TestRegion>> region = TestRegion::Map(1);
  ASSERT_TRUE(region.ok()) << region.status();
  std::byte* page = (*region)->page(0);
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([&] {
    page[100] = std::byte{0x5A};
    return 0;
  });
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_EQ((*child)->WaitExit(absl::Seconds(60)), 0);
  EXPECT_EQ(page[100], std::byte{0x5A});
}

TEST(TestRegionTest, AFileBackedRegionIsInTheFile) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/ram";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  absl::StatusOr<std::unique_ptr<TestRegion>> region =
      TestRegion::Create(kMinRegionPages, 9, CompanionIdentity{}, fd);
  ASSERT_TRUE(region.ok()) << region.status();
  EXPECT_EQ(lseek(fd, 0, SEEK_END),
            static_cast<off_t>(size_t{kMinRegionPages} * kPageSize));
  PageHeader from_file;
  ASSERT_EQ(pread(fd, &from_file, sizeof(from_file), 0),
            static_cast<ssize_t>(sizeof(from_file)));
  EXPECT_EQ(CheckPageHeader(from_file), HeaderVerdict::kValid);
  EXPECT_EQ(from_file.session_id, 9u);
  close(fd);
}

TEST(TestRegionTest, RefusesWhatInitializeRegionRefuses) {
  // Session id 0 is reserved for "no session".
  EXPECT_FALSE(
      TestRegion::Create(kMinRegionPages, 0, CompanionIdentity{}).ok());
  EXPECT_FALSE(TestRegion::Map(0).ok());
}

}  // namespace
}  // namespace haywire
