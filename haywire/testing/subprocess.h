// Copyright 2026 The Haywire Authors.
//
// Test helpers for running a program as a real child process and capturing
// everything it prints, e.g. to check the `haywire` binary's exit codes and
// output end to end:
//
//   absl::StatusOr<haywire::SubprocessResult> result =
//       haywire::RunSubprocess(
//           {haywire::RunfilePath("haywire/haywire"), "ps",
//            "--mem-file=/nonexistent"},
//           absl::Seconds(10));
//   ASSERT_TRUE(result.ok()) << result.status();
//   EXPECT_EQ(result->exit_code, 3) << result->DebugString();
//
// `RunSubprocess()` never hangs: the child runs in its own process group,
// stdout and stderr are read concurrently (poll(2)) so a child filling one
// pipe while the test waits on the other cannot deadlock, and when the
// timeout expires the whole process group is killed with SIGKILL. stdin is
// /dev/null. The child inherits the test's environment (so sanitizer options
// and TEST_SRCDIR reach it) plus `extra_env`.
//
// Test-only (the target is testonly). Safe to call from several threads at
// once; it only ever waits for its own child's pid.

#ifndef HAYWIRE_TESTING_SUBPROCESS_H_
#define HAYWIRE_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace haywire {

struct SubprocessResult {
  // The exit status if the child exited normally, else -1.
  int exit_code = -1;
  // The signal that terminated the child, else 0 (SIGKILL after a timeout).
  int term_signal = 0;
  // True if the deadline passed before the child exited and closed its
  // stdout and stderr; the process group was then killed and `out`/`err`
  // hold what had been printed until then.
  bool timed_out = false;
  // Everything the child wrote to stdout and stderr.
  std::string out;
  std::string err;

  // Exit status, signal, timeout and both outputs, for test failure messages.
  std::string DebugString() const;
};

// Runs `argv` (argv[0] is a path, or a name looked up in $PATH) with the
// current environment plus `extra_env` ("NAME=value" entries; they replace
// existing variables of the same name) and waits for it to exit, for at most
// `timeout`. Returns an error only if the process could not be started
// (InvalidArgument for an empty argv, NotFound / PermissionDenied / Internal
// from posix_spawn); a child that fails, crashes or times out is reported in
// the result.
absl::StatusOr<SubprocessResult> RunSubprocess(
    const std::vector<std::string>& argv, absl::Duration timeout,
    const std::vector<std::string>& extra_env = {});

// How a child process ended.
struct ChildExit {
  int exit_code = -1;   // its exit status if it exited normally, else -1
  int term_signal = 0;  // the signal that ended it, else 0
};

// Waits up to `timeout` (zero: just looks) for the child `pid` to end and
// reaps it. Nullopt while it still runs. A pid that is not (or no longer)
// this process's child counts as ended, with exit_code -1 and no signal.
std::optional<ChildExit> ReapChild(pid_t pid, absl::Duration timeout);

// The absolute path of a file in the test's runfiles, given its path relative
// to the workspace root, e.g. RunfilePath("haywire/cli/testdata_cli_main").
// Resolves against $TEST_SRCDIR/haywire (falling back to $RUNFILES_DIR); if
// neither is set returns `workspace_relative` unchanged.
std::string RunfilePath(absl::string_view workspace_relative);

}  // namespace haywire

#endif  // HAYWIRE_TESTING_SUBPROCESS_H_
