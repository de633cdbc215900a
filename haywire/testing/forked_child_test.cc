// Copyright 2026 The Haywire Authors.

#include "haywire/testing/forked_child.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(ForkedChildTest, ReportsTheExitCodeOfTheBody) {
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([] { return 42; });
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_NE((*child)->pid(), getpid());
  EXPECT_EQ((*child)->WaitExit(absl::Seconds(30)), 42);
  // Reaped once; asking again gives the same answer.
  EXPECT_EQ((*child)->WaitExit(absl::ZeroDuration()), 42);
  EXPECT_TRUE((*child)->Exited());
}

TEST(ForkedChildTest, RunsInAnotherProcessWithACopyOfMemory) {
  int value = 1;
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([&] {
    value = 2;  // the child's copy only
    return getpid() == getppid() ? 1 : 0;
  });
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->WaitExit(absl::Seconds(30)), 0);
  EXPECT_EQ(value, 1);
}

TEST(ForkedChildTest, ARunningChildIsNotWaitedForBeyondTheTimeout) {
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([] {
    pause();
    return 0;
  });
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->WaitExit(absl::Milliseconds(20)), std::nullopt);
  EXPECT_FALSE((*child)->Exited());
  (*child)->Kill();
  EXPECT_EQ((*child)->WaitExit(absl::ZeroDuration()), -1);
}

TEST(ForkedChildTest, WaitZombieLeavesTheExitedChildUnreaped) {
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([] { return 7; });
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE((*child)->WaitZombie(absl::Seconds(60)));
  // Still there as a zombie: signalling it succeeds until it is reaped.
  EXPECT_EQ(kill((*child)->pid(), 0), 0);
  EXPECT_EQ((*child)->WaitExit(absl::ZeroDuration()), 7);
}

TEST(ForkedChildTest, TheDestructorKillsAndReapsTheChild) {
  pid_t pid = 0;
  {
    absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([] {
      pause();
      return 0;
    });
    ASSERT_TRUE(child.ok()) << child.status();
    pid = (*child)->pid();
    ASSERT_EQ(kill(pid, 0), 0);
  }
  // Reaped: the pid no longer names a process of ours (not even a zombie).
  errno = 0;
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace haywire
