// Copyright 2026 The Haywire Authors.

#include "haywire/testing/command_checks.h"

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace haywire {

std::string HaywirePath() { return RunfilePath("haywire/haywire"); }

SubprocessResult RunCommand(const std::vector<std::string>& argv,
                            absl::Duration timeout) {
  absl::StatusOr<SubprocessResult> result = RunSubprocess(argv, timeout);
  if (!result.ok()) {
    SubprocessResult failed;
    failed.timed_out = true;
    failed.err = absl::StrCat("cannot run ", argv.empty() ? "" : argv[0], ": ",
                              result.status().ToString());
    return failed;
  }
  return *std::move(result);
}

void ExpectEndedByItself(const SubprocessResult& result) {
  EXPECT_FALSE(result.timed_out) << result.DebugString();
  EXPECT_EQ(result.term_signal, 0) << result.DebugString();
}

void ExpectOneLineError(const SubprocessResult& result, int code) {
  EXPECT_EQ(result.exit_code, code) << result.DebugString();
  EXPECT_TRUE(absl::StartsWith(result.err, "haywire: "))
      << result.DebugString();
  ASSERT_FALSE(result.err.empty());
  EXPECT_EQ(result.err.back(), '\n') << result.DebugString();
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
      << result.DebugString();
}

}  // namespace haywire
