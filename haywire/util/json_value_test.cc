// Copyright 2026 The Haywire Authors.

#include "haywire/util/json_value.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

// Parses `text`, which the test expects to be valid.
JsonValue Parse(absl::string_view text) {
  absl::StatusOr<JsonValue> value = ParseJson(text);
  EXPECT_TRUE(value.ok()) << "input: " << text << "\n" << value.status();
  return value.ok() ? *std::move(value) : JsonValue();
}

// The error message for `text`, which the test expects to be invalid.
std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<JsonValue> value = ParseJson(text);
  if (value.ok()) {
    ADD_FAILURE() << "input " << text << " parsed as " << *value;
    return "";
  }
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(value.status().message());
}

// --- Literals and whitespace -------------------------------------------------

TEST(ParseJsonTest, Literals) {
  EXPECT_TRUE(Parse("null").is_null());
  EXPECT_EQ(Parse("true").as_bool(), true);
  EXPECT_EQ(Parse("false").as_bool(), false);
  EXPECT_EQ(Parse("null").type(), JsonValue::Type::kNull);
  EXPECT_EQ(Parse("true").type(), JsonValue::Type::kBool);
}

TEST(ParseJsonTest, SurroundingWhitespaceIsAllowed) {
  EXPECT_EQ(Parse(" \t\r\n true \n\r\t ").as_bool(), true);
  EXPECT_EQ(Parse("\n[ 1 ,\t2 ]\n").size(), 2u);
}

TEST(ParseJsonTest, RejectsBadLiterals) {
  for (absl::string_view text :
       {"tru", "True", "nul", "NaN", "Infinity", "undefined"}) {
    EXPECT_THAT(ErrorOf(text), HasSubstr("invalid literal")) << text;
  }
}

TEST(ParseJsonTest, RejectsEmptyInput) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("unexpected end of input"));
  EXPECT_THAT(ErrorOf("  \n "), HasSubstr("unexpected end of input"));
}

