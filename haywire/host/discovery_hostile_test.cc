// Copyright 2026 The Haywire Authors.
//
// Discovery against RAM files a hostile guest wrote: forged sessions, forged
// page counts, duplicated pages and ticking forgeries. Any guest user can
// write any bytes into their own pages (and so into the RAM file), a ticking
// heartbeat included; none of it may steer which session the host uses,
// make it write into a page it has not proven to be the companion's, or make
// its memory grow with what a page claims.

#include <malloc.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/host/discovery.h"
#include "haywire/host/discovery_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/host/session_table.h"
#include "haywire/protocol/layout.h"

namespace haywire {
namespace {

// A forged companion's identity: another boot, a later start, the same
// host name as the real one.
CompanionIdentity ForgedIdentity() {
  CompanionIdentity id = TestIdentity();
  id.pid = 31337;
  id.boot_id = "99999999-8888-7777-6666-555555555555";
  id.start_unix_ns += 1'000'000'000'000ull;
  return id;
}

// A forged live session in `path`'s free pages: a full region (the user's
// own guest-serve, or pages written by hand) whose heartbeat ticks.
TEST(DiscoveryHostileTest, ForgedLiveSessionMakesChoiceAmbiguous) {
  const std::string path = TestTempPath("forged-live");
  LiveRegion real = MakeRegion(path, 0x1111, 41, /*decoys=*/false);
  // The real companion's guest clock is at 1 s; the forgery claims a boot
  // and clock that would once have made the real one look stale.
  HeartbeatTicker real_ticker(real.beacon, 1'000'000'000);
  LiveRegion forged =
      MakeRegion(path, 0x2222, 42, /*decoys=*/false, ForgedIdentity());
  HeartbeatTicker forged_ticker(forged.beacon, 900'000'000'000);
  auto file = OpenRam(path);
  ASSERT_NE(file, nullptr);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok()) << d.status();
  const SessionReport* r = FindSession(*d, 0x1111);
  const SessionReport* f = FindSession(*d, 0x2222);
  ASSERT_TRUE(r != nullptr && f != nullptr);
  // Each is judged by its own heartbeat: neither calls the other stale.
  EXPECT_TRUE(r->live);
  EXPECT_TRUE(f->live);

  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kAmbiguousSession);
  const std::string message(chosen.status().message());
  EXPECT_TRUE(absl::StrContains(message, SessionIdText(0x1111))) << message;
  EXPECT_TRUE(absl::StrContains(message, SessionIdText(0x2222))) << message;
  EXPECT_TRUE(absl::StrContains(message, "pid 31337")) << message;
  EXPECT_TRUE(absl::StrContains(message, "--session")) << message;

  chosen = ChooseSession(*d, 0x1111);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ((*chosen)->pages.session_id, 0x1111u);
}

TEST(DiscoveryHostileTest, NamedSessionMustExistAndBeLive) {
  const std::string path = TestTempPath("named");
  LiveRegion real = MakeRegion(path, 0x1212, 43);  // with a stale decoy
  HeartbeatTicker ticker(real.beacon);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d, 0x9999);
  ASSERT_FALSE(chosen.ok());
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "no session"));
  chosen = ChooseSession(*d, real.ram->decoys().stale_session_id);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kNoLiveSession);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "not live"));
}

TEST(DiscoveryHostileTest, DuplicatedControlPageIsIncompleteNotAGuess) {
  const std::string path = TestTempPath("dup-slot");
  LiveRegion real = MakeRegion(path, 0x3333, 44, /*decoys=*/false);
  // A second copy of request slot page 1 (a stale frame, or a forgery).
  const uint64_t copy = FreePages(*real.ram, 1)[0];
  std::memcpy(real.ram->data() + copy, real.ram->pages().page(1), kPageSize);
  HeartbeatTicker ticker(real.beacon);
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  const SessionReport* s = FindSession(*d, 0x3333);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->live);
  EXPECT_TRUE(s->pages.complete());
  EXPECT_FALSE(s->usable());
  EXPECT_EQ(s->pages.conflicting_indices, std::vector<uint32_t>{1});
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kSessionIncomplete);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "page 1"))
      << chosen.status();
}

