// Copyright 2026 The Haywire Authors.

#include "haywire/cli/command.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "gflags/gflags.h"
#include "glog/logging.h"
#include "haywire/cli/exit_codes.h"
#include "haywire/cli/text_wrap.h"
#include "haywire/util/terminal_text.h"
#include "haywire/util/trace.h"

DEFINE_bool(verbose, false,
            "Log diagnostics (glog INFO and above) to stderr. Without it only "
            "warnings and errors are logged.");

namespace haywire {
namespace internal {
namespace {

// Strips the one or two leading dashes of a flag argument.
absl::string_view StripDashes(absl::string_view arg) {
  arg.remove_prefix(1);
  if (absl::StartsWith(arg, "-")) arg.remove_prefix(1);
  return arg;
}

bool IsFlagArgument(absl::string_view arg) {
  return arg.size() >= 2 && arg[0] == '-' && arg != "--";
}

// The name part of a flag argument ("--mem-file=x" -> "mem-file").
absl::string_view FlagNamePart(absl::string_view arg) {
  absl::string_view body = StripDashes(arg);
  return body.substr(0, body.find('='));
}

std::string DashesToUnderscores(absl::string_view name) {
  return absl::StrReplaceAll(name, {{"-", "_"}});
}

// Optimal string alignment distance (Levenshtein plus adjacent
// transpositions).
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string GflagsFlagType(absl::string_view name) {
  gflags::CommandLineFlagInfo info;
  if (name.empty() ||
      !gflags::GetCommandLineFlagInfo(std::string(name).c_str(), &info)) {
    return "";
  }
  return info.type;
}

std::vector<std::string> NormalizeFlagSpellings(
    const std::vector<std::string>& args, const FlagTypeLookup& flag_type) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool positional_only = false;
  bool next_is_value = false;
  for (const std::string& arg : args) {
    if (positional_only || next_is_value || !IsFlagArgument(arg)) {
      // "--" ends the flags unless it is the value of the previous flag.
      if (arg == "--" && !next_is_value) positional_only = true;
      out.push_back(arg);
      next_is_value = false;
      continue;
    }
    const absl::string_view view = arg;
    const size_t dashes = view.size() - StripDashes(view).size();
    const absl::string_view name = FlagNamePart(view);
    const std::string normalized = DashesToUnderscores(name);
    out.push_back(absl::StrCat(view.substr(0, dashes), normalized,
                               view.substr(dashes + name.size())));
    if (dashes + name.size() == view.size()) {  // no '='
      const std::string type = flag_type(normalized);
      next_is_value = !type.empty() && type != "bool";
    }
  }
  return out;
}

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args,
                                   const FlagTypeLookup& flag_type) {
  const std::vector<std::string> normalized =
      NormalizeFlagSpellings(args, flag_type);
  ParsedCommandLine parsed;
  bool positional_only = false;
  for (size_t i = 0; i < normalized.size(); ++i) {
    const std::string& arg = normalized[i];
    if (positional_only) {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      positional_only = true;
      continue;
    }
    if (!IsFlagArgument(arg)) {
      parsed.positional.push_back(arg);
      continue;
    }
    const absl::string_view original = args[i];
    FlagArg flag;
    flag.spelling = std::string(
        original.substr(0, original.size() - StripDashes(original).size() +
                               FlagNamePart(original).size()));
    const absl::string_view body = StripDashes(arg);
    const size_t eq = body.find('=');
    const bool has_value = eq != absl::string_view::npos;
    const std::string name(body.substr(0, eq));
    const std::string type = flag_type(name);
    if (type.empty()) {
      // --nox / --no-x for a bool flag x; -h for --help.
      std::string negated;
      for (absl::string_view prefix : {"no_", "no"}) {
        if (absl::StartsWith(name, prefix) &&
            flag_type(name.substr(prefix.size())) == "bool") {
          negated = name.substr(prefix.size());
          break;
        }
      }
      if (!negated.empty()) {
        flag.name = negated;
        flag.value = "false";
        if (has_value) {
          flag.error = absl::StrCat(flag.spelling, " does not take a value");
        }
      } else if (name == "h" && !has_value && flag_type("help") == "bool") {
        flag.name = "help";
        flag.value = "true";
      } else {
        flag.error = absl::StrCat("unknown flag ", flag.spelling);
      }
    } else {
      flag.name = name;
      if (has_value) {
        flag.value = std::string(body.substr(eq + 1));
      } else if (type == "bool") {
        flag.value = "true";
      } else if (i + 1 < normalized.size()) {
        flag.value = normalized[++i];
      } else {
        flag.error = absl::StrCat("flag ", flag.spelling, " needs a value");
      }
    }
    parsed.flags.push_back(std::move(flag));
  }
  return parsed;
}

std::vector<std::string> SuggestCommands(
    absl::string_view typed, const std::vector<std::string>& known) {
  const std::string lower = absl::AsciiStrToLower(typed);
  const size_t max_distance = lower.size() <= 3 ? 1 : 2;
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& name : known) {
    size_t distance = EditDistance(lower, name);
    const bool prefix = lower.size() >= 2 && (absl::StartsWith(name, lower) ||
                                              absl::StartsWith(lower, name));
    if (distance <= max_distance || prefix) {
      scored.emplace_back(distance, name);
    }
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (auto& [distance, name] : scored) out.push_back(std::move(name));
  return out;
}

}  // namespace internal

