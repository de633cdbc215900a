// Copyright 2026 The Haywire Authors.

#include "haywire/cli/exit_codes.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

TEST(ExitCodeTest, ValuesAreStable) {
  EXPECT_EQ(ExitCodeValue(ExitCode::kOk), 0);
  EXPECT_EQ(ExitCodeValue(ExitCode::kFailure), 1);
  EXPECT_EQ(ExitCodeValue(ExitCode::kUsage), 2);
  EXPECT_EQ(ExitCodeValue(ExitCode::kMemFileUnusable), 3);
  EXPECT_EQ(ExitCodeValue(ExitCode::kNoBeacon), 4);
  EXPECT_EQ(ExitCodeValue(ExitCode::kNoLiveSession), 5);
  EXPECT_EQ(ExitCodeValue(ExitCode::kSessionIncomplete), 6);
  EXPECT_EQ(ExitCodeValue(ExitCode::kVersionMismatch), 7);
  EXPECT_EQ(ExitCodeValue(ExitCode::kBusy), 8);
  EXPECT_EQ(ExitCodeValue(ExitCode::kTimeout), 9);
  EXPECT_EQ(ExitCodeValue(ExitCode::kNoSuchProcess), 10);
  EXPECT_EQ(ExitCodeValue(ExitCode::kGuestError), 11);
  EXPECT_EQ(ExitCodeValue(ExitCode::kGuestSetup), 12);
  EXPECT_EQ(ExitCodeValue(ExitCode::kAmbiguousSession), 13);
}

TEST(ExitCodeTest, Names) {
  EXPECT_EQ(ExitCodeName(ExitCode::kOk), "ok");
  EXPECT_EQ(ExitCodeName(ExitCode::kUsage), "usage");
  EXPECT_EQ(ExitCodeName(ExitCode::kMemFileUnusable), "mem-file-unusable");
  EXPECT_EQ(ExitCodeName(ExitCode::kNoBeacon), "no-beacon");
  EXPECT_EQ(ExitCodeName(ExitCode::kGuestSetup), "guest-setup");
  EXPECT_EQ(ExitCodeName(static_cast<ExitCode>(99)), "unknown");
  EXPECT_EQ(ExitCodeName(static_cast<ExitCode>(-1)), "unknown");
  EXPECT_EQ(ExitCodeDescription(static_cast<ExitCode>(99)), "");
}

TEST(ExitCodeTest, TableIsCompleteUniqueAndWellFormed) {
  std::set<std::string> names;
  int expected_value = 0;
  for (const ExitCodeInfo& info : AllExitCodes()) {
    EXPECT_EQ(ExitCodeValue(info.code), expected_value++);
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    for (char c : info.name) {
      EXPECT_TRUE(absl::ascii_islower(c) || c == '-') << info.name;
    }
    EXPECT_EQ(ExitCodeName(info.code), info.name);
    EXPECT_FALSE(info.description.empty());
    EXPECT_EQ(info.description.back(), '.') << info.name;
  }
  EXPECT_EQ(expected_value, 19);
}

TEST(ExitCodeHelpTest, SubsetIsFormattedAsATable) {
  EXPECT_EQ(ExitCodeHelp({ExitCode::kOk, ExitCode::kMemFileUnusable,
                          ExitCode::kGuestError}),
            "Exit codes:\n"
            "   0  ok                  Success.\n"
            "   3  mem-file-unusable   The RAM file is missing, a directory, "
            "empty, not a\n"
            "                          multiple of 4 KiB in size, or "
            "unreadable.\n"
            "  11  guest-error         The guest companion answered with an "
            "error or a\n"
            "                          malformed response.\n");
}

TEST(ExitCodeHelpTest, FullTableListsEveryCodeWithin80Columns) {
  const std::string help = ExitCodeHelp();
  for (const ExitCodeInfo& info : AllExitCodes()) {
    EXPECT_THAT(help, HasSubstr(std::string(info.name)));
  }
  for (absl::string_view line : absl::StrSplit(help, '\n')) {
    EXPECT_LE(line.size(), 80u) << line;
  }
  EXPECT_THAT(help, HasSubstr("\n  12  guest-setup "));
}

}  // namespace
}  // namespace haywire
