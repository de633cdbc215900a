// Copyright 2026 The Haywire Authors.

#include "haywire/cli/text_wrap.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace haywire {
namespace internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(WrapTextTest, BreaksAtSpacesWithinWidth) {
  EXPECT_THAT(WrapText("aaa bbb ccc ddd", 7),
              ElementsAre("aaa bbb", "ccc ddd"));
  EXPECT_THAT(WrapText("aaa bbb ccc ddd", 8),
              ElementsAre("aaa bbb", "ccc ddd"));
  EXPECT_THAT(WrapText("aaa bbb ccc ddd", 11),
              ElementsAre("aaa bbb ccc", "ddd"));
  EXPECT_THAT(WrapText("aaa bbb", 80), ElementsAre("aaa bbb"));
}

TEST(WrapTextTest, LongWordsGetTheirOwnLine) {
  EXPECT_THAT(WrapText("a /very/long/path b", 5),
              ElementsAre("a", "/very/long/path", "b"));
}

TEST(WrapTextTest, CollapsesSpaces) {
  EXPECT_THAT(WrapText("a    b  ", 80), ElementsAre("a b"));
}

TEST(WrapTextTest, KeepsNewlinesAndPreformattedLines) {
  EXPECT_THAT(
      WrapText("first para\n\n  $ haywire ps   --json\nnext", 6),
      ElementsAre("first", "para", "", "  $ haywire ps   --json", "next"));
}

TEST(WrapTextTest, EmptyAndTrailingNewline) {
  EXPECT_THAT(WrapText("", 10), IsEmpty());
  EXPECT_THAT(WrapText("\n", 10), IsEmpty());
  EXPECT_THAT(WrapText("x\n", 10), ElementsAre("x"));
  EXPECT_THAT(WrapText("x\n\n", 10), ElementsAre("x", ""));
}

TEST(WrapAndIndentTest, IndentsNonEmptyLines) {
  EXPECT_EQ(WrapAndIndent("aaa bbb ccc\n\nddd", 10, 2),
            "  aaa bbb\n  ccc\n\n  ddd\n");
  EXPECT_EQ(WrapAndIndent("", 10, 2), "");
}

}  // namespace
}  // namespace internal
}  // namespace haywire
