// Copyright 2026 The Haywire Authors.
//
// Handlers that walk /proc stop at their deadline, and a process with very
// many open files (100 000 where RLIMIT_NOFILE's hard limit allows, else as
// many as it does) neither stalls the heartbeat nor the other slots while
// GET_PROCESS_INFO about it is served.

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/companion.h"
#include "guest/proc_file.h"
#include "guest/process_service.h"
#include "guest/process_service_test_support.h"
#include "guest/procfs.h"
#include "guest/request_router.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/slot.h"
#include "haywire/testing/forked_child.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

constexpr uint32_t kWantedFds = 100'000;

// A child holding `*count` open descriptors, reported through a pipe once
// they are open; it then waits to be killed.
struct FdHoarder {
  std::unique_ptr<ForkedChild> child;
  uint32_t fds = 0;
};

absl::StatusOr<FdHoarder> StartFdHoarder() {
  int ready[2];
  if (pipe(ready) != 0) return absl::InternalError("pipe");
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([&ready] {
        close(ready[0]);
        struct rlimit limit;
        getrlimit(RLIMIT_NOFILE, &limit);
        // Root may raise the hard limit; a sandbox without
        // CAP_SYS_RESOURCE keeps it, and then we open what it allows.
        struct rlimit wanted = {kWantedFds + 64, kWantedFds + 64};
        if (setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
          wanted.rlim_cur = limit.rlim_max;
          wanted.rlim_max = limit.rlim_max;
          setrlimit(RLIMIT_NOFILE, &wanted);
        }
        const int null_fd = open("/dev/null", O_RDONLY);
        uint32_t opened = 0;
        while (opened < kWantedFds && dup(null_fd) >= 0) ++opened;
        // Leave a few for the pipe and whatever the runtime needs.
        for (int i = 0; i < 8 && opened > 0; ++i, --opened) {
          close(static_cast<int>(wanted.rlim_cur) - 1 - i);
        }
        uint32_t total = 0;
        for (int fd = 0; fd < static_cast<int>(wanted.rlim_cur); ++fd) {
          if (fcntl(fd, F_GETFD) >= 0) ++total;
        }
        if (write(ready[1], &total, sizeof(total)) != sizeof(total)) return 1;
        for (;;) pause();
        return 0;
      });
  close(ready[1]);
  if (!child.ok()) {
    close(ready[0]);
    return child.status();
  }
  FdHoarder hoarder;
  hoarder.child = *std::move(child);
  // Bounded: the child writes within seconds or dies (then read sees EOF).
  if (read(ready[0], &hoarder.fds, sizeof(hoarder.fds)) !=
      sizeof(hoarder.fds)) {
    close(ready[0]);
    return absl::InternalError("the fd hoarder died before it was ready");
  }
  close(ready[0]);
  return hoarder;
}

TEST(HandlerBudgetTest, CountingEntriesStopsAtTheDeadline) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/entries");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  for (int i = 0; i < 600; ++i) {
    const std::string path = absl::StrCat(dir, "/", i);
    const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  const int dir_fd = open(::testing::TempDir().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir_fd, 0);
  EXPECT_EQ(internal::CountEntriesAt(dir_fd, "entries"), 600u);
  EXPECT_EQ(internal::CountEntriesAt(dir_fd, "entries", absl::InfinitePast()),
            std::nullopt);
  close(dir_fd);
}

TEST(HandlerBudgetTest, AListingChunkEndsAtTheDeadlineButMakesProgress) {
  ProcFs procfs("/proc", "/etc/passwd");
  ProcessService service(&procfs, nullptr, 1);
  RequestContext late{.host_pid = 9, .deadline = absl::InfinitePast()};
  absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
  ASSERT_TRUE(pids.ok());
  ASSERT_GT(pids->size(), 2u);
  HandlerResult first = service.List(ListProcessesRequest{}, late);
  ASSERT_EQ(first.status, ResponseStatus::kOk);
  ASSERT_NE(first.flags & kResponseMore, 0u);
  // Each late chunk carries one process; the listing still ends.
  size_t chunks = 1;
  HandlerResult next = first;
  while ((next.flags & kResponseMore) != 0 && chunks < pids->size() + 100) {
    next = service.Continue(IteratorRequest{.iterator_id = first.iterator_id},
                            late);
    ASSERT_EQ(next.status, ResponseStatus::kOk);
    ++chunks;
    if ((next.flags & kResponseMore) != 0) {
      absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(next.payload);
      ASSERT_TRUE(chunk.ok()) << chunk.status();
      EXPECT_EQ(chunk->entries.size(), 1u);
    }
  }
  EXPECT_EQ(next.flags & kResponseMore, 0u);
  EXPECT_GT(chunks, 2u);
}

