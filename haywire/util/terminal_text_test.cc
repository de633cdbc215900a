// Copyright 2026 The Haywire Authors.
//
// TerminalSafe: every C0, DEL, C1, bidi control and invalid byte escaped,
// valid UTF-8 kept, and random bytes that never give a control byte; the
// column helpers on the rendered text.

#include "haywire/util/terminal_text.h"

#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "haywire/util/utf8.h"

namespace haywire {
namespace {

// True if `s` is valid UTF-8 holding no C0, DEL or C1 control and no bidi
// control: safe to write to a terminal.
bool IsTerminalSafe(absl::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    const Utf8Char c = DecodeUtf8(s, pos);
    if (!c.valid) return false;
    const uint32_t cp = c.code_point;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
        (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      return false;
    }
    pos += c.length;
  }
  return true;
}

TEST(TerminalSafeTest, PrintableAsciiIsKept) {
  EXPECT_EQ(TerminalSafe("bash -c 'ls ~/x' 123"), "bash -c 'ls ~/x' 123");
  EXPECT_EQ(TerminalSafe(""), "");
}

TEST(TerminalSafeTest, EveryC0AndDelIsEscaped) {
  for (int b = 0; b < 0x20; ++b) {
    EXPECT_EQ(TerminalSafe(std::string(1, static_cast<char>(b))),
              absl::StrFormat("\\x%02x", b));
  }
  EXPECT_EQ(TerminalSafe("\x7f"), "\\x7f");
  EXPECT_EQ(TerminalSafe("\x1b[2Jevil\x07"), "\\x1b[2Jevil\\x07");
  EXPECT_EQ(TerminalSafe(absl::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(TerminalSafe("a\nb\tc\r"), "a\\x0ab\\x09c\\x0d");
}

TEST(TerminalSafeTest, EveryC1IsEscaped) {
  for (int cp = 0x80; cp <= 0x9F; ++cp) {
    const std::string utf8 = {static_cast<char>(0xC2), static_cast<char>(cp)};
    EXPECT_EQ(TerminalSafe(utf8), absl::StrFormat("\\u%04x", cp));
  }
  EXPECT_EQ(TerminalSafe("x\xC2\x9B"
                         "31mred"),
            "x\\u009b31mred");
}

TEST(TerminalSafeTest, BidiControlsAndSeparatorsAreEscaped) {
  EXPECT_EQ(TerminalSafe("a\xE2\x80\xAE"
                         "cba"),
            "a\\u202ecba");  // RLO
  EXPECT_EQ(TerminalSafe("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD"),
            "\\u202a\\u202b\\u202c\\u202d");
  EXPECT_EQ(TerminalSafe("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9"),
            "\\u2066\\u2067\\u2068\\u2069");
  EXPECT_EQ(TerminalSafe("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C"),
            "\\u200e\\u200f\\u061c");
  EXPECT_EQ(TerminalSafe("\xE2\x80\xA8\xE2\x80\xA9"), "\\u2028\\u2029");
}

TEST(TerminalSafeTest, InvalidUtf8BytesAreEscapedOneByOne) {
  EXPECT_EQ(TerminalSafe("\x9b"
                         "31m"),
            "\\x9b31m");  // 8-bit CSI on a Latin-1 terminal
  EXPECT_EQ(TerminalSafe("\x80\xff\xfe"), "\\x80\\xff\\xfe");
  EXPECT_EQ(TerminalSafe("\xC0\xAF"), "\\xc0\\xaf");           // overlong
  EXPECT_EQ(TerminalSafe("\xED\xA0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(TerminalSafe("\xE2\x82"), "\\xe2\\x82");           // truncated
  EXPECT_EQ(TerminalSafe("\xC3"
                         "A"),
            "\\xc3A");
  // A lone lead byte before a C1 sequence: both are shown.
  EXPECT_EQ(TerminalSafe("\xE2\xC2\x9B"), "\\xe2\\u009b");
}

TEST(TerminalSafeTest, ValidUtf8IsKept) {
  EXPECT_EQ(TerminalSafe("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(TerminalSafe("\xE2\x82\xAC"), "\xE2\x82\xAC");
  EXPECT_EQ(TerminalSafe("\xE4\xB8\xAD\xE6\x96\x87"),
            "\xE4\xB8\xAD\xE6\x96\x87");
  EXPECT_EQ(TerminalSafe("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(TerminalSafe("\xC2\xA0"), "\xC2\xA0");  // U+00A0, after C1
}

TEST(TerminalSafeTest, BackslashIsEscapedSoEscapesCannotBeFaked) {
  EXPECT_EQ(TerminalSafe("\\x1b"), "\\\\x1b");
  EXPECT_NE(TerminalSafe("\\x1b"), TerminalSafe("\x1b"));
  EXPECT_NE(TerminalSafe("\\u009b"), TerminalSafe("\xC2\x9B"));
}

TEST(TerminalSafeTest, RandomBytesNeverGiveAControlByte) {
  std::mt19937 rng(4711);
  for (int i = 0; i < 5000; ++i) {
    std::string input(rng() % 32, '\0');
    for (char& c : input) {
      switch (rng() % 4) {
        case 0:
          c = static_cast<char>(rng() % 0x20);
          break;
        case 1:
          c = static_cast<char>(0x80 + rng() % 0x40);
          break;
        case 2:
          c = static_cast<char>(0xC2 + rng() % 0x30);
          break;
        default:
          c = static_cast<char>(rng());
      }
    }
    const std::string safe = TerminalSafe(input);
    EXPECT_TRUE(IsTerminalSafe(safe)) << safe;
    // Idempotent only up to backslashes; but safe text stays safe.
    EXPECT_TRUE(IsTerminalSafe(TerminalSafe(safe)));
  }
}

TEST(TerminalWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(TerminalWidth("abc"), 3u);
  EXPECT_EQ(TerminalWidth("caf\xC3\xA9"), 4u);
  EXPECT_EQ(TerminalWidth("\xE4\xB8\xAD\xE6\x96\x87"), 4u);  // wide
  EXPECT_EQ(TerminalWidth("e\xCC\x81"), 1u);                 // combining
  EXPECT_EQ(TerminalWidth(TerminalSafe("\x1b")), 4u);        // \x1b
  EXPECT_EQ(TerminalWidth(TerminalSafe("\xC2\x9B")), 6u);    // \u009b
}

TEST(TerminalWidthTest, CutsAndPadsAtCharacterBoundaries) {
  EXPECT_EQ(TruncateToWidth("abcdef", 3), "abc");
  EXPECT_EQ(TruncateToWidth("ab", 3), "ab");
  EXPECT_EQ(TruncateToWidth("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9");
  // A wide character that does not fit whole is left out.
  EXPECT_EQ(TruncateToWidth("a\xE4\xB8\xAD", 2), "a");
  EXPECT_EQ(FitToWidth("rootuser1", 8), "rootuse+");
  EXPECT_EQ(FitToWidth("root", 8), "root");
  EXPECT_EQ(FitToWidth("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9+");
  EXPECT_EQ(PadToWidth("\xC3\xA9", 3), "\xC3\xA9  ");
  EXPECT_EQ(PadToWidth("abcd", 2), "abcd");
}

TEST(AsciiColumnsTest, KeepsColumns) {
  EXPECT_EQ(AsciiColumns("a\xC3\xA9z"), "a?z");
  EXPECT_EQ(AsciiColumns("\xE4\xB8\xAD|"), "??|");
  EXPECT_EQ(AsciiColumns("e\xCC\x81"), "e");
  EXPECT_EQ(AsciiColumns("plain"), "plain");
}

}  // namespace
}  // namespace haywire
