// Copyright 2026 The Haywire Authors.
//
// Guest text that tries to drive the host's terminal, end to end: a real
// `haywire guest-serve --ram-file` companion serves this machine's /proc,
// and a process of the test runs under a name any guest user could give
// one (here by exec'ing a symbolic link with that name): ESC and an SGR
// sequence, a lone 0x9B (the 8-bit CSI of Latin-1 terminals), a well-formed
// C1 CSI (C2 9B), BEL and a right-to-left override (U+202E). Its comm and
// command line carry those bytes. Every command that shows it (`ps`, `info`,
// `watch --batch`, `watch --events`), in text and JSON, must print no byte
// a terminal would obey, and the text must show the name's escapes so a
// reader can tell what the guest sent.
//
// Every wait is bounded (RunCommand's timeout, kWait).

#include <sys/types.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
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
#include "haywire/util/utf8.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(120);

// The process's name (13 bytes: within comm's 15) and how text output must
// show it (TerminalSafe's escapes), and what JSON decodes to (the lone 0x9B
// is invalid UTF-8, replaced by U+FFFD).
constexpr absl::string_view kHostileName =
    "\x1b[31m\x9b\xC2\x9B\x07\xE2\x80\xAEz";
constexpr absl::string_view kShownName = R"(\x1b[31m\x9b\u009b\x07\u202ez)";
constexpr absl::string_view kJsonName =
    "\x1b[31m\xEF\xBF\xBD\xC2\x9B\x07\xE2\x80\xAEz";

// Where `out` holds something a terminal would act on: a C0 control other
// than newline, DEL, a C1 control (well-formed or a lone byte), invalid
// UTF-8, or a bidi control. Empty if nothing.
std::string TerminalHazard(absl::string_view out) {
  size_t pos = 0;
  while (pos < out.size()) {
    const Utf8Char c = DecodeUtf8(out, pos);
    const uint32_t cp = c.code_point;
    const bool hazard =
        !c.valid || (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
        cp == 0x061C || cp == 0x200E || cp == 0x200F ||
        (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    if (hazard) {
      std::string bytes;
      for (size_t i = 0; i < c.length; ++i) {
        absl::StrAppendFormat(&bytes, "%02x ",
                              static_cast<unsigned char>(out[pos + i]));
      }
      const size_t from = pos < 40 ? 0 : pos - 40;
      return absl::StrCat("bytes ", bytes, "at offset ", pos, " after \"",
                          absl::CHexEscape(out.substr(from, pos - from)), "\"");
    }
    pos += c.length;
  }
  return "";
}

class HostileTextE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The companion publishes events from PID diffs (no root needed).
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, "serve", {"--event-source=pid-diff"});
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
    // The name the process gets: its comm is the basename of the file
    // exec'd, its argv[0] the whole path.
    ASSERT_EQ(::symlink(SleepBinary().c_str(), link_.c_str()), 0) << link_;
  }

  void TearDown() override {
    if (absl::Status s = children_.KillAll(); !s.ok()) ADD_FAILURE() << s;
    companion_.reset();
  }

  pid_t SpawnHostile() {
    const std::vector<std::string> argv = {link_, "1000"};
    absl::StatusOr<pid_t> pid = children_.Spawn(argv);
    EXPECT_TRUE(pid.ok()) << pid.status();
    if (!pid.ok()) return -1;
    absl::Status exec = ChildGroup::AwaitExec(*pid, argv, absl::Now() + kWait);
    EXPECT_TRUE(exec.ok()) << exec;
    return *pid;
  }

  std::vector<std::string> HostFlags() const {
    return {absl::StrCat("--mem-file=", ram_),
            absl::StrCat("--cache-dir=", TestTempPath("cache")),
            "--live-wait-ms=3000"};
  }

  // Runs `haywire ARGS` with this test's host flags; expects success.
  std::string Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {HaywirePath()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& flag : HostFlags()) argv.push_back(flag);
    const SubprocessResult result = RunCommand(argv);
    ExpectEndedByItself(result);
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_EQ(TerminalHazard(result.err), "") << result.DebugString();
    return result.out;
  }

  std::unique_ptr<BackgroundProcess> StartWatch(std::vector<std::string> args,
                                                absl::string_view name) {
    std::vector<std::string> argv = {HaywirePath(), "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& flag : HostFlags()) argv.push_back(flag);
    return StartInBackground(argv, name);
  }

  const std::string ram_ = TestTempPath("ram");
  const std::string link_ =
      absl::StrCat(TestTmpDir(), "/", std::string(kHostileName));
  std::unique_ptr<CompanionProcess> companion_;
  ChildGroup children_;
};

