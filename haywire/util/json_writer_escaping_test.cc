// Copyright 2026 The Haywire Authors.
//
// JsonQuote and AppendJsonString: short escapes, every control character,
// valid UTF-8 passed through (but U+2028/U+2029 escaped), invalid UTF-8
// replaced by U+FFFD per maximal subpart, and random bytes that always quote
// to a valid JSON string.

#include <cstdio>
#include <optional>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/json_writer_test_support.h"

namespace haywire {
namespace {

const char kFffd[] = "\xEF\xBF\xBD";

TEST(JsonQuoteTest, ShortEscapes) {
  EXPECT_EQ(JsonQuote("\""), R"("\"")");
  EXPECT_EQ(JsonQuote("\\"), R"("\\")");
  EXPECT_EQ(JsonQuote("/"), R"("/")");
  EXPECT_EQ(JsonQuote("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(JsonQuote("plain text 123 ~"), R"("plain text 123 ~")");
}

TEST(JsonQuoteTest, EveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string expected;
    switch (c) {
      case '\b':
        expected = R"("\b")";
        break;
      case '\f':
        expected = R"("\f")";
        break;
      case '\n':
        expected = R"("\n")";
        break;
      case '\r':
        expected = R"("\r")";
        break;
      case '\t':
        expected = R"("\t")";
        break;
      default: {
        char buf[16];
        snprintf(buf, sizeof(buf), "\"\\u%04x\"", c);
        expected = buf;
      }
    }
    EXPECT_EQ(JsonQuote(std::string(1, static_cast<char>(c))), expected)
        << "c=" << c;
  }
  EXPECT_EQ(JsonQuote(absl::string_view("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(JsonQuote("\x7f"), R"("\u007f")");
  EXPECT_EQ(JsonQuote("\x1b[31m"), R"("\u001b[31m")");
}

TEST(JsonQuoteTest, ValidUtf8PassesThrough) {
  EXPECT_EQ(JsonQuote("\xC3\xA9"), "\"\xC3\xA9\"");                  // é
  EXPECT_EQ(JsonQuote("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");          // €
  EXPECT_EQ(JsonQuote("\xF0\x9D\x84\x9E"), "\"\xF0\x9D\x84\x9E\"");  // 𝄞
  EXPECT_EQ(JsonQuote("\xC2\xA0"), "\"\xC2\xA0\"");                  // U+00A0
  EXPECT_EQ(JsonQuote("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\"");          // U+FFFF
  EXPECT_EQ(JsonQuote("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // max
  EXPECT_EQ(JsonQuote("\xED\x9F\xBF"), "\"\xED\x9F\xBF\"");          // U+D7FF
  EXPECT_EQ(JsonQuote("\xEE\x80\x80"), "\"\xEE\x80\x80\"");          // U+E000
  // Line and paragraph separators are escaped for JavaScript consumers.
  EXPECT_EQ(JsonQuote("\xE2\x80\xA8\xE2\x80\xA9"), R"("\u2028\u2029")");
}

TEST(JsonQuoteTest, C1ControlsAreEscaped) {
  for (int cp = 0x80; cp <= 0x9F; ++cp) {
    const std::string utf8 = {static_cast<char>(0xC2), static_cast<char>(cp)};
    char expected[16];
    snprintf(expected, sizeof(expected), "\"\\u%04x\"", cp);
    EXPECT_EQ(JsonQuote(utf8), expected) << "cp=" << cp;
  }
  // The 8-bit CSI, well-formed (C2 9B) and as a lone byte (invalid UTF-8).
  EXPECT_EQ(JsonQuote("a\xC2\x9B"
                      "31m"),
            R"("a\u009b31m")");
  EXPECT_EQ(JsonQuote("a\x9B"
                      "31m"),
            absl::StrCat("\"a", kFffd, "31m\""));
}

TEST(JsonQuoteTest, BidiControlsAreEscaped) {
  EXPECT_EQ(JsonQuote("a\xE2\x80\xAE"
                      "cba"),
            R"("a\u202ecba")");
  EXPECT_EQ(JsonQuote("\xE2\x80\xAA\xE2\x80\xAD\xE2\x81\xA6\xE2\x81\xA9"),
            R"("\u202a\u202d\u2066\u2069")");
  EXPECT_EQ(JsonQuote("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C"),
            R"("\u200e\u200f\u061c")");
}

TEST(JsonQuoteTest, InvalidUtf8IsReplaced) {
  auto q = [](absl::string_view s) { return JsonQuote(s); };
  auto r = [](int n, absl::string_view before = "",
              absl::string_view after = "") {
    std::string s = absl::StrCat("\"", before);
    for (int i = 0; i < n; ++i) s += kFffd;
    return absl::StrCat(s, after, "\"");
  };
  EXPECT_EQ(q("\x80"), r(1));              // lone continuation
  EXPECT_EQ(q("\xBF\xBF"), r(2));          // two lone continuations
  EXPECT_EQ(q("\xC0\xAF"), r(2));          // overlong '/', C0 never valid
  EXPECT_EQ(q("\xC1\xBF"), r(2));          // C1 never valid
  EXPECT_EQ(q("\xE0\x80\x80"), r(3));      // overlong 3-byte NUL
  EXPECT_EQ(q("\xE0\x9F\xBF"), r(3));      // overlong U+07FF
  EXPECT_EQ(q("\xED\xA0\x80"), r(3));      // surrogate U+D800
  EXPECT_EQ(q("\xED\xBF\xBF"), r(3));      // surrogate U+DFFF
  EXPECT_EQ(q("\xF0\x80\x80\x80"), r(4));  // overlong 4-byte
  EXPECT_EQ(q("\xF4\x90\x80\x80"), r(4));  // U+110000
  EXPECT_EQ(q("\xF5\x80\x80\x80"), r(4));  // F5 never valid
  EXPECT_EQ(q("\xFE\xFF"), r(2));
  EXPECT_EQ(q("\xC3"), r(1));      // truncated at end
  EXPECT_EQ(q("\xE2\x82"), r(1));  // truncated maximal subpart
  EXPECT_EQ(q("\xF0\x9F\x98"), r(1));
  EXPECT_EQ(q("\xE2\x82z"), r(1, "", "z"));      // interrupted by ASCII
  EXPECT_EQ(q("a\xC3\"b"), r(1, "a", "\\\"b"));  // the quote is still escaped
  EXPECT_EQ(q("\xC3\xC3\xA9"), r(1, "", "\xC3\xA9"));
  // Unicode 15, table 3-8 (U+FFFD for maximal subparts).
  EXPECT_EQ(q("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            absl::StrCat("\"a", kFffd, kFffd, kFffd, "b", kFffd, "c", kFffd,
                         kFffd, "d\""));
}

TEST(JsonQuoteTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string input(rng() % 24, '\0');
    for (char& c : input) {
      // Bias towards interesting bytes.
      switch (rng() % 4) {
        case 0:
          c = static_cast<char>(rng() % 0x20);
          break;
        case 1:
          c = static_cast<char>(0x80 + rng() % 0x80);
          break;
        default:
          c = static_cast<char>(rng());
      }
    }
    const std::string quoted = JsonQuote(input);
    const std::optional<std::string> decoded =
        StrictJsonReader(quoted).DecodeString();
    ASSERT_TRUE(decoded.has_value()) << quoted;
    if (IsValidUtf8(input)) {
      EXPECT_EQ(*decoded, input);
    }
  }
}

TEST(JsonQuoteTest, AppendsToExistingString) {
  std::string out = "x=";
  AppendJsonString("y", &out);
  EXPECT_EQ(out, R"(x="y")");
}

}  // namespace
}  // namespace haywire
