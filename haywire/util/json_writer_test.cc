// Copyright 2026 The Haywire Authors.

#include "haywire/util/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// A small, independent, strict JSON reader used to check that the writer's
// output is well-formed. `Canonical()` re-serialises the parsed value in a
// fixed compact form (strings as decoded bytes in brackets), which lets tests
// compare pretty and compact output structurally.

// Strict UTF-8 check written differently from the writer: decode, then reject
// overlong forms, surrogates and values above U+10FFFF.
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class StrictJsonReader {
 public:
  explicit StrictJsonReader(absl::string_view text) : text_(text) {}

  // Parses exactly one value surrounded by optional whitespace.
  std::optional<std::string> Canonical() {
    if (!IsValidUtf8(text_)) return std::nullopt;
    std::string out;
    SkipSpace();
    if (!Value(&out, 0)) return std::nullopt;
    SkipSpace();
    if (pos_ != text_.size()) return std::nullopt;
    return out;
  }

  // Parses a single string literal and returns its decoded bytes.
  std::optional<std::string> DecodeString() {
    if (!IsValidUtf8(text_)) return std::nullopt;
    std::string out;
    if (!String(&out) || pos_ != text_.size()) return std::nullopt;
    return out;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(absl::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  bool Value(std::string* out, int depth) {
    if (depth > 100 || pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      std::string s;
      if (!String(&s)) return false;
      absl::StrAppend(out, "<", s, ">");
      return true;
    }
    for (absl::string_view literal : {"true", "false", "null"}) {
      if (Consume(literal)) {
        absl::StrAppend(out, literal);
        return true;
      }
    }
    return Number(out);
  }
  bool Object(std::string* out, int depth) {
    ++pos_;
    out->push_back('{');
    SkipSpace();
    if (Consume("}")) {
      out->push_back('}');
      return true;
    }
    while (true) {
      SkipSpace();
      std::string key;
      if (!String(&key)) return false;
      absl::StrAppend(out, "<", key, ">:");
      SkipSpace();
      if (!Consume(":")) return false;
      SkipSpace();
      if (!Value(out, depth + 1)) return false;
      SkipSpace();
      if (Consume("}")) break;
      if (!Consume(",")) return false;
      out->push_back(',');
    }
    out->push_back('}');
    return true;
  }
  bool Array(std::string* out, int depth) {
    ++pos_;
    out->push_back('[');
    SkipSpace();
    if (Consume("]")) {
      out->push_back(']');
      return true;
    }
    while (true) {
      SkipSpace();
      if (!Value(out, depth + 1)) return false;
      SkipSpace();
      if (Consume("]")) break;
      if (!Consume(",")) return false;
      out->push_back(',');
    }
    out->push_back(']');
    return true;
  }
  bool Number(std::string* out) {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        ++pos_;
      }
      return pos_ - from;
    };
    Consume("-");
    if (Consume("0")) {
      // No leading zeros.
    } else if (digits() == 0) {
      return false;
    }
    if (Consume(".") && digits() == 0) return false;
    if (Consume("e") || Consume("E")) {
      if (!Consume("+")) Consume("-");
      if (digits() == 0) return false;
    }
    absl::StrAppend(out, text_.substr(start, pos_ - start));
    return true;
  }
  bool Hex4(uint32_t* value) {
    if (pos_ + 4 > text_.size()) return false;
    *value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      *value <<= 4;
      if (c >= '0' && c <= '9') {
        *value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        *value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        *value |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    return true;
  }
  bool String(std::string* out) {
    if (!Consume("\"")) return false;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;  // raw control characters are invalid
      if (c != '\\') {
        out->push_back(static_cast<char>(c));
        continue;
      }
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (!Consume("\\u") || !Hex4(&low) || low < 0xDC00 ||
                low > 0xDFFF) {
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

std::string Compact(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w(JsonWriter::Style::kCompact);
  build(w);
  absl::StatusOr<std::string> out = std::move(w).Finish();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

std::string Pretty(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w(JsonWriter::Style::kPretty);
  build(w);
  absl::StatusOr<std::string> out = std::move(w).Finish();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

const char kFffd[] = "\xEF\xBF\xBD";

// ---------------------------------------------------------------------------
// Scalars.

TEST(JsonWriterTest, TopLevelScalars) {
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Int(0); }), "0");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Int(-42); }), "-42");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Int(std::numeric_limits<int64_t>::min());
            }),
            "-9223372036854775808");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Int(std::numeric_limits<int64_t>::max());
            }),
            "9223372036854775807");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Uint(std::numeric_limits<uint64_t>::max());
            }),
            "18446744073709551615");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Bool(true); }), "true");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Bool(false); }), "false");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Null(); }), "null");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.String(""); }), "\"\"");
  EXPECT_EQ(Pretty([](JsonWriter& w) { w.String("x"); }), "\"x\"");
}

