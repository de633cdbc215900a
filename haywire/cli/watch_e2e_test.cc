// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire watch --events`: a real `haywire guest-serve
// --ram-file=...` companion (this machine's /proc stands in for the
// guest's), a real `haywire watch` process reading the RAM file, and
// processes this test starts and kills. The watch's output is read from a
// file while it runs, so the test starts its processes only once the watch
// has attached (its first line is out), and stops the watch once the
// expected lines are there.
//
// Other processes on the machine produce events too: every check looks for
// the test's own pids. Every wait is bounded (kWait); nothing asserts on
// timing. The connector cases need root and the initial namespaces (hence
// no sandbox, see BUILD); without them the companion refuses
// --event-source=connector and they skip with its message.

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/child_group.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Bound on every wait (generous: sanitizer builds on a loaded machine).
constexpr absl::Duration kWait = absl::Seconds(120);

// A `haywire watch` running in the background.
class WatchProcess {
 public:
  WatchProcess(const std::string& name, std::vector<std::string> flags) {
    std::vector<std::string> argv = {HaywirePath(), "watch"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    process_ = StartInBackground(argv, name);
  }

  std::string Stdout() const { return process_ ? process_->Stdout() : ""; }
  std::string Stderr() const { return process_ ? process_->Stderr() : ""; }
  std::string Debug() const {
    return absl::StrCat("watch stdout:\n", Stdout(), "\nwatch stderr:\n",
                        Stderr());
  }

  // Waits until `done(stdout)`, or the watch exits, or kWait passes.
  bool WaitForOutput(const std::function<bool(const std::string&)>& done) {
    const absl::Time deadline = absl::Now() + kWait;
    while (absl::Now() < deadline) {
      if (done(Stdout())) return true;
      if (process_ == nullptr || process_->WaitExit(absl::ZeroDuration())) {
        return done(Stdout());
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  // SIGTERM (if still running) and the exit code, or -1.
  int Stop() {
    if (process_ == nullptr) return -1;
    if (!process_->WaitExit(absl::ZeroDuration()).has_value()) {
      kill(process_->pid(), SIGTERM);
    }
    return Wait();
  }
  // Waits for it to exit by itself; the exit code, or -1.
  int Wait() {
    if (process_ == nullptr) return -1;
    return process_->WaitExit(kWait).value_or(-1);
  }

 private:
  std::unique_ptr<BackgroundProcess> process_;
};

// The JSON lines of a watch's stdout (a partial last line is ignored).
std::vector<JsonValue> JsonLines(const std::string& out) {
  std::vector<JsonValue> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (line.empty()) continue;
    absl::StatusOr<JsonValue> value = ParseJson(line);
    if (value.ok()) lines.push_back(*std::move(value));
  }
  return lines;
}

// The first JSON event of `type` for `pid`, if any.
std::optional<JsonValue> FindEvent(const std::string& out,
                                   absl::string_view type, pid_t pid) {
  for (const JsonValue& v : JsonLines(out)) {
    if (v["type"].as_string() == std::string(type) &&
        v["pid"].as_uint() == static_cast<uint64_t>(pid)) {
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> ArgsOf(const JsonValue& event) {
  std::vector<std::string> args;
  for (size_t i = 0; i < event["args"].size(); ++i) {
    args.push_back(event["args"].at(i).as_string().value_or("?"));
  }
  return args;
}

class WatchE2eTest : public ::testing::Test {
 protected:
  // Starts the companion; returns false (after GTEST_SKIP) when the
  // connector was asked for and this machine cannot provide it.
  bool StartCompanion(const std::string& source) {
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, "guest-serve",
                                {absl::StrCat("--event-source=", source)});
    if (!serve.ok() && source == "connector" &&
        absl::StrContains(serve.status().message(),
                          "cannot publish process events")) {
      skip_reason_ = std::string(serve.status().message());
      return false;
    }
    EXPECT_TRUE(serve.ok()) << serve.status();
    if (!serve.ok()) return false;
    serve_ = *std::move(serve);
    return true;
  }

  std::vector<std::string> HostFlags() const {
    return {absl::StrCat("--mem-file=", ram_),
            absl::StrCat("--cache-dir=", TestTempPath("cache")),
            "--live-wait-ms=3000"};
  }

  std::string ram_ = TestTempPath("ram");
  std::unique_ptr<CompanionProcess> serve_;
  std::string skip_reason_;
};

// Starts a sleeper, kills it, and (with the connector, which sees processes
// of any lifetime) runs a process that exits 7; checks their events in a
// JSON watch: command lines, comm, parent, uid, and exit statuses where the
// source knows them.
void CheckJsonStream(const std::vector<std::string>& host_flags,
                     bool exact_source) {
  std::vector<std::string> flags = {"--events", "--json"};
  flags.insert(flags.end(), host_flags.begin(), host_flags.end());
  WatchProcess watch("watch", flags);
  ASSERT_TRUE(watch.WaitForOutput([](const std::string& out) {
    return absl::StrContains(out, "\"type\":\"session\"");
  })) << watch.Debug();

  const std::string marker = absl::StrCat("7", getpid() % 100000);
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "30", marker}, "sleeper");
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t sleeper = sleeper_process->pid();
  ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    std::optional<JsonValue> exec = FindEvent(out, "exec", sleeper);
    return exec.has_value() && ArgsOf(*exec).size() == 3;
  })) << "no exec event for pid "
      << sleeper << "\n"
      << watch.Debug();
  ASSERT_TRUE(sleeper_process->Kill());
  ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    return FindEvent(out, "exit", sleeper).has_value();
  })) << "no exit event for pid "
      << sleeper << "\n"
      << watch.Debug();

  pid_t exits7 = -1;
  if (exact_source) {
    // Far shorter than any PID-diff interval: only the connector sees it.
    std::unique_ptr<BackgroundProcess> exits7_process =
        StartInBackground({ShellBinary(), "-c", "exit 7"}, "exit7");
    ASSERT_NE(exits7_process, nullptr);
    exits7 = exits7_process->pid();
    ASSERT_EQ(exits7_process->WaitExit(kWait), 7);
    ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
      return FindEvent(out, "exit", exits7).has_value();
    })) << "no exit event for pid "
        << exits7 << "\n"
        << watch.Debug();
  }
  EXPECT_EQ(watch.Stop(), 0) << watch.Debug();

  const std::string out = watch.Stdout();
  const std::vector<JsonValue> lines = JsonLines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0]["type"].as_string(), "session");
  EXPECT_EQ(lines[0]["source"].as_string(),
            exact_source ? "connector" : "pid-diff");
  const JsonValue exec = *FindEvent(out, "exec", sleeper);
  EXPECT_THAT(ArgsOf(exec), ElementsAre(SleepBinary(), "30", marker));
  EXPECT_EQ(exec["comm"].as_string(), "sleep");
  EXPECT_EQ(exec["ppid"].as_uint(), static_cast<uint64_t>(getpid()));
  EXPECT_EQ(exec["uid"].as_uint(), static_cast<uint64_t>(geteuid()));
  const JsonValue exit = *FindEvent(out, "exit", sleeper);
  EXPECT_EQ(exit["comm"].as_string(), "sleep");
  if (exact_source) {
    EXPECT_EQ(exit["exit_signal"].as_int(), SIGKILL);
    const JsonValue exit7 = *FindEvent(out, "exit", exits7);
    EXPECT_EQ(exit7["exit_code"].as_int(), 7);
    EXPECT_EQ(exit7["exit_signal"].as_int(), 0);
    std::optional<JsonValue> exec7 = FindEvent(out, "exec", exits7);
    ASSERT_TRUE(exec7.has_value()) << out;
    // Its command line is read from /proc when the companion handles the
    // event; a companion slower than the process (sanitizers, load) finds
    // it gone and sends none.
    if (!ArgsOf(*exec7).empty()) {
      EXPECT_THAT(ArgsOf(*exec7), ElementsAre(ShellBinary(), "-c", "exit 7"));
    }
  } else {
    EXPECT_TRUE(exit["exit_code"].is_null());
    EXPECT_TRUE(exit["exit_signal"].is_null());
  }
  // Sequence numbers only grow.
  uint64_t last = 0;
  bool first = true;
  for (const JsonValue& v : lines) {
    std::optional<uint64_t> seq = v["sequence"].as_uint();
    if (!seq.has_value()) continue;
    if (!first) {
      EXPECT_GT(*seq, last);
    }
    last = *seq;
    first = false;
  }
}

