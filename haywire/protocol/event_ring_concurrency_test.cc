// Copyright 2026 The Haywire Authors.
//
// The event ring with one writer and several readers polling at once: in
// other threads, and in other processes (two processes mapping one file, as
// a host maps the guest's RAM file).
//
// Every event's content is a function of its sequence number (ExpectedEvent),
// so a reader that ever returned a torn copy fails the test; the accounting
// "events read + events reported lost == events published" checks that no
// loss is silent.

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/event_ring_test_support.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

// One writer thread, several reader threads polling as fast as they can:
// every event read is intact (no torn copy), and none is lost silently.
TEST(EventRingTest, ConcurrentReadersNeverSeeTornEntries) {
  constexpr uint32_t kRingPages = 4;
  constexpr uint64_t kTotal = 20000;
  constexpr int kReaders = 3;
  const std::unique_ptr<TestRegion> region =
      RingRegion(kRingFirstPage + kRingPages);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, kRingPages);
  std::atomic<uint64_t> published{0};
  struct Result {
    uint64_t read = 0;
    uint64_t lost = 0;
    std::string error;
  };
  std::vector<Result> results(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
          region->pages(), kRingFirstPage, kRingPages, EventRingStart::kOldest);
      if (!reader.ok()) {
        results[r].error = reader.status().ToString();
        return;
      }
      // Attached late (after a lap), the oldest event may be past 0.
      uint64_t expected = reader->next_sequence();
      results[r].lost = expected;
      const absl::Time deadline = absl::Now() + kDeadline;
      while (absl::Now() < deadline) {
        const bool done = published.load() == kTotal;
        absl::StatusOr<EventBatch> batch = reader->Poll(r == 0 ? 1 : 4096);
        if (!batch.ok()) {
          results[r].error = batch.status().ToString();
          return;
        }
        results[r].lost += batch->lost;
        expected += batch->lost;
        for (const ProcessEvent& e : batch->events) {
          if (e.sequence != expected) {
            results[r].error =
                absl::StrCat("got ", e.sequence, ", expected ", expected);
            return;
          }
          if (std::string diff = DiffFromExpected(e); !diff.empty()) {
            results[r].error = diff;
            return;
          }
          ++expected;
          ++results[r].read;
        }
        if (done && reader->next_sequence() == kTotal) return;
        if (r == 2) std::this_thread::yield();
      }
      results[r].error = "deadline passed";
    });
  }
  for (uint64_t i = 0; i < kTotal; ++i) {
    writer.Publish(ExpectedEvent(i));
  }
  published.store(kTotal);
  for (std::thread& t : readers) t.join();
  for (int r = 0; r < kReaders; ++r) {
    SCOPED_TRACE(absl::StrCat("reader ", r));
    EXPECT_EQ(results[r].error, "");
    EXPECT_EQ(results[r].read + results[r].lost, kTotal);
  }
}

// The writer in this process, readers in forked processes, all over one
// file mapped MAP_SHARED (the host's view of the guest's RAM file). Each
// reader reports (read, lost, error) through a pipe.
TEST(EventRingTest, ReadersInOtherProcesses) {
  constexpr uint32_t kRingPages = 5;
  constexpr uint64_t kTotal = 20000;
  constexpr int kReaders = 3;
  const char* tmpdir = std::getenv("TEST_TMPDIR");
  const std::string path =
      absl::StrCat(tmpdir != nullptr ? tmpdir : "/tmp", "/event_ring_file");
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  const std::unique_ptr<TestRegion> region =
      RingRegion(kRingFirstPage + kRingPages, fd);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, kRingPages);

  struct Report {
    uint64_t read;
    uint64_t lost;
    char error[200];
  };
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  std::vector<std::unique_ptr<ForkedChild>> children;
  std::vector<int> report_fds;
  for (int r = 0; r < kReaders; ++r) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    absl::StatusOr<std::unique_ptr<ForkedChild>> child =
        ForkedChild::Start([&, r]() -> int {
          // Child: its own mapping of the file, as another host process has.
          close(report[0]);
          Report out = {};
          void* base =
              mmap(nullptr, size_t{kRingFirstPage + kRingPages} * kPageSize,
                   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
          PageTable pages =
              PageTable::Contiguous(base, kRingFirstPage + kRingPages);
          absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
              pages, kRingFirstPage, kRingPages, EventRingStart::kOldest);
          const char one = 1;
          (void)!write(ready[1], &one, 1);
          std::string error;
          uint64_t expected = 0;
          if (!reader.ok()) error = reader.status().ToString();
          const absl::Time deadline = absl::Now() + kDeadline;
          while (error.empty() && expected < kTotal) {
            if (absl::Now() > deadline) {
              error = "deadline passed";
              break;
            }
            absl::StatusOr<EventBatch> batch = reader->Poll(r == 0 ? 3 : 4096);
            if (!batch.ok()) {
              error = batch.status().ToString();
              break;
            }
            out.lost += batch->lost;
            expected += batch->lost;
            for (const ProcessEvent& e : batch->events) {
              if (e.sequence != expected) {
                error =
                    absl::StrCat("got ", e.sequence, ", expected ", expected);
                break;
              }
              if (std::string diff = DiffFromExpected(e); !diff.empty()) {
                error = diff;
                break;
              }
              ++expected;
              ++out.read;
            }
            if (r == 1) usleep(100);
          }
          std::snprintf(out.error, sizeof(out.error), "%s", error.c_str());
          (void)!write(report[1], &out, sizeof(out));
          return 0;
        });
    ASSERT_TRUE(child.ok()) << child.status();
    close(report[1]);
    children.push_back(*std::move(child));
    report_fds.push_back(report[0]);
  }
  for (int r = 0; r < kReaders; ++r) {
    char byte;
    ASSERT_EQ(read(ready[0], &byte, 1), 1);
  }
  for (uint64_t i = 0; i < kTotal; ++i) {
    writer.Publish(ExpectedEvent(i));
    if (i % 64 == 0) usleep(50);  // give slow readers a chance, sometimes
  }
  for (int r = 0; r < kReaders; ++r) {
    SCOPED_TRACE(absl::StrCat("reader process ", r));
    Report report = {};
    size_t got = 0;
    while (got < sizeof(report)) {
      const ssize_t n =
          read(report_fds[r], reinterpret_cast<char*>(&report) + got,
               sizeof(report) - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    ASSERT_EQ(got, sizeof(report));
    const std::optional<int> code = children[r]->WaitExit(kDeadline);
    ASSERT_TRUE(code.has_value()) << "reader process did not exit";
    EXPECT_EQ(*code, 0);
    EXPECT_STREQ(report.error, "");
    EXPECT_EQ(report.read + report.lost, kTotal);
    close(report_fds[r]);
  }
  close(fd);
}

}  // namespace
}  // namespace haywire
