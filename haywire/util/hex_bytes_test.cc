// Copyright 2026 The Haywire Authors.

#include "haywire/util/hex_bytes.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(HexBytesTest, ParsesEverySpelling) {
  const std::string want("\xde\xad\xbe\xef", 4);
  for (const char* text : {"deadbeef", "DEADBEEF", "de ad be ef", "de:ad:be:ef",
                           "0xdeadbeef", " de  ad be ef "}) {
    absl::StatusOr<std::string> got = ParseHexBytes(text);
    ASSERT_TRUE(got.ok()) << text << ": " << got.status();
    EXPECT_EQ(*got, want) << text;
  }
  EXPECT_EQ(*ParseHexBytes("00"), std::string(1, '\0'));
  EXPECT_EQ(*ParseHexBytes(""), "");
}

TEST(HexBytesTest, RefusesWhatIsNotHexBytes) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"abc", "odd number"},
      {"a bc", "splits a byte at position 2"},
      {"zz", "'z' at position 1"},
      {"de\nad", "'\\n' at position 3"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = ParseHexBytes(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_TRUE(absl::StrContains(got.status().message(), c.says))
        << got.status();
  }
}

TEST(HexBytesTest, TextRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string text = HexBytesText(all);
  EXPECT_EQ(text.substr(0, 11), "00 01 02 03");
  EXPECT_EQ(*ParseHexBytes(text), all);
}

}  // namespace
}  // namespace haywire
