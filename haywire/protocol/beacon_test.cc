// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/beacon.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

class BeaconTest : public ::testing::Test {
 protected:
  void SetUp() override {
    void* page = std::aligned_alloc(kPageSize, kPageSize);
    std::memset(page, 0xEE, kPageSize);  // garbage, as in reused guest RAM.
    page_.reset(page);
  }

  BeaconPage& beacon() { return *static_cast<BeaconPage*>(page_.get()); }
  uint8_t* bytes() { return static_cast<uint8_t*>(page_.get()); }

  // Recomputes info_checksum after a test changed a field on purpose.
  void Reseal() {
    beacon().info_checksum =
        Crc32c(bytes() + kBeaconInfoBegin, kBeaconInfoEnd - kBeaconInfoBegin);
  }

  static CompanionIdentity SampleIdentity() {
    CompanionIdentity id;
    id.pid = 4242;
    id.start_unix_ns = 1'700'000'000'000'000'123ull;
    id.capabilities = kCapPing | kCapListProcesses | kCapDoorbell;
    id.hostname = "guest-vm.example";
    id.kernel_release = "6.1.0-18-arm64";
    id.boot_id = "0f9c2a3e-5b1d-4c8e-9a7f-1e2d3c4b5a69";
    return id;
  }

  std::unique_ptr<void, FreeDeleter> page_;
};

void ExpectSameIdentity(const CompanionIdentity& a,
                        const CompanionIdentity& b) {
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.start_unix_ns, b.start_unix_ns);
  EXPECT_EQ(a.capabilities, b.capabilities);
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.kernel_release, b.kernel_release);
  EXPECT_EQ(a.boot_id, b.boot_id);
}

TEST_F(BeaconTest, RoundTrip) {
  const CompanionIdentity id = SampleIdentity();
  WriteBeaconInfo(beacon(), id);
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSameIdentity(*read, id);
}

TEST_F(BeaconTest, WritesTheLayoutFieldsOfThisProtocol) {
  WriteBeaconInfo(beacon(), SampleIdentity());
  EXPECT_EQ(beacon().companion_pid, 4242u);
  EXPECT_EQ(beacon().protocol_version, kProtocolVersion);
  EXPECT_EQ(beacon().request_slot_count, kRequestSlotCount);
  EXPECT_EQ(beacon().response_slot_count, kResponseSlotCount);
  EXPECT_EQ(beacon().iterator_count, kIteratorCount);
  EXPECT_EQ(beacon().first_bulk_page, kFirstBulkPage);
  EXPECT_EQ(beacon().page_size, kPageSize);
  EXPECT_EQ(std::string(beacon().hostname), "guest-vm.example");
  // Fields are NUL-padded: nothing of the old garbage survives after a
  // string's NUL or in reserved space.
  for (size_t i = strlen(beacon().hostname); i < kHostnameBytes; ++i) {
    EXPECT_EQ(beacon().hostname[i], '\0') << i;
  }
  EXPECT_EQ(beacon().reserved3, 0u);
  for (uint8_t b : beacon().reserved4) EXPECT_EQ(b, 0);
  EXPECT_EQ(beacon().reserved2, 0);
  EXPECT_EQ(beacon().info_checksum, Crc32c(bytes() + kBeaconInfoBegin,
                                           kBeaconInfoEnd - kBeaconInfoBegin));
}

TEST_F(BeaconTest, DoesNotTouchThePageHeader) {
  // The header is published after the info; writing the info must not
  // disturb a header already in place (and vice versa).
  PublishPageHeader(page_.get(), MakePageHeader(77, 0, 64, 1));
  WriteBeaconInfo(beacon(), SampleIdentity());
  const PageHeader h = ReadPageHeader(page_.get());
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kValid);
  EXPECT_EQ(h.session_id, 77u);
  EXPECT_TRUE(ReadBeaconInfo(beacon()).ok());
}

TEST_F(BeaconTest, WherePagesAreCrossesTheBeacon) {
  CompanionIdentity id = SampleIdentity();
  id.event_ring_first_page = 34;
  id.event_ring_page_count = 256;
  id.bulk_window_first_page = 290;
  id.bulk_window_pages = 261;
  WriteBeaconInfo(beacon(), id);
  EXPECT_EQ(beacon().bulk_window_first_page, 290u);
  EXPECT_EQ(beacon().bulk_window_pages, 261u);
  absl::StatusOr<CompanionIdentity> read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->event_ring_first_page, 34u);
  EXPECT_EQ(read->event_ring_page_count, 256u);
  EXPECT_EQ(read->bulk_window_first_page, 290u);
  EXPECT_EQ(read->bulk_window_pages, 261u);
}

