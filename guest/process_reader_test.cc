// Copyright 2026 The Haywire Authors.
//
// ProcessReader: with helper threads it reads what the serving thread alone
// reads, each result at its pid's index, across many batches (the
// hand-over between batches is what ThreadSanitizer watches here).

#include "guest/process_reader.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "guest/procfs.h"

namespace haywire {
namespace {

// Past the kernel's pid_max: never a process.
constexpr uint32_t kNoSuchPid = 4'194'305;

std::vector<uint32_t> LivePids(const ProcFs& procfs) {
  absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
  EXPECT_TRUE(pids.ok()) << pids.status();
  return pids.ok() ? *pids : std::vector<uint32_t>{};
}

TEST(ProcessReaderTest, HelpersReadWhatOneThreadReads) {
  ProcFs procfs("/proc", "/etc/passwd");
  std::vector<uint32_t> pids = LivePids(procfs);
  ASSERT_FALSE(pids.empty());
  pids.insert(pids.begin() + static_cast<ptrdiff_t>(pids.size() / 2),
              kNoSuchPid);
  ProcessReader alone(&procfs, 0);
  ProcessReader helped(&procfs, 3);
  const std::vector<absl::StatusOr<ProcessEntry>> one = alone.ReadAll(pids);
  const std::vector<absl::StatusOr<ProcessEntry>> many = helped.ReadAll(pids);
  ASSERT_EQ(one.size(), pids.size());
  ASSERT_EQ(many.size(), pids.size());
  size_t both = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    if (pids[i] == kNoSuchPid) {
      EXPECT_TRUE(absl::IsNotFound(many[i].status())) << many[i].status();
      continue;
    }
    // A process may exit between the two reads; the rest must agree.
    if (!one[i].ok() || !many[i].ok()) continue;
    ++both;
    EXPECT_EQ(many[i]->pid, pids[i]);
    EXPECT_EQ(many[i]->ppid, one[i]->ppid);
    EXPECT_EQ(many[i]->uid, one[i]->uid);
    EXPECT_EQ(many[i]->start_time_unix_ns, one[i]->start_time_unix_ns);
  }
  EXPECT_GT(both, 0u);
}

TEST(ProcessReaderTest, ManyBatchesOfEverySize) {
  ProcFs procfs("/proc", "/etc/passwd");
  const std::vector<uint32_t> pids = LivePids(procfs);
  ASSERT_FALSE(pids.empty());
  ProcessReader reader(&procfs, 2);
  for (int round = 0; round < 200; ++round) {
    const size_t size = static_cast<size_t>(round) % 17;
    std::vector<uint32_t> batch;
    for (size_t i = 0; i < size; ++i) batch.push_back(pids[i % pids.size()]);
    const std::vector<absl::StatusOr<ProcessEntry>> results =
        reader.ReadAll(batch);
    ASSERT_EQ(results.size(), size);
    for (size_t i = 0; i < size; ++i) {
      if (results[i].ok()) {
        EXPECT_EQ(results[i]->pid, batch[i]);
      } else {
        EXPECT_TRUE(absl::IsNotFound(results[i].status()))
            << results[i].status();
      }
    }
  }
}

TEST(ProcessReaderTest, DefaultHelpersLeaveOneCpu) {
  EXPECT_LE(ProcessReader::DefaultHelpers(1), 1u);
  EXPECT_EQ(ProcessReader::DefaultHelpers(0), 0u);
}

}  // namespace
}  // namespace haywire
