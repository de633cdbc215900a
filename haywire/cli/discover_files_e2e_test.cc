// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire discover` on RAM files the test builds: files
// it cannot use (missing, a directory, empty, a FIFO, not whole pages), files
// with no or only stale sessions, and sessions this test plays companion for
// with specific defects (a missing page, bad checksums, an unknown protocol
// version, a companion that starts while discover runs). Every run is bounded
// (discover_e2e_support.h); nothing asserts on timing.

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/simulated_ram.h"
#include "haywire/cli/discover_e2e_support.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// Unusable and unhelpful RAM files: an exit code and one line, never a crash.
// ---------------------------------------------------------------------------

TEST(DiscoverE2eTest, MissingFile) {
  const std::string path = TestTempPath("does-not-exist");
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr(path));
  EXPECT_THAT(result.err, HasSubstr("does not exist"));
  EXPECT_EQ(result.out, "");
}

TEST(DiscoverE2eTest, Directory) {
  const std::string path = TestTempPath("dir");
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0) << std::strerror(errno);
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("is a directory"));
}

TEST(DiscoverE2eTest, EmptyFile) {
  const std::string path = TestTempPath("empty");
  WriteRamFile(path, 0, {});
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("is empty"));
}

TEST(DiscoverE2eTest, SizeNotWholePages) {
  const std::string path = TestTempPath("odd");
  WriteRamFile(path, 3 * kPageSize + 1, {});
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("not a whole number of 4096-byte pages"));
}

TEST(DiscoverE2eTest, NotARegularFile) {
  const SubprocessResult result = Discover("/dev/null");
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("not a regular file"));
}

TEST(DiscoverE2eTest, ZerosHaveNoBeacon) {
  const std::string path = TestTempPath("zeros");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string mib(1 << 20, '\0');  // real zeros, not a hole
    out.write(mib.data(), static_cast<std::streamsize>(mib.size()));
  }
  ASSERT_EQ(FileSize(path), 1u << 20);
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("256 pages scanned"));
  EXPECT_THAT(result.err, HasSubstr(path));

  const SubprocessResult json = Discover(path, {"--json"});
  ExpectOneLineError(json, 4);
  const JsonValue doc = ParseOutput(json);
  EXPECT_EQ(doc["pages_scanned"].as_uint(), 256u);
  EXPECT_EQ(doc["sessions"].size(), 0u);
}

TEST(DiscoverE2eTest, OnlyStaleSessions) {
  const std::string path = TestTempPath("stale");
  SimulatedRam::DecoyReport decoys;
  {
    // Decoys only: the region is placed but never initialized.
    absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
        SimulatedRam::Open({.path = path,
                            .ram_bytes = 16ull << 20,
                            .region_pages = 64,
                            .seed = 7});
    ASSERT_TRUE(ram.ok()) << ram.status();
    decoys = (*ram)->decoys();
  }
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 5);
  EXPECT_THAT(result.err, HasSubstr("no live companion"));
  EXPECT_THAT(result.err, HasSubstr("is guest-serve running"));
  const JsonValue doc = ParseOutput(result);
  ASSERT_EQ(doc["sessions"].size(), 1u) << doc;
  const JsonValue& stale = doc["sessions"].at(0);
  EXPECT_EQ(stale["session_id"].as_string(),
            SessionIdHex(decoys.stale_session_id));
  EXPECT_EQ(stale["live"].as_bool(), false);
  EXPECT_EQ(stale["pages_found"].as_uint(), decoys.stale_page_offsets.size());
  EXPECT_EQ(stale["pages_expected"].as_uint(),
            decoys.stale_page_offsets.size());
  EXPECT_EQ(stale["beacon_offset"].as_uint(), decoys.stale_page_offsets[0]);
  EXPECT_EQ(stale["companion_pid"].as_uint(), kDecoyPid);
  EXPECT_EQ(doc["rejected_pages"]["bad_checksum"].as_uint(), 1u);
  EXPECT_EQ(doc["rejected_pages"]["unknown_version"].as_uint(), 1u);
  EXPECT_EQ(doc["rejected_pages"]["bad_magic2"].as_uint(),
            decoys.magic_only_offsets.size());
}

// ---------------------------------------------------------------------------
// Sessions this test plays companion for: a region in a SimulatedRam file
// (no decoys), built with the companion's own code, then damaged.
// ---------------------------------------------------------------------------

constexpr uint64_t kFakeSessionId = 0x5E5510A1DEADBEEF;
constexpr uint32_t kFakePages = 64;