namespace {

constexpr size_t kHelpWidth = 80;
constexpr absl::string_view kProgramName = "haywire";

// The flags every command accepts, with the help text to show for them
// (gflags' own descriptions of help and version describe its dump).
struct GlobalFlag {
  absl::string_view name;
  absl::string_view description;  // empty: use the gflags description
};
constexpr GlobalFlag kGlobalFlags[] = {
    {"help", "Show help (for the command, if one is given) and exit."},
    {"verbose", ""},
    {"version", "Print the version and exit."},
};

bool IsGlobalFlag(absl::string_view name) {
  for (const GlobalFlag& flag : kGlobalFlags) {
    if (flag.name == name) return true;
  }
  return false;
}

std::string Dashed(absl::string_view gflags_name) {
  return absl::StrCat("--", absl::StrReplaceAll(gflags_name, {{"_", "-"}}));
}

// gflags' spellings of true; anything else (after validation) is false.
bool IsTrue(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  return lower == "true" || lower == "t" || lower == "yes" || lower == "y" ||
         lower == "1";
}

void PrintStdout(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

const Command* FindCommand(const std::vector<Command>& commands,
                           absl::string_view name) {
  for (const Command& command : commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// "  --name (type, default: value)\n      description\n"
std::string FlagHelp(absl::string_view name, absl::string_view description) {
  gflags::CommandLineFlagInfo info;
  if (!gflags::GetCommandLineFlagInfo(std::string(name).c_str(), &info)) {
    return "";
  }
  std::string default_value = info.default_value;
  if (info.type == "string")
    default_value = absl::StrCat("\"", default_value, "\"");
  std::string out = absl::StrCat("  ", Dashed(info.name), " (", info.type,
                                 ", default: ", default_value, ")\n");
  absl::StrAppend(
      &out,
      internal::WrapAndIndent(
          description.empty() ? info.description : description, kHelpWidth, 6));
  return out;
}

std::string GlobalFlagsHelp() {
  std::string out = "Global flags:\n";
  for (const GlobalFlag& flag : kGlobalFlags) {
    absl::StrAppend(&out, FlagHelp(flag.name, flag.description));
  }
  return out;
}

constexpr absl::string_view kSyntaxHelp =
    "Flags may come before or after the command and may be spelled "
    "--mem-file=X, --mem-file X or --mem_file=X. Bool flags are set with "
    "--flag or --flag=true|false and cleared with --no-flag. '--' ends the "
    "flags; everything after it is an argument.";

std::string ProgramHelp(const std::vector<Command>& commands,
                        const ProgramInfo& program) {
  std::string out = absl::StrCat(kProgramName, " ", program.version, " - ",
                                 program.summary, "\n\n");
  absl::StrAppend(&out, "Usage:\n  ", kProgramName,
                  " <command> [flags] [arguments]\n  ", kProgramName,
                  " help <command>\n\nCommands:\n");
  size_t width = 4;  // "help"
  for (const Command& command : commands) {
    width = std::max(width, command.name.size());
  }
  auto row = [&](absl::string_view name, absl::string_view summary) {
    std::string line =
        absl::StrCat("  ", name, std::string(width + 2 - name.size(), ' '));
    std::string wrapped =
        internal::WrapAndIndent(summary, kHelpWidth, line.size());
    if (wrapped.size() >= line.size()) {
      wrapped.replace(0, line.size(), line);
    } else {
      wrapped = line + "\n";
    }
    absl::StrAppend(&out, wrapped);
  };
  for (const Command& command : commands) row(command.name, command.summary);
  row("help", "Show help for a command.");
  absl::StrAppend(&out, "\n", GlobalFlagsHelp(), "\n",
                  internal::WrapAndIndent(kSyntaxHelp, kHelpWidth, 0), "\n",
                  "Run '", kProgramName,
                  " help <command>' for a command's flags and arguments.\n\n",
                  ExitCodeHelp());
  return out;
}

std::string CommandHelp(const Command& command) {
  std::string out =
      absl::StrCat(kProgramName, " ", command.name, " - ", command.summary,
                   "\n\nUsage:\n  ", kProgramName, " ", command.name);
  if (!command.usage.empty()) absl::StrAppend(&out, " ", command.usage);
  absl::StrAppend(&out, "\n");
  if (!command.help.empty()) {
    absl::StrAppend(&out, "\n",
                    internal::WrapAndIndent(command.help, kHelpWidth, 0));
  }
  if (!command.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n");
    for (const std::string& flag : command.flags) {
      absl::StrAppend(&out, FlagHelp(internal::DashesToUnderscores(flag), ""));
    }
  }
  absl::StrAppend(&out, "\n", GlobalFlagsHelp(), "\n",
                  command.exit_codes.empty()
                      ? ExitCodeHelp()
                      : ExitCodeHelp(command.exit_codes));
  return out;
}

// Checks the table `main()` built; returns an error message or "".
std::string CheckCommandTable(const std::vector<Command>& commands) {
  absl::flat_hash_set<std::string> names;
  for (const Command& command : commands) {
    if (command.name.empty() || command.name == "help" ||
        absl::StartsWith(command.name, "-")) {
      return absl::StrCat("invalid command name '", command.name, "'");
    }
    if (!names.insert(command.name).second) {
      return absl::StrCat("command '", command.name, "' is defined twice");
    }
    if (!command.run) {
      return absl::StrCat("command '", command.name, "' has no run function");
    }
    for (const std::string& flag : command.flags) {
      if (internal::GflagsFlagType(internal::DashesToUnderscores(flag))
              .empty()) {
        return absl::StrCat("command '", command.name, "' accepts flag '", flag,
                            "', which is not defined");
      }
    }
  }
  return "";
}

std::string CommandList(const std::vector<Command>& commands) {
  std::vector<absl::string_view> names;
  for (const Command& command : commands) names.push_back(command.name);
  names.push_back("help");
  return absl::StrJoin(names, ", ");
}

int UnknownCommand(const std::vector<Command>& commands,
                   absl::string_view typed) {
  std::vector<std::string> names;
  for (const Command& command : commands) names.push_back(command.name);
  names.push_back("help");
  const std::vector<std::string> suggestions =
      internal::SuggestCommands(typed, names);
  std::string message = absl::StrCat("unknown command '", typed, "'");
  if (!suggestions.empty()) {
    absl::StrAppend(&message, " (did you mean ",
                    absl::StrJoin(suggestions, " or ",
                                  [](std::string* out, const std::string& s) {
                                    absl::StrAppend(out, "'", s, "'");
                                  }),
                    "?)");
  }
  absl::StrAppend(&message, "; commands: ", CommandList(commands));
  return Fail(ExitCode::kUsage, message);
}

void InitLogging(const char* argv0) {
  FLAGS_logtostderr = true;
  FLAGS_alsologtostderr = false;
  FLAGS_minloglevel = FLAGS_verbose ? google::GLOG_INFO : google::GLOG_WARNING;
  if (!google::IsGoogleLoggingInitialized()) {
    google::InitGoogleLogging(argv0);
  }
}

// Every flag occurrence of the command line RunMain parsed (FlagValues).
std::vector<internal::FlagArg>& ParsedFlags() {
  static auto* flags = new std::vector<internal::FlagArg>();
  return *flags;
}

}  // namespace

std::vector<std::string> FlagValues(absl::string_view name) {
  const std::string wanted = internal::DashesToUnderscores(name);
  std::vector<std::string> values;
  for (const internal::FlagArg& flag : ParsedFlags()) {
    if (flag.name == wanted) values.push_back(flag.value);
  }
  return values;
}

int Fail(ExitCode code, absl::string_view message) {
  std::string line = absl::StrCat(kProgramName, ": ");
  if (message.empty()) message = ExitCodeName(code);
  // Line breaks and tabs become spaces (one line); anything else a terminal
  // would obey (other controls, C1, bidi controls, invalid UTF-8: messages
  // may quote the guest) is escaped by TerminalSafe.
  std::string flat(message);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  line += TerminalSafe(flat);
  while (line.back() == ' ') line.pop_back();
  line.push_back('\n');
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  return ExitCodeValue(code);
}

int Fail(ExitCode code, const absl::Status& status) {
  return Fail(code, status.message());
}

int RunMain(int argc, char** argv, const std::vector<Command>& commands,
            const ProgramInfo& program) {
  Trace("main");
  if (std::string problem = CheckCommandTable(commands); !problem.empty()) {
    return Fail(ExitCode::kFailure, absl::StrCat("internal error: ", problem));
  }
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  const internal::ParsedCommandLine parsed =
      internal::ParseCommandLine(args, internal::GflagsFlagType);

  bool want_help = false;
  bool want_version = false;
  for (const internal::FlagArg& flag : parsed.flags) {
    if (!flag.error.empty()) continue;
    if (flag.name == "help") want_help = IsTrue(flag.value);
    if (flag.name == "version") want_version = IsTrue(flag.value);
  }
  const std::string command_name =
      parsed.positional.empty() ? "" : parsed.positional.front();
  const std::vector<std::string> command_args(
      parsed.positional.begin() + std::min<size_t>(parsed.positional.size(), 1),
      parsed.positional.end());

  // Help and version win over every other problem except an unknown command.
  if (want_version) {
    PrintStdout(absl::StrCat(kProgramName, " ", program.version, "\n"));
    return ExitCodeValue(ExitCode::kOk);
  }
  if (command_name == "help" || (want_help && command_name.empty())) {
    if (command_args.empty()) {
      PrintStdout(ProgramHelp(commands, program));
      return ExitCodeValue(ExitCode::kOk);
    }
    if (command_args.size() > 1 || command_name.empty()) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("usage: ", kProgramName, " help [<command>]"));
    }
    const Command* command = FindCommand(commands, command_args.front());
    if (command == nullptr) return UnknownCommand(commands, command_args[0]);
    PrintStdout(CommandHelp(*command));
    return ExitCodeValue(ExitCode::kOk);
  }
  if (command_name.empty()) {
    return Fail(
        ExitCode::kUsage,
        absl::StrCat("no command given; commands: ", CommandList(commands),
                     "; run '", kProgramName, " help' for details"));
  }
  const Command* command = FindCommand(commands, command_name);
  if (command == nullptr) return UnknownCommand(commands, command_name);
  if (want_help) {
    PrintStdout(CommandHelp(*command));
    return ExitCodeValue(ExitCode::kOk);
  }

  const std::string see_help =
      absl::StrCat("; run '", kProgramName, " help ", command->name, "'");
  absl::flat_hash_set<std::string> accepted;
  for (const std::string& flag : command->flags) {
    accepted.insert(internal::DashesToUnderscores(flag));
  }
  for (const internal::FlagArg& flag : parsed.flags) {
    // A known flag the command does not take is reported as such even if it
    // is also malformed ("ps -v" should not ask for -v's value).
    const bool known = !flag.name.empty();
    if (!known) {
      return Fail(ExitCode::kUsage, absl::StrCat(flag.error, see_help));
    }
    if (!IsGlobalFlag(flag.name) && !accepted.contains(flag.name)) {
      std::vector<std::string> names;
      for (const std::string& name : command->flags) {
        names.push_back(Dashed(internal::DashesToUnderscores(name)));
      }
      std::sort(names.begin(), names.end());
      return Fail(
          ExitCode::kUsage,
          absl::StrCat(command->name, " does not accept ", flag.spelling,
                       " (its flags: ",
                       names.empty() ? "none" : absl::StrJoin(names, " "), ")",
                       see_help));
    }
    if (!flag.error.empty()) {
      return Fail(ExitCode::kUsage, absl::StrCat(flag.error, see_help));
    }
  }
  const int arg_count = static_cast<int>(command_args.size());
  if (arg_count < command->min_args ||
      (command->max_args >= 0 && arg_count > command->max_args)) {
    std::string expected;
    if (command->max_args == 0) {
      expected = "no arguments";
    } else if (command->max_args < 0) {
      expected = absl::StrCat("at least ", command->min_args, " argument",
                              command->min_args == 1 ? "" : "s");
    } else if (command->min_args == command->max_args) {
      expected = absl::StrCat(command->min_args, " argument",
                              command->min_args == 1 ? "" : "s");
    } else {
      expected = absl::StrCat(command->min_args, " to ", command->max_args,
                              " arguments");
    }
    std::vector<std::string> quoted;
    for (const std::string& arg : command_args) {
      quoted.push_back(absl::StrCat("'", arg, "'"));
    }
    return Fail(
        ExitCode::kUsage,
        absl::StrCat(command->name, " takes ", expected, ", got ",
                     quoted.empty() ? "none" : absl::StrJoin(quoted, " "),
                     see_help));
  }

  // gflags parses every value (type and validators); a bad one is a usage
  // error here rather than gflags' exit(1).
  for (const internal::FlagArg& flag : parsed.flags) {
    if (gflags::SetCommandLineOption(flag.name.c_str(), flag.value.c_str())
            .empty()) {
      return Fail(
          ExitCode::kUsage,
          absl::StrCat("invalid value '", flag.value, "' for ", flag.spelling,
                       " (", internal::GflagsFlagType(flag.name), ")",
                       see_help));
    }
  }
  // The canonical command line through gflags' own parser, which also records
  // argv for gflags::GetArgv() and friends. It cannot fail any more.
  std::vector<std::string> canonical = {argc > 0 ? argv[0] : "haywire"};
  for (const internal::FlagArg& flag : parsed.flags) {
    canonical.push_back(absl::StrCat("--", flag.name, "=", flag.value));
  }
  canonical.push_back("--");
  for (const std::string& arg : command_args) canonical.push_back(arg);
  std::vector<char*> canonical_argv;
  for (std::string& arg : canonical) canonical_argv.push_back(arg.data());
  canonical_argv.push_back(nullptr);
  int canonical_argc = static_cast<int>(canonical.size());
  char** canonical_argv_ptr = canonical_argv.data();
  gflags::ParseCommandLineNonHelpFlags(&canonical_argc, &canonical_argv_ptr,
                                       /*remove_flags=*/true);

  ParsedFlags() = parsed.flags;
  InitLogging(canonical[0].c_str());
  TraceWith([&] { return absl::StrCat("flags parsed: ", command->name); });
  const int code = command->run(command_args);
  TraceWith([&] { return absl::StrCat("exit ", code); });
  return code;
}

}  // namespace haywire