TEST_F(WatchE2eTest, JsonStreamFromPidDiff) {
  ASSERT_TRUE(StartCompanion("pid-diff"));
  CheckJsonStream(HostFlags(), /*exact_source=*/false);
}

TEST_F(WatchE2eTest, JsonStreamFromConnector) {
  if (!StartCompanion("connector")) {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    return;
  }
  CheckJsonStream(HostFlags(), /*exact_source=*/true);
}

TEST_F(WatchE2eTest, TextStreamHasAHeaderAndOneLinePerEvent) {
  ASSERT_TRUE(StartCompanion("auto"));
  const bool exact =
      absl::StrContains(serve_->Stdout(), "events from connector");
  std::vector<std::string> flags = {"--events"};
  for (const std::string& f : HostFlags()) flags.push_back(f);
  WatchProcess watch("watch", flags);
  ASSERT_TRUE(watch.WaitForOutput([](const std::string& out) {
    return absl::StrContains(out, "\n");
  })) << watch.Debug();
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "31"}, "sleeper");
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t sleeper = sleeper_process->pid();
  // The EVENT column of a line (13..17), and whether the PID column (from
  // 19) is the sleeper.
  auto event_of = [](absl::string_view line) {
    return line.size() > 18 ? line.substr(13, 5) : absl::string_view();
  };
  auto is_sleeper = [&](absl::string_view line) {
    return line.size() > 27 &&
           absl::StartsWith(line.substr(19), absl::StrCat(sleeper, " "));
  };
  ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    for (absl::string_view line : absl::StrSplit(out, '\n')) {
      if (event_of(line) == "exec " && is_sleeper(line)) return true;
    }
    return false;
  })) << watch.Debug();
  ASSERT_TRUE(sleeper_process->Kill());
  const std::string status = exact ? "killed by SIGKILL" : "exited";
  ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    for (absl::string_view line : absl::StrSplit(out, '\n')) {
      if (event_of(line) == "exit " && is_sleeper(line) &&
          absl::EndsWith(line, status)) {
        return true;
      }
    }
    return false;
  })) << watch.Debug();
  EXPECT_EQ(watch.Stop(), 0) << watch.Debug();
  const std::vector<std::string> lines =
      absl::StrSplit(watch.Stdout(), '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("TIME"));
  EXPECT_THAT(lines[0], HasSubstr("EVENT PID"));
  EXPECT_THAT(lines[0], HasSubstr("COMM"));
  bool exec_line = false;
  for (const std::string& line : lines) {
    if (event_of(line) == "exec " && is_sleeper(line)) {
      exec_line = true;
      EXPECT_THAT(line, HasSubstr("sleep"));
      EXPECT_THAT(line, HasSubstr(absl::StrCat(SleepBinary(), " 31")));
    }
  }
  EXPECT_TRUE(exec_line) << watch.Debug();
}

