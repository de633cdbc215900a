// Copyright 2026 The Haywire Authors.
//
// A tiny program built on RunMain() for command_test's end-to-end tests: two
// fake commands and a few flags of each type.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gflags/gflags.h"
#include "glog/logging.h"
#include "haywire/cli/command.h"
#include "haywire/cli/exit_codes.h"

DEFINE_string(user_name, "world", "Who to greet.");
DEFINE_int32(count, 1, "How many times to greet. Must not be negative.");
DEFINE_bool(shout, false, "Greet in upper case.");
DEFINE_string(mem_file, "", "Path of the guest RAM file.");
DEFINE_validator(count, [](const char*, int32_t value) { return value >= 0; });

namespace {

int RunGreet(const std::vector<std::string>& args) {
  LOG(INFO) << "greeting " << FLAGS_user_name;
  std::string greeting = absl::StrCat("hello ", FLAGS_user_name);
  if (FLAGS_shout) absl::AsciiStrToUpper(&greeting);
  for (int i = 0; i < FLAGS_count; ++i) std::printf("%s\n", greeting.c_str());
  std::printf("args: %s\n", absl::StrJoin(args, "|").c_str());
  std::printf("verbose: %d\n", FLAGS_verbose ? 1 : 0);
  return haywire::ExitCodeValue(haywire::ExitCode::kOk);
}

int RunProbe(const std::vector<std::string>&) {
  if (FLAGS_mem_file.empty()) {
    return haywire::Fail(haywire::ExitCode::kUsage, "--mem-file is required");
  }
  LOG(WARNING) << "probing " << FLAGS_mem_file;
  return haywire::Fail(
      haywire::ExitCode::kNoBeacon,
      absl::StrCat("no haywire page in ", FLAGS_mem_file, "\nsecond line"));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<haywire::Command> commands;
  commands.push_back({
      .name = "greet",
      .summary = "Print a greeting.",
      .usage = "[--user-name=NAME] [--count=N] [--shout] [ARG...]",
      .help = "Prints 'hello NAME' COUNT times, then the arguments.\n\n"
              "Example:\n"
              "  testdata_cli_main greet --user-name=Ann --count 2",
      .flags = {"user_name", "count", "shout"},
      .max_args = -1,
      .run = RunGreet,
  });
  commands.push_back({
      .name = "probe",
      .summary = "Look for a beacon page (always fails).",
      .usage = "--mem-file=PATH",
      .help = "Pretends to scan the RAM file and reports that no beacon was "
              "found.",
      .flags = {"mem-file"},
      .exit_codes = {haywire::ExitCode::kOk, haywire::ExitCode::kUsage,
                     haywire::ExitCode::kMemFileUnusable,
                     haywire::ExitCode::kNoBeacon},
      .run = RunProbe,
  });
  if (std::getenv("TESTDATA_CLI_BAD_TABLE") != nullptr) {
    commands.push_back(
        {.name = "broken", .flags = {"no-such-flag"}, .run = RunProbe});
  }
  return haywire::RunMain(argc, argv, commands,
                          {.version = "1.2.3-test", .summary = "test CLI"});
}
