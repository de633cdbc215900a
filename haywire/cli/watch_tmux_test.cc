// Copyright 2026 The Haywire Authors.
//
// `haywire watch`'s full-screen view driven through a real terminal: tmux
// runs the real binary in a detached 160x40 session, the test types keys
// (send-keys) and reads what a person would see (capture-pane), against a
// real companion serving this machine's /proc. Covers sorting, filtering,
// help, highlights of started and exited processes, resizing, a companion
// restart while the view runs, and quitting.
//
// Every wait polls the screen with a bounded, generous deadline; nothing
// asserts on timing. tmux is required: without it the test fails and says
// to run tools/setup.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"

namespace haywire {
namespace {

constexpr absl::Duration kWait = absl::Seconds(120);
constexpr absl::Duration kTmuxTimeout = absl::Seconds(60);

// A tmux server of our own (its own socket, its own directory) with one
// session, "watch". Killed at the end.
class Tmux {
 public:
  Tmux() {
    char dir[] = "/tmp/hwtmux.XXXXXX";  // short: socket paths are limited
    if (mkdtemp(dir) != nullptr) dir_ = dir;
    socket_ = absl::StrCat("hwwatch-", getpid());
  }
  ~Tmux() {
    Run({"kill-server"});
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // tmux with our socket; the result (exit code, output).
  SubprocessResult Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"tmux", "-L", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<SubprocessResult> r =
        RunSubprocess(argv, kTmuxTimeout, {absl::StrCat("TMUX_TMPDIR=", dir_)});
    if (!r.ok()) {
      SubprocessResult failed;
      failed.err = std::string(r.status().message());
      return failed;
    }
    return *r;
  }

  std::string Screen(bool with_attributes = false) {
    std::vector<std::string> args = {"capture-pane", "-p", "-t", "watch"};
    if (with_attributes) args.push_back("-e");
    return Run(args).out;
  }

  void Keys(std::vector<std::string> keys) {
    std::vector<std::string> args = {"send-keys", "-t", "watch"};
    args.insert(args.end(), keys.begin(), keys.end());
    const SubprocessResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  }