TEST_F(BeaconTest, EmptyStrings) {
  CompanionIdentity id;
  WriteBeaconInfo(beacon(), id);
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSameIdentity(*read, id);
}

TEST_F(BeaconTest, LongStringsAreTruncatedToTheirFields) {
  CompanionIdentity id = SampleIdentity();
  id.hostname = std::string(300, 'h');
  id.kernel_release = std::string(kKernelReleaseBytes, 'k');  // one too long
  id.boot_id = std::string(kBootIdBytes - 1, 'b');            // just fits
  WriteBeaconInfo(beacon(), id);
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->hostname, std::string(kHostnameBytes - 1, 'h'));
  EXPECT_EQ(read->kernel_release, std::string(kKernelReleaseBytes - 1, 'k'));
  EXPECT_EQ(read->boot_id, id.boot_id);
  // Every field keeps a terminating NUL, and nothing spills into the next.
  EXPECT_EQ(beacon().hostname[kHostnameBytes - 1], '\0');
  EXPECT_EQ(beacon().kernel_release[kKernelReleaseBytes - 1], '\0');
  EXPECT_EQ(beacon().boot_id[kBootIdBytes - 1], '\0');
  EXPECT_EQ(beacon().kernel_release[0], 'k');
  EXPECT_EQ(beacon().boot_id[0], 'b');
  for (uint8_t b : beacon().reserved4) EXPECT_EQ(b, 0);
  EXPECT_EQ(read->pid, id.pid);
}

TEST_F(BeaconTest, NonPrintableBytesAreSanitised) {
  CompanionIdentity id = SampleIdentity();
  id.hostname = std::string(
      "ab\x01"
      "c\x7f"
      "d\xff\x80\n\t~ ",
      12);
  id.kernel_release = "\x1b[31mred";
  id.boot_id = std::string("x\0yz", 4);  // stops at the NUL.
  WriteBeaconInfo(beacon(), id);
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->hostname, "ab?c?d????~ ");
  EXPECT_EQ(read->kernel_release, "?[31mred");
  EXPECT_EQ(read->boot_id, "x");
}

TEST_F(BeaconTest, UnterminatedFieldsFromAHostilePageAreBounded) {
  WriteBeaconInfo(beacon(), SampleIdentity());
  // A hostile companion fills every string field to the brim, no NUL.
  std::memset(beacon().hostname, 'H', kHostnameBytes);
  std::memset(beacon().kernel_release, 'K', kKernelReleaseBytes);
  std::memset(beacon().boot_id, 0x07, kBootIdBytes);
  Reseal();
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->hostname, std::string(kHostnameBytes, 'H'));
  EXPECT_EQ(read->kernel_release, std::string(kKernelReleaseBytes, 'K'));
  EXPECT_EQ(read->boot_id, std::string(kBootIdBytes, '?'));
}

