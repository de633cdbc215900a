// Copyright 2026 The Haywire Authors.
//
// ProcFs::ReadSystemSummary (top's header) and SHR, on the summary fixture
// tree (testdata/procfs/make_fixtures.sh), on malformed inputs, and on this
// machine's /proc.

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/procfs.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

constexpr ProcFsConstants kFixtureConstants = {/*clock_ticks_per_second=*/100,
                                               /*page_size=*/4096};

std::string FixtureRoot(const char* tree) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir == nullptr ? "." : srcdir,
                      "/haywire/testdata/procfs/", tree);
}

TEST(ProcFsSummaryTest, FixtureSummaryHasTopsNumbers) {
  const std::string root = FixtureRoot("summary");
  ProcFs procfs(root + "/proc", root + "/etc/passwd", kFixtureConstants);
  absl::StatusOr<SystemSummary> s = procfs.ReadSystemSummary();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->uptime_ns, 12345'670'000'000u);
  EXPECT_EQ(s->load_average_milli[0], 520u);
  EXPECT_EQ(s->load_average_milli[1], 1580u);
  EXPECT_EQ(s->load_average_milli[2], 12590u);
  // pids 1..10 have a state; 11's stat is malformed and is not counted.
  EXPECT_EQ(s->tasks_total, 10u);
  EXPECT_EQ(s->tasks_running, 2u);   // 2, 9
  EXPECT_EQ(s->tasks_sleeping, 4u);  // 1 S, 3 D, 4 I, 10 S
  EXPECT_EQ(s->tasks_stopped, 2u);   // 5 T, 6 t
  EXPECT_EQ(s->tasks_zombie, 1u);    // 7; 8 (X) only in the total
  EXPECT_EQ(s->cpu.user, 1000u);
  EXPECT_EQ(s->cpu.nice, 20u);
  EXPECT_EQ(s->cpu.system, 300u);
  EXPECT_EQ(s->cpu.idle, 8000u);
  EXPECT_EQ(s->cpu.iowait, 40u);
  EXPECT_EQ(s->cpu.irq, 5u);
  EXPECT_EQ(s->cpu.softirq, 6u);
  EXPECT_EQ(s->cpu.steal, 7u);
  EXPECT_EQ(s->cpu_count, 4u);
  EXPECT_EQ(s->clock_ticks_per_second, 100u);
  EXPECT_EQ(s->mem_total_kb, 16318412u);
  EXPECT_EQ(s->mem_free_kb, 1234567u);
  EXPECT_EQ(s->mem_available_kb, 8765432u);
  EXPECT_EQ(s->buffers_kb, 43210u);
  EXPECT_EQ(s->cached_kb, 6543210u + 500000u);  // Cached + SReclaimable
  EXPECT_EQ(s->swap_total_kb, 2097148u);
  EXPECT_EQ(s->swap_free_kb, 2000000u);
  EXPECT_GT(s->monotonic_ns, 0u);
  EXPECT_GT(s->boottime_ns, 0u);
  EXPECT_GT(s->now_unix_ns, 0u);
  // The decoder's consistency checks accept what the companion reads.
  WireWriter writer(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeMessage(*s, &writer));
  EXPECT_TRUE(DecodeMessage<SystemSummary>(writer.data()).ok());
}

TEST(ProcFsSummaryTest, ShrComesFromStatm) {
  const std::string root = FixtureRoot("summary");
  ProcFs procfs(root + "/proc", root + "/etc/passwd", kFixtureConstants);
  absl::StatusOr<ProcessEntry> with = procfs.ReadProcess(2);
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->shr_kb, 200u);  // 50 pages of 4 KiB
  absl::StatusOr<ProcessEntry> without = procfs.ReadProcess(1);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->shr_kb, 0u);  // no statm: SHR unknown, shown as 0
  absl::StatusOr<ProcessEntry> malformed = procfs.ReadProcess(10);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kDataLoss)
      << malformed.status();
  EXPECT_NE(malformed.status().message().find("statm"), absl::string_view::npos)
      << malformed.status();
}

