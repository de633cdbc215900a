// Copyright 2026 The Haywire Authors.
//
// Subcommand dispatch for the single `haywire` binary.
//
// `haywire` is one executable with subcommands (`haywire ps --mem-file=...`).
// Flags are ordinary gflags (`DEFINE_string(mem_file, ...)`) defined next to
// the code that uses them; every flag is global to the process, so each
// `Command` lists the flags it accepts and `RunMain()` rejects any other.
// The binary's `main()` builds an explicit table of commands (no static
// registration) and hands it to `RunMain()`:
//
//   // haywire/ps_command.cc
//   DEFINE_bool(json, false, "Print JSON instead of a table.");
//   int RunPs(const std::vector<std::string>& args) {
//     ...
//     if (!status.ok()) return haywire::Fail(haywire::ExitCode::kNoBeacon,
//                                            status.message());
//     return haywire::ExitCodeValue(haywire::ExitCode::kOk);
//   }
//
//   // haywire/main.cc
//   int main(int argc, char** argv) {
//     std::vector<haywire::Command> commands;
//     commands.push_back({
//         .name = "ps",
//         .summary = "List the guest's processes.",
//         .usage = "--mem-file=PATH [--json]",
//         .help = "Reads the process table through the guest companion...",
//         .flags = {"mem-file", "json"},
//         .run = RunPs,
//     });
//     return haywire::RunMain(argc, argv, commands);
//   }
//
// Command-line syntax accepted by `RunMain()`:
//
//   * The command is the first argument that is neither a flag nor a flag's
//     value; flags may come before or after it, and the remaining positional
//     arguments go to `Command::run` in order.
//   * Flag names may be written with dashes or underscores, with one or two
//     leading dashes: `--mem-file=X`, `--mem-file X`, `--mem_file=X`,
//     `-mem-file=X` all set `FLAGS_mem_file`. Only the name is respelled,
//     never a value or a positional argument.
//   * Non-bool flags take their value after `=` or as the next argument (even
//     if it starts with a dash). Bool flags take `--x`, `--x=true|false` (also
//     1/0, yes/no, t/f, y/n) and `--nox` or `--no-x`; never a separate
//     argument.
//   * `--` ends flag parsing; everything after it is positional.
//   * `-h` means `--help`.
//
// Built-in behaviour:
//
//   * `haywire --help`, `haywire help`: the command list, global flags and
//     exit codes, on stdout, exit 0.
//   * `haywire help CMD`, `haywire CMD --help`: the command's usage, long help,
//     accepted flags (spelled `--mem-file`, with gflags type, default and
//     description), global flags and exit codes, on stdout, exit 0.
//   * `haywire --version`: "haywire <version>" on stdout, exit 0.
//   * Every command accepts the global flags `--help`, `--version` and
//     `--verbose`. Without `--verbose` glog only prints WARNING and above;
//     with it, INFO too. glog always logs to stderr only.
//   * Usage errors (no command, unknown command, unknown flag, a flag the
//     command does not accept, a bad flag value, a missing flag value, too
//     few or too many arguments) print one line `haywire: <problem>` on stderr
//     and exit with `ExitCode::kUsage` (2). An unknown command lists the
//     closest command names.
//   * A malformed command table (duplicate or reserved name, a listed flag
//     that is not defined, no `run`) prints one line and exits with
//     `ExitCode::kFailure` (1).
//
// Flag values are parsed by gflags itself (types and `DEFINE_validator`s):
// each value is first checked with `gflags::SetCommandLineOption()` so a bad
// value gives the one-line usage error above, then the canonical command line
// is handed to `gflags::ParseCommandLineNonHelpFlags(remove_flags=true)`.
// gflags' own `--help`/`--helpfull` dump and its exit(1) on errors are never
// reached.

#ifndef HAYWIRE_CLI_COMMAND_H_
#define HAYWIRE_CLI_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gflags/gflags.h"
#include "haywire/cli/exit_codes.h"

// True if --verbose was given: glog logs INFO and above.
DECLARE_bool(verbose);

