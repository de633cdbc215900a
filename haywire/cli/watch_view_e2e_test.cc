// Copyright 2026 The Haywire Authors.
//
// `haywire watch --batch` end to end with real processes: a background
// `haywire guest-serve --ram-file` companion serving this machine's /proc,
// the haywire binary as a separate client process, a busy-looping child and
// a sleeping one, and the companion restarted while watch runs.
//
// Every wait is bounded (RunSubprocess's timeout, WaitUntil, the companion's
// start and stop); %CPU is compared loosely (a busy loop above 20%, a
// sleeper below 5%), never against a clock.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kRunTimeout = absl::Seconds(180);
constexpr absl::Duration kWait = absl::Seconds(120);

class WatchE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ram_ = TestTempPath("ram");
    cache_ = TestTempPath("cache");
  }

  void StartCompanion(absl::string_view log_name = "serve") {
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, log_name);
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
  }

  std::vector<std::string> Watch(std::vector<std::string> extra) {
    std::vector<std::string> argv = {
        HaywirePath(), "watch", "--batch", absl::StrCat("--mem-file=", ram_),
        absl::StrCat("--cache-dir=", cache_),
        // A loaded machine (or a sanitizer build) must not make the live
        // companion look stale.
        "--live-wait-ms=3000"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  SubprocessResult Run(std::vector<std::string> extra) {
    absl::StatusOr<SubprocessResult> result =
        RunSubprocess(Watch(std::move(extra)), kRunTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : SubprocessResult();
  }

  std::string ram_;
  std::string cache_;
  std::unique_ptr<CompanionProcess> companion_;
};

// The rows of a text frame: (pid, command) of each line after the heading.
struct TextRow {
  uint32_t pid = 0;
  std::string command;
  std::string line;
};

TEST_F(WatchE2eTest, BatchTextFramesLookLikeTop) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const SubprocessResult r = Run({"--iterations=2", "--interval=0.5"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  const std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  int frames = 0;
  std::vector<TextRow> rows;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!absl::StartsWith(lines[i], "top - ")) continue;
    ++frames;
    ASSERT_LT(i + 6, lines.size()) << r.out;
    EXPECT_THAT(lines[i], HasSubstr(" up "));
    EXPECT_THAT(lines[i], HasSubstr(",  load average: "));
    EXPECT_TRUE(absl::StartsWith(lines[i + 1], "Tasks: ")) << lines[i + 1];
    EXPECT_THAT(lines[i + 1], HasSubstr(" total, "));
    EXPECT_THAT(lines[i + 1], HasSubstr(" zombie"));
    EXPECT_TRUE(absl::StartsWith(lines[i + 2], "%Cpu(s): ")) << lines[i + 2];
    EXPECT_THAT(lines[i + 2], HasSubstr(" us, "));
    EXPECT_TRUE(absl::StartsWith(lines[i + 3], "MiB Mem : ")) << lines[i + 3];
    EXPECT_THAT(lines[i + 3], HasSubstr(" buff/cache"));
    EXPECT_TRUE(absl::StartsWith(lines[i + 4], "MiB Swap: ")) << lines[i + 4];
    EXPECT_THAT(lines[i + 4], HasSubstr(" avail Mem"));
    EXPECT_EQ(lines[i + 5], "");
    EXPECT_THAT(lines[i + 6], ::testing::MatchesRegex(
                                  " *PID USER      PR  NI    VIRT    RES    "
                                  "SHR S  %CPU  %MEM     TIME\\+ COMMAND"));
    rows.clear();
    for (size_t j = i + 7; j < lines.size() && !lines[j].empty(); ++j) {
      const std::vector<std::string> fields =
          absl::StrSplit(lines[j], ' ', absl::SkipEmpty());
      ASSERT_GE(fields.size(), 12u) << lines[j];
      TextRow row;
      ASSERT_TRUE(absl::SimpleAtoi(fields[0], &row.pid)) << lines[j];
      row.command = fields[11];
      row.line = lines[j];
      rows.push_back(row);
    }
  }
  EXPECT_EQ(frames, 2) << r.out;
  // The companion itself is one of the guest's processes.
  bool found = false;
  for (const TextRow& row : rows) {
    if (row.pid == companion_->printed_pid()) {
      found = true;
      EXPECT_EQ(row.command, "haywire") << row.line;
    }
  }
  EXPECT_TRUE(found) << r.out;
}

// The frames of a --json run, parsed.
std::vector<JsonValue> Frames(const std::string& out) {
  absl::StatusOr<std::vector<JsonValue>> frames = ParseJsonLines(out);
  EXPECT_TRUE(frames.ok()) << frames.status() << "\n" << out;
  return frames.ok() ? *frames : std::vector<JsonValue>();
}

const JsonValue* ProcessIn(const JsonValue& frame, uint64_t pid) {
  const JsonValue& processes = frame["processes"];
  for (size_t i = 0; i < processes.size(); ++i) {
    if (processes.at(i)["pid"].as_uint() == pid) return &processes.at(i);
  }
  return nullptr;
}

TEST_F(WatchE2eTest, JsonFramesShowABusyChildBusyAndASleeperIdle) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> busy =
      BackgroundProcess::Start({"/bin/sh", "-c", "while :; do :; done"},
                               "busy");
  ASSERT_TRUE(busy.ok()) << busy.status();
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> sleeper =
      BackgroundProcess::Start({"/bin/sleep", "1000"}, "sleeper");
  ASSERT_TRUE(sleeper.ok()) << sleeper.status();

  const SubprocessResult r =
      Run({"--json", "--iterations=3", "--interval=1.5"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  const std::vector<JsonValue> frames = Frames(r.out);
  ASSERT_EQ(frames.size(), 3u) << r.out;
  double busy_max = 0;
  double sleeper_max = 0;
  for (const JsonValue& frame : frames) {
    EXPECT_EQ(frame["session_id"].as_string(), companion_->session_text());
    EXPECT_GT(frame["interval_ns"].as_uint().value_or(0), 0u);
    EXPECT_GE(frame["tasks"]["total"].as_uint().value_or(0), 3u);
    EXPECT_GE(frame["cpu_count"].as_uint().value_or(0), 1u);
    EXPECT_GT(frame["mem_kb"]["total"].as_uint().value_or(0), 0u);
    EXPECT_EQ(frame["load_average"].size(), 3u);
    const JsonValue* b = ProcessIn(frame, (*busy)->pid());
    const JsonValue* s = ProcessIn(frame, (*sleeper)->pid());
    ASSERT_NE(b, nullptr) << frame;
    ASSERT_NE(s, nullptr) << frame;
    // ps --json's field names, plus top's SHR.
    for (const char* field :
         {"pid", "ppid", "user", "state", "comm", "args", "vsz_kb", "rss_kb",
          "shr_kb", "cpu_time_ms", "cpu_percent", "mem_percent", "nice",
          "priority"}) {
      EXPECT_NE(s->Find(field), nullptr) << field << " in " << *s;
    }
    EXPECT_EQ((*s)["comm"].as_string(), "sleep");
    busy_max = std::max(busy_max, (*b)["cpu_percent"].as_double().value_or(0));
    sleeper_max =
        std::max(sleeper_max, (*s)["cpu_percent"].as_double().value_or(100));
  }
  EXPECT_GT(busy_max, 20.0) << r.out;
  EXPECT_LT(sleeper_max, 5.0) << r.out;
  // The busy loop, highest %CPU first: it is at or near the top of the
  // list (other busy processes of a loaded machine may share the top).
}

TEST_F(WatchE2eTest, BatchReportsACompanionRestartAndRecovers) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion("serve1"));
  const std::string old_session = companion_->session_text();
  std::vector<std::string> argv =
      Watch({"--json", "--iterations=6", "--interval=0.5",
             "--reconnect-timeout-ms=150000"});
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> watch =
      BackgroundProcess::Start(argv, "watch");
  ASSERT_TRUE(watch.ok()) << watch.status();
  // The first frame comes from the first companion...
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    return absl::StrContains((*watch)->Stdout(), "\n");
  })) << (*watch)->Stderr();
  // ...which stops (wiping its region); watch says so on stderr...
  absl::StatusOr<CompanionProcess::Exit> exit = companion_->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    return absl::StrContains((*watch)->Stderr(), "companion gone");
  })) << (*watch)->Stderr();
  EXPECT_FALSE((*watch)->WaitExit(absl::ZeroDuration()).has_value())
      << "watch gave up instead of waiting: " << (*watch)->Stderr();
  // ...and carries on with the next session.
  ASSERT_NO_FATAL_FAILURE(StartCompanion("serve2"));
  const std::string new_session = companion_->session_text();
  ASSERT_NE(new_session, old_session);
  const std::optional<int> code = (*watch)->WaitExit(kRunTimeout);
  ASSERT_TRUE(code.has_value())
      << "watch did not finish: " << (*watch)->Stderr();
  EXPECT_EQ(*code, 0) << (*watch)->Stderr();
  EXPECT_THAT((*watch)->Stderr(),
              HasSubstr("haywire: watch: companion gone (session wiped"));
  EXPECT_THAT(
      (*watch)->Stderr(),
      HasSubstr(absl::StrCat("reconnected: new session ", new_session)));
  const std::vector<JsonValue> frames = Frames((*watch)->Stdout());
  ASSERT_EQ(frames.size(), 6u) << (*watch)->Stdout();
  EXPECT_EQ(frames.front()["session_id"].as_string(), old_session);
  EXPECT_EQ(frames.back()["session_id"].as_string(), new_session);
}

