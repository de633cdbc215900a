// Copyright 2026 The Haywire Authors.
//
// The event thread backs off when its source keeps failing: the waits
// between tries double up to a cap, for the pid-diff source (its /proc
// vanishes) and the connector (a descriptor whose every read fails), and
// the first success resets them.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/error_backoff.h"
#include "guest/event_publisher.h"
#include "guest/proc_connector.h"
#include "guest/procfs.h"
#include "haywire/protocol/layout.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

constexpr uint32_t kRingPages = 4;
constexpr uint32_t kPages = kFirstBulkPage + kRingPages;

TEST(ErrorBackoffTest, DoublesUpToTheCapAndResetsOnSuccess) {
  ErrorBackoff backoff(
      {.initial = absl::Milliseconds(10), .max = absl::Milliseconds(50)});
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(10));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(20));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(40));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(50));
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(50));
  EXPECT_EQ(backoff.consecutive_failures(), 5u);
  backoff.Succeeded();
  EXPECT_EQ(backoff.consecutive_failures(), 0u);
  EXPECT_EQ(backoff.Failed(), absl::Milliseconds(10));
}

// Records the waits the publisher asks for instead of sleeping them.
class WaitRecorder {
 public:
  void Record(absl::Duration wait) {
    std::lock_guard<std::mutex> lock(mu_);
    waits_.push_back(wait);
  }
  // The first `n` waits, once there are that many (bounded wait).
  std::vector<absl::Duration> First(size_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (waits_.size() >= n || absl::Now() > deadline) {
          return std::vector<absl::Duration>(
              waits_.begin(), waits_.begin() + std::min(n, waits_.size()));
        }
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
  }

 private:
  std::mutex mu_;
  std::vector<absl::Duration> waits_;
};

std::vector<absl::Duration> Expected() {
  return {absl::Milliseconds(1), absl::Milliseconds(2), absl::Milliseconds(4),
          absl::Milliseconds(8), absl::Milliseconds(8), absl::Milliseconds(8)};
}

EventPublisherOptions BackoffOptions(WaitRecorder* recorder) {
  EventPublisherOptions options;
  options.pid_diff_interval = absl::Milliseconds(1);
  options.error_backoff = {.initial = absl::Milliseconds(1),
                           .max = absl::Milliseconds(8)};
  options.wait_after_error = [recorder](absl::Duration wait) {
    recorder->Record(wait);
    // A real pause, short, so the thread does not spin the test's core.
    absl::SleepFor(absl::Microseconds(200));
  };
  return options;
}

std::unique_ptr<TestRegion> RingRegion(const EventPublisher& publisher) {
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.capabilities = publisher.capabilities();
  identity.event_ring_first_page = kFirstBulkPage;
  identity.event_ring_page_count = kRingPages;
  absl::StatusOr<std::unique_ptr<TestRegion>> region =
      TestRegion::Create(kPages, 78, identity);
  EXPECT_TRUE(region.ok()) << region.status();
  return region.ok() ? *std::move(region) : nullptr;
}

TEST(EventBackoffTest, PidDiffBacksOffWhileProcIsGone) {
  // An empty proc root lists fine (no process); then it disappears.
  const std::string root = absl::StrCat(::testing::TempDir(), "/proc-gone");
  ASSERT_EQ(mkdir(root.c_str(), 0700), 0);
  ProcFs procfs(root, "/dev/null");
  WaitRecorder recorder;
  EventPublisherOptions options = BackoffOptions(&recorder);
  options.mode = EventMode::kPidDiff;
  absl::StatusOr<std::unique_ptr<EventPublisher>> publisher =
      EventPublisher::Create(&procfs, options);
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  std::unique_ptr<TestRegion> region = RingRegion(**publisher);
  ASSERT_NE(region, nullptr);
  ASSERT_EQ(rmdir(root.c_str()), 0);
  ASSERT_TRUE(
      (*publisher)->Start(region->pages(), kFirstBulkPage, kRingPages).ok());
  EXPECT_EQ(recorder.First(6), Expected());
  (*publisher)->Stop();
  EXPECT_GE((*publisher)->source_errors(), 6u);
}

TEST(EventBackoffTest, ConnectorBacksOffWhileReadsFail) {
  ProcFs procfs("/proc", "/etc/passwd");
  // Readable at once and forever, and no socket: every recv fails.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
  WaitRecorder recorder;
  EventPublisherOptions options = BackoffOptions(&recorder);
  options.mode = EventMode::kConnector;
  absl::StatusOr<std::unique_ptr<EventPublisher>> publisher =
      EventPublisher::CreateWithConnector(&procfs, options,
                                          ProcConnector::Adopt(pipe_fds[0]));
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  std::unique_ptr<TestRegion> region = RingRegion(**publisher);
  ASSERT_NE(region, nullptr);
  ASSERT_TRUE(
      (*publisher)->Start(region->pages(), kFirstBulkPage, kRingPages).ok());
  EXPECT_EQ(recorder.First(6), Expected());
  (*publisher)->Stop();
  close(pipe_fds[1]);
}

}  // namespace
}  // namespace haywire
