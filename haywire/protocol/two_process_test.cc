// Copyright 2026 The Haywire Authors.
//
// The protocol between two real processes over one shared file, as with
// QEMU's memory-backend-file: a forked child plays the guest companion
// (creates the region, serves requests, beats its heart, wipes the region on
// "stop"), the parent plays a host client.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/forked_child.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

constexpr uint32_t kPages = 256;  // 1 MiB region.
constexpr size_t kFileBytes = size_t{kPages} * kPageSize;
constexpr uint64_t kSecond = 1'000'000'000;
// Bound on every wait, in either process. Generous: only there so a broken
// protocol fails instead of hanging.
constexpr uint64_t kWaitNs = 10 * kSecond;
constexpr char kStop[] = "stop";
constexpr char kBye[] = "bye";

// Child exit codes.
enum ChildExit {
  kChildOk = 0,
  kChildOpenFailed = 10,
  kChildMapFailed = 11,
  kChildInitFailed = 12,
  kChildNoStop = 13,
  kChildStopNotConsumed = 14,
};

uint64_t NowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * kSecond + uint64_t(ts.tv_nsec);
}
uint64_t MonoNs() { return NowNs(CLOCK_MONOTONIC); }

void SleepNs(uint64_t ns) {
  timespec ts{static_cast<time_t>(ns / kSecond),
              static_cast<long>(ns % kSecond)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

std::string Reversed(std::string s) {
  return std::string(s.rbegin(), s.rend());
}

// ---- The companion (child process) ----------------------------------------

int RunCompanion(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR);
  if (fd < 0) return kChildOpenFailed;
  void* base =
      mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) return kChildMapFailed;
  const PageTable table = PageTable::Contiguous(base, kPages);

  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = NowNs(CLOCK_REALTIME);
  identity.capabilities = kCapPing | kCapDoorbell;
  identity.hostname = "two-process-companion";
  identity.kernel_release = "test";
  identity.boot_id = "00000000-0000-0000-0000-000000000001";
  const uint64_t session = (uint64_t(getpid()) << 20) | 0xABC;
  if (!InitializeRegion(table, session, identity).ok()) return kChildInitFailed;
  Region region(table);
  BeaconPage& beacon = region.beacon();

  const uint64_t deadline = MonoNs() + 3 * kWaitNs;
  uint64_t last_tick = 0;
  std::optional<uint32_t> stop_slot;
  SlotWord stop_word;
  Request req;
  while (!stop_slot) {
    const uint64_t now = MonoNs();
    if (now - last_tick >= 5'000'000) {
      TickHeartbeat(beacon, now);
      last_tick = now;
    }
    if (now > deadline) {
      WipeRegion(table);
      return kChildNoStop;
    }
    bool served = false;
    for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
      bool malformed = false;
      std::optional<SlotWord> taken =
          TryTakeRequest(region.request_slot(i), &req, &malformed);
      if (!taken) continue;
      served = true;
      ResponseFields fields;
      fields.ticket = req.ticket;
      fields.type = req.type;
      fields.guest_mono_ns = MonoNs();
      std::string answer;
      const std::string payload(reinterpret_cast<const char*>(req.payload),
                                req.payload_bytes);
      if (malformed) {
        fields.status = ResponseStatus::kBadRequest;
      } else if (payload == kStop) {
        fields.status = ResponseStatus::kOk;
        answer = kBye;
      } else if (req.type == static_cast<uint32_t>(RequestType::kPing)) {
        fields.status = ResponseStatus::kOk;
        answer = Reversed(payload);
      } else {
        fields.status = ResponseStatus::kUnsupported;
      }
      // Counted before completing, so a host that has its answer sees it.
      StoreRelaxed(beacon.requests_served,
                   LoadRelaxed(beacon.requests_served) + 1);
      const Completion c = CompleteRequest(
          region.request_slot(i), region.response_slot(i), *taken, fields,
          absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(answer.data()),
                              answer.size()));
      if (payload == kStop && c == Completion::kDelivered) {
        stop_slot = i;
        stop_word = SlotWord{SlotState::kResponseReady, taken->generation,
                             taken->owner_pid};
      }
    }
    if (!served) SleepNs(100'000);
  }

  // Let the host read the answer to "stop" before the region disappears.
  int code = kChildOk;
  const uint64_t stop_deadline = MonoNs() + kWaitNs;
  while (LoadSlotWord(region.request_slot(*stop_slot)) == stop_word) {
    if (MonoNs() > stop_deadline) {
      code = kChildStopNotConsumed;
      break;
    }
    SleepNs(100'000);
  }
  WipeRegion(table);
  munmap(base, kFileBytes);
  close(fd);
  return code;
}