namespace haywire {

// One subcommand of the `haywire` binary.
struct Command {
  // What the user types, e.g. "ps" or "guest-serve". Must not be "help".
  std::string name = {};
  // One line (no trailing period needed) for the command list.
  std::string summary = {};
  // Synopsis after "haywire <name>" in help, e.g. "--mem-file=PATH [--json]
  // PID". May be empty.
  std::string usage = {};
  // Long help text: what the command does and prints. Paragraphs are
  // separated by "\n\n"; lines are re-wrapped to 80 columns, except lines
  // starting with a space, which are printed verbatim (for examples).
  std::string help = {};
  // gflags names of the flags the command accepts, with dashes or
  // underscores ("mem-file" and "mem_file" are the same flag). The global
  // flags (help, version, verbose) are always accepted.
  std::vector<std::string> flags = {};
  // Number of positional arguments after the command name. `max_args` < 0
  // means no upper limit.
  int min_args = 0;
  int max_args = 0;
  // The exit codes to list in the command's help; empty lists all of them.
  std::vector<ExitCode> exit_codes = {};
  // Runs the command with its positional arguments (command name excluded)
  // once every flag has been set. Returns the process exit status, normally
  // `ExitCodeValue(ExitCode::kOk)` or the result of `Fail()`.
  std::function<int(const std::vector<std::string>& args)> run = {};
};

// Describes the program as a whole, for `--version` and `haywire help`.
struct ProgramInfo {
  std::string version = "0.1.0";
  std::string summary = "inspect a QEMU guest through its RAM file";
};

// Parses the command line, dispatches to the selected command and returns
// the process exit status (see the file comment). Initialises glog. Call
// once, from `main()`.
int RunMain(int argc, char** argv, const std::vector<Command>& commands,
            const ProgramInfo& program = ProgramInfo());

// Prints "haywire: <message>" as a single line on stderr (newlines, carriage
// returns and tabs in `message` become spaces, everything else goes through
// TerminalSafe, haywire/util/terminal_text.h) and returns
// `ExitCodeValue(code)`, so a command can `return Fail(...)`.
int Fail(ExitCode code, absl::string_view message);

// As above with `status.message()`. An OK status prints the name of `code`.
int Fail(ExitCode code, const absl::Status& status);

// Every value the command line gave the flag `name` (either spelling), in
// order. gflags keeps only the last; commands that take a flag several
// times (`watch --all --mem-file=A --mem-file=B`) read them all here. Empty
// before RunMain has parsed the command line or when the flag was not given.
std::vector<std::string> FlagValues(absl::string_view name);

namespace internal {

// Returns the gflags type name ("bool", "int32", "uint64", "double",
// "string", ...) of the flag called `name` (underscore spelling), or "" if
// there is no such flag.
using FlagTypeLookup = std::function<std::string(absl::string_view name)>;

// The lookup backed by the process's gflags registry.
std::string GflagsFlagType(absl::string_view name);

// Returns `args` with every '-' in flag names replaced by '_' ("--mem-file=a-b"
// becomes "--mem_file=a-b"). Positional arguments, flag values (after '=' or
// the argument following a non-bool flag given without '='; `flag_type`
// decides which flags take a value) and everything after "--" are copied
// unchanged. "-" alone is positional.
std::vector<std::string> NormalizeFlagSpellings(
    const std::vector<std::string>& args, const FlagTypeLookup& flag_type);

// One flag occurrence on the command line.
struct FlagArg {
  // As typed, without "=value", for messages: "--mem-file", "-no-json".
  std::string spelling;
  // gflags name ("mem_file"), or "" for an unknown flag.
  std::string name;
  // Value to give gflags: as typed, "true" for a bare bool flag, "false" for
  // a negated one.
  std::string value;
  // Non-empty if the occurrence is unusable: "unknown flag --x", "flag --x
  // needs a value", "--nox does not take a value".
  std::string error;
};

struct ParsedCommandLine {
  std::vector<FlagArg> flags;           // in command-line order
  std::vector<std::string> positional;  // in order, the command name first
};

// Splits `args` (argv without argv[0]) into flags and positional arguments
// following the syntax in the file comment. Never fails: problems are
// recorded per flag in `FlagArg::error`.
ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args,
                                   const FlagTypeLookup& flag_type);

// The names in `known` that `typed` is plausibly a typo of (small edit
// distance, transpositions included, or a prefix either way), closest first.
std::vector<std::string> SuggestCommands(absl::string_view typed,
                                         const std::vector<std::string>& known);

}  // namespace internal
}  // namespace haywire

#endif  // HAYWIRE_CLI_COMMAND_H_