// On a live kernel SHR comes from status (RssFile + RssShmem), which is
// what statm's "shared" counts: the two agree for a process that is not
// changing (a stopped child, a few attempts for page cache noise).
TEST(ProcFsSummaryTest, ShrFromStatusEqualsStatmOnALiveProcess) {
  // File pages (its own executable, read) and shmem pages (shared
  // anonymous memory, written), so both counters are nonzero.
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([] {
    const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    constexpr size_t kBytes = 64 << 10;
    void* file = ::mmap(nullptr, kBytes, PROT_READ, MAP_PRIVATE, fd, 0);
    void* shmem = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (file == MAP_FAILED || shmem == MAP_FAILED) return 2;
    volatile unsigned char sum = 0;
    for (size_t i = 0; i < kBytes; i += 4096) {
      sum = sum + static_cast<const unsigned char*>(file)[i];
      static_cast<unsigned char*>(shmem)[i] = 1;
    }
    ::pause();
    return static_cast<int>(sum & 0);
  });
  ASSERT_TRUE(child.ok()) << child.status();
  const pid_t pid = (*child)->pid();
  // Until the child has touched its pages (bounded), then freeze it.
  for (int i = 0; i < 500; ++i) {
    std::ifstream statm(absl::StrCat("/proc/", pid, "/statm"));
    uint64_t size = 0, resident = 0, shared = 0;
    if (statm >> size >> resident >> shared && shared >= 32) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  ProcFs procfs("/proc", "/etc/passwd");
  const long page_kb = ::sysconf(_SC_PAGESIZE) / 1024;
  bool agreed = false;
  uint64_t last_entry = 0, last_statm = 0;
  for (int attempt = 0; attempt < 20 && !agreed; ++attempt) {
    absl::StatusOr<ProcessEntry> entry =
        procfs.ReadProcess(static_cast<uint32_t>(pid));
    ASSERT_TRUE(entry.ok()) << entry.status();
    std::ifstream statm(absl::StrCat("/proc/", pid, "/statm"));
    uint64_t size = 0, resident = 0, shared = 0;
    ASSERT_TRUE(statm >> size >> resident >> shared);
    last_entry = entry->shr_kb;
    last_statm = shared * static_cast<uint64_t>(page_kb);
    agreed = last_entry == last_statm;
    if (!agreed) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(agreed) << "SHR " << last_entry << " kB, statm " << last_statm
                      << " kB";
  EXPECT_GT(last_entry, 0u);
}

TEST(ProcFsSummaryTest, MissingSystemFilesAreFailedPrecondition) {
  const std::string root = FixtureRoot("no_system_files");
  ProcFs procfs(root + "/proc", "/nonexistent", kFixtureConstants);
  EXPECT_EQ(procfs.ReadSystemSummary().status().code(),
            absl::StatusCode::kFailedPrecondition);
  // basic/ has stat, meminfo and uptime but no loadavg.
  const std::string basic = FixtureRoot("basic");
  ProcFs no_loadavg(basic + "/proc", "/nonexistent", kFixtureConstants);
  absl::StatusOr<SystemSummary> s = no_loadavg.ReadSystemSummary();
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("loadavg"), absl::string_view::npos)
      << s.status();
}

TEST(ProcFsSummaryTest, ThisMachinesProcReadsAndEncodes) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<SystemSummary> s = procfs.ReadSystemSummary();
  ASSERT_TRUE(s.ok()) << s.status();
  s->cpu_count = std::max<uint32_t>(s->cpu_count, 1);
  WireWriter writer(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeMessage(*s, &writer));
  EXPECT_TRUE(DecodeMessage<SystemSummary>(writer.data()).ok());
  EXPECT_GE(s->tasks_total, 1u);  // at least this test
  EXPECT_GE(s->tasks_running, 1u);
  EXPECT_GE(s->cpu_count, 1u);
  EXPECT_GT(s->mem_total_kb, 0u);
  EXPECT_GT(s->cpu.user + s->cpu.system + s->cpu.idle, 0u);
}