TEST_F(HostileTextE2eTest, NoCommandPrintsAControlCharacter) {
  // watch --events, text and JSON, attached before the process starts.
  std::unique_ptr<BackgroundProcess> events_text =
      StartWatch({"--events"}, "events_text");
  std::unique_ptr<BackgroundProcess> events_json =
      StartWatch({"--events", "--json"}, "events_json");
  ASSERT_NE(events_text, nullptr);
  ASSERT_NE(events_json, nullptr);
  ASSERT_TRUE(WaitUntil(
      kWait,
      [&] {
        return absl::StrContains(events_text->Stdout(), "COMM") &&
               absl::StrContains(events_json->Stdout(), "\"type\":\"session\"");
      }))
      << events_text->Stdout() << events_text->Stderr() << events_json->Stdout()
      << events_json->Stderr();

  const pid_t pid = SpawnHostile();
  ASSERT_GT(pid, 0);
  const std::string pid_text = absl::StrCat(pid);

  // The exec event, in both streams.
  const std::string json_pid = absl::StrCat("\"pid\":", pid, ",");
  ASSERT_TRUE(
      WaitUntil(kWait,
                [&] {
                  return absl::StrContains(events_text->Stdout(), kShownName) &&
                         absl::StrContains(events_json->Stdout(), json_pid);
                }))
      << "text:\n"
      << absl::CHexEscape(events_text->Stdout()) << "\njson:\n"
      << events_json->Stdout();
  EXPECT_TRUE(events_text->Kill());
  EXPECT_TRUE(events_json->Kill());
  EXPECT_EQ(TerminalHazard(events_text->Stdout()), "");
  EXPECT_EQ(TerminalHazard(events_text->Stderr()), "");
  EXPECT_EQ(TerminalHazard(events_json->Stdout()), "");
  bool found_event = false;
  for (absl::string_view line : absl::StrSplit(events_json->Stdout(), '\n')) {
    if (!absl::StrContains(line, json_pid)) continue;
    absl::StatusOr<JsonValue> event = ParseJson(line);
    ASSERT_TRUE(event.ok()) << event.status() << "\n" << line;
    EXPECT_EQ((*event)["comm"].as_string(), std::string(kJsonName)) << line;
    found_event = true;
  }
  EXPECT_TRUE(found_event);

  // ps, text and JSON.
  const std::string ps = Run({"ps"});
  EXPECT_EQ(TerminalHazard(ps), "");
  EXPECT_THAT(ps, HasSubstr(absl::StrCat(kShownName, " 1000")));
  const std::string ps_json = Run({"ps", "--json"});
  EXPECT_EQ(TerminalHazard(ps_json), "");
  absl::StatusOr<JsonValue> listing = ParseJson(ps_json);
  ASSERT_TRUE(listing.ok()) << listing.status();
  bool found_ps = false;
  const JsonValue& processes = (*listing)["processes"];
  for (size_t i = 0; i < processes.size(); ++i) {
    if (processes.at(i)["pid"].as_uint() != static_cast<uint64_t>(pid)) {
      continue;
    }
    EXPECT_EQ(processes.at(i)["comm"].as_string(), std::string(kJsonName));
    found_ps = true;
  }
  EXPECT_TRUE(found_ps) << ps_json;

  // info, text and JSON.
  const std::string info = Run({"info", pid_text});
  EXPECT_EQ(TerminalHazard(info), "");
  EXPECT_THAT(info, HasSubstr(absl::StrCat("Name", std::string(19, ' '),
                                           kShownName, "\n")));
  const std::string info_json = Run({"info", pid_text, "--json"});
  EXPECT_EQ(TerminalHazard(info_json), "");
  absl::StatusOr<JsonValue> detail = ParseJson(info_json);
  ASSERT_TRUE(detail.ok()) << detail.status();
  EXPECT_EQ((*detail)["comm"].as_string(), std::string(kJsonName));

  // watch --batch, text and JSON.
  const std::string batch =
      Run({"watch", "--batch", "--iterations=2", "--interval=0.3"});
  EXPECT_EQ(TerminalHazard(batch), "");
  EXPECT_THAT(batch, HasSubstr(absl::StrCat(" ", kShownName, "\n")));
  const std::string batch_json =
      Run({"watch", "--batch", "--json", "--iterations=2", "--interval=0.3"});
  EXPECT_EQ(TerminalHazard(batch_json), "");
  EXPECT_THAT(batch_json, HasSubstr(R"("comm":"\u001b[31m)"));
}

}  // namespace
}  // namespace haywire
