// Copyright 2026 The Haywire Authors.

#include "haywire/cli/command.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/cli/exit_codes.h"
#include "haywire/testing/subprocess.h"

namespace haywire {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------
// Pure command-line handling, with a fake flag registry.

std::string FakeFlagType(absl::string_view name) {
  static const auto* const kTypes =
      new absl::flat_hash_map<std::string, std::string>{
          {"mem_file", "string"}, {"count", "int32"},  {"json", "bool"},
          {"v", "int32"},         {"verbose", "bool"}, {"help", "bool"},
      };
  const auto it = kTypes->find(name);
  return it == kTypes->end() ? "" : it->second;
}

std::vector<std::string> Normalize(const std::vector<std::string>& args) {
  return internal::NormalizeFlagSpellings(args, FakeFlagType);
}

TEST(NormalizeFlagSpellingsTest, RespellsFlagNames) {
  EXPECT_THAT(Normalize({}), IsEmpty());
  EXPECT_THAT(Normalize({"--mem-file=X"}), ElementsAre("--mem_file=X"));
  EXPECT_THAT(Normalize({"--mem_file=X"}), ElementsAre("--mem_file=X"));
  EXPECT_THAT(Normalize({"-mem-file=X"}), ElementsAre("-mem_file=X"));
  EXPECT_THAT(Normalize({"--mem-file", "X"}), ElementsAre("--mem_file", "X"));
  EXPECT_THAT(Normalize({"--no-json"}), ElementsAre("--no_json"));
  EXPECT_THAT(Normalize({"--mem-file="}), ElementsAre("--mem_file="));
  // Unknown flags are respelled too (they are rejected later).
  EXPECT_THAT(Normalize({"--some-unknown-flag"}),
              ElementsAre("--some_unknown_flag"));
}

TEST(NormalizeFlagSpellingsTest, NeverTouchesValues) {
  EXPECT_THAT(Normalize({"--mem-file=/dev/shm/a-b-c"}),
              ElementsAre("--mem_file=/dev/shm/a-b-c"));
  EXPECT_THAT(Normalize({"--mem-file=--x-y"}), ElementsAre("--mem_file=--x-y"));
  EXPECT_THAT(Normalize({"--mem-file=a=b-c"}), ElementsAre("--mem_file=a=b-c"));
  // A non-bool flag without '=' takes the next argument as its value, even
  // if that looks like a flag.
  EXPECT_THAT(Normalize({"--mem-file", "--looks-like-a-flag"}),
              ElementsAre("--mem_file", "--looks-like-a-flag"));
  EXPECT_THAT(Normalize({"--count", "-5", "--json-x"}),
              ElementsAre("--count", "-5", "--json_x"));
  EXPECT_THAT(Normalize({"-v", "2", "ps"}), ElementsAre("-v", "2", "ps"));
  EXPECT_THAT(Normalize({"-v"}), ElementsAre("-v"));
  // A bool flag never takes the next argument.
  EXPECT_THAT(Normalize({"--json", "--mem-file", "a-b"}),
              ElementsAre("--json", "--mem_file", "a-b"));
}

TEST(NormalizeFlagSpellingsTest, NeverTouchesPositionalArguments) {
  EXPECT_THAT(Normalize({"guest-serve", "--mem-file=x", "some-arg", "-"}),
              ElementsAre("guest-serve", "--mem_file=x", "some-arg", "-"));
  EXPECT_THAT(Normalize({"--json", "guest-serve"}),
              ElementsAre("--json", "guest-serve"));
}

TEST(NormalizeFlagSpellingsTest, StopsAtDoubleDash) {
  EXPECT_THAT(Normalize({"ps", "--", "--mem-file=x", "-a-b", "--"}),
              ElementsAre("ps", "--", "--mem-file=x", "-a-b", "--"));
  EXPECT_THAT(Normalize({"--", "--json-x"}), ElementsAre("--", "--json-x"));
  // ... unless "--" is a flag's value.
  EXPECT_THAT(Normalize({"--mem-file", "--", "--json-x"}),
              ElementsAre("--mem_file", "--", "--json_x"));
}

internal::ParsedCommandLine Parse(const std::vector<std::string>& args) {
  return internal::ParseCommandLine(args, FakeFlagType);
}

MATCHER_P4(IsFlag, spelling, name, value, error, "") {
  *result_listener << "{" << arg.spelling << ", " << arg.name << ", "
                   << arg.value << ", " << arg.error << "}";
  return arg.spelling == spelling && arg.name == name && arg.value == value &&
         arg.error == error;
}

TEST(ParseCommandLineTest, SplitsFlagsAndPositionalArguments) {
  const internal::ParsedCommandLine parsed = Parse(
      {"--mem-file", "X-y", "ps", "--json", "1", "--count=3", "--", "-2"});
  EXPECT_THAT(parsed.flags,
              ElementsAre(IsFlag("--mem-file", "mem_file", "X-y", ""),
                          IsFlag("--json", "json", "true", ""),
                          IsFlag("--count", "count", "3", "")));
  EXPECT_THAT(parsed.positional, ElementsAre("ps", "1", "-2"));
}

TEST(ParseCommandLineTest, BoolSpellings) {
  EXPECT_THAT(Parse({"--json=false"}).flags,
              ElementsAre(IsFlag("--json", "json", "false", "")));
  EXPECT_THAT(Parse({"--no-json"}).flags,
              ElementsAre(IsFlag("--no-json", "json", "false", "")));
  EXPECT_THAT(Parse({"--nojson"}).flags,
              ElementsAre(IsFlag("--nojson", "json", "false", "")));
  EXPECT_THAT(Parse({"-no_json"}).flags,
              ElementsAre(IsFlag("-no_json", "json", "false", "")));
  EXPECT_THAT(Parse({"--no-json=1"}).flags,
              ElementsAre(IsFlag("--no-json", "json", "false",
                                 "--no-json does not take a value")));
  EXPECT_THAT(Parse({"-h"}).flags,
              ElementsAre(IsFlag("-h", "help", "true", "")));
}

TEST(ParseCommandLineTest, RecordsProblemsPerFlag) {
  const internal::ParsedCommandLine parsed =
      Parse({"--bogus-flag=1", "ps", "--no-mem-file", "--count"});
  EXPECT_THAT(
      parsed.flags,
      ElementsAre(
          IsFlag("--bogus-flag", "", "", "unknown flag --bogus-flag"),
          IsFlag("--no-mem-file", "", "", "unknown flag --no-mem-file"),
          IsFlag("--count", "count", "", "flag --count needs a value")));
  EXPECT_THAT(parsed.positional, ElementsAre("ps"));
}

TEST(ParseCommandLineTest, RepeatedFlagsAreKeptInOrder) {
  EXPECT_THAT(Parse({"--mem_file=a", "--mem-file=b"}).flags,
              ElementsAre(IsFlag("--mem_file", "mem_file", "a", ""),
                          IsFlag("--mem-file", "mem_file", "b", "")));
}

TEST(SuggestCommandsTest, FindsTyposAndPrefixes) {
  const std::vector<std::string> known = {"discover", "ps",          "info",
                                          "watch",    "guest-serve", "help"};
  auto suggest = [&](absl::string_view typed) {
    return internal::SuggestCommands(typed, known);
  };
  EXPECT_THAT(suggest("pss"), ElementsAre("ps"));
  EXPECT_THAT(suggest("sp"), ElementsAre("ps"));  // transposition
  EXPECT_THAT(suggest("dicsover"), ElementsAre("discover"));
  EXPECT_THAT(suggest("disc"), ElementsAre("discover"));
  EXPECT_THAT(suggest("guest_serve"), ElementsAre("guest-serve"));
  EXPECT_THAT(suggest("guest"), ElementsAre("guest-serve"));
  EXPECT_THAT(suggest("INFO"), ElementsAre("info"));
  EXPECT_THAT(suggest("wach"), ElementsAre("watch"));
  EXPECT_THAT(suggest("xyzzy"), IsEmpty());
  EXPECT_THAT(suggest("i"), IsEmpty());
}

// ---------------------------------------------------------------------------
// End to end: testdata_cli_main (two commands, greet and probe) as a real
// process.

SubprocessResult Cli(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {
      RunfilePath("haywire/cli/testdata_cli_main")};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<SubprocessResult> result =
      RunSubprocess(argv, absl::Seconds(30), env);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return SubprocessResult{};
  EXPECT_FALSE(result->timed_out);
  return *std::move(result);
}

// The stderr of a usage error: exactly one line starting with "haywire: ".
MATCHER(IsOneErrorLine, "") {
  *result_listener << "stderr is \"" << arg << "\"";
  return absl::StartsWith(arg, "haywire: ") && absl::EndsWith(arg, "\n") &&
         std::count(arg.begin(), arg.end(), '\n') == 1;
}

TEST(CliTest, DashedUnderscoredAndSeparateFlagValues) {
  SubprocessResult r =
      Cli({"greet", "--user-name=Ann-Marie", "--count", "2", "x-y"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.out, "hello Ann-Marie\nhello Ann-Marie\nargs: x-y\nverbose: 0\n");
  EXPECT_EQ(r.err, "");

  // Flags before the command, underscore spelling, bool negation.
  r = Cli({"--user_name", "--Bob--", "--shout", "--no-shout", "greet"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.out, "hello --Bob--\nargs: \nverbose: 0\n");

  r = Cli({"greet", "--shout", "--", "--user-name=x", "-"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.out, "HELLO WORLD\nargs: --user-name=x|-\nverbose: 0\n");
}

TEST(CliTest, VerboseEnablesInfoLogging) {
  SubprocessResult r = Cli({"greet"});
  EXPECT_EQ(r.err, "") << "INFO must be quiet by default";
  r = Cli({"greet", "--verbose"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_THAT(r.err, HasSubstr("greeting world"));
  EXPECT_THAT(r.out, HasSubstr("verbose: 1\n"));
}

TEST(CliTest, CommandFailureIsOneLineWithItsExitCode) {
  const SubprocessResult r = Cli({"probe", "--mem-file=/x"});
  EXPECT_EQ(r.exit_code, ExitCodeValue(ExitCode::kNoBeacon)) << r.DebugString();
  EXPECT_EQ(r.out, "");
  // The warning logged first, then the newline-free error line.
  EXPECT_THAT(r.err, HasSubstr("probing /x"));
  EXPECT_THAT(
      r.err, AllOf(Not(StartsWith("haywire:")),
                   EndsWith("\nhaywire: no haywire page in /x second line\n")));
}

TEST(CliTest, UnknownCommandSuggestsAlternatives) {
  SubprocessResult r = Cli({"gret", "--count=2"});
  EXPECT_EQ(r.exit_code, ExitCodeValue(ExitCode::kUsage)) << r.DebugString();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "haywire: unknown command 'gret' (did you mean 'greet'?); "
            "commands: greet, probe, help\n");

  r = Cli({"xyzzy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "haywire: unknown command 'xyzzy'; commands: greet, probe, help\n");

  r = Cli({"help", "prob"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'probe'?"));
}

TEST(CliTest, NoCommand) {
  const SubprocessResult r = Cli({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, IsOneErrorLine());
  EXPECT_THAT(r.err, HasSubstr("no command given"));
}

TEST(CliTest, FlagNotAcceptedByTheCommand) {
  SubprocessResult r = Cli({"probe", "--count=3"});
  EXPECT_EQ(r.exit_code, 2) << r.DebugString();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "haywire: probe does not accept --count (its flags: --mem-file); "
            "run 'haywire help probe'\n");

  // Also before the command; also for flags defined by libraries (glog).
  r = Cli({"--logtostderr", "greet"});
  EXPECT_EQ(r.exit_code, 2) << r.DebugString();
  EXPECT_THAT(r.err, IsOneErrorLine());
  EXPECT_THAT(r.err, HasSubstr("greet does not accept --logtostderr"));

  // glog's -v needs a value, but the real problem is that it is not accepted.
  r = Cli({"greet", "-v"});
  EXPECT_EQ(r.exit_code, 2) << r.DebugString();
  EXPECT_THAT(r.err, IsOneErrorLine());
  EXPECT_THAT(r.err, HasSubstr("greet does not accept -v "));
}

TEST(CliTest, BadFlagsAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"greet", "--bogus"}, "unknown flag --bogus"},
      {{"greet", "--count=abc"}, "invalid value 'abc' for --count (int32)"},
      {{"greet", "--count=-1"}, "invalid value '-1' for --count (int32)"},
      {{"greet", "--shout=maybe"}, "invalid value 'maybe' for --shout (bool)"},
      {{"greet", "--user-name"}, "flag --user-name needs a value"},
      {{"greet", "--no-shout=1"}, "--no-shout does not take a value"},
      {{"probe", "extra"}, "probe takes no arguments, got 'extra'"},
      {{"help", "greet", "probe"}, "usage: haywire help [<command>]"},
  };
  for (const Case& c : cases) {
    const SubprocessResult r = Cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r.DebugString();
    EXPECT_EQ(r.out, "") << c.message;
    EXPECT_THAT(r.err, IsOneErrorLine());
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

TEST(CliTest, CommandHelp) {
  const SubprocessResult r = Cli({"help", "greet"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("haywire greet - Print a greeting.\n\nUsage:\n"
                                "  haywire greet [--user-name=NAME] "));
  // Long help, with the preformatted example kept.
  EXPECT_THAT(r.out, HasSubstr("Prints 'hello NAME' COUNT times"));
  EXPECT_THAT(r.out, HasSubstr("\n  testdata_cli_main greet --user-name=Ann "
                               "--count 2\n"));
  // Each accepted flag, dashed, with type, default and description.
  EXPECT_THAT(r.out, HasSubstr("Flags:\n"
                               "  --user-name (string, default: \"world\")\n"
                               "      Who to greet.\n"
                               "  --count (int32, default: 1)\n"
                               "      How many times to greet. Must not be "
                               "negative.\n"
                               "  --shout (bool, default: false)\n"
                               "      Greet in upper case.\n"));
  EXPECT_THAT(r.out, HasSubstr("Global flags:\n  --help (bool"));
  EXPECT_THAT(r.out, HasSubstr("  --verbose (bool, default: false)\n"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes:\n   0  ok "));
  EXPECT_THAT(r.out, HasSubstr("  12  guest-setup "));
  // Not gflags' dump of every flag in the process.
  EXPECT_THAT(r.out, Not(HasSubstr("logtostderr")));
  EXPECT_THAT(r.out, Not(HasSubstr("--mem-file")));
  EXPECT_THAT(r.out, Not(HasSubstr("Flags from")));

  // The other spellings print the same text.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"greet", "--help"},
                                             {"--help", "greet"},
                                             {"greet", "-h"},
                                             {"greet", "--bogus", "--help"}}) {
    const SubprocessResult same = Cli(args);
    EXPECT_EQ(same.exit_code, 0) << args[0] << " " << args[1];
    EXPECT_EQ(same.out, r.out) << args[0] << " " << args[1];
    EXPECT_EQ(same.err, "");
  }
}

TEST(CliTest, CommandHelpListsOnlyItsExitCodes) {
  const SubprocessResult r = Cli({"probe", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_THAT(r.out, HasSubstr("  --mem-file (string, default: \"\")\n"));
  EXPECT_THAT(r.out, HasSubstr("   4  no-beacon "));
  EXPECT_THAT(r.out, Not(HasSubstr("guest-setup")));
}

TEST(CliTest, ProgramHelp) {
  const SubprocessResult r = Cli({"help"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("haywire 1.2.3-test - test CLI\n"));
  EXPECT_THAT(r.out, HasSubstr("Commands:\n"
                               "  greet  Print a greeting.\n"
                               "  probe  Look for a beacon page (always "
                               "fails).\n"
                               "  help   Show help for a command.\n"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes:\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("logtostderr")));
  for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
    EXPECT_LE(line.size(), 80u) << line;
  }
  const SubprocessResult flag = Cli({"--help"});
  EXPECT_EQ(flag.exit_code, 0);
  EXPECT_EQ(flag.out, r.out);
}

TEST(CliTest, Version) {
  const SubprocessResult r = Cli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.out, "haywire 1.2.3-test\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, MalformedCommandTableIsAnInternalError) {
  const SubprocessResult r = Cli({"greet"}, {"TESTDATA_CLI_BAD_TABLE=1"});
  EXPECT_EQ(r.exit_code, ExitCodeValue(ExitCode::kFailure)) << r.DebugString();
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "haywire: internal error: command 'broken' accepts flag "
            "'no-such-flag', which is not defined\n");
}

}  // namespace
}  // namespace haywire