TEST(JsonWriterTest, Doubles) {
  auto d = [](double v) {
    return Compact([v](JsonWriter& w) { w.Double(v); });
  };
  EXPECT_EQ(d(0.0), "0");
  EXPECT_EQ(d(-0.0), "-0");
  EXPECT_EQ(d(1.0), "1");
  EXPECT_EQ(d(0.1), "0.1");
  EXPECT_EQ(d(-2.5), "-2.5");
  EXPECT_EQ(d(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(d(123456789.125), "123456789.125");
  EXPECT_EQ(d(1e100), "1e+100");
  EXPECT_EQ(d(1e-7), "1e-07");
  EXPECT_EQ(d(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(d(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(d(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(d(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(d(-std::numeric_limits<double>::infinity()), "null");
  // Every finite rendering is valid JSON and reads back exactly.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = rng();
    double v;
    static_assert(sizeof(v) == sizeof(bits));
    memcpy(&v, &bits, sizeof(v));
    const std::string text = d(v);
    if (!std::isfinite(v)) {
      EXPECT_EQ(text, "null");
      continue;
    }
    ASSERT_TRUE(StrictJsonReader(text).Canonical().has_value()) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

// ---------------------------------------------------------------------------
// Layout.

void BuildSample(JsonWriter& w) {
  w.BeginObject();
  w.Key("pid").Int(1);
  w.Key("comm").String("systemd");
  w.Key("ok").Bool(true);
  w.Key("none").Null();
  w.Key("threads").BeginArray().Int(1).Uint(2).EndArray();
  w.Key("empty_object").BeginObject().EndObject();
  w.Key("empty_array").BeginArray().EndArray();
  w.Key("nested").BeginArray();
  w.BeginObject().Key("a").Double(0.5).EndObject();
  w.BeginArray().BeginArray().EndArray().EndArray();
  w.EndArray();
  w.EndObject();
}

TEST(JsonWriterTest, CompactLayout) {
  EXPECT_EQ(Compact(BuildSample),
            R"({"pid":1,"comm":"systemd","ok":true,"none":null,)"
            R"("threads":[1,2],"empty_object":{},"empty_array":[],)"
            R"("nested":[{"a":0.5},[[]]]})");
}

TEST(JsonWriterTest, PrettyLayout) {
  EXPECT_EQ(Pretty(BuildSample), R"({
  "pid": 1,
  "comm": "systemd",
  "ok": true,
  "none": null,
  "threads": [
    1,
    2
  ],
  "empty_object": {},
  "empty_array": [],
  "nested": [
    {
      "a": 0.5
    },
    [
      []
    ]
  ]
})");
}

TEST(JsonWriterTest, PrettyAndCompactParseToTheSameValue) {
  const std::optional<std::string> compact =
      StrictJsonReader(Compact(BuildSample)).Canonical();
  const std::optional<std::string> pretty =
      StrictJsonReader(Pretty(BuildSample)).Canonical();
  ASSERT_TRUE(compact.has_value());
  ASSERT_TRUE(pretty.has_value());
  EXPECT_EQ(*compact, *pretty);
}

TEST(JsonWriterTest, EmptyTopLevelContainers) {
  EXPECT_EQ(Compact([](JsonWriter& w) { w.BeginObject().EndObject(); }), "{}");
  EXPECT_EQ(Pretty([](JsonWriter& w) { w.BeginArray().EndArray(); }), "[]");
}

TEST(JsonWriterTest, KeysAreEscaped) {
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.BeginObject().Key("a\"b\n").Int(1).EndObject();
            }),
            R"({"a\"b\n":1})");
}

TEST(JsonWriterTest, DoneAndOutputTrackProgress) {
  JsonWriter w;
  EXPECT_FALSE(w.done());
  w.BeginArray().Int(1);
  EXPECT_FALSE(w.done());
  EXPECT_EQ(w.output(), "[1");
  w.EndArray();
  EXPECT_TRUE(w.done());
  EXPECT_TRUE(w.status().ok());
}

// ---------------------------------------------------------------------------
// String escaping.

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
  EXPECT_EQ(JsonQuote("\xC2\x80"), "\"\xC2\x80\"");                  // U+0080
  EXPECT_EQ(JsonQuote("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\"");          // U+FFFF
  EXPECT_EQ(JsonQuote("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // max
  EXPECT_EQ(JsonQuote("\xED\x9F\xBF"), "\"\xED\x9F\xBF\"");          // U+D7FF
  EXPECT_EQ(JsonQuote("\xEE\x80\x80"), "\"\xEE\x80\x80\"");          // U+E000
  // Line and paragraph separators are escaped for JavaScript consumers.
  EXPECT_EQ(JsonQuote("\xE2\x80\xA8\xE2\x80\xA9"), R"("\u2028\u2029")");
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

// ---------------------------------------------------------------------------
// Misuse.

absl::Status ErrorOf(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w;
  build(w);
  return std::move(w).Finish().status();
}

TEST(JsonWriterErrorTest, NestingErrors) {
  struct Case {
    const char* name;
    std::function<void(JsonWriter&)> build;
    const char* message;
  };
  const Case cases[] = {
      {"value without key", [](JsonWriter& w) { w.BeginObject().Int(1); },
       "Int() at $: a value inside an object needs a Key() first"},
      {"key in array", [](JsonWriter& w) { w.BeginArray().Int(1).Key("k"); },
       "Key(\"k\") at $[1]: keys are only allowed directly inside an object"},
      {"key at top level", [](JsonWriter& w) { w.Key("k"); },
       "keys are only allowed directly inside an object"},
      {"two keys", [](JsonWriter& w) { w.BeginObject().Key("a").Key("b"); },
       "Key(\"b\") at $.a: key \"a\" has no value yet"},
      {"end object in array", [](JsonWriter& w) { w.BeginArray().EndObject(); },
       "EndObject() at $[0]: the innermost open container is an array"},
      {"end array in object", [](JsonWriter& w) { w.BeginObject().EndArray(); },
       "EndArray() at $: the innermost open container is an object"},
      {"end with nothing open", [](JsonWriter& w) { w.EndArray(); },
       "EndArray() at $: no container is open"},
      {"end object after key",
       [](JsonWriter& w) { w.BeginObject().Key("a").EndObject(); },
       "EndObject() at $.a: key \"a\" has no value"},
      {"two top-level values", [](JsonWriter& w) { w.Int(1).Int(2); },
       "Int() at $: the document already has its top-level value"},
      {"finish with open containers",
       [](JsonWriter& w) { w.BeginArray().BeginObject(); },
       "Finish() at $[0]: 2 container(s) still open"},
      {"finish empty", [](JsonWriter&) {},
       "Finish() at $: nothing has been written"},
      {"deep path",
       [](JsonWriter& w) {
         w.BeginObject().Key("procs").BeginArray().Int(1).BeginObject().Null();
       },
       "Null() at $.procs[1]: a value inside an object needs a Key() first"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ErrorOf(c.build);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << c.name;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message)) << c.name;
  }
}

TEST(JsonWriterErrorTest, FirstErrorIsStickyAndLaterCallsAreIgnored) {
  JsonWriter w;
  w.BeginObject().Int(1);  // error
  const std::string after_error = w.output();
  const absl::Status first = w.status();
  EXPECT_FALSE(first.ok());
  w.Key("a").Int(2).EndArray().EndObject();
  EXPECT_EQ(w.output(), after_error);
  EXPECT_EQ(w.status(), first);
  EXPECT_FALSE(w.done());
  EXPECT_EQ(std::move(w).Finish().status(), first);
}

}  // namespace
}  // namespace haywire