TEST_F(BeaconTest, NeverWrittenPageIsRejected) {
  EXPECT_EQ(ReadBeaconInfo(beacon()).status().code(),
            absl::StatusCode::kDataLoss);
  std::memset(page_.get(), 0, kPageSize);
  EXPECT_EQ(ReadBeaconInfo(beacon()).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(BeaconTest, AnyChangedInfoByteIsDataLoss) {
  WriteBeaconInfo(beacon(), SampleIdentity());
  ASSERT_TRUE(ReadBeaconInfo(beacon()).ok());
  // Every byte of [64, 512): the info and its checksum.
  for (size_t i = kBeaconInfoBegin; i < offsetof(BeaconPage, heartbeat_counter);
       ++i) {
    for (uint8_t delta : {uint8_t{0x01}, uint8_t{0x80}}) {
      bytes()[i] ^= delta;
      EXPECT_EQ(ReadBeaconInfo(beacon()).status().code(),
                absl::StatusCode::kDataLoss)
          << "byte " << i << " xor " << int{delta};
      bytes()[i] ^= delta;
    }
  }
  EXPECT_TRUE(ReadBeaconInfo(beacon()).ok());
}

TEST_F(BeaconTest, BytesOutsideTheInfoDoNotMatter) {
  const CompanionIdentity id = SampleIdentity();
  WriteBeaconInfo(beacon(), id);
  // The header, the heartbeat, doorbell and statistics lines change freely.
  for (size_t i = 0; i < kBeaconInfoBegin; ++i) bytes()[i] ^= 0x5A;
  for (size_t i = offsetof(BeaconPage, heartbeat_counter); i < kPageSize; ++i) {
    bytes()[i] ^= 0xA5;
  }
  auto read = ReadBeaconInfo(beacon());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSameIdentity(*read, id);
}

TEST_F(BeaconTest, WrongLayoutIsFailedPrecondition) {
  struct Case {
    const char* name;
    void (*mutate)(BeaconPage&);
  };
  const Case cases[] = {
      {"request slots", [](BeaconPage& b) { b.request_slot_count = 15; }},
      {"request slots 0", [](BeaconPage& b) { b.request_slot_count = 0; }},
      {"response slots", [](BeaconPage& b) { b.response_slot_count = 17; }},
      {"iterators", [](BeaconPage& b) { b.iterator_count = 9; }},
      {"first bulk page", [](BeaconPage& b) { b.first_bulk_page = 35; }},
      {"page size", [](BeaconPage& b) { b.page_size = 16384; }},
      {"version",
       [](BeaconPage& b) { b.protocol_version = kProtocolVersion + 1; }},
      {"version 0", [](BeaconPage& b) { b.protocol_version = 0; }},
  };
  for (const Case& c : cases) {
    WriteBeaconInfo(beacon(), SampleIdentity());
    c.mutate(beacon());
    // Without a new checksum the change is corruption...
    EXPECT_EQ(ReadBeaconInfo(beacon()).status().code(),
              absl::StatusCode::kDataLoss)
        << c.name;
    // ...with one, an intact beacon of a layout we do not speak.
    Reseal();
    EXPECT_EQ(ReadBeaconInfo(beacon()).status().code(),
              absl::StatusCode::kFailedPrecondition)
        << c.name;
  }
}

TEST_F(BeaconTest, HeartbeatTicks) {
  WriteBeaconInfo(beacon(), SampleIdentity());
  Heartbeat h = ReadHeartbeat(beacon());
  EXPECT_EQ(h.counter, 0u);  // a fresh beacon has not beaten yet.
  EXPECT_EQ(h.mono_ns, 0u);

  TickHeartbeat(beacon(), 1000);
  h = ReadHeartbeat(beacon());
  EXPECT_EQ(h.counter, 1u);
  EXPECT_EQ(h.mono_ns, 1000u);

  for (uint64_t i = 2; i <= 100; ++i) {
    TickHeartbeat(beacon(), i * 1000);
    h = ReadHeartbeat(beacon());
    ASSERT_EQ(h.counter, i);
    ASSERT_EQ(h.mono_ns, i * 1000);
  }
  // The heartbeat is outside the checksummed info.
  EXPECT_TRUE(ReadBeaconInfo(beacon()).ok());
  // Writing the info again (a new session) restarts the pulse.
  WriteBeaconInfo(beacon(), SampleIdentity());
  EXPECT_EQ(ReadHeartbeat(beacon()).counter, 0u);
}

// The documented ordering: a reader that sees counter N sees a time at least
// as new as the tick that wrote N. Each tick k stores time k * 10.
TEST_F(BeaconTest, ConcurrentReaderSeesTimeAtLeastAsNewAsCounter) {
  WriteBeaconInfo(beacon(), SampleIdentity());
  constexpr uint64_t kTicks = 50'000;
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    for (uint64_t k = 1; k <= kTicks; ++k) TickHeartbeat(beacon(), k * 10);
    done.store(true, std::memory_order_release);
  });
  uint64_t last_counter = 0, violations = 0, regressions = 0, reads = 0;
  while (!done.load(std::memory_order_acquire) || reads == 0) {
    const Heartbeat h = ReadHeartbeat(beacon());
    ++reads;
    if (h.mono_ns < h.counter * 10) ++violations;
    if (h.counter < last_counter) ++regressions;
    last_counter = h.counter;
  }
  ticker.join();
  EXPECT_EQ(violations, 0u);
  EXPECT_EQ(regressions, 0u);
  const Heartbeat final_beat = ReadHeartbeat(beacon());
  EXPECT_EQ(final_beat.counter, kTicks);
  EXPECT_EQ(final_beat.mono_ns, kTicks * 10);
  EXPECT_TRUE(ReadBeaconInfo(beacon()).ok());
}

}  // namespace
}  // namespace haywire
