// Copyright 2026 The Haywire Authors.

#include "haywire/testing/forked_child.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

absl::StatusOr<std::unique_ptr<ForkedChild>> ForkedChild::Start(
    std::function<int()> body) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Dies with the test; the getppid() check closes the race with a parent
    // that died before prctl().
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
      _exit(125);
    }
    _exit(body() & 0xFF);
  }
  return std::unique_ptr<ForkedChild>(new ForkedChild(pid));
}

ForkedChild::~ForkedChild() {
  if (!exit_code_.has_value()) Kill();
}

std::optional<int> ForkedChild::WaitExit(absl::Duration timeout) {
  if (!exit_code_.has_value()) {
    const std::optional<ChildExit> exit = ReapChild(pid_, timeout);
    if (exit.has_value()) exit_code_ = exit->exit_code;
  }
  return exit_code_;
}

bool ForkedChild::WaitZombie(absl::Duration timeout) {
  if (exit_code_.has_value()) return true;
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    siginfo_t info{};
    // WNOWAIT leaves the child unreaped; si_pid stays 0 while it runs.
    const int done = waitid(P_PID, static_cast<id_t>(pid_), &info,
                            WEXITED | WNOHANG | WNOWAIT);
    if (done == 0 && info.si_pid == pid_) return true;
    if (done < 0 && errno != EINTR) return false;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

void ForkedChild::Kill() {
  if (exit_code_.has_value()) return;
  kill(pid_, SIGKILL);
  // A SIGKILLed child exits at once; the bound only guards against a child
  // stuck in uninterruptible sleep.
  WaitExit(absl::Seconds(60));
}

}  // namespace haywire
