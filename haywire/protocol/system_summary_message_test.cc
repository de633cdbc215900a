// Copyright 2026 The Haywire Authors.
//
// SystemSummary (GET_SYSTEM_SUMMARY's response) and ProcessEntry's SHR field:
// round trips, the decoder's bounds and consistency checks, and garbage.

#include <cstdint>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

// Wire tags pinned independently of messages.cc (protocol constants).
constexpr uint16_t kSystemSummaryTag = 7;
constexpr uint16_t kHostnameTag = 1;
constexpr uint16_t kLoad1Tag = 4;
constexpr uint16_t kTasksTotalTag = 7;
constexpr uint16_t kTasksRunningTag = 8;
constexpr uint16_t kClockTicksTag = 20;
constexpr uint16_t kCpuCountTag = 21;
constexpr uint16_t kMemTotalTag = 22;
constexpr uint16_t kMemFreeTag = 23;

SystemSummary FullSummary() {
  SystemSummary s;
  s.hostname = "guest-7";
  s.kernel_release = "6.1.0-13-amd64";
  s.uptime_ns = 12345'670'000'000;
  s.load_average_milli[0] = 520;
  s.load_average_milli[1] = 1580;
  s.load_average_milli[2] = 12590;
  s.tasks_total = 120;
  s.tasks_running = 2;
  s.tasks_sleeping = 115;
  s.tasks_stopped = 1;
  s.tasks_zombie = 1;
  s.cpu = {.user = 101,
           .nice = 2,
           .system = 303,
           .idle = 40404,
           .iowait = 5,
           .irq = 6,
           .softirq = 7,
           .steal = 8};
  s.clock_ticks_per_second = 100;
  s.cpu_count = 4;
  s.mem_total_kb = 16318412;
  s.mem_free_kb = 1234567;
  s.mem_available_kb = 8765432;
  s.buffers_kb = 4321;
  s.cached_kb = 7654321;
  s.swap_total_kb = 2097148;
  s.swap_free_kb = 2000000;
  s.now_unix_ns = 1'700'012'345'670'000'000;
  s.monotonic_ns = 12345'600'000'000;
  s.boottime_ns = 12345'680'000'000;
  return s;
}

std::string Encode(const SystemSummary& s) {
  WireWriter w(kResponsePayloadBytes);
  EXPECT_TRUE(EncodeMessage(s, &w));
  return w.data();
}

// A record holding exactly `body` as its fields.
std::string Record(const std::string& body) {
  // By hand (tag, reserved, length, body), so a test can put anything in.
  std::string rec;
  const uint16_t tag = kSystemSummaryTag;
  const uint32_t len = static_cast<uint32_t>(body.size());
  rec.append(reinterpret_cast<const char*>(&tag), 2);
  rec.append(2, '\0');
  rec.append(reinterpret_cast<const char*>(&len), 4);
  rec += body;
  return rec;
}

std::string U64(uint16_t tag, uint64_t v) {
  WireWriter w(64);
  w.PutU64(tag, v);
  return w.data();
}

// The smallest valid summary body: a tick rate and a CPU count.
std::string MinimalBody() {
  return U64(kClockTicksTag, 100) + U64(kCpuCountTag, 1);
}

TEST(SystemSummaryMessageTest, RoundTripKeepsEveryField) {
  const SystemSummary in = FullSummary();
  absl::StatusOr<SystemSummary> out = DecodeMessage<SystemSummary>(Encode(in));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->hostname, in.hostname);
  EXPECT_EQ(out->kernel_release, in.kernel_release);
  EXPECT_EQ(out->uptime_ns, in.uptime_ns);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out->load_average_milli[i], in.load_average_milli[i]);
  }
  EXPECT_EQ(out->tasks_total, in.tasks_total);
  EXPECT_EQ(out->tasks_running, in.tasks_running);
  EXPECT_EQ(out->tasks_sleeping, in.tasks_sleeping);
  EXPECT_EQ(out->tasks_stopped, in.tasks_stopped);
  EXPECT_EQ(out->tasks_zombie, in.tasks_zombie);
  EXPECT_EQ(out->cpu.user, in.cpu.user);
  EXPECT_EQ(out->cpu.nice, in.cpu.nice);
  EXPECT_EQ(out->cpu.system, in.cpu.system);
  EXPECT_EQ(out->cpu.idle, in.cpu.idle);
  EXPECT_EQ(out->cpu.iowait, in.cpu.iowait);
  EXPECT_EQ(out->cpu.irq, in.cpu.irq);
  EXPECT_EQ(out->cpu.softirq, in.cpu.softirq);
  EXPECT_EQ(out->cpu.steal, in.cpu.steal);
  EXPECT_EQ(out->clock_ticks_per_second, in.clock_ticks_per_second);
  EXPECT_EQ(out->cpu_count, in.cpu_count);
  EXPECT_EQ(out->mem_total_kb, in.mem_total_kb);
  EXPECT_EQ(out->mem_free_kb, in.mem_free_kb);
  EXPECT_EQ(out->mem_available_kb, in.mem_available_kb);
  EXPECT_EQ(out->buffers_kb, in.buffers_kb);
  EXPECT_EQ(out->cached_kb, in.cached_kb);
  EXPECT_EQ(out->swap_total_kb, in.swap_total_kb);
  EXPECT_EQ(out->swap_free_kb, in.swap_free_kb);
  EXPECT_EQ(out->now_unix_ns, in.now_unix_ns);
  EXPECT_EQ(out->monotonic_ns, in.monotonic_ns);
  EXPECT_EQ(out->boottime_ns, in.boottime_ns);
}