TEST(ParseJsonTest, RejectsTrailingGarbage) {
  EXPECT_THAT(ErrorOf("true false"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("{} x"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("[1]]"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("1 2"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("nullx"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf(absl::string_view("0\0", 2)), HasSubstr("a NUL byte"));
}

TEST(ParseJsonTest, RejectsWhitespaceOutsideTheRfc) {
  EXPECT_THAT(ErrorOf("\v1"), HasSubstr("invalid literal"));
  EXPECT_THAT(ErrorOf("\f1"), HasSubstr("invalid literal"));
  EXPECT_THAT(ErrorOf("\xC2\xA0"
                      "1"),
              HasSubstr("invalid literal"));
}

TEST(ParseJsonTest, RejectsByteOrderMark) {
  EXPECT_THAT(ErrorOf("\xEF\xBB\xBF{}"), HasSubstr("byte order mark"));
}

TEST(ParseJsonTest, RejectsComments) {
  EXPECT_FALSE(ParseJson("// c\n1").ok());
  EXPECT_FALSE(ParseJson("[1 /* c */]").ok());
}

// --- Numbers -------------------------------------------------------------------

TEST(ParseJsonTest, SmallIntegers) {
  const JsonValue v = Parse("42");
  EXPECT_TRUE(v.is_number());
  EXPECT_EQ(v.as_int(), 42);
  EXPECT_EQ(v.as_uint(), 42u);
  EXPECT_EQ(v.as_double(), 42.0);

  const JsonValue n = Parse("-7");
  EXPECT_EQ(n.as_int(), -7);
  EXPECT_EQ(n.as_uint(), std::nullopt);
  EXPECT_EQ(n.as_double(), -7.0);
}

TEST(ParseJsonTest, Zero) {
  for (absl::string_view text : {"0", "-0", "0.0", "0e5", "-0.000e-3"}) {
    SCOPED_TRACE(text);
    const JsonValue v = Parse(text);
    EXPECT_EQ(v.as_int(), 0);
    EXPECT_EQ(v.as_uint(), 0u);
    EXPECT_EQ(v.as_double(), 0.0);
  }
  // "-0" is the integer 0; "-0.0" keeps the sign of its double.
  EXPECT_FALSE(std::signbit(*Parse("-0").as_double()));
  EXPECT_TRUE(std::signbit(*Parse("-0.0").as_double()));
}

TEST(ParseJsonTest, Int64AndUint64Limits) {
  const JsonValue max_int = Parse("9223372036854775807");
  EXPECT_EQ(max_int.as_int(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(max_int.as_uint(), 9223372036854775807u);

  const JsonValue min_int = Parse("-9223372036854775808");
  EXPECT_EQ(min_int.as_int(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(min_int.as_uint(), std::nullopt);

  const JsonValue above_int = Parse("9223372036854775808");
  EXPECT_EQ(above_int.as_int(), std::nullopt);
  EXPECT_EQ(above_int.as_uint(), uint64_t{9223372036854775808u});

  const JsonValue max_uint = Parse("18446744073709551615");
  EXPECT_EQ(max_uint.as_int(), std::nullopt);
  EXPECT_EQ(max_uint.as_uint(), std::numeric_limits<uint64_t>::max());

  const JsonValue above_uint = Parse("18446744073709551616");
  EXPECT_EQ(above_uint.as_int(), std::nullopt);
  EXPECT_EQ(above_uint.as_uint(), std::nullopt);
  EXPECT_EQ(above_uint.as_double(), 18446744073709551616.0);

  const JsonValue below_int = Parse("-9223372036854775809");
  EXPECT_EQ(below_int.as_int(), std::nullopt);
  EXPECT_EQ(below_int.as_uint(), std::nullopt);
}

TEST(ParseJsonTest, IntegersBeyondDoublePrecisionStayExact) {
  // 2^53 + 1 has no double of its own.
  const JsonValue v = Parse("9007199254740993");
  EXPECT_EQ(v.as_int(), int64_t{9007199254740993});
  EXPECT_EQ(v.as_double(), 9007199254740992.0);
  // A 64-bit session id, as `haywire discover --json` prints offsets.
  EXPECT_EQ(Parse("12297829382473034410").as_uint(),
            uint64_t{0xAAAAAAAAAAAAAAAA});
}

TEST(ParseJsonTest, IntegralValuesWrittenWithFractionOrExponent) {
  EXPECT_EQ(Parse("1e3").as_int(), 1000);
  EXPECT_EQ(Parse("1E3").as_uint(), 1000u);
  EXPECT_EQ(Parse("2.50e1").as_int(), 25);
  EXPECT_EQ(Parse("1.0").as_int(), 1);
  EXPECT_EQ(Parse("-1.5e1").as_int(), -15);
  EXPECT_EQ(Parse("12500e-2").as_int(), 125);
  EXPECT_EQ(Parse("1e+2").as_int(), 100);
  // Up to 2^53 every integer has its own double, so the value is exact.
  EXPECT_EQ(Parse("9007199254740992e0").as_int(), int64_t{9007199254740992});
  EXPECT_EQ(Parse("-9.007199254740992e15").as_int(),
            int64_t{-9007199254740992});
  // Beyond it a double stands for many integers: only the double is kept.
  EXPECT_EQ(Parse("9007199254740994e0").as_int(), std::nullopt);
  EXPECT_EQ(Parse("1e19").as_uint(), std::nullopt);
  EXPECT_EQ(Parse("1e19").as_double(), 1e19);
}

TEST(ParseJsonTest, Fractions) {
  const JsonValue v = Parse("1.5");
  EXPECT_EQ(v.as_double(), 1.5);
  EXPECT_EQ(v.as_int(), std::nullopt);
  EXPECT_EQ(v.as_uint(), std::nullopt);
  EXPECT_EQ(Parse("-0.25").as_double(), -0.25);
  EXPECT_EQ(Parse("1e-2").as_double(), 0.01);
  EXPECT_EQ(Parse("1e-2").as_int(), std::nullopt);
  EXPECT_EQ(Parse("3.141592653589793").as_double(), 3.141592653589793);
  EXPECT_EQ(Parse("1.7976931348623157e308").as_double(),
            std::numeric_limits<double>::max());
}

TEST(ParseJsonTest, HugeExponents) {
  EXPECT_THAT(ErrorOf("1e400"), HasSubstr("number overflow"));
  EXPECT_THAT(ErrorOf("-1e400"), HasSubstr("number overflow"));
  EXPECT_THAT(ErrorOf("1e99999999999999999999999"),
              HasSubstr("number overflow"));
  // Too small rounds to zero; that is not an error.
  const JsonValue tiny = Parse("1e-400");
  EXPECT_EQ(tiny.as_double(), 0.0);
  EXPECT_EQ(tiny.as_int(), std::nullopt);
  EXPECT_EQ(Parse("-1e-99999999999999999999999").as_double(), 0.0);
  // Zero with any exponent is still zero.
  EXPECT_EQ(Parse("0e99999").as_int(), 0);
}

TEST(ParseJsonTest, RejectsMalformedNumbers) {
  // A leading zero ends the number; the digits after it are a second value.
  EXPECT_THAT(ErrorOf("01"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("-01"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("+1"), HasSubstr("invalid literal"));
  EXPECT_THAT(ErrorOf("-"), HasSubstr("expected digit after '-'"));
  EXPECT_THAT(ErrorOf("-a"), HasSubstr("expected digit after '-'"));
  EXPECT_THAT(ErrorOf(".5"), HasSubstr("invalid literal"));
  EXPECT_THAT(ErrorOf("1."), HasSubstr("after '.'"));
  EXPECT_THAT(ErrorOf("1.e3"), HasSubstr("after '.'"));
  EXPECT_THAT(ErrorOf("1e"), HasSubstr("exponent"));
  EXPECT_THAT(ErrorOf("1e+"), HasSubstr("exponent"));
  EXPECT_THAT(ErrorOf("1x"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("0x10"), HasSubstr("expected end of input"));
  EXPECT_THAT(ErrorOf("1.5.2"), HasSubstr("expected end of input"));
}

// --- Strings -------------------------------------------------------------------

TEST(ParseJsonTest, PlainStrings) {
  EXPECT_EQ(Parse(R"("")").as_string(), "");
  EXPECT_EQ(Parse(R"("hello, world")").as_string(), "hello, world");
  EXPECT_TRUE(Parse(R"("x")").is_string());
}

TEST(ParseJsonTest, ShortEscapes) {
  EXPECT_EQ(Parse(R"("\" \\ \/ \b \f \n \r \t")").as_string(),
            "\" \\ / \b \f \n \r \t");
}

TEST(ParseJsonTest, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(Parse(R"("\u0041")").as_string(), "A");
  EXPECT_EQ(Parse(R"("\u00e9")").as_string(), "\xC3\xA9");      // é
  EXPECT_EQ(Parse(R"("\u00E9")").as_string(), "\xC3\xA9");      // upper hex
  EXPECT_EQ(Parse(R"("\u20AC")").as_string(), "\xE2\x82\xAC");  // €
  EXPECT_EQ(Parse(R"("\uFFFF")").as_string(), "\xEF\xBF\xBF");
  EXPECT_EQ(Parse(R"("\u007f")").as_string(), "\x7F");
  EXPECT_EQ(Parse(R"("a\u0000b")").as_string(), std::string("a\0b", 3));
}

TEST(ParseJsonTest, SurrogatePairsBecomeOneCodePoint) {
  // U+1F600 GRINNING FACE.
  EXPECT_EQ(Parse(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  // The first and last supplementary code points.
  EXPECT_EQ(Parse(R"("\uD800\uDC00")").as_string(), "\xF0\x90\x80\x80");
  EXPECT_EQ(Parse(R"("\uDBFF\uDFFF")").as_string(), "\xF4\x8F\xBF\xBF");
}

TEST(ParseJsonTest, RejectsBadSurrogates) {
  constexpr absl::string_view kHighAlone =
      "surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF";
  constexpr absl::string_view kLowAlone =
      "surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF";
  EXPECT_THAT(ErrorOf(R"("\ud83d")"), HasSubstr(kHighAlone));
  EXPECT_THAT(ErrorOf(R"("\ud83dx")"), HasSubstr(kHighAlone));
  EXPECT_THAT(ErrorOf(R"("\ud83d\n")"), HasSubstr(kHighAlone));
  EXPECT_THAT(ErrorOf(R"("\ude00")"), HasSubstr(kLowAlone));
  EXPECT_THAT(ErrorOf(R"("\ude00\ud83d")"), HasSubstr(kLowAlone));
  EXPECT_THAT(ErrorOf(R"("\ud83d\ud83d")"), HasSubstr(kHighAlone));
  EXPECT_THAT(ErrorOf(R"("\ud83d\u0041")"), HasSubstr(kHighAlone));
}

TEST(ParseJsonTest, RejectsBadEscapes) {
  EXPECT_THAT(ErrorOf(R"("\x41")"),
              HasSubstr("forbidden character after backslash"));
  EXPECT_THAT(ErrorOf(R"("\a")"),
              HasSubstr("forbidden character after backslash"));
  EXPECT_THAT(ErrorOf(R"("\U0041")"),
              HasSubstr("forbidden character after backslash"));
  EXPECT_THAT(ErrorOf(R"("\')"),
              HasSubstr("forbidden character after backslash"));
  EXPECT_THAT(ErrorOf(R"("\u41")"), HasSubstr("4 hex digits"));
  EXPECT_THAT(ErrorOf(R"("\u00g1")"), HasSubstr("4 hex digits"));
  EXPECT_THAT(ErrorOf(R"("\u)"), HasSubstr("4 hex digits"));
  EXPECT_THAT(ErrorOf(R"("\ud83d\u12")"), HasSubstr("4 hex digits"));
}

TEST(ParseJsonTest, RejectsUnterminatedStrings) {
  EXPECT_THAT(ErrorOf(R"(")"), HasSubstr("missing closing quote"));
  EXPECT_THAT(ErrorOf(R"("abc)"), HasSubstr("missing closing quote"));
  EXPECT_THAT(ErrorOf(R"("abc\")"), HasSubstr("missing closing quote"));
  EXPECT_THAT(ErrorOf(R"("abc\)"), HasSubstr("invalid string"));
}

TEST(ParseJsonTest, RejectsUnescapedControlCharacters) {
  EXPECT_THAT(ErrorOf("\"a\nb\""),
              HasSubstr("control character U+000A (LF) must be escaped"));
  EXPECT_THAT(ErrorOf("\"a\tb\""), HasSubstr("U+0009"));
  EXPECT_THAT(ErrorOf(absl::string_view("\"a\0b\"", 5)),
              HasSubstr("a NUL byte"));
  // DEL is not a control character for JSON.
  EXPECT_EQ(Parse("\"\x7F\"").as_string(), "\x7F");
}

TEST(ParseJsonTest, RawUtf8IsKept) {
  const std::string text = "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"";
  EXPECT_EQ(Parse(text).as_string(),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(ParseJsonTest, RejectsIllFormedUtf8) {
  for (absl::string_view bad : {
           "\x80",              // lone continuation byte
           "\xC3",              // truncated 2-byte sequence
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong 3-byte
           "\xED\xA0\x80",      // encoded surrogate U+D800
           "\xF0\x80\x80\xAF",  // overlong 4-byte
           "\xF4\x90\x80\x80",  // above U+10FFFF
           "\xF5\x80\x80\x80",  // invalid lead byte
           "\xFF",              // invalid byte
           "\xE2\x82",          // truncated 3-byte sequence
           "\xE2\x82x",         // bad continuation
       }) {
    SCOPED_TRACE(absl::CHexEscape(bad));
    EXPECT_THAT(ErrorOf(absl::StrCat("\"", bad, "\"")),
                HasSubstr("ill-formed UTF-8"));
  }
}

// --- Arrays and objects ------------------------------------------------------

TEST(ParseJsonTest, Arrays) {
  const JsonValue empty = Parse("[]");
  EXPECT_TRUE(empty.is_array());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(Parse("[ ]").is_array());

  const JsonValue v = Parse(R"([1, "two", [3], {"four": 4}, null, true])");
  ASSERT_TRUE(v.is_array());
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v.at(0).as_int(), 1);
  EXPECT_EQ(v.at(1).as_string(), "two");
  EXPECT_EQ(v.at(2).at(0).as_int(), 3);
  EXPECT_EQ(v.at(3)["four"].as_int(), 4);
  EXPECT_TRUE(v.at(4).is_null());
  EXPECT_EQ(v.at(5).as_bool(), true);
  EXPECT_EQ(v.key_at(0), "");  // arrays have no keys
}

TEST(ParseJsonTest, Objects) {
  const JsonValue empty = Parse("{}");
  EXPECT_TRUE(empty.is_object());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(Parse("{ \n }").is_object());

  const JsonValue v = Parse(R"({"b": 1, "a": {"x": [true]}, "": "empty"})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.size(), 3u);
  // Document order is kept.
  EXPECT_EQ(v.key_at(0), "b");
  EXPECT_EQ(v.key_at(1), "a");
  EXPECT_EQ(v.key_at(2), "");
  EXPECT_EQ(v.at(0).as_int(), 1);
  EXPECT_EQ(v["b"].as_int(), 1);
  EXPECT_EQ(v["a"]["x"].at(0).as_bool(), true);
  EXPECT_EQ(v[""].as_string(), "empty");
  ASSERT_NE(v.Find("a"), nullptr);
  EXPECT_TRUE(v.Find("a")->is_object());
}

TEST(ParseJsonTest, MemberNamesAreDecoded) {
  const JsonValue v = Parse(R"({"a\nb": 1, "\u00e9": 2, "\ud83d\ude00": 3})");
  EXPECT_EQ(v["a\nb"].as_int(), 1);
  EXPECT_EQ(v["\xC3\xA9"].as_int(), 2);
  EXPECT_EQ(v["\xF0\x9F\x98\x80"].as_int(), 3);
}

TEST(ParseJsonTest, RejectsDuplicateMemberNames) {
  EXPECT_THAT(ErrorOf(R"({"a": 1, "a": 2})"),
              HasSubstr("duplicate member name \"a\""));
  // Same name once decoded.
  EXPECT_THAT(ErrorOf(R"({"a": 1, "\u0061": 2})"), HasSubstr("duplicate"));
  // The same name in different objects is fine.
  EXPECT_TRUE(ParseJson(R"({"a": {"a": 1}, "b": {"a": 2}})").ok());
}

TEST(ParseJsonTest, RejectsMalformedArrays) {
  EXPECT_THAT(ErrorOf("["), HasSubstr("unexpected end of input"));
  EXPECT_THAT(ErrorOf("[1"),
              HasSubstr("unexpected end of input; expected ']'"));
  EXPECT_THAT(ErrorOf("[1,"), HasSubstr("unexpected end of input"));
  EXPECT_THAT(ErrorOf("[1,]"), HasSubstr("unexpected ']'"));
  EXPECT_THAT(ErrorOf("[,1]"), HasSubstr("unexpected ','"));
  EXPECT_THAT(ErrorOf("[1 2]"), HasSubstr("expected ']'"));
  EXPECT_THAT(ErrorOf("[1:2]"), HasSubstr("unexpected ':'; expected ']'"));
  EXPECT_THAT(ErrorOf("]"), HasSubstr("unexpected ']'"));
}

TEST(ParseJsonTest, RejectsMalformedObjects) {
  EXPECT_THAT(ErrorOf("{"), HasSubstr("expected string literal"));
  EXPECT_THAT(ErrorOf(R"({"a")"), HasSubstr("expected ':'"));
  EXPECT_THAT(ErrorOf(R"({"a" 1})"), HasSubstr("expected ':'"));
  EXPECT_THAT(ErrorOf(R"({"a":})"), HasSubstr("unexpected '}'"));
  EXPECT_THAT(ErrorOf(R"({"a":1)"), HasSubstr("expected '}'"));
  EXPECT_THAT(ErrorOf(R"({"a":1,})"),
              HasSubstr("unexpected '}'; expected string literal"));
  EXPECT_THAT(ErrorOf(R"({"a":1 "b":2})"), HasSubstr("expected '}'"));
  EXPECT_THAT(ErrorOf(R"({a:1})"), HasSubstr("expected string literal"));
  EXPECT_THAT(ErrorOf(R"({'a':1})"), HasSubstr("expected string literal"));
  EXPECT_THAT(ErrorOf(R"({1:1})"), HasSubstr("expected string literal"));
  EXPECT_THAT(ErrorOf(R"({"a":1,,"b":2})"),
              HasSubstr("expected string literal"));
}

// --- Depth ---------------------------------------------------------------------

std::string Nested(int depth, char open, char close, absl::string_view inner) {
  return absl::StrCat(std::string(depth, open), inner,
                      std::string(depth, close));
}

TEST(ParseJsonTest, DepthLimit) {
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth, '[', ']', "")).ok());
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth, '[', ']', "1")).ok());
  EXPECT_THAT(ErrorOf(Nested(kMaxJsonDepth + 1, '[', ']', "")),
              HasSubstr("nested more than 256 deep"));

  std::string objects;
  for (int i = 0; i < kMaxJsonDepth; ++i) objects += R"({"a":)";
  objects += "1";
  objects += std::string(kMaxJsonDepth, '}');
  EXPECT_TRUE(ParseJson(objects).ok());
  EXPECT_THAT(ErrorOf(absl::StrCat(R"({"a":)", objects, "}")),
              HasSubstr("nested more than"));
}

TEST(ParseJsonTest, VeryDeepInputFailsWithoutOverflowingTheStack) {
  // Unbalanced and far deeper than the limit: must stop at the limit.
  EXPECT_THAT(ErrorOf(std::string(1000000, '[')), HasSubstr("nested more"));
}

// --- Navigation --------------------------------------------------------------

TEST(JsonValueTest, ForgivingNavigationYieldsNull) {
  const JsonValue v = Parse(R"({"a": [1, 2], "n": null, "s": "str"})");
  EXPECT_TRUE(v["missing"].is_null());
  EXPECT_EQ(v.Find("missing"), nullptr);
  // Present but null is distinguishable through Find.
  ASSERT_NE(v.Find("n"), nullptr);
  EXPECT_TRUE(v.Find("n")->is_null());
  EXPECT_TRUE(v["a"].at(2).is_null());
  EXPECT_TRUE(v["a"]["x"].is_null());   // not an object
  EXPECT_TRUE(v["s"].at(0).is_null());  // not an array
  EXPECT_EQ(v["s"].size(), 0u);         // scalars have no size
  EXPECT_TRUE(v["missing"]["deeper"].at(7).is_null());
  EXPECT_EQ(v["a"].Find("0"), nullptr);
  EXPECT_EQ(v.key_at(99), "");
}

TEST(JsonValueTest, ScalarAccessorsRejectOtherKinds) {
  const JsonValue v = Parse(R"({"n": 1, "s": "1", "b": true, "z": null})");
  EXPECT_EQ(v["s"].as_int(), std::nullopt);
  EXPECT_EQ(v["s"].as_double(), std::nullopt);
  EXPECT_EQ(v["n"].as_string(), std::nullopt);
  EXPECT_EQ(v["n"].as_bool(), std::nullopt);
  EXPECT_EQ(v["b"].as_int(), std::nullopt);
  EXPECT_EQ(v["z"].as_bool(), std::nullopt);
  EXPECT_EQ(v["z"].as_string(), std::nullopt);
  EXPECT_EQ(v.as_int(), std::nullopt);
}

TEST(JsonValueTest, DefaultIsNull) {
  const JsonValue v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.ToJson(), "null");
}

TEST(JsonValueTest, CopiesAreIndependentAndEqual) {
  JsonValue a = Parse(R"({"x": [1, {"y": "z"}]})");
  const JsonValue b = a;
  EXPECT_EQ(a, b);
  a = Parse("[]");
  EXPECT_NE(a, b);
  EXPECT_EQ(b["x"].at(1)["y"].as_string(), "z");
}

TEST(JsonValueTest, Equality) {
  EXPECT_EQ(Parse("1e3"), Parse("1000"));
  EXPECT_EQ(Parse("-0"), Parse("0"));
  EXPECT_EQ(Parse("1.50"), Parse("1.5"));
  EXPECT_NE(Parse("9007199254740993"), Parse("9007199254740992"));
  EXPECT_NE(Parse("1"), Parse("true"));
  EXPECT_NE(Parse("\"1\""), Parse("1"));
  EXPECT_EQ(Parse(R"({"a": 1, "b": 2})"), Parse(R"({ "a":1,"b":2 })"));
  EXPECT_NE(Parse(R"({"a": 1, "b": 2})"), Parse(R"({"b": 2, "a": 1})"));
  EXPECT_NE(Parse("[1, 2]"), Parse("[1, 2, 3]"));
  EXPECT_NE(Parse("[]"), Parse("{}"));
  EXPECT_EQ(Parse("null"), JsonValue());
}

TEST(JsonValueTest, ToJsonRoundTrips) {
  const std::string text =
      R"({"a":[1,-2,1.5,true,false,null],"s":"q\"\\\n\u0001\u00e9",)"
      R"("u":18446744073709551615,"i":-9223372036854775808,"o":{}})";
  const JsonValue v = Parse(text);
  EXPECT_EQ(Parse(v.ToJson()), v);
  EXPECT_EQ(Parse("[1e3]").ToJson(), "[1000]");
  EXPECT_EQ(Parse(R"({"b":0.25})").ToJson(), R"({"b":0.25})");
}

TEST(JsonValueTest, PrintsAsJsonInTestMessages) {
  EXPECT_EQ(::testing::PrintToString(Parse(R"({"a": [true]})")),
            R"({"a":[true]})");
}

// --- Error positions -----------------------------------------------------------

TEST(ParseJsonTest, ErrorsNameLineColumnAndByte) {
  EXPECT_THAT(ErrorOf("[1,\n  2,\n  x]"),
              HasSubstr("line 3, column 3 (byte 11)"));
  // Where the parser found the problem: after reading "tru".
  EXPECT_THAT(ErrorOf("tru"), HasSubstr("line 1, column 4 (byte 3)"));
  EXPECT_THAT(ErrorOf("{\"a\":1}\n!"), HasSubstr("line 2, column 1"));
}

// --- JSON Lines ----------------------------------------------------------------

TEST(ParseJsonLinesTest, OneDocumentPerLine) {
  absl::StatusOr<std::vector<JsonValue>> docs =
      ParseJsonLines("{\"a\":1}\n[2]\n\"three\"\nnull\n");
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 4u);
  EXPECT_EQ((*docs)[0]["a"].as_int(), 1);
  EXPECT_EQ((*docs)[1].at(0).as_int(), 2);
  EXPECT_EQ((*docs)[2].as_string(), "three");
  EXPECT_TRUE((*docs)[3].is_null());
}

TEST(ParseJsonLinesTest, FinalNewlineIsOptional) {
  absl::StatusOr<std::vector<JsonValue>> docs = ParseJsonLines("1\n2");
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 2u);
}

TEST(ParseJsonLinesTest, CrLfLineEndings) {
  absl::StatusOr<std::vector<JsonValue>> docs = ParseJsonLines("1\r\n{}\r\n");
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->size(), 2u);
}

TEST(ParseJsonLinesTest, EmptyInputHasNoDocuments) {
  absl::StatusOr<std::vector<JsonValue>> docs = ParseJsonLines("");
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_TRUE(docs->empty());
}

TEST(ParseJsonLinesTest, RejectsBlankLines) {
  absl::StatusOr<std::vector<JsonValue>> docs = ParseJsonLines("1\n\n2\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("line 2"));
  EXPECT_FALSE(ParseJsonLines("1\n  \n").ok());
  EXPECT_FALSE(ParseJsonLines("\n").ok());
}

TEST(ParseJsonLinesTest, RejectsDocumentsSpanningLines) {
  absl::StatusOr<std::vector<JsonValue>> docs = ParseJsonLines("[1,\n2]\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("line 1"));
}

TEST(ParseJsonLinesTest, ErrorsNameTheLine) {
  absl::StatusOr<std::vector<JsonValue>> docs =
      ParseJsonLines("{}\n[]\n{\"a\" 1}\n");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(docs.status().message(), HasSubstr("line 3, column 6"));
  EXPECT_THAT(docs.status().message(), HasSubstr("expected ':'"));
  // Two documents on one line.
  EXPECT_THAT(ParseJsonLines("1 2\n").status().message(),
              HasSubstr("expected end of input"));
}

}  // namespace
}  // namespace haywire