// ---- The host (parent process) --------------------------------------------

// Sends one request and waits (bounded) for its response.
absl::Status Call(Region& region, uint32_t pid, uint64_t ticket,
                  RequestType type, const std::string& payload, Response* out) {
  const uint64_t deadline = MonoNs() + kWaitNs;
  std::optional<SlotWord> claimed;
  uint32_t index = 0;
  while (!claimed) {
    for (index = 0; index < kRequestSlotCount; ++index) {
      claimed = TryClaimSlot(region.request_slot(index), pid);
      if (claimed) break;
    }
    if (claimed) break;
    if (MonoNs() > deadline) return absl::DeadlineExceededError("no slot");
    SleepNs(100'000);
  }
  SlotWord published;
  absl::Status s = PublishRequest(
      region.request_slot(index), *claimed, ticket, type,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(payload.data()),
                          payload.size()),
      &region.beacon().request_doorbell, &published);
  if (!s.ok()) return s;
  for (;;) {
    switch (PollRequest(region.request_slot(index), published)) {
      case RequestProgress::kResponseReady:
        return ConsumeResponse(region.request_slot(index),
                               region.response_slot(index), published, ticket,
                               out);
      case RequestProgress::kLost:
        return absl::AbortedError("request lost");
      case RequestProgress::kWaiting:
        break;
    }
    if (MonoNs() > deadline) {
      AbandonRequest(region.request_slot(index), published);
      return absl::DeadlineExceededError("no response");
    }
    SleepNs(50'000);
  }
}

TEST(TwoProcessTest, HostTalksToACompanionInAnotherProcess) {
  const char* tmpdir = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmpdir, nullptr);
  const std::string path = std::string(tmpdir) + "/guest-ram";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << strerror(errno);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kFileBytes)), 0)
      << strerror(errno);

  // The companion; killed and reaped at the end unless it exited, so a
  // failed test does not leave it behind.
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([&] { return RunCompanion(path); });
  ASSERT_TRUE(child.ok()) << child.status();
  ForkedChild& companion = **child;

  // The host's own mapping of the file (the companion maps it separately).
  absl::StatusOr<std::unique_ptr<TestRegion>> mapping =
      TestRegion::Map(kPages, fd);
  close(fd);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  std::byte* const base = (*mapping)->page(0);

  // Discovery: wait for a valid beacon header.
  const uint64_t found_deadline = MonoNs() + kWaitNs;
  while (CheckPageHeader(ReadPageHeader(base)) != HeaderVerdict::kValid) {
    ASSERT_FALSE(companion.Exited())
        << "companion exited early with code "
        << *companion.WaitExit(absl::ZeroDuration());
    ASSERT_LT(MonoNs(), found_deadline) << "no beacon within 10 s";
    SleepNs(1'000'000);
  }
  const PageHeader beacon_header = ReadPageHeader(base);
  EXPECT_EQ(beacon_header.page_count, kPages);
  EXPECT_EQ(beacon_header.page_index, 0u);
  EXPECT_EQ(beacon_header.kind, static_cast<uint16_t>(PageKind::kBeacon));
  // The beacon is published last, so the whole region is there now.
  for (uint32_t i = 0; i < kPages; ++i) {
    const PageHeader h = ReadPageHeader(base + size_t{i} * kPageSize);
    ASSERT_EQ(CheckPageHeader(h), HeaderVerdict::kValid) << "page " << i;
    EXPECT_EQ(h.session_id, beacon_header.session_id);
    EXPECT_EQ(h.page_index, i);
  }

  Region region = (*mapping)->region();
  auto identity = ReadBeaconInfo(region.beacon());
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->pid, static_cast<uint32_t>(companion.pid()));
  EXPECT_EQ(identity->hostname, "two-process-companion");
  EXPECT_EQ(identity->capabilities, kCapPing | kCapDoorbell);
  EXPECT_EQ(identity->start_unix_ns, beacon_header.created_unix_ns);

  // The session is alive: its heartbeat advances.
  const Heartbeat first = ReadHeartbeat(region.beacon());
  const uint64_t beat_deadline = MonoNs() + kWaitNs;
  Heartbeat later = first;
  while (later.counter == first.counter) {
    ASSERT_LT(MonoNs(), beat_deadline) << "heartbeat did not advance";
    ASSERT_FALSE(companion.Exited())
        << "companion exited: " << *companion.WaitExit(absl::ZeroDuration());
    SleepNs(1'000'000);
    later = ReadHeartbeat(region.beacon());
  }
  EXPECT_GT(later.counter, first.counter);
  EXPECT_GE(later.mono_ns, first.mono_ns);

  // Requests, one at a time.
  const uint32_t me = static_cast<uint32_t>(getpid());
  const std::vector<std::string> payloads = {
      "ping", "", "hello from the host", std::string(kRequestPayloadBytes, 'x'),
      std::string("\0\1\2\3", 4)};
  uint64_t ticket = 1000;
  for (const std::string& p : payloads) {
    Response r;
    const absl::Status s =
        Call(region, me, ++ticket, RequestType::kPing, p, &r);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(r.ticket, ticket);
    EXPECT_EQ(r.status, ResponseStatus::kOk);
    EXPECT_EQ(r.type, static_cast<uint32_t>(RequestType::kPing));
    EXPECT_EQ(r.payload, Reversed(p));
    EXPECT_GT(r.guest_mono_ns, 0u);
  }
  {
    Response r;
    ASSERT_TRUE(
        Call(region, me, ++ticket, RequestType::kReadMemory, "x", &r).ok());
    EXPECT_EQ(r.status, ResponseStatus::kUnsupported);
  }

  // Several in flight at once, on different slots.
  {
    constexpr uint32_t kInFlight = 6;
    std::vector<SlotWord> published(kInFlight);
    for (uint32_t i = 0; i < kInFlight; ++i) {
      std::optional<SlotWord> c = TryClaimSlot(region.request_slot(i), me);
      ASSERT_TRUE(c) << "slot " << i;
      const std::string p = "batch " + std::to_string(i);
      ASSERT_TRUE(PublishRequest(
                      region.request_slot(i), *c, 5000 + i, RequestType::kPing,
                      absl::MakeConstSpan(
                          reinterpret_cast<const uint8_t*>(p.data()), p.size()),
                      &region.beacon().request_doorbell, &published[i])
                      .ok());
    }
    for (uint32_t i = 0; i < kInFlight; ++i) {
      const uint64_t deadline = MonoNs() + kWaitNs;
      while (PollRequest(region.request_slot(i), published[i]) ==
             RequestProgress::kWaiting) {
        ASSERT_LT(MonoNs(), deadline) << "slot " << i;
        SleepNs(50'000);
      }
      Response r;
      ASSERT_TRUE(ConsumeResponse(region.request_slot(i),
                                  region.response_slot(i), published[i],
                                  5000 + i, &r)
                      .ok());
      EXPECT_EQ(r.payload, Reversed("batch " + std::to_string(i)));
    }
  }
  const uint64_t sent = payloads.size() + 1 + 6;
  EXPECT_EQ(LoadAcquire(region.beacon().request_doorbell), sent);
  EXPECT_EQ(LoadRelaxed(region.beacon().requests_served), sent);

  // Stop: the companion answers, wipes the region and exits.
  {
    Response r;
    const absl::Status s =
        Call(region, me, ++ticket, RequestType::kPing, kStop, &r);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(r.payload, kBye);
  }
  const std::optional<int> code =
      companion.WaitExit(absl::Nanoseconds(kWaitNs));
  ASSERT_TRUE(code.has_value()) << "companion did not exit; killing it";
  ASSERT_NE(*code, -1) << "companion died of a signal";
  EXPECT_EQ(*code, kChildOk);

  // No stale beacon is left behind, nor any page a scanner could match.
  EXPECT_FALSE(StartsWithPageMagic(base));
  EXPECT_EQ(CheckPageHeader(ReadPageHeader(base)), HeaderVerdict::kNoMagic);
  for (uint32_t i = 0; i < kPages; ++i) {
    const std::byte* page = base + size_t{i} * kPageSize;
    ASSERT_FALSE(StartsWithPageMagic(page)) << "page " << i;
    for (size_t b = 0; b < kPageSize; ++b) {
      ASSERT_EQ(static_cast<uint8_t>(page[b]), 0)
          << "page " << i << " byte " << b;
    }
  }
}

}  // namespace
}  // namespace haywire
