// Copyright 2026 The Haywire Authors.

#include "haywire/testing/companion_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "haywire/testing/subprocess.h"

extern char** environ;

namespace haywire {
namespace {

constexpr char kSessionPrefix[] = "guest-serve: session 0x";

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

std::string TestTmpDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr && dir[0] != '\0' ? dir : "/tmp";
}

std::string TestTempPath(absl::string_view name) {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return absl::StrCat(TestTmpDir(), "/", name);
  // Parameterized tests are named "Prefix/Suite" and "Test/Param".
  return absl::StrCat(TestTmpDir(), "/",
                      absl::StrReplaceAll(absl::StrCat(info->test_suite_name(),
                                                       ".", info->name()),
                                          {{"/", "_"}}),
                      ".", name);
}

std::string SessionIdHex(uint64_t id) {
  return absl::StrCat("0x", absl::Hex(id, absl::kZeroPad16));
}

CompanionProcess::CompanionProcess(CompanionOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<CompanionProcess>> CompanionProcess::Start(
    const std::string& ram_file, absl::string_view log_name,
    const std::vector<std::string>& extra_args) {
  CompanionOptions options;
  options.ram_file = ram_file;
  options.extra_args = extra_args;
  options.log_prefix = TestTempPath(log_name);
  return Start(std::move(options));
}

absl::StatusOr<std::unique_ptr<CompanionProcess>> CompanionProcess::Start(
    CompanionOptions options) {
  if (options.ram_file.empty()) {
    return absl::InvalidArgumentError("CompanionOptions.ram_file is empty");
  }
  if (options.log_prefix.empty()) {
    options.log_prefix = TestTempPath("guest-serve");
  }
  if (options.haywire_path.empty()) {
    options.haywire_path = RunfilePath("haywire/haywire");
  }
  std::unique_ptr<CompanionProcess> serve(
      new CompanionProcess(std::move(options)));
  const CompanionOptions& opts = serve->options_;
  serve->stdout_path_ = absl::StrCat(opts.log_prefix, ".stdout");
  serve->stderr_path_ = absl::StrCat(opts.log_prefix, ".stderr");

  std::vector<std::string> args = {
      opts.haywire_path,
      "guest-serve",
      absl::StrCat("--ram-file=", opts.ram_file),
      absl::StrCat("--ram-size=", opts.ram_size),
      absl::StrCat("--region-size=", opts.region_size),
  };
  args.insert(args.end(), opts.extra_args.begin(), opts.extra_args.end());
  if (opts.run_as_uid.has_value()) {
    const std::string id = absl::StrCat(*opts.run_as_uid);
    args.insert(args.begin(), {"/usr/bin/setpriv", absl::StrCat("--reuid=", id),
                               absl::StrCat("--regid=", id), "--clear-groups"});
  }
  serve->argv_ = args;
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                   serve->stdout_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                   serve->stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Default dispositions and no blocked signals, whatever the test runner
  // set: SIGTERM must reach guest-serve's handler. The companion stays in
  // the test's process group, so a test killed on timeout takes it along.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&default_signals, sig);
  }
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int error =
      posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    return absl::InternalError(
        absl::StrCat("posix_spawn ", args[0], ": ", std::strerror(error)));
  }
  serve->pid_ = pid;
  if (absl::Status s = serve->AwaitSessionLine(); !s.ok()) {
    if (serve->pid_ > 0) {
      // Too slow or unparseable: do not leave it running, and do not let
      // the destructor turn the start failure into a second one.
      kill(serve->pid_, SIGKILL);
      serve->WaitBounded(opts.stop_timeout);
      serve->pid_ = -1;
    }
    return s;
  }
  return serve;
}

CompanionProcess::~CompanionProcess() {
  if (pid_ <= 0) return;
  absl::StatusOr<Exit> exit = Terminate();
  if (!exit.ok()) {
    ADD_FAILURE() << exit.status() << "\n" << Output();
    return;
  }
  EXPECT_EQ(exit->term_signal, 0) << Output();
  EXPECT_EQ(exit->exit_code, 0) << Output();
}

std::string CompanionProcess::Output() const {
  return absl::StrCat("--- guest-serve stdout ---\n",
                      ReadFileOrEmpty(stdout_path_),
                      "--- guest-serve stderr ---\n",
                      ReadFileOrEmpty(stderr_path_), "--- end ---");
}

std::string CompanionProcess::Stdout() const {
  return ReadFileOrEmpty(stdout_path_);
}

absl::StatusOr<CompanionProcess::Exit> CompanionProcess::Terminate() {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  kill(pid_, SIGTERM);
  std::optional<Exit> exit = WaitBounded(options_.stop_timeout);
  if (!exit.has_value()) {
    kill(pid_, SIGKILL);
    exit = WaitBounded(options_.stop_timeout);
  }
  if (!exit.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("guest-serve pid ", pid_, " did not exit"));
  }
  pid_ = -1;
  return *exit;
}

absl::Status CompanionProcess::Kill() {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  kill(pid_, SIGKILL);
  std::optional<Exit> exit = WaitBounded(options_.stop_timeout);
  if (!exit.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("guest-serve pid ", pid_, " survived SIGKILL"));
  }
  pid_ = -1;
  if (exit->term_signal != SIGKILL) {
    return absl::InternalError(
        absl::StrCat("guest-serve exited with code ", exit->exit_code,
                     " / signal ", exit->term_signal, " before SIGKILL"));
  }
  return absl::OkStatus();
}

std::optional<CompanionProcess::Exit> CompanionProcess::WaitBounded(
    absl::Duration timeout) {
  return ReapChild(pid_, timeout);
}

absl::Status CompanionProcess::AwaitSessionLine() {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    const std::string out = ReadFileOrEmpty(stdout_path_);
    const size_t at = out.find(kSessionPrefix);
    const size_t end = at == std::string::npos ? at : out.find('\n', at);
    if (end != std::string::npos) {
      return ParseSessionLine(absl::string_view(out).substr(at, end - at));
    }
    std::optional<Exit> exit = WaitBounded(absl::ZeroDuration());
    if (exit.has_value()) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat(
          "guest-serve exited (code ", exit->exit_code, ", signal ",
          exit->term_signal, ") before printing its session\n", Output()));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no session line from guest-serve within ",
          absl::FormatDuration(options_.start_timeout), "\n", Output()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

// "guest-serve: session 0x0a640c4205ec76e5, 1024 pages in simulated RAM
// file /path, pid 8868"
absl::Status CompanionProcess::ParseSessionLine(absl::string_view line) {
  const auto bad = [&] {
    return absl::InternalError(
        absl::StrCat("unexpected guest-serve line: ", line));
  };
  absl::string_view rest = line;
  rest.remove_prefix(std::strlen(kSessionPrefix));
  if (rest.size() < 16 ||
      !absl::SimpleHexAtoi(rest.substr(0, 16), &session_id_)) {
    return bad();
  }
  rest.remove_prefix(16);
  if (!absl::ConsumePrefix(&rest, ", ")) return bad();
  const size_t space = rest.find(' ');
  if (space == absl::string_view::npos ||
      !absl::SimpleAtoi(rest.substr(0, space), &page_count_)) {
    return bad();
  }
  const size_t pid_at = rest.rfind(", pid ");
  if (pid_at == absl::string_view::npos ||
      !absl::SimpleAtoi(rest.substr(pid_at + 6), &printed_pid_)) {
    return bad();
  }
  return absl::OkStatus();
}

}  // namespace haywire
