// Copyright 2026 The Haywire Authors.
//
// Runtime checks of the region layout that complement layout.h's
// static_asserts: where the typed pages land in a Region, and that the words
// written independently by different actors never share a cache line.

#include "haywire/protocol/layout.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

// `count` zeroed, contiguous pages (null, with a test failure, if they
// cannot be mapped).
std::unique_ptr<TestRegion> NewPages(uint32_t count) {
  absl::StatusOr<std::unique_ptr<TestRegion>> pages = TestRegion::Map(count);
  EXPECT_TRUE(pages.ok()) << pages.status();
  return pages.ok() ? *std::move(pages) : nullptr;
}

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }
uintptr_t Line(const void* p) { return Addr(p) / kCacheLineSize; }

TEST(LayoutTest, PageIndicesFollowTheDocumentedMap) {
  // layout.h: page 0 beacon, 1..16 request slots, 17..32 responses, 33 the
  // iterator table, 34.. bulk.
  EXPECT_EQ(kBeaconPageIndex, 0u);
  EXPECT_EQ(kFirstRequestSlotPage, 1u);
  EXPECT_EQ(kRequestSlotCount, 16u);
  EXPECT_EQ(kFirstResponseSlotPage, 17u);
  EXPECT_EQ(kResponseSlotCount, kRequestSlotCount);
  EXPECT_EQ(kIteratorTablePage, 33u);
  EXPECT_EQ(kFirstBulkPage, 34u);
  EXPECT_EQ(kMinRegionPages, kFirstBulkPage);
  EXPECT_EQ(kIteratorCount, 8u);
}

TEST(LayoutTest, RegionSizeLimits) {
  // At most 1 GiB, and the default (64 MiB) is a whole number of pages
  // within the limits.
  EXPECT_EQ(uint64_t{kMaxRegionPages} * kPageSize, 1ull << 30);
  EXPECT_EQ(kDefaultRegionBytes, 64ull << 20);
  EXPECT_EQ(kDefaultRegionBytes % kPageSize, 0u);
  const uint64_t default_pages = kDefaultRegionBytes / kPageSize;
  EXPECT_EQ(default_pages, (64ull << 20) / 4096);
  EXPECT_GE(default_pages, kMinRegionPages);
  EXPECT_LE(default_pages, kMaxRegionPages);
  // A page header's page_count field holds every legal count.
  EXPECT_LE(uint64_t{kMaxRegionPages}, uint64_t{UINT32_MAX});
}

TEST(LayoutTest, PayloadsFitTheirPages) {
  EXPECT_EQ(kRequestPayloadOffset + kRequestPayloadBytes, kPageSize);
  EXPECT_EQ(kResponsePayloadOffset + kResponsePayloadBytes, kPageSize);
  EXPECT_EQ(
      offsetof(RequestSlotPage, payload) + sizeof(RequestSlotPage::payload),
      size_t{kPageSize});
  EXPECT_EQ(
      offsetof(ResponseSlotPage, payload) + sizeof(ResponseSlotPage::payload),
      size_t{kPageSize});
  EXPECT_EQ(kBulkDataOffset, sizeof(PageHeader));
  // The beacon's static info is what its checksum covers, between the header
  // and the heartbeat line.
  EXPECT_EQ(kBeaconInfoBegin, sizeof(PageHeader));
  EXPECT_EQ(kBeaconInfoEnd + sizeof(uint32_t),
            offsetof(BeaconPage, heartbeat_counter));
  // The page header's checksum covers everything before the checksum.
  EXPECT_EQ(kChecksummedHeaderBytes + sizeof(uint32_t), sizeof(PageHeader));
}

TEST(LayoutTest, ContiguousPageTable) {
  constexpr uint32_t kCount = kMinRegionPages + 3;
  std::unique_ptr<TestRegion> buffer = NewPages(kCount);
  ASSERT_NE(buffer, nullptr);
  const PageTable table = PageTable::Contiguous(buffer->page(0), kCount);
  ASSERT_EQ(table.page_count(), kCount);
  for (uint32_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(table.page(i), buffer->page(0) + size_t{i} * kPageSize) << i;
  }
}

class RegionLayoutTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kCount = kMinRegionPages + 6;

  void SetUp() override {
    buffer_ = NewPages(kCount);
    ASSERT_NE(buffer_, nullptr);
    region_ = buffer_->region();
  }

  // Index of the page holding `p`, or -1 if outside the buffer.
  int64_t PageOf(const void* p) const {
    const uintptr_t a = Addr(p), base = Addr(buffer_->page(0));
    if (a < base || a >= base + size_t{kCount} * kPageSize) return -1;
    return static_cast<int64_t>((a - base) / kPageSize);
  }

  std::unique_ptr<TestRegion> buffer_;
  Region region_;
};

TEST_F(RegionLayoutTest, TypedAccessorsLandOnTheirPages) {
  EXPECT_EQ(region_.page_count(), kCount);
  EXPECT_EQ(Addr(&region_.beacon()), Addr(buffer_->page(0)));
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    EXPECT_EQ(PageOf(&region_.request_slot(i)), kFirstRequestSlotPage + i);
    EXPECT_EQ(Addr(&region_.request_slot(i)) % kPageSize, 0u);
    EXPECT_EQ(KindOfPage(kFirstRequestSlotPage + i), PageKind::kRequestSlot);
  }
  for (uint32_t i = 0; i < kResponseSlotCount; ++i) {
    EXPECT_EQ(PageOf(&region_.response_slot(i)), kFirstResponseSlotPage + i);
    EXPECT_EQ(Addr(&region_.response_slot(i)) % kPageSize, 0u);
    EXPECT_EQ(KindOfPage(kFirstResponseSlotPage + i), PageKind::kResponseSlot);
  }
  EXPECT_EQ(PageOf(&region_.iterator_table()), kIteratorTablePage);
  EXPECT_EQ(region_.bulk_page_count(), kCount - kFirstBulkPage);
  for (uint32_t i = 0; i < region_.bulk_page_count(); ++i) {
    EXPECT_EQ(PageOf(region_.bulk_page(i)), kFirstBulkPage + i);
    EXPECT_EQ(KindOfPage(kFirstBulkPage + i), PageKind::kBulk);
  }
}

TEST_F(RegionLayoutTest, EveryTypedPageIsDistinct) {
  std::set<int64_t> pages;
  EXPECT_TRUE(pages.insert(PageOf(&region_.beacon())).second);
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    EXPECT_TRUE(pages.insert(PageOf(&region_.request_slot(i))).second) << i;
    EXPECT_TRUE(pages.insert(PageOf(&region_.response_slot(i))).second) << i;
  }
  EXPECT_TRUE(pages.insert(PageOf(&region_.iterator_table())).second);
  for (uint32_t i = 0; i < region_.bulk_page_count(); ++i) {
    EXPECT_TRUE(pages.insert(PageOf(region_.bulk_page(i))).second) << i;
  }
  EXPECT_EQ(pages.size(), kCount);
  EXPECT_EQ(pages.count(-1), 0u);
}

// Every independently written word of the region, with its writer; no two
// may share a cache line (false sharing across the VM boundary is a
// performance bug; a shared line between a plain-data area and an atomic word
// would also make "publish by release" reasoning per-line wrong).
TEST_F(RegionLayoutTest, IndependentlyWrittenWordsHaveTheirOwnCacheLines) {
  std::map<uintptr_t, std::string> owner;  // cache line -> what lives there.
  auto claim = [&](const void* p, size_t bytes, const std::string& what) {
    for (uintptr_t line = Line(p);
         line <= Line(static_cast<const std::byte*>(p) + bytes - 1); ++line) {
      auto [it, inserted] = owner.emplace(line, what);
      EXPECT_TRUE(inserted)
          << what << " shares a cache line with " << it->second;
    }
  };
  BeaconPage& beacon = region_.beacon();
  claim(&beacon.header, sizeof(PageHeader), "beacon header");
  claim(&beacon.heartbeat_counter, 2 * sizeof(uint64_t), "heartbeat");
  claim(&beacon.request_doorbell, sizeof(uint64_t), "doorbell");
  claim(&beacon.requests_served, 2 * sizeof(uint64_t), "statistics");
  // The static info must not reach the heartbeat line.
  EXPECT_LT(Line(&beacon.info_checksum), Line(&beacon.heartbeat_counter));
  EXPECT_GT(Line(&beacon.companion_pid), Line(&beacon.header));

  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    RequestSlotPage& slot = region_.request_slot(i);
    const std::string n = std::to_string(i);
    claim(&slot.header, sizeof(PageHeader), "request header " + n);
    // The control line: state word, request header and response header
    // share one line (one transfer per direction), and nothing else does.
    claim(&slot.state, kCacheLineSize, "control line " + n);
    EXPECT_EQ(Line(&slot.response.guest_mono_ns), Line(&slot.state));
    EXPECT_EQ(Line(&slot.ticket), Line(&slot.state));
    claim(&slot.reserved, sizeof(slot.reserved), "reserved " + n);
    claim(&slot.payload, kRequestPayloadBytes, "request payload " + n);
    EXPECT_EQ(Addr(&slot.state) % alignof(uint64_t), 0u);

    ResponseSlotPage& response = region_.response_slot(i);
    claim(&response.header, sizeof(PageHeader), "response header " + n);
    claim(&response.payload, kResponsePayloadBytes, "response payload " + n);
  }

  IteratorTablePage& table = region_.iterator_table();
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    claim(&table.entries[i], sizeof(IteratorEntry),
          "iterator " + std::to_string(i));
  }

  // All 16 state words are on 16 distinct lines on 16 distinct pages.
  std::set<int64_t> state_pages;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    state_pages.insert(PageOf(&region_.request_slot(i).state));
  }
  EXPECT_EQ(state_pages.size(), kRequestSlotCount);
}

