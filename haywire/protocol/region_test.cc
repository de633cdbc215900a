// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/region.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/slot.h"

namespace haywire {
namespace {

constexpr uint8_t kGarbage = 0xA5;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

CompanionIdentity SampleIdentity() {
  CompanionIdentity id;
  id.pid = 321;
  id.start_unix_ns = 1'650'000'000'000'000'000ull;
  id.capabilities = kCapPing | kCapProcessInfo;
  id.hostname = "scatter";
  id.kernel_release = "5.15.0";
  id.boot_id = "boot-id";
  return id;
}

bool AllBytesAre(const std::byte* p, size_t n, uint8_t value) {
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<uint8_t>(p[i]) != value) return false;
  }
  return true;
}

// A pool of `pool_pages` pages (like a RAM file) from which a region of
// `region_pages` is drawn in shuffled order, so page i of the region is
// nowhere near page i-1 or i+1, and some pool pages belong to no region.
class ScatteredRegion {
 public:
  ScatteredRegion(uint32_t region_pages, uint32_t pool_pages, uint32_t seed)
      : pool_pages_(pool_pages) {
    void* pool = std::aligned_alloc(kPageSize, size_t{pool_pages} * kPageSize);
    std::memset(pool, kGarbage, size_t{pool_pages} * kPageSize);
    pool_.reset(static_cast<std::byte*>(pool));
    std::vector<uint32_t> order(pool_pages);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::byte*> pages;
    for (uint32_t i = 0; i < region_pages; ++i) {
      pages.push_back(PoolPage(order[i]));
      in_region_.insert(order[i]);
    }
    table_ = PageTable(std::move(pages));
  }

  const PageTable& table() const { return table_; }
  std::byte* PoolPage(uint32_t i) const {
    return pool_.get() + size_t{i} * kPageSize;
  }
  uint32_t pool_pages() const { return pool_pages_; }
  bool InRegion(uint32_t pool_index) const {
    return in_region_.count(pool_index) > 0;
  }
  // True if the region is really scattered: not in pool order.
  bool Scattered() const {
    for (uint32_t i = 1; i < table_.page_count(); ++i) {
      if (table_.page(i) != table_.page(i - 1) + kPageSize) return true;
    }
    return false;
  }

 private:
  uint32_t pool_pages_;
  std::unique_ptr<std::byte, FreeDeleter> pool_;
  std::set<uint32_t> in_region_;
  PageTable table_;
};

TEST(RegionTest, InitializeScatteredRegion) {
  constexpr uint32_t kPages = kMinRegionPages + 30;
  constexpr uint64_t kSession = 0xFEEDFACECAFEBEEFull;
  ScatteredRegion scattered(kPages, kPages + 25, 1);
  ASSERT_TRUE(scattered.Scattered());
  const PageTable& table = scattered.table();
  const CompanionIdentity id = SampleIdentity();

  ASSERT_TRUE(InitializeRegion(table, kSession, id).ok());

  for (uint32_t i = 0; i < kPages; ++i) {
    const PageHeader h = ReadPageHeader(table.page(i));
    ASSERT_EQ(CheckPageHeader(h), HeaderVerdict::kValid)
        << "page " << i << ": " << HeaderVerdictName(CheckPageHeader(h));
    EXPECT_TRUE(StartsWithPageMagic(table.page(i)));
    EXPECT_EQ(h.page_index, i);
    EXPECT_EQ(h.page_count, kPages);
    EXPECT_EQ(h.session_id, kSession);
    EXPECT_EQ(h.kind, static_cast<uint16_t>(KindOfPage(i)));
    EXPECT_EQ(h.created_unix_ns, id.start_unix_ns);
    // Everything but the header (and the beacon's info) is zeroed.
    if (i != kBeaconPageIndex) {
      EXPECT_TRUE(AllBytesAre(table.page(i) + sizeof(PageHeader),
                              kPageSize - sizeof(PageHeader), 0))
          << "page " << i << " not zeroed";
    }
  }
  // Pages of the pool that are not in the region are left alone.
  for (uint32_t p = 0; p < scattered.pool_pages(); ++p) {
    if (!scattered.InRegion(p)) {
      EXPECT_TRUE(AllBytesAre(scattered.PoolPage(p), kPageSize, kGarbage))
          << "pool page " << p << " outside the region was written";
    }
  }

  Region region(table);
  auto info = ReadBeaconInfo(region.beacon());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->pid, id.pid);
  EXPECT_EQ(info->start_unix_ns, id.start_unix_ns);
  EXPECT_EQ(info->capabilities, id.capabilities);
  EXPECT_EQ(info->hostname, id.hostname);
  EXPECT_EQ(info->kernel_release, id.kernel_release);
  EXPECT_EQ(info->boot_id, id.boot_id);
  EXPECT_EQ(ReadHeartbeat(region.beacon()).counter, 0u);
  EXPECT_EQ(region.beacon().request_doorbell, 0u);

  // The typed accessors follow the table, not the pool order.
  EXPECT_EQ(reinterpret_cast<std::byte*>(&region.beacon()), table.page(0));
  for (uint32_t s = 0; s < kRequestSlotCount; ++s) {
    EXPECT_EQ(reinterpret_cast<std::byte*>(&region.request_slot(s)),
              table.page(kFirstRequestSlotPage + s));
    EXPECT_EQ(reinterpret_cast<std::byte*>(&region.response_slot(s)),
              table.page(kFirstResponseSlotPage + s));
    // Every slot starts free and claimable.
    const SlotWord w = LoadSlotWord(region.request_slot(s));
    EXPECT_EQ(w.state, SlotState::kFree);
    EXPECT_EQ(w.owner_pid, 0u);
    EXPECT_TRUE(TryClaimSlot(region.request_slot(s), 1000 + s).has_value());
  }
  EXPECT_EQ(reinterpret_cast<std::byte*>(&region.iterator_table()),
            table.page(kIteratorTablePage));
  EXPECT_EQ(region.bulk_page_count(), kPages - kFirstBulkPage);
  for (uint32_t b = 0; b < region.bulk_page_count(); ++b) {
    EXPECT_EQ(region.bulk_page(b), table.page(kFirstBulkPage + b));
  }
}