TEST_F(WatchE2eTest, MaxEventsAndDurationEndTheStream) {
  ASSERT_TRUE(StartCompanion("pid-diff"));
  {
    std::vector<std::string> flags = {"--events", "--json", "--max-events=2"};
    for (const std::string& f : HostFlags()) flags.push_back(f);
    WatchProcess watch("max", flags);
    ASSERT_TRUE(watch.WaitForOutput([](const std::string& out) {
      return absl::StrContains(out, "\"type\":\"session\"");
    })) << watch.Debug();
    // Two sleepers make at least two events (their starts).
    std::unique_ptr<BackgroundProcess> a =
        StartInBackground({SleepBinary(), "32"}, "a");
    std::unique_ptr<BackgroundProcess> b =
        StartInBackground({SleepBinary(), "32"}, "b");
    EXPECT_EQ(watch.Wait(), 0) << watch.Debug();
    int events = 0;
    for (const JsonValue& v : JsonLines(watch.Stdout())) {
      if (v["sequence"].as_uint().has_value()) ++events;
    }
    EXPECT_EQ(events, 2) << watch.Debug();
  }
  {
    std::vector<std::string> flags = {"--events", "--duration=0.5"};
    for (const std::string& f : HostFlags()) flags.push_back(f);
    WatchProcess watch("duration", flags);
    EXPECT_EQ(watch.Wait(), 0) << watch.Debug();
    EXPECT_THAT(watch.Stdout(), StartsWith("TIME"));
  }
}