TEST(SystemSummaryMessageTest, MinimalRecordDecodesWithZeroDefaults) {
  absl::StatusOr<SystemSummary> out =
      DecodeMessage<SystemSummary>(Record(MinimalBody()));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->tasks_total, 0u);
  EXPECT_EQ(out->hostname, "");
}

TEST(SystemSummaryMessageTest, LongStringsAreCutWhenEncoded) {
  SystemSummary s = FullSummary();
  s.hostname = std::string(5000, 'h');
  absl::StatusOr<SystemSummary> out = DecodeMessage<SystemSummary>(Encode(s));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->hostname.size(), kMaxNameBytes);
}

TEST(SystemSummaryMessageTest, OverlongStringOnTheWireIsRejected) {
  WireWriter w(8192);
  w.PutString(kHostnameTag, std::string(kMaxNameBytes + 1, 'x'));
  EXPECT_EQ(DecodeMessage<SystemSummary>(Record(MinimalBody() + w.data()))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(SystemSummaryMessageTest, InconsistentValuesAreRejected) {
  const struct {
    const char* what;
    std::string body;
  } cases[] = {
      {"no tick rate", U64(kCpuCountTag, 1)},
      {"no cpu count", U64(kClockTicksTag, 100)},
      {"tick rate too high",
       U64(kClockTicksTag, kMaxClockTicksPerSecond + 1) + U64(kCpuCountTag, 1)},
      {"too many cpus",
       U64(kClockTicksTag, 100) + U64(kCpuCountTag, kMaxCpus + 1)},
      {"load out of range",
       MinimalBody() + U64(kLoad1Tag, kMaxLoadAverageMilli + 1)},
      {"tasks beyond total",
       MinimalBody() + U64(kTasksTotalTag, 1) + U64(kTasksRunningTag, 2)},
      {"free beyond total",
       MinimalBody() + U64(kMemTotalTag, 10) + U64(kMemFreeTag, 11)},
      {"task count above 32 bits",
       MinimalBody() + U64(kTasksTotalTag, uint64_t{1} << 32)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DecodeMessage<SystemSummary>(Record(c.body)).status().code(),
              absl::StatusCode::kDataLoss)
        << c.what;
  }
}

TEST(SystemSummaryMessageTest, MissingOrDuplicateRecordIsRejected) {
  EXPECT_FALSE(DecodeMessage<SystemSummary>("").ok());
  const std::string one = Record(MinimalBody());
  EXPECT_FALSE(DecodeMessage<SystemSummary>(one + one).ok());
}

TEST(SystemSummaryMessageTest, UnknownTagsAreSkipped) {
  absl::StatusOr<SystemSummary> out = DecodeMessage<SystemSummary>(
      Record(MinimalBody() + U64(999, 5)) + U64(998, 1));
  EXPECT_TRUE(out.ok()) << out.status();
}

// Garbage never crashes the decoder (ASan/UBSan builds check the "never"):
// random bytes, and every truncation and single-byte corruption of a valid
// payload.
TEST(SystemSummaryMessageTest, GarbageAndCorruptionNeverCrash) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 600, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    DecodeMessage<SystemSummary>(junk).IgnoreError();
    DecodeMessage<SystemSummary>(Record(junk)).IgnoreError();
  }
  const std::string valid = Encode(FullSummary());
  for (size_t n = 0; n < valid.size(); ++n) {
    DecodeMessage<SystemSummary>(valid.substr(0, n)).IgnoreError();
    std::string corrupt = valid;
    corrupt[n] = static_cast<char>(corrupt[n] ^ (1 + rng() % 255));
    DecodeMessage<SystemSummary>(corrupt).IgnoreError();
  }
}

TEST(SystemSummaryMessageTest, ShrRoundTripsInProcessEntries) {
  ProcessEntry e;
  e.pid = 9;
  e.shr_kb = 12345;
  WireWriter w(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeProcessEntry(e, &w));
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(w.data());
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  ASSERT_EQ(chunk->entries.size(), 1u);
  EXPECT_EQ(chunk->entries[0].shr_kb, 12345u);
}

}  // namespace
}  // namespace haywire