  // Waits until the screen shows `text`; false (with the screen in the
  // failure message) if it does not within kWait.
  ::testing::AssertionResult WaitFor(absl::string_view text) {
    std::string screen;
    if (WaitUntil(kWait, [&] {
          screen = Screen();
          return absl::StrContains(screen, text);
        })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "the screen never showed \"" << text << "\"; it shows:\n"
           << screen;
  }

  ::testing::AssertionResult WaitGone(absl::string_view text) {
    std::string screen;
    if (WaitUntil(kWait, [&] {
          screen = Screen();
          return !absl::StrContains(screen, text);
        })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "the screen kept showing \"" << text << "\":\n"
           << screen;
  }

 private:
  std::string dir_;
  std::string socket_;
};

// The lines of the process list (below the heading, above the status line).
std::vector<std::string> ProcessLines(const std::string& screen) {
  std::vector<std::string> lines = absl::StrSplit(screen, '\n');
  std::vector<std::string> rows;
  bool below_heading = false;
  for (const std::string& line : lines) {
    if (absl::StrContains(line, "PID USER")) {
      below_heading = true;
      continue;
    }
    if (!below_heading) continue;
    uint32_t pid = 0;
    const std::vector<std::string> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() >= 12 && absl::SimpleAtoi(fields[0], &pid)) {
      rows.push_back(line);
    }
  }
  return rows;
}

uint32_t PidOf(const std::string& row) {
  uint32_t pid = 0;
  const std::vector<std::string> fields =
      absl::StrSplit(row, ' ', absl::SkipEmpty());
  if (!fields.empty()) (void)absl::SimpleAtoi(fields[0], &pid);
  return pid;
}

// The foreground color (SGR 30-37, or 39 for the default) in which the
// process line of `pid` is drawn in `screen` (capture-pane -e output), or 0
// when no line shows `pid`. tmux emits an escape sequence only where the
// attributes change, so a line inherits the colour of the lines above it:
// the whole screen is scanned, tracking the colour in force.
int ForegroundOfPid(const std::string& screen, pid_t pid) {
  int color = 39;
  for (const absl::string_view line : absl::StrSplit(screen, '\n')) {
    std::string plain;
    int line_color = -1;  // the colour of the line's first visible text
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
        size_t end = i + 2;
        while (end < line.size() && !absl::ascii_isalpha(line[end])) ++end;
        if (end < line.size() && line[end] == 'm') {
          const absl::string_view params = line.substr(i + 2, end - i - 2);
          for (const absl::string_view p : absl::StrSplit(params, ';')) {
            int code = 0;
            if (p.empty() ||
                (absl::SimpleAtoi(p, &code) && (code == 0 || code == 39))) {
              color = 39;
            } else if (code >= 30 && code <= 37) {
              color = code;
            }
          }
        }
        i = end;
        continue;
      }
      if (line_color < 0 && line[i] != ' ') line_color = color;
      plain.push_back(line[i]);
    }
    if (PidOf(plain) == static_cast<uint32_t>(pid)) return line_color;
  }
  return 0;
}

TEST(WatchTmuxTest, InteractiveViewOnARealTerminal) {
  {
    absl::StatusOr<SubprocessResult> version =
        RunSubprocess({"tmux", "-V"}, kTmuxTimeout);
    ASSERT_TRUE(version.ok() && version->exit_code == 0)
        << "tmux is missing: this test drives haywire watch through a real "
           "terminal with tmux; run tools/setup to install it";
  }
  const std::string ram = TestTempPath("ram");
  const std::string cache = TestTempPath("cache");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> companion =
      CompanionProcess::Start(ram, "serve1");
  ASSERT_TRUE(companion.ok()) << companion.status();

  // A sleeper with a name of its own, to filter for.
  const std::string bin = TestTempPath("bin");
  std::filesystem::create_directories(bin);
  const std::string sleeper_path = bin + "/hwsleeper";
  std::filesystem::copy_file("/bin/sleep", sleeper_path,
                             std::filesystem::copy_options::overwrite_existing);
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> sleeper =
      BackgroundProcess::Start({sleeper_path, "1000"}, "sleeper");
  ASSERT_TRUE(sleeper.ok()) << sleeper.status();

  Tmux tmux;
  const std::string command =
      absl::StrCat("'", RunfilePath("haywire/haywire"), "' watch --mem-file='",
                   ram, "' --cache-dir='", cache,
                   "' --live-wait-ms=3000 --interval=0.5 --highlight-s=30; "
                   "echo WATCH-EXITED $?; sleep 600");
  const SubprocessResult started = tmux.Run(
      {"new-session", "-d", "-s", "watch", "-x", "160", "-y", "40", command});
  ASSERT_EQ(started.exit_code, 0)
      << "tmux could not start a session: " << started.DebugString();

  // top's screen: summary lines, heading, processes, status line.
  ASSERT_TRUE(tmux.WaitFor("sort %CPU"));
  ASSERT_TRUE(tmux.WaitFor("Tasks:"));
  std::string screen = tmux.Screen();
  EXPECT_THAT(screen, ::testing::HasSubstr("%Cpu(s):"));
  EXPECT_THAT(screen, ::testing::HasSubstr("MiB Mem :"));
  EXPECT_THAT(screen, ::testing::HasSubstr("MiB Swap:"));
  EXPECT_THAT(screen, ::testing::HasSubstr(
                          "PID USER      PR  NI    VIRT    RES    SHR S  "
                          "%CPU  %MEM     TIME+ COMMAND"));
  EXPECT_THAT(screen, ::testing::HasSubstr((*companion)->session_text()));
  EXPECT_GT(ProcessLines(screen).size(), 3u) << screen;

  // Sorting: N by PID (highest first), then the other keys and < >.
  tmux.Keys({"N"});
  ASSERT_TRUE(tmux.WaitFor("sort PID "));
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    const std::vector<std::string> rows = ProcessLines(tmux.Screen());
    return rows.size() >= 2 && PidOf(rows[0]) > PidOf(rows[1]);
  })) << tmux.Screen();
  tmux.Keys({"M"});
  ASSERT_TRUE(tmux.WaitFor("sort %MEM"));
  tmux.Keys({"<"});
  ASSERT_TRUE(tmux.WaitFor("sort %CPU"));
  tmux.Keys({">", ">"});
  ASSERT_TRUE(tmux.WaitFor("sort TIME+"));
  tmux.Keys({"P"});
  ASSERT_TRUE(tmux.WaitFor("sort %CPU"));

  // Filtering: only the sleeper is left.
  tmux.Keys({"/"});
  ASSERT_TRUE(tmux.WaitFor("Filter by name: _"));
  tmux.Keys({"-l", "hwsleep"});
  ASSERT_TRUE(tmux.WaitFor("Filter by name: hwsleep_"));
  tmux.Keys({"Enter"});
  ASSERT_TRUE(tmux.WaitFor("filter 'hwsleep' (1 shown)"));
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    const std::vector<std::string> rows = ProcessLines(tmux.Screen());
    return rows.size() == 1 &&
           PidOf(rows[0]) == static_cast<uint32_t>((*sleeper)->pid()) &&
           absl::StrContains(rows[0], "hwsleeper");
  })) << tmux.Screen();
  // Esc cancels an edit, keeping the filter.
  tmux.Keys({"/"});
  tmux.Keys({"-l", "zzz"});
  ASSERT_TRUE(tmux.WaitFor("Filter by name: hwsleepzzz_"));
  tmux.Keys({"Escape"});
  ASSERT_TRUE(tmux.WaitGone("Filter by name"));
  EXPECT_THAT(tmux.Screen(), ::testing::HasSubstr("filter 'hwsleep'"));
  // An empty filter shows everything again.
  tmux.Keys({"/", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace",
             "BSpace", "Enter"});
  ASSERT_TRUE(tmux.WaitGone("filter '"));
  EXPECT_GT(ProcessLines(tmux.Screen()).size(), 3u) << tmux.Screen();

  // Help, and back.
  tmux.Keys({"h"});
  ASSERT_TRUE(tmux.WaitFor("Help for haywire watch"));
  tmux.Keys({"x"});
  ASSERT_TRUE(tmux.WaitGone("Help for haywire watch"));
  ASSERT_TRUE(tmux.WaitFor("Tasks:"));

  // A process that starts is highlighted (green), and dimmed red when it
  // has exited; sorted by PID so the new one is on screen.
  tmux.Keys({"N"});
  ASSERT_TRUE(tmux.WaitFor("sort PID "));
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> newcomer =
      BackgroundProcess::Start({sleeper_path, "1001"}, "newcomer");
  ASSERT_TRUE(newcomer.ok()) << newcomer.status();
  const pid_t newcomer_pid = (*newcomer)->pid();
  ASSERT_TRUE(WaitUntil(kWait,
                        [&] {
                          return ForegroundOfPid(
                                     tmux.Screen(/*with_attributes=*/true),
                                     newcomer_pid) == 32;
                        }))
      << "no green line for pid " << newcomer_pid << ":\n"
      << tmux.Screen(true);
  newcomer->reset();                 // SIGKILL and reap
  std::vector<std::string> history;  // for the failure message
  ASSERT_TRUE(WaitUntil(kWait,
                        [&] {
                          const std::string shown =
                              tmux.Screen(/*with_attributes=*/true);
                          history.push_back(shown);
                          if (history.size() > 10)
                            history.erase(history.begin());
                          return ForegroundOfPid(shown, newcomer_pid) == 31;
                        }))
      << "no red line for exited pid " << newcomer_pid
      << "; the last screens:\n"
      << absl::StrJoin(history, "\n----\n");
  tmux.Keys({"P"});
  ASSERT_TRUE(tmux.WaitFor("sort %CPU"));

  // Resizing: the view follows the terminal.
  const SubprocessResult resized =
      tmux.Run({"resize-window", "-t", "watch", "-x", "100", "-y", "30"});
  ASSERT_EQ(resized.exit_code, 0) << resized.DebugString();
  ASSERT_TRUE(WaitUntil(kWait, [&] {
    const std::vector<std::string> lines = absl::StrSplit(tmux.Screen(), '\n');
    // capture-pane prints the pane's rows: the status line is the last.
    return lines.size() >= 30 && absl::StrContains(lines[29], "q quit");
  })) << tmux.Screen();

  // The companion goes away: the view says so, and keeps reacting to keys.
  absl::StatusOr<CompanionProcess::Exit> exit = (*companion)->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_TRUE(tmux.WaitFor("companion gone ("));
  ASSERT_TRUE(tmux.WaitFor("waiting for a new session"));
  tmux.Keys({"h"});
  ASSERT_TRUE(tmux.WaitFor("Help for haywire watch"));
  tmux.Keys({"x"});
  ASSERT_TRUE(tmux.WaitGone("Help for haywire watch"));
  // A new session appears: the view finds it by itself.
  absl::StatusOr<std::unique_ptr<CompanionProcess>> second =
      CompanionProcess::Start(ram, "serve2");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(tmux.WaitFor((*second)->session_text()));
  ASSERT_TRUE(tmux.WaitGone("companion gone"));
  ASSERT_TRUE(tmux.WaitFor("Tasks:"));

  // q quits with status 0.
  tmux.Keys({"q"});
  ASSERT_TRUE(tmux.WaitFor("WATCH-EXITED 0"));
}

}  // namespace
}  // namespace haywire
