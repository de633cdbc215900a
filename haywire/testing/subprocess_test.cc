// Copyright 2026 The Haywire Authors.

#include "haywire/testing/subprocess.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

SubprocessResult Sh(const std::string& script,
                    absl::Duration timeout = absl::Seconds(20),
                    const std::vector<std::string>& env = {}) {
  absl::StatusOr<SubprocessResult> result =
      RunSubprocess({"/bin/sh", "-c", script}, timeout, env);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : SubprocessResult{};
}

// Whether `pid` has exited (or is a zombie) by `deadline`.
bool IsGone(pid_t pid, absl::Time deadline) {
  while (absl::Now() < deadline) {
    if (kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string line;
    std::getline(stat, line);
    const size_t paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() &&
        line[paren + 2] == 'Z') {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

TEST(RunSubprocessTest, CapturesStdoutStderrAndExitCode) {
  const SubprocessResult r = Sh("echo out; echo err >&2; exit 3");
  EXPECT_EQ(r.exit_code, 3) << r.DebugString();
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(RunSubprocessTest, SuccessWithNoOutput) {
  const SubprocessResult r = Sh("true");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(RunSubprocessTest, ReportsTerminatingSignal) {
  const SubprocessResult r = Sh("kill -TERM $$");
  EXPECT_EQ(r.exit_code, -1) << r.DebugString();
  EXPECT_EQ(r.term_signal, SIGTERM);
  EXPECT_FALSE(r.timed_out);
}

TEST(RunSubprocessTest, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // stderr first: a reader that waited for stdout's end of file before
  // reading stderr would block forever once the stderr pipe filled up.
  const SubprocessResult r =
      Sh("yes e | head -c 1000000 >&2; yes o | head -c 1500000; "
         "yes e | head -c 500000 >&2");
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 200);
  EXPECT_EQ(r.out.size(), 1500000u);
  EXPECT_EQ(r.err.size(), 1500000u);
  EXPECT_EQ(r.out.substr(0, 4), "o\no\n");
  EXPECT_EQ(r.err.substr(0, 4), "e\ne\n");
}

TEST(RunSubprocessTest, TimeoutKillsTheChildAndKeepsPartialOutput) {
  const absl::Time start = absl::Now();
  const SubprocessResult r =
      Sh("echo started; echo progress >&2; exec sleep 60", absl::Seconds(1));
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_TRUE(r.timed_out) << r.DebugString();
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_EQ(r.out, "started\n");
  EXPECT_EQ(r.err, "progress\n");
  EXPECT_GE(elapsed, absl::Seconds(1));
  EXPECT_LT(elapsed, absl::Seconds(10));
}

TEST(RunSubprocessTest, TimeoutWhenAGrandchildKeepsTheOutputOpen) {
  // The shell exits at once, but the background sleep inherited stdout; the
  // helper must still return by the deadline (and kill the sleep).
  const absl::Time start = absl::Now();
  const SubprocessResult r = Sh("sleep 60 & echo $!", absl::Seconds(1));
  EXPECT_TRUE(r.timed_out) << r.DebugString();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  pid_t sleep_pid;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(r.out), &sleep_pid))
      << r.out;
  EXPECT_TRUE(IsGone(sleep_pid, absl::Now() + absl::Seconds(10)));
}

TEST(RunSubprocessTest, TimeoutWhenTheChildClosesItsOutputButKeepsRunning) {
  const SubprocessResult r =
      Sh("exec >/dev/null 2>&1; sleep 60", absl::Milliseconds(300));
  EXPECT_TRUE(r.timed_out) << r.DebugString();
  EXPECT_EQ(r.term_signal, SIGKILL);
}

TEST(RunSubprocessTest, StdinIsDevNull) {
  const SubprocessResult r = Sh("cat; echo done", absl::Seconds(20));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "done\n");
}

TEST(RunSubprocessTest, ExtraEnvironmentAddsAndReplaces) {
  const SubprocessResult r =
      Sh("echo \"$HAYWIRE_SUBPROCESS_TEST:$HOME\"", absl::Seconds(20),
         {"HAYWIRE_SUBPROCESS_TEST=a=b c", "HOME=/nowhere"});
  EXPECT_EQ(r.out, "a=b c:/nowhere\n");
}

TEST(RunSubprocessTest, InheritsEnvironment) {
  const char* srcdir = getenv("TEST_SRCDIR");
  ASSERT_NE(srcdir, nullptr);
  const SubprocessResult r = Sh("echo \"$TEST_SRCDIR\"");
  EXPECT_EQ(r.out, std::string(srcdir) + "\n");
}

TEST(RunSubprocessTest, ArgumentsArePassedVerbatim) {
  absl::StatusOr<SubprocessResult> r = RunSubprocess(
      {"/bin/sh", "-c", "printf '[%s]' \"$@\"", "sh", "a b", "", "--x=-y", "*"},
      absl::Seconds(20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "[a b][][--x=-y][*]");
}

TEST(RunSubprocessTest, SearchesPathForBareNames) {
  absl::StatusOr<SubprocessResult> r =
      RunSubprocess({"sh", "-c", "exit 7"}, absl::Seconds(20));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 7);
}

TEST(RunSubprocessTest, MissingProgramIsAnError) {
  absl::StatusOr<SubprocessResult> r =
      RunSubprocess({"/nonexistent/haywire"}, absl::Seconds(5));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("/nonexistent/haywire"));
}

TEST(RunSubprocessTest, EmptyArgvIsAnError) {
  EXPECT_EQ(RunSubprocess({}, absl::Seconds(5)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RunfilePathTest, ResolvesUnderTheWorkspaceRunfiles) {
  const std::string path = RunfilePath("haywire/testing/subprocess_test");
  EXPECT_THAT(path, EndsWith("/haywire/haywire/testing/subprocess_test"));
  EXPECT_EQ(access(path.c_str(), X_OK), 0) << path;
}

}  // namespace
}  // namespace haywire
