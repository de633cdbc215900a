// Copyright 2026 The Haywire Authors.
//
// `ForkedChild` runs a function of the test in a second process: the other
// side of a shared mapping (a companion serving a region the test maps, a
// producer filling an event ring), or a process that exists for a moment so
// its pid can be looked up and then found gone.
//
//   absl::StatusOr<std::unique_ptr<haywire::ForkedChild>> child =
//       haywire::ForkedChild::Start([&] { return RunCompanion(path); });
//   ASSERT_TRUE(child.ok()) << child.status();
//   ... talk to it through the file ...
//   EXPECT_EQ((*child)->WaitExit(absl::Seconds(30)), 0);
//
// The child is a fork of the test, so it sees the test's memory as it was at
// Start(), with one thread: if the test runs other threads, the child must
// not need a lock one of them may have held at the fork. It gets PR_SET_PDEATHSIG=SIGKILL, so a killed
// test takes it along, and ends with `_exit(body())`: no test-framework
// teardown, no atexit handlers, no stdio flush in the child. Every wait is
// bounded: WaitExit's timeout, and the destructor SIGKILLs and reaps a child
// the test did not wait for.
//
// Test-only. Not thread-safe: one object from one thread.
#ifndef HAYWIRE_TESTING_FORKED_CHILD_H_
#define HAYWIRE_TESTING_FORKED_CHILD_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace haywire {

class ForkedChild {
 public:
  // Forks; the child runs `body` and exits with its return value (0..255).
  static absl::StatusOr<std::unique_ptr<ForkedChild>> Start(
      std::function<int()> body);

  ForkedChild(const ForkedChild&) = delete;
  ForkedChild& operator=(const ForkedChild&) = delete;
  // Kill() unless the child was reaped already.
  ~ForkedChild();

  pid_t pid() const { return pid_; }

  // Waits up to `timeout` for the child to exit and reaps it. Returns its
  // exit code, -1 if a signal ended it, or nullopt if it is still running.
  // Once reaped, returns the same answer again without waiting.
  std::optional<int> WaitExit(absl::Duration timeout);

  // Waits up to `timeout` for the child to exit without reaping it, so it
  // stays a zombie the test can look at in /proc. True once it has exited.
  bool WaitZombie(absl::Duration timeout);

  // True once the child has exited (reaping it); never waits.
  bool Exited() { return WaitExit(absl::ZeroDuration()).has_value(); }

  // SIGKILLs the child and reaps it.
  void Kill();

 private:
  explicit ForkedChild(pid_t pid) : pid_(pid) {}

  pid_t pid_;
  std::optional<int> exit_code_;  // set once reaped.
};

}  // namespace haywire

#endif  // HAYWIRE_TESTING_FORKED_CHILD_H_