TEST(ProcFsSummaryTest, StatCpuParsing) {
  absl::StatusOr<internal::StatCpu> old_kernel =
      internal::ParseStatCpu("cpu  1 2 3 4\ncpu0 1 2 3 4\n");
  ASSERT_TRUE(old_kernel.ok()) << old_kernel.status();
  EXPECT_EQ(old_kernel->total.idle, 4u);
  EXPECT_EQ(old_kernel->total.steal, 0u);
  EXPECT_EQ(old_kernel->cpu_count, 1u);
  absl::StatusOr<internal::StatCpu> no_percpu =
      internal::ParseStatCpu("cpu  1 2 3 4 5 6 7 8 9 10\n");
  ASSERT_TRUE(no_percpu.ok());
  EXPECT_EQ(no_percpu->cpu_count, 1u);
  EXPECT_EQ(no_percpu->total.steal, 8u);

  for (const char* bad :
       {"", "intr 5\n", "cpu  1 2 3\n", "cpu  1 2 x 4\n", "cpu  1 2 3 -4\n",
        "cpu  1 2 3 4\ncpu  1 2 3 4\n", "cpu  99999999999999999999 1 1 1\n"}) {
    EXPECT_EQ(internal::ParseStatCpu(bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

TEST(ProcFsSummaryTest, LoadAverageParsing) {
  absl::StatusOr<std::array<uint64_t, 3>> load =
      internal::ParseLoadAverage("0.00 10.5 123.45 1/2 3\n");
  ASSERT_TRUE(load.ok()) << load.status();
  EXPECT_EQ((*load)[0], 0u);
  EXPECT_EQ((*load)[1], 10500u);
  EXPECT_EQ((*load)[2], 123450u);
  for (const char* bad : {"", "0.5 0.5\n", "0.5 x 0.5\n", "0.5 -1.0 0.5\n",
                          "0.5 1.2345 1\n", "1. 2 3\n", "5000000.0 1 1\n"}) {
    EXPECT_EQ(internal::ParseLoadAverage(bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

TEST(ProcFsSummaryTest, ProcessTableStampParsing) {
  absl::StatusOr<ProcessTableStamp> stamp =
      internal::ParseProcessTableStamp("0.52 1.58 12.59 1/467 12345\n");
  ASSERT_TRUE(stamp.ok()) << stamp.status();
  EXPECT_EQ(stamp->threads, 467u);
  EXPECT_EQ(stamp->last_pid, 12345u);
  for (const char* bad :
       {"", "0.5 0.5 0.5\n", "0.5 0.5 0.5 1/2\n", "0.5 0.5 0.5 12 3\n",
        "0.5 0.5 0.5 1/x 3\n", "0.5 0.5 0.5 1/2 -3\n", "0.5 0.5 0.5 1/ 3\n"}) {
    EXPECT_EQ(internal::ParseProcessTableStamp(bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

TEST(ProcFsSummaryTest, ProcessTableStampOfThisMachineMovesWithAStart) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<ProcessTableStamp> before = procfs.ReadProcessTableStamp();
  ASSERT_TRUE(before.ok()) << before.status();
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([] { return 0; });
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<ProcessTableStamp> after = procfs.ReadProcessTableStamp();
  EXPECT_EQ((*child)->WaitExit(absl::Seconds(60)), 0);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE(*before, *after);

  const std::string root = FixtureRoot("basic");  // has no loadavg
  ProcFs fixture(root + "/proc", "/nonexistent", kFixtureConstants);
  EXPECT_EQ(fixture.ReadProcessTableStamp().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ProcFsSummaryTest, MeminfoParsing) {
  SystemSummary s;
  ASSERT_TRUE(
      internal::ParseMeminfoSummary("MemTotal: 100 kB\nMemFree: 40 kB\n", &s)
          .ok());
  EXPECT_EQ(s.mem_available_kb, 40u);  // no MemAvailable: MemFree
  EXPECT_EQ(s.swap_total_kb, 0u);
  for (const char* bad :
       {"", "MemTotal: 100 kB\n", "MemTotal: 100 kB\nMemFree: x kB\n",
        "MemTotal: 100 kB\nMemFree: 101 kB\n",
        "MemTotal: 100 kB\nMemFree: 1 kB\nMemAvailable: 200 kB\n",
        "MemTotal: 100 kB\nMemFree: 1 kB\nSwapTotal: 1 kB\nSwapFree: 2 kB\n",
        "MemTotal: 100 kB\nMemFree: 1 kB\nCached: 12 MB\n"}) {
    SystemSummary t;
    EXPECT_FALSE(internal::ParseMeminfoSummary(bad, &t).ok()) << bad;
  }
}

TEST(ProcFsSummaryTest, StateAndStatmParsing) {
  EXPECT_EQ(*internal::ParseStatState("1 (a) b) R 0"), 'R');
  EXPECT_FALSE(internal::ParseStatState("1 (a) ").ok());
  EXPECT_FALSE(internal::ParseStatState("1 (a)R").ok());
  EXPECT_FALSE(internal::ParseStatState("1 (a) 5").ok());
  EXPECT_FALSE(internal::ParseStatState("no parens").ok());
  EXPECT_EQ(*internal::ParseStatmSharedPages("1 2 3 4 5 6 7\n"), 3u);
  EXPECT_FALSE(internal::ParseStatmSharedPages("1 2\n").ok());
  EXPECT_FALSE(internal::ParseStatmSharedPages("1 2 x 4\n").ok());
  EXPECT_FALSE(internal::ParseStatmSharedPages("").ok());
}

}  // namespace
}  // namespace haywire