TEST_F(WatchE2eTest, BatchGivesUpAfterTheReconnectTimeoutWithExitCode5) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> watch =
      BackgroundProcess::Start(
          Watch({"--interval=0.5", "--reconnect-timeout-ms=1000"}), "watch");
  ASSERT_TRUE(watch.ok()) << watch.status();
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    return absl::StrContains((*watch)->Stdout(), "Tasks:");
  })) << (*watch)->Stderr();
  // A crash, not a clean stop: the region is not wiped, so watch learns it
  // from the heartbeat going stale.
  ASSERT_TRUE(companion_->Kill().ok());
  const std::optional<int> code = (*watch)->WaitExit(kRunTimeout);
  ASSERT_TRUE(code.has_value()) << (*watch)->Stderr();
  EXPECT_EQ(*code, 5) << (*watch)->Stderr();
  EXPECT_THAT((*watch)->Stderr(),
              HasSubstr("haywire: watch: companion gone ("));
  EXPECT_THAT((*watch)->Stderr(),
              HasSubstr("haywire: no companion answered for 1.0 s"));
}

TEST_F(WatchE2eTest, BadCommandLinesAreUsageErrors) {
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"--interval=0"},
                                             {"--interval=nan"},
                                             {"--iterations=-1"},
                                             {"--sort-by=bogus"}}) {
    const SubprocessResult r = Run(extra);
    EXPECT_EQ(r.exit_code, 2) << r.DebugString();
    EXPECT_TRUE(absl::StartsWith(r.err, "haywire: ")) << r.err;
  }
  // Without --batch a terminal is needed (the test's stdout is a pipe).
  absl::StatusOr<SubprocessResult> r = RunSubprocess(
      {HaywirePath(), "watch", absl::StrCat("--mem-file=", ram_)}, kRunTimeout);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << r->DebugString();
  EXPECT_THAT(r->err, HasSubstr("needs a terminal; use --batch"));
  r = RunSubprocess({HaywirePath(), "watch", "--json"}, kRunTimeout);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << r->DebugString();
}

TEST_F(WatchE2eTest, NoRamFileFailsAtOnceWithItsExitCode) {
  const SubprocessResult r = Run({"--iterations=1"});
  EXPECT_EQ(r.exit_code, 3) << r.DebugString();  // mem-file-unusable
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace haywire
