// Copyright 2026 The Haywire Authors.
//
// Whole command lines end to end: the real binary against a simulated
// companion, for processes of this machine whose command lines are far
// longer than a listing entry holds (2 KiB): `ps --json` and `info`
// (text and JSON) show them whole, byte for byte, up to the documented
// 1 MiB bound; past it they are cut there and flagged; the text `ps`
// still fits the terminal.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

class CommandLineE2eTest : public PsE2eTest {
 protected:
  void SetUp() override {
    PsE2eTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartCompanion());
  }

  // `sleep 1000` followed by `count` arguments of `bytes` zeros each
  // (sleep adds them up: 0 seconds), each argument under the kernel's 128
  // KiB limit.
  std::vector<std::string> LongSleep(int count, size_t bytes) {
    std::vector<std::string> argv = {SleepBinary(), "1000"};
    for (int i = 0; i < count; ++i) argv.push_back(std::string(bytes, '0'));
    return argv;
  }

  // The process `pid` of `ps --json`.
  JsonValue PsEntry(pid_t pid) {
    const SubprocessResult r = Haywire({"ps", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.DebugString();
    absl::StatusOr<JsonValue> doc = ParseJson(r.out);
    EXPECT_TRUE(doc.ok()) << doc.status();
    if (!doc.ok()) return JsonValue();
    const JsonValue& processes = (*doc)["processes"];
    for (size_t i = 0; i < processes.size(); ++i) {
      if (processes.at(i)["pid"].as_int() == pid) return processes.at(i);
    }
    ADD_FAILURE() << "no process " << pid << " in ps --json";
    return JsonValue();
  }

  static std::vector<std::string> Args(const JsonValue& entry) {
    std::vector<std::string> out;
    const JsonValue& args = entry["args"];
    for (size_t i = 0; i < args.size(); ++i) {
      out.push_back(args.at(i).as_string().value_or("?"));
    }
    return out;
  }
};

TEST_F(CommandLineE2eTest, PsJsonAndInfoShowAWhole240KiBCommandLine) {
  const std::vector<std::string> argv = LongSleep(4, 60 << 10);
  const pid_t pid = SpawnAndAwait(argv);
  ASSERT_GT(pid, 0);

  const JsonValue ps = PsEntry(pid);
  EXPECT_TRUE(Args(ps) == argv) << "ps --json args differ";
  EXPECT_EQ(ps["args_truncated"].as_bool(), false);

  const SubprocessResult info = Haywire({"info", "--json", absl::StrCat(pid)});
  ASSERT_EQ(info.exit_code, 0) << info.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(info.out);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(Args(*doc) == argv) << "info --json args differ";
  EXPECT_EQ((*doc)["args_truncated"].as_bool(), false);

  const SubprocessResult text = Haywire({"info", absl::StrCat(pid)});
  ASSERT_EQ(text.exit_code, 0) << text.DebugString();
  EXPECT_NE(text.out.find(absl::StrJoin(argv, " ")), std::string::npos)
      << "info does not show the whole command line";

  // The table still fits: one line per process, the command cut to the
  // width (80 columns when stdout is not a terminal, as procps).
  const SubprocessResult table = Haywire({"ps"});
  ASSERT_EQ(table.exit_code, 0) << table.DebugString();
  for (absl::string_view line : absl::StrSplit(table.out, '\n')) {
    EXPECT_LT(line.size(), 4096u) << line.substr(0, 200);
  }
}

TEST_F(CommandLineE2eTest, PastOneMiBTheCommandLineIsCutThereAndFlagged) {
  const std::vector<std::string> argv = LongSleep(9, 127 << 10);
  const pid_t pid = SpawnAndAwait(argv);
  ASSERT_GT(pid, 0);
  const JsonValue ps = PsEntry(pid);
  EXPECT_EQ(ps["args_truncated"].as_bool(), true);
  const std::vector<std::string> args = Args(ps);
  std::string joined;
  for (const std::string& a : args)
    absl::StrAppend(&joined, a, std::string(1, '\0'));
  std::string want;
  for (const std::string& a : argv)
    absl::StrAppend(&want, a, std::string(1, '\0'));
  // The first MiB of the command line, the last argument cut inside.
  ASSERT_GE(joined.size(), 1u << 20);
  EXPECT_TRUE(joined.substr(0, 1 << 20) == want.substr(0, 1 << 20));
}

}  // namespace
}  // namespace haywire
