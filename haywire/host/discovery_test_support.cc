// Copyright 2026 The Haywire Authors.

#include "haywire/host/discovery_test_support.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {

HeartbeatTicker::HeartbeatTicker(BeaconPage* beacon, uint64_t first_mono_ns)
    : thread_([this, beacon, first_mono_ns] {
        uint64_t t = first_mono_ns;
        while (!stop_.load(std::memory_order_relaxed)) {
          TickHeartbeat(*beacon, t += 2'000'000);
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      }) {}

HeartbeatTicker::~HeartbeatTicker() {
  stop_.store(true, std::memory_order_relaxed);
  thread_.join();
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

LiveRegion MakeRegion(const std::string& path, uint64_t session_id,
                      uint64_t seed, bool decoys,
                      const CompanionIdentity& identity) {
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
  EXPECT_TRUE(InitializeRegion(region.ram->pages(), session_id, identity).ok());
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

std::vector<uint64_t> FreePages(const SimulatedRam& ram, size_t count) {
  std::vector<uint64_t> free;
  for (uint64_t offset = 0; offset < ram.ram_bytes() && free.size() < count;
       offset += kPageSize) {
    if (!StartsWithPageMagic(ram.data() + offset)) free.push_back(offset);
  }
  EXPECT_EQ(free.size(), count) << "RAM file too small";
  return free;
}

void ForgePage(const SimulatedRam& ram, uint64_t offset, uint64_t session_id,
               uint32_t page_index, uint32_t page_count,
               uint64_t created_unix_ns) {
  PublishPageHeader(
      ram.data() + offset,
      MakePageHeader(session_id, page_index, page_count, created_unix_ns));
}

}  // namespace haywire