// Hosts refuse a listing that goes on without new processes, so a late
// chunk whose first pids exited since the snapshot skips them and still
// carries the next process that exists.
TEST(HandlerBudgetTest, ALateChunkSkipsExitedPidsToCarryAProcess) {
  FakeTree tree("late-chunk");
  for (uint32_t pid = 10; pid < 15; ++pid) tree.Add(FakeFor(pid));
  ProcFs procfs(tree.proc(), tree.passwd());
  ProcessService service(&procfs, nullptr, 1);
  RequestContext late{.host_pid = 9, .deadline = absl::InfinitePast()};
  HandlerResult first = service.List(ListProcessesRequest{}, late);
  ASSERT_EQ(first.status, ResponseStatus::kOk);
  ASSERT_NE(first.flags & kResponseMore, 0u);
  tree.Remove(11);
  tree.Remove(12);
  HandlerResult next =
      service.Continue(IteratorRequest{.iterator_id = first.iterator_id}, late);
  ASSERT_EQ(next.status, ResponseStatus::kOk);
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(next.payload);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  ASSERT_EQ(chunk->entries.size(), 1u);
  EXPECT_EQ(chunk->entries[0].pid, 13u);
}

TEST(HandlerBudgetTest, OpenFilesAreCountedOrLeftOutNeverLate) {
  absl::StatusOr<FdHoarder> hoarder = StartFdHoarder();
  ASSERT_TRUE(hoarder.ok()) << hoarder.status();
  std::printf("child %d holds %u descriptors\n", hoarder->child->pid(),
              hoarder->fds);
  ProcFs procfs("/proc", "/etc/passwd");
  const uint32_t pid = static_cast<uint32_t>(hoarder->child->pid());
  absl::StatusOr<ProcessInfo> unbounded = procfs.ReadProcessInfo(pid);
  ASSERT_TRUE(unbounded.ok()) << unbounded.status();
  EXPECT_EQ(unbounded->fd_count, hoarder->fds);
  // Out of time: the count comes from the directory's size (Linux 6.2+) or
  // is left out; it is never a partial count.
  absl::StatusOr<ProcessInfo> late =
      procfs.ReadProcessInfo(pid, absl::InfinitePast());
  ASSERT_TRUE(late.ok()) << late.status();
  if (late->fd_count.has_value()) {
    EXPECT_EQ(*late->fd_count, hoarder->fds);
  }
}

TEST(HandlerBudgetTest, HeartbeatAdvancesWhileManyOpenFilesAreCounted) {
  absl::StatusOr<FdHoarder> hoarder = StartFdHoarder();
  ASSERT_TRUE(hoarder.ok()) << hoarder.status();
  CompanionIdentity identity;
  identity.pid = 1;
  absl::StatusOr<std::unique_ptr<TestRegion>> test_region =
      TestRegion::Create(kMinRegionPages, 0xFD, identity);
  ASSERT_TRUE(test_region.ok()) << test_region.status();
  Region region = (*test_region)->region();
  ProcFs procfs("/proc", "/etc/passwd");
  RequestRouter router;
  ProcessService service(&procfs, nullptr, 2);
  service.RegisterWith(&router);
  Companion companion(region, &router);
  std::atomic<bool> stop{false};
  std::thread serving([&] { companion.Serve(stop); });

  // Ask about the hoarder ten times, watching the heartbeat all along.
  BeaconPage& beacon = region.beacon();
  uint64_t last_counter = ReadHeartbeat(beacon).counter;
  absl::Time last_change = absl::Now();
  absl::Duration longest_silence = absl::ZeroDuration();
  const std::string payload = EncodeMessage(
      ProcessInfoRequest{.pid = static_cast<uint32_t>(hoarder->child->pid())});
  int answered = 0;
  for (int round = 0; round < 10; ++round) {
    RequestSlotPage& slot = region.request_slot(3);
    std::optional<SlotWord> claimed = TryClaimSlot(slot, 800);
    ASSERT_TRUE(claimed.has_value());
    SlotWord published;
    ASSERT_TRUE(
        PublishRequest(slot, *claimed, round + 1, RequestType::kGetProcessInfo,
                       absl::MakeConstSpan(
                           reinterpret_cast<const uint8_t*>(payload.data()),
                           payload.size()),
                       nullptr, &published)
            .ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (PollRequest(slot, published) == RequestProgress::kWaiting &&
           absl::Now() < deadline) {
      const uint64_t counter = ReadHeartbeat(beacon).counter;
      const absl::Time now = absl::Now();
      if (counter != last_counter) {
        last_counter = counter;
        last_change = now;
      }
      longest_silence = std::max(longest_silence, now - last_change);
      absl::SleepFor(absl::Milliseconds(1));
    }
    Response response;
    ASSERT_TRUE(ConsumeResponse(slot, region.response_slot(3), published,
                                round + 1, &response)
                    .ok());
    ASSERT_EQ(response.status, ResponseStatus::kOk);
    absl::StatusOr<ProcessInfo> info =
        DecodeMessage<ProcessInfo>(response.payload);
    ASSERT_TRUE(info.ok()) << info.status();
    if (info->fd_count.has_value()) {
      EXPECT_EQ(*info->fd_count, hoarder->fds);
    }
    ++answered;
  }
  stop.store(true);
  serving.join();
  EXPECT_EQ(answered, 10);
  std::printf("%u descriptors: longest heartbeat silence %s\n", hoarder->fds,
              absl::FormatDuration(longest_silence).c_str());
  // The host's staleness window for a connecting host.
  EXPECT_LT(longest_silence, absl::Milliseconds(350));
}

}  // namespace
}  // namespace haywire