TEST_F(WatchE2eTest, FollowsTheNextSessionWhenTheCompanionRestarts) {
  ASSERT_TRUE(StartCompanion("pid-diff"));
  const std::string first_session = serve_->session_text();
  std::vector<std::string> flags = {"--events", "--json"};
  for (const std::string& f : HostFlags()) flags.push_back(f);
  WatchProcess watch("watch", flags);
  ASSERT_TRUE(watch.WaitForOutput([](const std::string& out) {
    return absl::StrContains(out, "\"type\":\"session\"");
  })) << watch.Debug();

  absl::StatusOr<CompanionProcess::Exit> exit = serve_->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->exit_code, 0);
  serve_.reset();
  ASSERT_TRUE(watch.WaitForOutput([](const std::string& out) {
    return absl::StrContains(out, "\"type\":\"companion_gone\"");
  })) << watch.Debug();

  ASSERT_TRUE(StartCompanion("pid-diff"));
  const std::string second_session = serve_->session_text();
  ASSERT_NE(first_session, second_session);
  ASSERT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    return absl::StrContains(out, second_session);
  })) << watch.Debug();
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "33"}, "sleeper");
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t sleeper = sleeper_process->pid();
  EXPECT_TRUE(watch.WaitForOutput([&](const std::string& out) {
    return FindEvent(out, "exec", sleeper).has_value();
  })) << watch.Debug();
  sleeper_process->Kill();
  EXPECT_EQ(watch.Stop(), 0) << watch.Debug();
  // One clear line on stderr for the loss, one for the new session.
  const std::string err = watch.Stderr();
  EXPECT_THAT(err, HasSubstr(absl::StrCat("companion of session ",
                                          first_session, " gone")));
  EXPECT_THAT(err,
              HasSubstr(absl::StrCat("watching session ", second_session)));
}

TEST_F(WatchE2eTest, ClearErrorsForMissingEventsAndUsage) {
  ASSERT_TRUE(StartCompanion("off"));
  std::vector<std::string> argv = {HaywirePath(), "watch", "--events"};
  for (const std::string& f : HostFlags()) argv.push_back(f);
  SubprocessResult result = RunCommand(argv, kWait);
  ExpectOneLineError(result, 11);
  EXPECT_THAT(result.err, HasSubstr("--event-source"));

  // Without --events it is the full-screen view, which needs a terminal
  // (the test's stdout is a pipe): a usage error, before touching the file.
  result =
      RunCommand({HaywirePath(), "watch", "--mem-file=/nonexistent"}, kWait);
  ExpectEndedByItself(result);
  EXPECT_EQ(result.exit_code, 2) << result.DebugString();
  EXPECT_THAT(result.err, HasSubstr("needs a terminal; use --batch"));
  result = RunCommand({HaywirePath(), "watch", "--events", "--max-events=-1"},
                      kWait);
  ExpectEndedByItself(result);
  EXPECT_EQ(result.exit_code, 2) << result.DebugString();
}

}  // namespace
}  // namespace haywire
