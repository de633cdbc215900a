// Copyright 2026 The Haywire Authors.
//
// Fixtures of the discovery tests: simulated RAM files holding a region
// (guest/simulated_ram.h) whose heartbeat a test ticks, and forged pages as
// any guest user could write them into their own memory.
#ifndef HAYWIRE_HOST_DISCOVERY_TEST_SUPPORT_H_
#define HAYWIRE_HOST_DISCOVERY_TEST_SUPPORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "guest/simulated_ram.h"
#include "haywire/host/discovery.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/testing/companion_process.h"

namespace haywire {

inline constexpr uint64_t kRamBytes = 64ull << 20;
inline constexpr uint32_t kRegionPages = 512;

// The beacon info of the test regions (pid 777, host "test-guest").
CompanionIdentity TestIdentity();

// Keeps a beacon's heartbeat advancing, like a running companion, with its
// guest clock starting at `first_mono_ns`.
class HeartbeatTicker {
 public:
  explicit HeartbeatTicker(BeaconPage* beacon, uint64_t first_mono_ns = 0);
  ~HeartbeatTicker();

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct LiveRegion {
  std::unique_ptr<SimulatedRam> ram;
  uint64_t session_id = 0;
  BeaconPage* beacon = nullptr;
};

// A RAM file at `path` (kRamBytes) holding an initialised region of
// kRegionPages pages (not ticking).
LiveRegion MakeRegion(const std::string& path, uint64_t session_id,
                      uint64_t seed, bool decoys = true,
                      const CompanionIdentity& identity = TestIdentity());

// Discovery options with a short liveness wait.
DiscoverOptions Fast();

std::unique_ptr<RamFile> OpenRam(const std::string& path);

const SessionReport* FindSession(const Discovery& d, uint64_t id);

// File offsets of `count` pages of `ram` that hold no Haywire page.
std::vector<uint64_t> FreePages(const SimulatedRam& ram, size_t count);

// Writes a valid, checksummed page header at `offset`, as a guest user can
// in any page of their own.
void ForgePage(const SimulatedRam& ram, uint64_t offset, uint64_t session_id,
               uint32_t page_index, uint32_t page_count,
               uint64_t created_unix_ns = 1);

}  // namespace haywire

#endif  // HAYWIRE_HOST_DISCOVERY_TEST_SUPPORT_H_
