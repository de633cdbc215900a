// Copyright 2026 The Haywire Authors.

#include "haywire/testing/background_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/testing/companion_process.h"

extern char** environ;

namespace haywire {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::unique_ptr<BackgroundProcess>> BackgroundProcess::Start(
    const std::vector<std::string>& argv, absl::string_view log_name) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  std::unique_ptr<BackgroundProcess> process(new BackgroundProcess());
  process->stdout_path_ = TestTempPath(absl::StrCat(log_name, ".stdout"));
  process->stderr_path_ = TestTempPath(absl::StrCat(log_name, ".stderr"));
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (std::string& arg : args) cargv.push_back(arg.data());
  cargv.push_back(nullptr);
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(process->stdout_path_.c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = open(process->stderr_path_.c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0 || err < 0) {
    const int error = errno;
    for (int fd : {in, out, err}) {
      if (fd >= 0) close(fd);
    }
    return absl::ErrnoToStatus(error, "opening the child's files");
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(125);
    if (getppid() != parent) _exit(126);
    setpgid(0, 0);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(cargv[0], cargv.data(), environ);
    _exit(127);
  }
  const int fork_errno = errno;
  close(in);
  close(out);
  close(err);
  if (pid < 0) return absl::ErrnoToStatus(fork_errno, "fork");
  setpgid(pid, pid);  // also from this side, before anyone signals it
  process->pid_ = pid;
  return process;
}

std::unique_ptr<BackgroundProcess> StartInBackground(
    const std::vector<std::string>& argv, absl::string_view log_name) {
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> process =
      BackgroundProcess::Start(argv, log_name);
  EXPECT_TRUE(process.ok()) << "cannot start " << (argv.empty() ? "" : argv[0])
                            << ": " << process.status();
  return process.ok() ? *std::move(process) : nullptr;
}

BackgroundProcess::~BackgroundProcess() { Kill(); }

bool BackgroundProcess::Kill() {
  if (pid_ <= 0 || exit_.has_value()) return true;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  if (!WaitExit(absl::Seconds(60)).has_value()) {
    ADD_FAILURE() << "background process " << pid_ << " survived SIGKILL";
    return false;
  }
  return true;
}

std::string BackgroundProcess::Stdout() const {
  return ReadFileOrEmpty(stdout_path_);
}

std::string BackgroundProcess::Stderr() const {
  return ReadFileOrEmpty(stderr_path_);
}

std::optional<int> BackgroundProcess::WaitExit(absl::Duration timeout) {
  if (exit_.has_value()) return exit_->exit_code;
  exit_ = ReapChild(pid_, timeout);
  if (!exit_.has_value()) return std::nullopt;
  return exit_->exit_code;
}

}  // namespace haywire
