// Copyright 2026 The Haywire Authors.

#include "haywire/testing/child_group.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

extern char** environ;

namespace haywire {

std::string SleepBinary() {
  for (const char* path : {"/usr/bin/sleep", "/bin/sleep"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "/bin/sleep";
}

std::string ShellBinary() {
  return access("/bin/sh", X_OK) == 0 ? "/bin/sh" : "/usr/bin/sh";
}

std::vector<std::string> CmdlineOf(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/cmdline"), std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  const std::string raw = contents.str();
  std::vector<std::string> args;
  if (raw.empty()) return args;
  absl::string_view rest = raw;
  if (rest.back() == '\0') rest.remove_suffix(1);
  for (absl::string_view arg : absl::StrSplit(rest, '\0')) {
    args.emplace_back(arg);
  }
  return args;
}

ChildGroup::~ChildGroup() {
  if (absl::Status s = KillAll(); !s.ok()) ADD_FAILURE() << s;
}

absl::StatusOr<pid_t> ChildGroup::Spawn(std::vector<std::string> argv) {
  std::vector<char*> cargv;
  for (std::string& arg : argv) cargv.push_back(arg.data());
  cargv.push_back(nullptr);
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) {
    return absl::InternalError(
        absl::StrCat("open /dev/null: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t group = pgid_;
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(125);
    if (getppid() != parent) _exit(126);  // the parent already died
    setpgid(0, group);                    // 0: a new group of its own
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(cargv[0], cargv.data(), environ);
    _exit(127);
  }
  const int fork_errno = errno;
  close(null_fd);
  if (pid < 0) {
    return absl::InternalError(
        absl::StrCat("fork: ", std::strerror(fork_errno)));
  }
  // Also from this side, so the group exists before the next Spawn or a
  // KillAll, whichever process runs first.
  setpgid(pid, group == 0 ? pid : group);
  if (pgid_ == 0) pgid_ = pid;
  pids_.push_back(pid);
  return pid;
}

absl::Status ChildGroup::AwaitExec(pid_t pid,
                                   const std::vector<std::string>& argv,
                                   absl::Time deadline) {
  while (true) {
    if (CmdlineOf(pid) == argv) return absl::OkStatus();
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "child ", pid, " did not exec ", absl::StrJoin(argv, " "),
          "; its command line is '", absl::StrJoin(CmdlineOf(pid), " "), "'"));
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
}

absl::Status ChildGroup::KillAll() {
  if (pids_.empty()) return absl::OkStatus();
  if (pgid_ > 0) kill(-pgid_, SIGKILL);
  for (pid_t pid : pids_) kill(pid, SIGKILL);
  std::set<pid_t> remaining(pids_.begin(), pids_.end());
  const absl::Time deadline = absl::Now() + kReapTimeout;
  while (!remaining.empty()) {
    for (auto it = remaining.begin(); it != remaining.end();) {
      int status = 0;
      const pid_t waited = waitpid(*it, &status, WNOHANG);
      if (waited == *it || (waited < 0 && errno == ECHILD)) {
        it = remaining.erase(it);
      } else {
        ++it;
      }
    }
    if (remaining.empty()) break;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          remaining.size(), " children survived SIGKILL, e.g. pid ",
          *remaining.begin()));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  pids_.clear();
  pgid_ = 0;
  return absl::OkStatus();
}

}  // namespace haywire