TEST(RegionTest, ScatteredRegionsOfManySeeds) {
  for (uint32_t seed = 2; seed < 12; ++seed) {
    const uint32_t pages = kMinRegionPages + seed * 7;
    ScatteredRegion scattered(pages, pages + seed, seed);
    const uint64_t session = 1000 + seed;
    ASSERT_TRUE(
        InitializeRegion(scattered.table(), session, SampleIdentity()).ok());
    for (uint32_t i = 0; i < pages; ++i) {
      const PageHeader h = ReadPageHeader(scattered.table().page(i));
      ASSERT_EQ(CheckPageHeader(h), HeaderVerdict::kValid)
          << "seed " << seed << " page " << i;
      ASSERT_EQ(h.page_index, i);
      ASSERT_EQ(h.session_id, session);
    }
  }
}

TEST(RegionTest, ReinitializeReplacesAnEarlierSession) {
  constexpr uint32_t kPages = kMinRegionPages + 4;
  ScatteredRegion scattered(kPages, kPages, 3);
  const PageTable& table = scattered.table();
  ASSERT_TRUE(InitializeRegion(table, 1, SampleIdentity()).ok());
  Region region(table);
  // The old session left state behind: a claimed slot, a heartbeat, bulk data.
  ASSERT_TRUE(TryClaimSlot(region.request_slot(5), 77).has_value());
  TickHeartbeat(region.beacon(), 123);
  std::memset(region.bulk_page(0) + kBulkDataOffset, 0x3C,
              kPageSize - kBulkDataOffset);

  CompanionIdentity id2 = SampleIdentity();
  id2.pid = 999;
  id2.hostname = "second";
  ASSERT_TRUE(InitializeRegion(table, 2, id2).ok());
  for (uint32_t i = 0; i < kPages; ++i) {
    const PageHeader h = ReadPageHeader(table.page(i));
    ASSERT_EQ(CheckPageHeader(h), HeaderVerdict::kValid);
    EXPECT_EQ(h.session_id, 2u) << "page " << i;
  }
  EXPECT_EQ(LoadSlotWord(region.request_slot(5)).state, SlotState::kFree);
  EXPECT_EQ(ReadHeartbeat(region.beacon()).counter, 0u);
  EXPECT_TRUE(AllBytesAre(region.bulk_page(0) + kBulkDataOffset,
                          kPageSize - kBulkDataOffset, 0));
  auto info = ReadBeaconInfo(region.beacon());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pid, 999u);
  EXPECT_EQ(info->hostname, "second");
}

