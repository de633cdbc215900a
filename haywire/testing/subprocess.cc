// Copyright 2026 The Haywire Authors.

#include "haywire/testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace haywire {
namespace {

// Closes a file descriptor on scope exit.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

absl::Status ErrnoStatus(int error, absl::string_view what) {
  const std::string message = absl::StrCat(what, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

// Creates a pipe whose ends are close-on-exec (the child's dup2 onto 1 and 2
// clears the flag on the copies) and whose read end is non-blocking.
absl::Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe2");
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  const int flags = fcntl(fds[0], F_GETFL);
  if (flags < 0 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, "fcntl");
  }
  return absl::OkStatus();
}

// The environment for the child: ours, with `extra` replacing or adding.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view current = *entry;
    const absl::string_view name = current.substr(0, current.find('='));
    const bool replaced =
        std::any_of(extra.begin(), extra.end(), [&](const std::string& e) {
          return absl::StartsWith(e, name) && e.size() > name.size() &&
                 e[name.size()] == '=';
        });
    if (!replaced) env.emplace_back(current);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads what is available on `fd` into `*sink`. Returns false at end of file
// or on a read error (the caller stops polling the fd either way).
bool Drain(int fd, std::string* sink) {
  char buffer[65536];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      sink->append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

int PollMillis(absl::Duration remaining) {
  if (remaining <= absl::ZeroDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(remaining) + 1;
  return static_cast<int>(
      std::min<int64_t>(ms, std::numeric_limits<int>::max()));
}

void KillGroup(pid_t pid) {
  kill(-pid, SIGKILL);  // the child's process group
  kill(pid, SIGKILL);   // in case setpgid did not happen
}

}  // namespace

std::string SubprocessResult::DebugString() const {
  return absl::StrCat("exit_code=", exit_code, " term_signal=", term_signal,
                      timed_out ? " TIMED OUT" : "", "\n--- stdout (",
                      out.size(), " bytes) ---\n", out, "\n--- stderr (",
                      err.size(), " bytes) ---\n", err, "\n--- end ---");
}

absl::StatusOr<SubprocessResult> RunSubprocess(
    const std::vector<std::string>& argv, absl::Duration timeout,
    const std::vector<std::string>& extra_env) {
  if (argv.empty()) return absl::InvalidArgumentError("RunSubprocess: no argv");
  const absl::Time deadline = absl::Now() + timeout;

  Fd out_read, out_write, err_read, err_write;
  if (absl::Status s = MakePipe(&out_read, &out_write); !s.ok()) return s;
  if (absl::Status s = MakePipe(&err_read, &err_write); !s.ok()) return s;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) {
    sigaddset(&default_signals, sig);
  }
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = argv;
  std::vector<std::string> env = ChildEnvironment(extra_env);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = -1;
  const bool search_path = argv[0].find('/') == std::string::npos;
  const int spawn_error = search_path
                              ? posix_spawnp(&pid, c_args[0], &actions, &attr,
                                             c_args.data(), c_env.data())
                              : posix_spawn(&pid, c_args[0], &actions, &attr,
                                            c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  out_write.Close();
  err_write.Close();
  if (spawn_error != 0) {
    return ErrnoStatus(spawn_error, absl::StrCat("posix_spawn ", argv[0]));
  }

  SubprocessResult result;
  // Read both pipes until both reach end of file or the deadline passes.
  while (out_read.get() >= 0 || err_read.get() >= 0) {
    const absl::Duration remaining = deadline - absl::Now();
    if (remaining <= absl::ZeroDuration()) {
      result.timed_out = true;
      break;
    }
    pollfd fds[2];
    nfds_t count = 0;
    for (Fd* fd : {&out_read, &err_read}) {
      if (fd->get() >= 0) fds[count++] = pollfd{fd->get(), POLLIN, 0};
    }
    const int ready = poll(fds, count, PollMillis(remaining));
    if (ready < 0 && errno != EINTR) {
      const int error = errno;
      KillGroup(pid);
      waitpid(pid, nullptr, 0);
      return ErrnoStatus(error, "poll");
    }
    if (ready <= 0) continue;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      const bool is_out = fds[i].fd == out_read.get();
      if (!Drain(fds[i].fd, is_out ? &result.out : &result.err)) {
        (is_out ? out_read : err_read).Close();
      }
    }
  }

  // Kill before reaping: until waitpid() succeeds the pid and the process
  // group id cannot be reused, so the kill cannot hit an unrelated process.
  if (result.timed_out) KillGroup(pid);

  // Outputs are closed (or the deadline passed): wait for the exit, still
  // bounded by the deadline.
  int status = 0;
  while (true) {
    const pid_t waited = waitpid(pid, &status, result.timed_out ? 0 : WNOHANG);
    if (waited == pid) break;
    if (waited < 0 && errno == EINTR) continue;
    if (waited < 0) return ErrnoStatus(errno, "waitpid");
    if (absl::Now() >= deadline) {
      result.timed_out = true;
      KillGroup(pid);
      continue;  // now blocking: SIGKILL cannot be ignored
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  if (result.timed_out) {
    // Keep whatever was written before the kill.
    if (out_read.get() >= 0) Drain(out_read.get(), &result.out);
    if (err_read.get() >= 0) Drain(err_read.get(), &result.err);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

std::string RunfilePath(absl::string_view workspace_relative) {
  for (const char* variable : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    const char* root = std::getenv(variable);
    if (root != nullptr && root[0] != '\0') {
      return absl::StrCat(root, "/haywire/", workspace_relative);
    }
  }
  return std::string(workspace_relative);
}

std::optional<ChildExit> ReapChild(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t waited = waitpid(pid, &status, WNOHANG);
    if (waited == pid) {
      ChildExit exit;
      if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) exit.term_signal = WTERMSIG(status);
      return exit;
    }
    if (waited < 0 && errno != EINTR) return ChildExit{};
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

}  // namespace haywire
