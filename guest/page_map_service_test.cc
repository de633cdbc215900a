// Copyright 2026 The Haywire Authors.
//
// PageMapService over this test's own memory and over region frames: the
// entries in the window say which pages are present, a window's worth at
// most, and the region's frames come from its pagemap or, in simulated
// mode, from the pages' offsets in the RAM file.

#include "guest/page_map_service.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

constexpr uint64_t kPage = 4096;

class PageMapServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestRegion>> region = TestRegion::Map(64);
    ASSERT_TRUE(region.ok()) << region.status();
    region_ = *std::move(region);
    view_ = region_->region();
  }

  // GET_PAGE_MAP through `service`; the entries the window holds.
  std::vector<uint64_t> Ask(PageMapService& service, PageMapRequest request,
                            ResponseStatus* status = nullptr) {
    service.RegisterWith(&router_);
    const HandlerResult r =
        service.Get(request, RequestContext{.host_pid = 1, .slot = 3});
    if (status != nullptr) *status = r.status;
    if (r.status != ResponseStatus::kOk) return {};
    absl::StatusOr<PageMapResponse> response =
        DecodeMessage<PageMapResponse>(r.payload);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    EXPECT_EQ(response->page_bytes, kPage);
    std::vector<uint64_t> entries(response->pages);
    CopyFromWindow(view_, kWindows, 3, response->pages * kPageMapEntryBytes,
                   reinterpret_cast<char*>(entries.data()));
    return entries;
  }

  static constexpr BulkWindowLayout kWindows{kFirstBulkPage, 1};
  std::unique_ptr<TestRegion> region_;
  Region view_;
  RequestRouter router_;
};

TEST_F(PageMapServiceTest, AProcesssTouchedPagesArePresent) {
  char* buffer =
      static_cast<char*>(::mmap(nullptr, 8 * kPage, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(buffer, MAP_FAILED);
  for (int k : {0, 2, 5}) buffer[k * kPage] = 1;
  PageMapService service("/proc", &view_, kWindows, RegionFrames{});
  PageMapRequest request;
  request.pid = static_cast<uint32_t>(::getpid());
  request.first_page = reinterpret_cast<uintptr_t>(buffer) / kPage;
  request.pages = 8;
  const std::vector<uint64_t> entries = Ask(service, request);
  ASSERT_EQ(entries.size(), 8u);
  for (int k = 0; k < 8; ++k) {
    const bool touched = k == 0 || k == 2 || k == 5;
    EXPECT_EQ((entries[k] & kPageMapPresent) != 0, touched) << "page " << k;
  }
  ::munmap(buffer, 8 * kPage);
}

TEST_F(PageMapServiceTest, AtMostAWindowsWorth) {
  PageMapService service("/proc", &view_, kWindows, RegionFrames{});
  PageMapRequest request;
  request.pid = static_cast<uint32_t>(::getpid());
  request.pages = 100000;
  EXPECT_EQ(Ask(service, request).size(), kWindows.capacity() / 8);
}

TEST_F(PageMapServiceTest, SimulatedRegionFramesAreFileOffsets) {
  const std::vector<uint64_t> offsets = {0x5000, 0x1000, 0x9000};
  PageMapService service(
      "/proc", &view_, kWindows,
      RegionFrames{.simulated_offsets = &offsets, .pages = 3});
  PageMapRequest request;
  request.pages = 10;
  EXPECT_EQ(Ask(service, request),
            (std::vector<uint64_t>{kPageMapPresent | 5, kPageMapPresent | 1,
                                   kPageMapPresent | 9}));
  request.first_page = 1;
  EXPECT_EQ(Ask(service, request).size(), 2u);
  request.first_page = 3;
  ResponseStatus status;
  Ask(service, request, &status);
  EXPECT_EQ(status, ResponseStatus::kBadRequest);
  // A simulated guest's processes have no frames in its RAM file.
  request.pid = static_cast<uint32_t>(::getpid());
  request.first_page = 0;
  Ask(service, request, &status);
  EXPECT_EQ(status, ResponseStatus::kBadRequest);
}

TEST_F(PageMapServiceTest, RealRegionFramesComeFromTheOwnPagemap) {
  char* region =
      static_cast<char*>(::mmap(nullptr, 4 * kPage, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(region, MAP_FAILED);
  std::memset(region, 7, 4 * kPage);
  PageMapService service("/proc", &view_, kWindows,
                         RegionFrames{.base = region, .pages = 4});
  PageMapRequest request;
  request.pages = 4;
  const std::vector<uint64_t> entries = Ask(service, request);
  ASSERT_EQ(entries.size(), 4u);
  for (uint64_t e : entries) EXPECT_NE(e & kPageMapPresent, 0u);
  ::munmap(region, 4 * kPage);
}

TEST_F(PageMapServiceTest, AMissingProcess) {
  PageMapService service("/proc", &view_, kWindows, RegionFrames{});
  PageMapRequest request;
  request.pid = 4194305;
  request.pages = 1;
  ResponseStatus status;
  Ask(service, request, &status);
  EXPECT_EQ(status, ResponseStatus::kNoSuchProcess);
}

}  // namespace
}  // namespace haywire