absl::StatusOr<std::unique_ptr<SimulatedRam>> MakeFakeSession(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open({.path = path,
                          .ram_bytes = 4ull << 20,
                          .region_pages = kFakePages,
                          .seed = 11,
                          .add_decoys = false});
  if (!ram.ok()) return ram.status();
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = absl::GetCurrentTimeNanos();
  identity.capabilities = kCapPing;
  identity.hostname = "e2e-host";
  identity.kernel_release = "e2e-kernel";
  identity.boot_id = "00000000-0000-4000-8000-000000000000";
  if (absl::Status s =
          InitializeRegion((*ram)->pages(), kFakeSessionId, identity);
      !s.ok()) {
    return s;
  }
  return ram;
}

BeaconPage& BeaconOf(const SimulatedRam& ram) {
  return *reinterpret_cast<BeaconPage*>(ram.pages().page(kBeaconPageIndex));
}

// Advances a beacon's heartbeat every 5 ms, as a live companion does, from
// construction until destruction.
class HeartbeatThread {
 public:
  explicit HeartbeatThread(BeaconPage& beacon)
      : thread_([this, &beacon] {
          while (!stop_.load(std::memory_order_relaxed)) {
            TickHeartbeat(beacon, MonotonicNs());
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  HeartbeatThread(const HeartbeatThread&) = delete;
  HeartbeatThread& operator=(const HeartbeatThread&) = delete;
  ~HeartbeatThread() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once stop_ exists.
};

// A live session with one page's header wiped.
TEST(DiscoverE2eTest, LiveSessionWithMissingPage) {
  const std::string path = TestTempPath("incomplete");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  WipePageHeader((*ram)->pages().page(kFirstBulkPage + 3));

  SubprocessResult result;
  SubprocessResult text;
  {
    HeartbeatThread heart(BeaconOf(**ram));
    result = Discover(path, {"--json", kLiveWaitFlag});
    text = Discover(path, {kLiveWaitFlag});
  }

  ExpectOneLineError(result, 6);
  EXPECT_THAT(result.err, HasSubstr(SessionIdHex(kFakeSessionId)));
  EXPECT_THAT(result.err, HasSubstr("has 63 of 64 pages (1 missing)"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdHex(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
  EXPECT_EQ((*s)["chosen"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["pages_found"].as_uint(), kFakePages - 1) << *s;
  EXPECT_EQ((*s)["pages_expected"].as_uint(), kFakePages) << *s;
  EXPECT_EQ((*s)["companion_pid"].as_uint(), static_cast<uint64_t>(getpid()));
  EXPECT_EQ((*s)["hostname"].as_string(), "e2e-host");
  EXPECT_EQ((*s)["beacon_offset"].as_uint(), (*ram)->page_offsets()[0]);
  EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;

  ExpectOneLineError(text, 6);
  const std::vector<std::string> row =
      TextRow(text.out, SessionIdHex(kFakeSessionId));
  ASSERT_GE(row.size(), 3u) << text.DebugString();
  EXPECT_EQ(row[1], "live");
  EXPECT_EQ(row[2], "63/64");
}

// A companion that has published its region but not yet beaten its heart
// (counter 0, no heartbeat time) while another session on the same guest is
// live: it must be judged by its own heartbeat, which starts during the
// wait, not by a heartbeat time of 0 on the live session's clock. Both are
// then live, so discover names both and chooses neither (exit 13).
TEST(DiscoverE2eTest, CompanionStartingDuringDiscoverIsLive) {
  const std::string path = TestTempPath("starting");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> older = MakeFakeSession(path);
  ASSERT_TRUE(older.ok()) << older.status();
  // The newer session: same file (its pages avoid the older one's), same
  // guest boot, created later.
  constexpr uint64_t kNewerId = 0x0E1E1E1E1E1E1E1E;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> newer =
      SimulatedRam::Open({.path = path,
                          .ram_bytes = 4ull << 20,
                          .region_pages = kFakePages,
                          .seed = 12,
                          .add_decoys = false});
  ASSERT_TRUE(newer.ok()) << newer.status();
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = absl::GetCurrentTimeNanos() + 1'000'000'000;
  identity.capabilities = kCapPing;
  identity.hostname = "e2e-host";
  identity.kernel_release = "e2e-kernel";
  identity.boot_id = "00000000-0000-4000-8000-000000000000";
  ASSERT_TRUE(InitializeRegion((*newer)->pages(), kNewerId, identity).ok());

  HeartbeatThread older_heart(BeaconOf(**older));
  SubprocessResult result;
  std::thread discover([&] {
    result = Discover(path, {"--json", "--live-wait-ms=5000"});
  });
  // The newer companion's first beat comes once discover is (very likely)
  // watching. Whenever it comes, it is within discover's 5 s wait.
  absl::SleepFor(absl::Seconds(1));
  {
    HeartbeatThread newer_heart(BeaconOf(**newer));
    discover.join();
  }

  EXPECT_EQ(result.exit_code, 13) << result.DebugString();
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdHex(kNewerId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
  EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;
}

// Every page but the beacon: nothing to tell live from stale, or to talk to.
TEST(DiscoverE2eTest, SessionWithoutBeaconPage) {
  const std::string path = TestTempPath("no-beacon-page");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  WipePageHeader((*ram)->pages().page(kBeaconPageIndex));

  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("no valid beacon page"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdHex(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["pages_found"].as_uint(), kFakePages - 1) << *s;
  EXPECT_TRUE((*s)["beacon_offset"].is_null()) << *s;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
}

// A beacon whose static info fails its checksum, heartbeat advancing.
TEST(DiscoverE2eTest, CorruptBeaconInfo) {
  const std::string path = TestTempPath("corrupt-beacon");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  BeaconOf(**ram).hostname[0] ^= 0x20;

  SubprocessResult result;
  SubprocessResult text;
  {
    HeartbeatThread heart(BeaconOf(**ram));
    result = Discover(path, {"--json"});
    text = Discover(path);
  }
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdHex(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
  EXPECT_THAT((*s)["beacon_error"].as_string().value_or(""),
              HasSubstr("checksum"));
  EXPECT_EQ((*s)["beacon_offset"].as_uint(), (*ram)->page_offsets()[0]);
  EXPECT_EQ((*s)["companion_pid"].as_uint(), 0u) << *s;
  EXPECT_EQ((*s)["hostname"].as_string(), "") << *s;

  ExpectOneLineError(text, 4);
  EXPECT_THAT(text.out, HasSubstr("beacon rejected: "));
}

// A beacon with an intact checksum but another protocol's layout.
TEST(DiscoverE2eTest, BeaconOfAnotherLayout) {
  const std::string path = TestTempPath("other-layout");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  BeaconPage& beacon = BeaconOf(**ram);
  beacon.request_slot_count = 8;
  beacon.info_checksum =
      Crc32c(reinterpret_cast<const std::byte*>(&beacon) + kBeaconInfoBegin,
             kBeaconInfoEnd - kBeaconInfoBegin);

  SubprocessResult result;
  {
    HeartbeatThread heart(beacon);
    result = Discover(path, {"--json"});
  }
  ExpectOneLineError(result, 7);
  EXPECT_THAT(result.err, HasSubstr(SessionIdHex(kFakeSessionId)));
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat("protocol version ", kProtocolVersion)));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdHex(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
  EXPECT_THAT((*s)["beacon_error"].as_string().value_or(""),
              HasSubstr("8 request slots"));
}

TEST(DiscoverE2eTest, OnlyBadChecksums) {
  const std::string path = TestTempPath("bad-checksum");
  std::vector<std::pair<uint64_t, PageHeader>> pages;
  for (uint32_t index : {0u, 1u, 40u}) {
    PageHeader header = MakePageHeader(0x0BADC0DE, index, 64, 1);
    header.checksum ^= 0x00010000;
    pages.emplace_back(uint64_t{10 + index} * kPageSize, header);
  }
  WriteRamFile(path, 1 << 20, pages);
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("3 bad checksum"));
  const JsonValue doc = ParseOutput(result);
  EXPECT_EQ(doc["rejected_pages"]["bad_checksum"].as_uint(), 3u) << doc;
  EXPECT_EQ(doc["sessions"].size(), 0u) << doc;
}

TEST(DiscoverE2eTest, OnlyUnknownVersion) {
  const std::string path = TestTempPath("version");
  std::vector<std::pair<uint64_t, PageHeader>> pages;
  for (uint32_t index = 0; index < 40; ++index) {
    PageHeader header = MakePageHeader(0x00C0FFEE, index, 40, 1);
    header.version = 99;
    header.checksum = Crc32c(&header, kChecksummedHeaderBytes);
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kUnknownVersion);
    pages.emplace_back(uint64_t{100 + index} * kPageSize, header);
  }
  WriteRamFile(path, 1 << 20, pages);
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 7);
  EXPECT_THAT(result.err, HasSubstr("version"));
  EXPECT_THAT(result.err, HasSubstr("99"));
  const JsonValue doc = ParseOutput(result);
  EXPECT_EQ(doc["rejected_pages"]["unknown_version"].as_uint(), 40u) << doc;
  EXPECT_EQ(doc["sessions"].size(), 0u) << doc;
}

}  // namespace
}  // namespace haywire
