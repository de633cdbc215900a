// Copyright 2026 The Haywire Authors.
//
// `BackgroundProcess` runs a program in the background for the length of a
// test (a busy loop, a sleeper, a long-running `haywire watch`), with
// stdout and stderr going to files the test can read while it runs:
//
//   absl::StatusOr<std::unique_ptr<haywire::BackgroundProcess>> busy =
//       haywire::BackgroundProcess::Start(
//           {"/bin/sh", "-c", "while :; do :; done"}, "busy");
//   ASSERT_TRUE(busy.ok()) << busy.status();
//   ... (*busy)->pid() ...
//   // The destructor kills it (SIGKILL to its process group) and reaps it.
//
// The child runs in a process group of its own (so a shell's children die
// with it), gets PR_SET_PDEATHSIG=SIGKILL (a killed test takes it along),
// stdin from /dev/null and default signal dispositions. Every wait is
// bounded (WaitExit's timeout, the destructor's reap).
//
// Test-only. Not thread-safe: one object from one thread.
#ifndef HAYWIRE_TESTING_BACKGROUND_PROCESS_H_
#define HAYWIRE_TESTING_BACKGROUND_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

class BackgroundProcess {
 public:
  // Starts `argv` (argv[0] an absolute path) with stdout and stderr in
  // TestTempPath("<log_name>.stdout" / ".stderr").
  static absl::StatusOr<std::unique_ptr<BackgroundProcess>> Start(
      const std::vector<std::string>& argv, absl::string_view log_name);

  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  ~BackgroundProcess();

  pid_t pid() const { return pid_; }
  std::string Stdout() const;
  std::string Stderr() const;

  // Waits up to `timeout` for the process to exit and reaps it; its exit
  // code (-1 for a signal), or nullopt if it is still running. Once reaped,
  // returns the same answer again without waiting.
  std::optional<int> WaitExit(absl::Duration timeout);

  // The signal that ended the process, once WaitExit() has reaped it; 0 if
  // it exited by itself (or is not reaped yet).
  int term_signal() const { return exit_.has_value() ? exit_->term_signal : 0; }

  // SIGKILLs the process and its process group and reaps it (bounded); false
  // (and a test failure) if it survived.
  bool Kill();

 private:
  BackgroundProcess() = default;

  pid_t pid_ = -1;
  std::optional<ChildExit> exit_;  // set once reaped.
  std::string stdout_path_;
  std::string stderr_path_;
};

// BackgroundProcess::Start(), with a failure to start reported as a test
// failure (naming argv[0]); null then.
std::unique_ptr<BackgroundProcess> StartInBackground(
    const std::vector<std::string>& argv, absl::string_view log_name);

// Polls `condition` every 50 ms until it is true or `timeout` passes;
// returns its last value.
template <typename Condition>
bool WaitUntil(absl::Duration timeout, Condition condition);

// Reads a whole file ("" if it cannot).
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace haywire

#include "absl/time/clock.h"

namespace haywire {

template <typename Condition>
bool WaitUntil(absl::Duration timeout, Condition condition) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

}  // namespace haywire

#endif  // HAYWIRE_TESTING_BACKGROUND_PROCESS_H_