TEST_F(RegionLayoutTest, StructFieldsAreWhereTheRawBytesAre) {
  // Writes through the typed view land at the documented byte offsets of the
  // raw page (what a peer compiled elsewhere reads).
  RequestSlotPage& slot = region_.request_slot(3);
  slot.state = 0x1122334455667788ull;
  slot.ticket = 0xA1A2A3A4A5A6A7A8ull;
  slot.payload_bytes = 0xCAFEBABE;
  slot.payload[0] = 0x5C;
  const std::byte* raw =
      buffer_->page(0) + size_t{kFirstRequestSlotPage + 3} * kPageSize;
  uint64_t v64;
  uint32_t v32;
  std::memcpy(&v64, raw + 64, 8);
  EXPECT_EQ(v64, 0x1122334455667788ull);
  EXPECT_EQ(static_cast<uint8_t>(raw[64]), 0x88);  // little-endian.
  std::memcpy(&v64, raw + 72, 8);
  EXPECT_EQ(v64, 0xA1A2A3A4A5A6A7A8ull);
  std::memcpy(&v32, raw + 84, 4);
  EXPECT_EQ(v32, 0xCAFEBABEu);
  slot.response.iterator_id = 0xB1B2B3B4B5B6B7B8ull;
  std::memcpy(&v64, raw + 112, 8);
  EXPECT_EQ(v64, 0xB1B2B3B4B5B6B7B8ull);
  EXPECT_EQ(static_cast<uint8_t>(raw[kRequestPayloadOffset]), 0x5C);

  BeaconPage& beacon = region_.beacon();
  beacon.heartbeat_counter = 0x0102030405060708ull;
  beacon.request_doorbell = 0x1112131415161718ull;
  std::memcpy(&v64, buffer_->page(0) + 512, 8);
  EXPECT_EQ(v64, 0x0102030405060708ull);
  std::memcpy(&v64, buffer_->page(0) + 576, 8);
  EXPECT_EQ(v64, 0x1112131415161718ull);
}

TEST(LayoutTest, DefaultSizedRegionInitializes) {
  const uint32_t pages = static_cast<uint32_t>(kDefaultRegionBytes / kPageSize);
  std::unique_ptr<TestRegion> buffer = NewPages(pages);
  ASSERT_NE(buffer, nullptr);
  const PageTable& table = buffer->pages();
  CompanionIdentity identity;
  identity.pid = 42;
  ASSERT_TRUE(InitializeRegion(table, 99, identity).ok());
  Region region(table);
  EXPECT_EQ(region.page_count(), pages);
  EXPECT_EQ(region.bulk_page_count(), pages - kFirstBulkPage);
  const PageHeader last =
      ReadPageHeader(region.bulk_page(region.bulk_page_count() - 1));
  EXPECT_EQ(CheckPageHeader(last), HeaderVerdict::kValid);
  EXPECT_EQ(last.page_index, pages - 1);
  EXPECT_EQ(last.page_count, pages);
  const PageHeader first = ReadPageHeader(&region.beacon());
  EXPECT_EQ(CheckPageHeader(first), HeaderVerdict::kValid);
  EXPECT_EQ(first.kind, static_cast<uint16_t>(PageKind::kBeacon));
}

}  // namespace
}  // namespace haywire
