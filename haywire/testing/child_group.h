// Copyright 2026 The Haywire Authors.
//
// ChildGroup: the processes a test starts to be looked at (sleepers with
// recognisable command lines, thousands of them for listing tests).
//
// Every child is forked and exec'd into one process group, with
// PR_SET_PDEATHSIG=SIGKILL (so it dies with the test even if the test is
// killed outright) and stdin/stdout/stderr on /dev/null. KillAll() (and the
// destructor) SIGKILLs the group and reaps every child, bounded.
//
//   ChildGroup children;
//   absl::StatusOr<pid_t> pid = children.Spawn({SleepBinary(), "1000.5"});
//   ASSERT_TRUE(pid.ok());
//   ASSERT_TRUE(ChildGroup::AwaitExec(*pid, {SleepBinary(), "1000.5"},
//                                     absl::Now() + absl::Seconds(60)).ok());
//
// Spawn() must be called from the test's main thread: the parent-death
// signal is tied to the thread that forked. Test-only.
#ifndef HAYWIRE_TESTING_CHILD_GROUP_H_
#define HAYWIRE_TESTING_CHILD_GROUP_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace haywire {

// The path of the sleep binary (/usr/bin/sleep or /bin/sleep).
std::string SleepBinary();

// The path of the POSIX shell (/bin/sh or /usr/bin/sh).
std::string ShellBinary();

// /proc/PID/cmdline as a vector (empty when unreadable).
std::vector<std::string> CmdlineOf(pid_t pid);

class ChildGroup {
 public:
  // Bound on reaping after SIGKILL.
  static constexpr absl::Duration kReapTimeout = absl::Seconds(120);

  ChildGroup() = default;
  ChildGroup(const ChildGroup&) = delete;
  ChildGroup& operator=(const ChildGroup&) = delete;
  // KillAll(); a failure is reported with ADD_FAILURE.
  ~ChildGroup();

  // Forks and execs `argv` (argv[0] an absolute path) and returns the
  // child's pid; the exec itself happens asynchronously (AwaitExec).
  absl::StatusOr<pid_t> Spawn(std::vector<std::string> argv);

  // Waits (until `deadline`) for `pid` to show `argv` as its command line,
  // i.e. to have exec'd.
  static absl::Status AwaitExec(pid_t pid, const std::vector<std::string>& argv,
                                absl::Time deadline);

  // SIGKILLs every child and reaps them all, waiting at most kReapTimeout.
  absl::Status KillAll();

  size_t size() const { return pids_.size(); }
  const std::vector<pid_t>& pids() const { return pids_; }

 private:
  pid_t pgid_ = 0;
  std::vector<pid_t> pids_;
};

}  // namespace haywire

#endif  // HAYWIRE_TESTING_CHILD_GROUP_H_