TEST(RegionTest, WipeRegionLeavesNoMagic) {
  constexpr uint32_t kPages = kMinRegionPages + 12;
  ScatteredRegion scattered(kPages, kPages + 8, 4);
  const PageTable& table = scattered.table();
  ASSERT_TRUE(InitializeRegion(table, 5, SampleIdentity()).ok());
  Region region(table);
  TickHeartbeat(region.beacon(), 1);
  ASSERT_TRUE(TryClaimSlot(region.request_slot(0), 3).has_value());

  WipeRegion(table);

  for (uint32_t i = 0; i < kPages; ++i) {
    EXPECT_FALSE(StartsWithPageMagic(table.page(i))) << "page " << i;
    EXPECT_EQ(CheckPageHeader(ReadPageHeader(table.page(i))),
              HeaderVerdict::kNoMagic)
        << "page " << i;
    EXPECT_TRUE(AllBytesAre(table.page(i), kPageSize, 0)) << "page " << i;
  }
  // Nothing left anywhere in the pool that a scanner could match.
  for (uint32_t p = 0; p < scattered.pool_pages(); ++p) {
    EXPECT_FALSE(StartsWithPageMagic(scattered.PoolPage(p))) << p;
    if (!scattered.InRegion(p)) {
      EXPECT_TRUE(AllBytesAre(scattered.PoolPage(p), kPageSize, kGarbage)) << p;
    }
  }
  EXPECT_EQ(ReadBeaconInfo(region.beacon()).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(RegionTest, RejectsTooFewPages) {
  constexpr uint32_t kPages = kMinRegionPages - 1;
  ScatteredRegion scattered(kPages, kPages, 5);
  const absl::Status status =
      InitializeRegion(scattered.table(), 1, SampleIdentity());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  // A refused region is not written to.
  for (uint32_t p = 0; p < scattered.pool_pages(); ++p) {
    EXPECT_TRUE(AllBytesAre(scattered.PoolPage(p), kPageSize, kGarbage)) << p;
  }
  EXPECT_EQ(InitializeRegion(PageTable(), 1, SampleIdentity()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RegionTest, AcceptsTheSmallestRegion) {
  ScatteredRegion scattered(kMinRegionPages, kMinRegionPages + 2, 6);
  ASSERT_TRUE(InitializeRegion(scattered.table(), 1, SampleIdentity()).ok());
  Region region(scattered.table());
  EXPECT_EQ(region.bulk_page_count(), 0u);
  for (uint32_t i = 0; i < kMinRegionPages; ++i) {
    EXPECT_EQ(CheckPageHeader(ReadPageHeader(scattered.table().page(i))),
              HeaderVerdict::kValid);
  }
}

TEST(RegionTest, RejectsTooManyPages) {
  // The check must come before any page is touched, so a table that repeats
  // one page is enough.
  void* raw = std::aligned_alloc(kPageSize, kPageSize);
  std::unique_ptr<std::byte, FreeDeleter> page(static_cast<std::byte*>(raw));
  std::memset(page.get(), kGarbage, kPageSize);
  const PageTable table(
      std::vector<std::byte*>(size_t{kMaxRegionPages} + 1, page.get()));
  const absl::Status status = InitializeRegion(table, 1, SampleIdentity());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(AllBytesAre(page.get(), kPageSize, kGarbage));
}

TEST(RegionTest, RejectsSessionZero) {
  constexpr uint32_t kPages = kMinRegionPages + 1;
  ScatteredRegion scattered(kPages, kPages, 7);
  const absl::Status status =
      InitializeRegion(scattered.table(), 0, SampleIdentity());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (uint32_t p = 0; p < scattered.pool_pages(); ++p) {
    EXPECT_TRUE(AllBytesAre(scattered.PoolPage(p), kPageSize, kGarbage)) << p;
  }
}

// region.h: "publishes every page header (beacon last)", each "with a
// release store of its magic". A scanner running concurrently with
// InitializeRegion that sees the new session's beacon must then find every
// other page of that session already valid, and the beacon's info (plain
// data written before the headers) readable. The scanner synchronises with
// the initialising thread only through the beacon's magic, so a missing
// release/acquire pairing is a data race on the info that TSan may report
// (it does not always: it drops reports whose earlier access it cannot
// trace back, and x86 hides the reordering itself).
TEST(RegionTest, ConcurrentScannerFindsTheWholeRegionOnceTheBeaconIsLive) {
  constexpr uint32_t kPages = 2048;
  ScatteredRegion scattered(kPages, kPages, 8);
  const PageTable& table = scattered.table();
  for (uint64_t session = 1; session <= 4; ++session) {
    uint32_t invalid_pages = 0, wrong_session = 0;
    bool saw_beacon = false;
    absl::Status info_status;
    std::atomic<bool> scanning{false};
    std::thread scanner([&] {
      scanning.store(true, std::memory_order_relaxed);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline) {
        const PageHeader beacon = ReadPageHeader(table.page(0));
        if (CheckPageHeader(beacon) == HeaderVerdict::kValid &&
            beacon.session_id == session) {
          saw_beacon = true;
          for (uint32_t i = 1; i < kPages; ++i) {
            const PageHeader h = ReadPageHeader(table.page(i));
            if (CheckPageHeader(h) != HeaderVerdict::kValid) {
              ++invalid_pages;
            } else if (h.session_id != session) {
              ++wrong_session;
            }
          }
          info_status =
              ReadBeaconInfo(*reinterpret_cast<BeaconPage*>(table.page(0)))
                  .status();
          return;
        }
        std::this_thread::yield();
      }
    });
    // Start initialising only once the scanner is looking.
    while (!scanning.load(std::memory_order_relaxed)) std::this_thread::yield();
    const absl::Status status =
        InitializeRegion(table, session, SampleIdentity());
    scanner.join();
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_TRUE(saw_beacon) << "session " << session;
    EXPECT_EQ(invalid_pages, 0u) << "session " << session;
    EXPECT_EQ(wrong_session, 0u) << "session " << session;
    EXPECT_TRUE(info_status.ok())
        << "session " << session << ": " << info_status;
  }
}

}  // namespace
}  // namespace haywire