TEST(DiscoveryHostileTest, TwoTickingBeaconCopiesAreNotUsable) {
  const std::string path = TestTempPath("dup-beacon");
  LiveRegion real = MakeRegion(path, 0x4444, 45, /*decoys=*/false);
  const uint64_t copy = FreePages(*real.ram, 1)[0];
  std::memcpy(real.ram->data() + copy, real.beacon, kPageSize);
  HeartbeatTicker ticker(real.beacon);
  HeartbeatTicker forged_ticker(
      reinterpret_cast<BeaconPage*>(real.ram->data() + copy));
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  const SessionReport* s = FindSession(*d, 0x4444);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->live);
  EXPECT_EQ(s->live_beacon_copies, 2u);
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(FailureOf(chosen.status()), Failure::kSessionIncomplete);
  EXPECT_TRUE(absl::StrContains(chosen.status().message(), "beacon pages"))
      << chosen.status();
}

// Bytes of heap in use (glibc's count; ASan's allocator reports its own,
// also bounded by the same fix).
size_t HeapInUse() { return mallinfo2().uordblks; }

TEST(DiscoveryHostileTest, ForgedPageCountsDoNotCostMemory) {
  const std::string path = TestTempPath("huge-counts");
  LiveRegion real = MakeRegion(path, 0x5555, 46, /*decoys=*/false);
  HeartbeatTicker ticker(real.beacon);
  // 4000 forged pages (16 MiB of a guest user's memory), each claiming to
  // be a beacon of its own session of kMaxRegionPages pages: a dense table
  // each would be 4000 x 2 MiB.
  constexpr size_t kForged = 4000;
  const std::vector<uint64_t> free = FreePages(*real.ram, kForged);
  for (size_t i = 0; i < kForged; ++i) {
    ForgePage(*real.ram, free[i], 0xF0000000 + i, kBeaconPageIndex,
              kMaxRegionPages);
  }
  auto file = OpenRam(path);
  const size_t before = HeapInUse();
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  const size_t after = HeapInUse();
  EXPECT_LT(after - std::min(after, before), size_t{16} << 20);
  EXPECT_EQ(d->sessions.size(), kMaxSessionsExamined);
  EXPECT_EQ(d->sessions_ignored, kForged + 1 - kMaxSessionsExamined);
  // The real session, with the most pages, is always examined and chosen.
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ((*chosen)->pages.session_id, 0x5555u);
  for (const SessionReport& s : d->sessions) {
    if (s.pages.session_id != 0x5555u) {
      EXPECT_TRUE(s.pages.offsets.empty());
      EXPECT_FALSE(s.pages.complete());
    }
  }
}

TEST(DiscoveryHostileTest, ForgedDuplicateIndicesAreCountedNotStored) {
  const std::string path = TestTempPath("many-dups");
  LiveRegion real = MakeRegion(path, 0x6666, 47, /*decoys=*/false);
  HeartbeatTicker ticker(real.beacon);
  // One forged session: many copies of a few indices of a huge region.
  const std::vector<uint64_t> free = FreePages(*real.ram, 2000);
  for (size_t i = 0; i < free.size(); ++i) {
    ForgePage(*real.ram, free[i], 0x7777, 1 + i % 4, kMaxRegionPages);
  }
  auto file = OpenRam(path);
  absl::StatusOr<Discovery> d = Discover(*file, Fast());
  ASSERT_TRUE(d.ok());
  const SessionReport* f = FindSession(*d, 0x7777);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->pages.pages_found, 4u);
  EXPECT_EQ(f->pages.duplicate_pages, 2000u - 4u);
  EXPECT_TRUE(f->pages.offsets.empty());
  EXPECT_LE(f->pages.conflicting_indices.size(), kMaxConflictsReported);
  absl::StatusOr<const SessionReport*> chosen = ChooseSession(*d);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ((*chosen)->pages.session_id, 0x6666u);
}

}  // namespace
}  // namespace haywire
