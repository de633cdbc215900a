// Copyright 2026 The Haywire Authors.

#include "haywire/util/json_value.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "haywire/util/json_writer.h"

namespace haywire {
namespace {

const JsonValue& NullValue() {
  static const JsonValue* const kNull = new JsonValue();
  return *kNull;
}

const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsJsonWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// The length of the well-formed UTF-8 sequence at the start of `s` (which
// starts with a byte >= 0x80), or 0 if it is ill-formed (Unicode 3.9, table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(absl::string_view s) {
  const auto byte = [&](size_t i) -> int {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : -1;
  };
  const auto in = [](int b, int lo, int hi) { return b >= lo && b <= hi; };
  const int b0 = byte(0);
  if (in(b0, 0xC2, 0xDF)) return in(byte(1), 0x80, 0xBF) ? 2 : 0;
  int lo = 0x80;
  int hi = 0xBF;
  size_t length = 0;
  if (b0 == 0xE0) {
    lo = 0xA0;
    length = 3;
  } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
    length = 3;
  } else if (b0 == 0xED) {
    hi = 0x9F;
    length = 3;
  } else if (b0 == 0xF0) {
    lo = 0x90;
    length = 4;
  } else if (in(b0, 0xF1, 0xF3)) {
    length = 4;
  } else if (b0 == 0xF4) {
    hi = 0x8F;
    length = 4;
  } else {
    return 0;
  }
  if (!in(byte(1), lo, hi)) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!in(byte(i), 0x80, 0xBF)) return 0;
  }
  return length;
}

}  // namespace

// The recursive-descent parser behind ParseJson(). Works on one document;
// `first_line` only shifts the line numbers in error messages (for
// ParseJsonLines).
class JsonParser {
 public:
  JsonParser(absl::string_view text, int first_line)
      : text_(text), first_line_(first_line) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    SkipWhitespace();
    if (AtEnd()) return Error("expected a JSON value, found end of input");
    JsonValue value;
    if (absl::Status s = ParseValue(0, &value); !s.ok()) return s;
    SkipWhitespace();
    if (!AtEnd()) {
      return Error(absl::StrCat("trailing characters after the JSON value: ",
                                Describe()));
    }
    return value;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd() && IsJsonWhitespace(Peek())) ++pos_;
  }

  // What is at the current position, for error messages.
  std::string Describe() const {
    if (AtEnd()) return "end of input";
    const auto c = static_cast<unsigned char>(Peek());
    if (c >= 0x20 && c < 0x7F)
      return absl::StrCat("'", text_.substr(pos_, 1), "'");
    return absl::StrCat("byte 0x", absl::Hex(c, absl::kZeroPad2));
  }

  absl::Status Error(absl::string_view message) const {
    return ErrorAt(pos_, message);
  }

  absl::Status ErrorAt(size_t offset, absl::string_view message) const {
    int line = first_line_;
    size_t line_start = 0;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON at line ", line, ", column ", offset - line_start + 1,
        " (byte ", offset, "): ", message));
  }

  // Consumes `word` (true, false, null) if it is next.
  bool ConsumeWord(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status ParseValue(int depth, JsonValue* out) {
    if (AtEnd()) return Error("expected a JSON value, found end of input");
    switch (Peek()) {
      case '{':
        return ParseObject(depth + 1, out);
      case '[':
        return ParseArray(depth + 1, out);
      case '"':
        out->type_ = JsonValue::Type::kString;
        return ParseString(&out->string_);
      case 't':
      case 'f':
      case 'n':
        if (ConsumeWord("true")) {
          out->type_ = JsonValue::Type::kBool;
          out->bool_ = true;
          return absl::OkStatus();
        }
        if (ConsumeWord("false")) {
          out->type_ = JsonValue::Type::kBool;
          out->bool_ = false;
          return absl::OkStatus();
        }
        if (ConsumeWord("null")) {
          out->type_ = JsonValue::Type::kNull;
          return absl::OkStatus();
        }
        return Error("invalid literal (expected true, false or null)");
      default:
        if (Peek() == '-' || IsDigit(Peek())) return ParseNumber(out);
        return Error(absl::StrCat("expected a JSON value, found ", Describe()));
    }
  }

  absl::Status CheckDepth(int depth) const {
    if (depth > kMaxJsonDepth) {
      return Error(absl::StrCat("arrays and objects nested more than ",
                                kMaxJsonDepth, " deep"));
    }
    return absl::OkStatus();
  }

  absl::Status ParseArray(int depth, JsonValue* out) {
    if (absl::Status s = CheckDepth(depth); !s.ok()) return s;
    ++pos_;  // '['
    out->type_ = JsonValue::Type::kArray;
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      SkipWhitespace();
      JsonValue element;
      if (absl::Status s = ParseValue(depth, &element); !s.ok()) return s;
      out->values_.push_back(std::move(element));
      SkipWhitespace();
      if (AtEnd()) return Error("unterminated array: expected ',' or ']'");
      if (Peek() == ',') {
        ++pos_;
        SkipWhitespace();
        if (!AtEnd() && Peek() == ']') {
          return Error("trailing comma in array");
        }
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error(
          absl::StrCat("expected ',' or ']' in array, found ", Describe()));
    }
  }

  absl::Status ParseObject(int depth, JsonValue* out) {
    if (absl::Status s = CheckDepth(depth); !s.ok()) return s;
    ++pos_;  // '{'
    out->type_ = JsonValue::Type::kObject;
    absl::flat_hash_set<std::string> names;
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd()) return Error("unterminated object: expected a member name");
      if (Peek() != '"') {
        return Error(
            absl::StrCat("expected a member name (a string) in "
                         "object, found ",
                         Describe()));
      }
      const size_t key_offset = pos_;
      std::string key;
      if (absl::Status s = ParseString(&key); !s.ok()) return s;
      if (!names.insert(key).second) {
        return ErrorAt(key_offset, absl::StrCat("duplicate member name ",
                                                JsonQuote(key), " in object"));
      }
      SkipWhitespace();
      if (AtEnd() || Peek() != ':') {
        return Error(
            absl::StrCat("expected ':' after member name, found ", Describe()));
      }
      ++pos_;
      SkipWhitespace();
      JsonValue value;
      if (absl::Status s = ParseValue(depth, &value); !s.ok()) return s;
      out->keys_.push_back(std::move(key));
      out->values_.push_back(std::move(value));
      SkipWhitespace();
      if (AtEnd()) return Error("unterminated object: expected ',' or '}'");
      if (Peek() == ',') {
        ++pos_;
        SkipWhitespace();
        if (!AtEnd() && Peek() == '}') {
          return Error("trailing comma in object");
        }
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error(
          absl::StrCat("expected ',' or '}' in object, found ", Describe()));
    }
  }

  // Reads the 4 hex digits of a \u escape at pos_.
  absl::StatusOr<uint32_t> ParseHex4() {
    if (pos_ + 4 > text_.size()) {
      return Error("\\u escape needs 4 hex digits");
    }
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigitValue(text_[pos_ + i]);
      if (digit < 0) return Error("\\u escape needs 4 hex digits");
      value = value << 4 | static_cast<uint32_t>(digit);
    }
    pos_ += 4;
    return value;
  }

  // Parses the \uXXXX escape whose backslash is at pos_ (a surrogate pair is
  // two escapes) and appends its UTF-8 to `out`.
  absl::Status ParseUnicodeEscape(std::string* out) {
    const size_t escape_offset = pos_;
    pos_ += 2;  // "\u"
    absl::StatusOr<uint32_t> unit = ParseHex4();
    if (!unit.ok()) return unit.status();
    uint32_t code_point = *unit;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      return ErrorAt(escape_offset,
                     "lone low surrogate in \\u escape (not preceded by a "
                     "high surrogate)");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") {
        return ErrorAt(escape_offset,
                       "lone high surrogate in \\u escape (not followed by "
                       "a \\u escape of a low surrogate)");
      }
      pos_ += 2;
      absl::StatusOr<uint32_t> low = ParseHex4();
      if (!low.ok()) return low.status();
      if (*low < 0xDC00 || *low > 0xDFFF) {
        return ErrorAt(escape_offset,
                       "high surrogate in \\u escape not followed by a low "
                       "surrogate");
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
    }
    AppendUtf8(code_point, out);
    return absl::OkStatus();
  }

  absl::Status ParseString(std::string* out) {
    const size_t start = pos_;
    ++pos_;  // '"'
    while (true) {
      if (AtEnd()) return ErrorAt(start, "unterminated string");
      const char c = Peek();
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (byte < 0x20) {
        return Error(absl::StrCat("unescaped control character 0x",
                                  absl::Hex(byte, absl::kZeroPad2),
                                  " in string (write it as a \\u escape)"));
      }
      if (byte >= 0x80) {
        const size_t length = Utf8SequenceLength(text_.substr(pos_));
        if (length == 0) return Error("invalid UTF-8 in string");
        out->append(text_.data() + pos_, length);
        pos_ += length;
        continue;
      }
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= text_.size())
        return ErrorAt(start, "unterminated string");
      const char escape = text_[pos_ + 1];
      char decoded;
      switch (escape) {
        case '"':
          decoded = '"';
          break;
        case '\\':
          decoded = '\\';
          break;
        case '/':
          decoded = '/';
          break;
        case 'b':
          decoded = '\b';
          break;
        case 'f':
          decoded = '\f';
          break;
        case 'n':
          decoded = '\n';
          break;
        case 'r':
          decoded = '\r';
          break;
        case 't':
          decoded = '\t';
          break;
        case 'u':
          if (absl::Status s = ParseUnicodeEscape(out); !s.ok()) return s;
          continue;
        default:
          return Error(
              "invalid escape in string (expected one of \\\" \\\\ "
              "\\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
      out->push_back(decoded);
      pos_ += 2;
    }
  }

  // Reads a run of digits at pos_ into *digits (which may be null).
  void ReadDigits(std::string* digits) {
    while (!AtEnd() && IsDigit(Peek())) {
      if (digits != nullptr) digits->push_back(Peek());
      ++pos_;
    }
  }

  absl::Status ParseNumber(JsonValue* out) {
    const size_t start = pos_;
    const bool negative = Peek() == '-';
    if (negative) ++pos_;
    if (AtEnd() || !IsDigit(Peek())) {
      return Error("expected a digit in number");
    }
    std::string int_digits;
    if (Peek() == '0') {
      int_digits = "0";
      ++pos_;
      if (!AtEnd() && IsDigit(Peek())) {
        return Error("leading zero in number");
      }
    } else {
      ReadDigits(&int_digits);
    }
    std::string frac_digits;
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) {
        return Error("expected a digit after '.' in number");
      }
      ReadDigits(&frac_digits);
    }
    // The exponent, saturated far beyond any double's range.
    int64_t exponent = 0;
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      bool exponent_negative = false;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) {
        exponent_negative = Peek() == '-';
        ++pos_;
      }
      if (AtEnd() || !IsDigit(Peek())) {
        return Error("expected a digit in the exponent of number");
      }
      while (!AtEnd() && IsDigit(Peek())) {
        exponent =
            std::min<int64_t>(exponent * 10 + (Peek() - '0'), int64_t{1} << 40);
        ++pos_;
      }
      if (exponent_negative) exponent = -exponent;
    }
    const absl::string_view literal = text_.substr(start, pos_ - start);

    // The exact value is digits * 10^exponent10, digits without leading or
    // trailing zeros.
    std::string digits = int_digits + frac_digits;
    int64_t exponent10 = exponent - static_cast<int64_t>(frac_digits.size());
    const size_t first_nonzero = digits.find_first_not_of('0');
    const bool zero = first_nonzero == std::string::npos;
    // Decimal exponent of the leading digit: value is in [10^m, 10^(m+1)).
    int64_t magnitude = 0;
    if (!zero) {
      digits.erase(0, first_nonzero);
      const size_t last_nonzero = digits.find_last_not_of('0');
      exponent10 += static_cast<int64_t>(digits.size() - 1 - last_nonzero);
      digits.erase(last_nonzero + 1);
      magnitude = exponent10 + static_cast<int64_t>(digits.size()) - 1;
    }

    out->type_ = JsonValue::Type::kNumber;
    double value = 0;
    const std::from_chars_result parsed =
        std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (parsed.ec == std::errc::result_out_of_range) {
      if (magnitude > 0) {
        return ErrorAt(start, absl::StrCat("number ", literal,
                                           " is out of the range of a double"));
      }
      value = negative ? -0.0 : 0.0;  // underflow
    } else if (parsed.ec != std::errc() ||
               parsed.ptr != literal.data() + literal.size() ||
               !std::isfinite(value)) {
      return ErrorAt(start, absl::StrCat("number ", literal,
                                         " is out of the range of a double"));
    }
    out->double_ = value;

    // Exact integers: at most 20 decimal digits (uint64_t max has 20).
    if (zero) {
      out->has_int_ = out->has_uint_ = true;
      out->int_ = 0;
      out->uint_ = 0;
    } else if (exponent10 >= 0 &&
               static_cast<int64_t>(digits.size()) + exponent10 <= 20) {
      const std::string integer =
          digits + std::string(static_cast<size_t>(exponent10), '0');
      uint64_t magnitude_value = 0;
      if (absl::SimpleAtoi(integer, &magnitude_value)) {
        constexpr uint64_t kMaxInt64 =
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
        if (negative) {
          if (magnitude_value <= kMaxInt64 + 1) {
            out->has_int_ = true;
            out->int_ = magnitude_value == kMaxInt64 + 1
                            ? std::numeric_limits<int64_t>::min()
                            : -static_cast<int64_t>(magnitude_value);
          }
        } else {
          out->has_uint_ = true;
          out->uint_ = magnitude_value;
          if (magnitude_value <= kMaxInt64) {
            out->has_int_ = true;
            out->int_ = static_cast<int64_t>(magnitude_value);
          }
        }
      }
    }
    return absl::OkStatus();
  }

  absl::string_view text_;
  int first_line_;
  size_t pos_ = 0;
};

namespace {

void WriteValue(const JsonValue& value, JsonWriter& writer) {
  switch (value.type()) {
    case JsonValue::Type::kNull:
      writer.Null();
      return;
    case JsonValue::Type::kBool:
      writer.Bool(*value.as_bool());
      return;
    case JsonValue::Type::kNumber:
      if (std::optional<int64_t> i = value.as_int(); i.has_value()) {
        writer.Int(*i);
      } else if (std::optional<uint64_t> u = value.as_uint(); u.has_value()) {
        writer.Uint(*u);
      } else {
        writer.Double(*value.as_double());
      }
      return;
    case JsonValue::Type::kString:
      writer.String(*value.as_string());
      return;
    case JsonValue::Type::kArray:
      writer.BeginArray();
      for (size_t i = 0; i < value.size(); ++i) WriteValue(value.at(i), writer);
      writer.EndArray();
      return;
    case JsonValue::Type::kObject:
      writer.BeginObject();
      for (size_t i = 0; i < value.size(); ++i) {
        writer.Key(value.key_at(i));
        WriteValue(value.at(i), writer);
      }
      writer.EndObject();
      return;
  }
}

}  // namespace

const JsonValue& JsonValue::at(size_t i) const {
  if (i >= values_.size()) return NullValue();
  return values_[i];
}

const std::string& JsonValue::key_at(size_t i) const {
  if (i >= keys_.size()) return EmptyString();
  return keys_[i];
}

const JsonValue* JsonValue::Find(absl::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &values_[i];
  }
  return nullptr;
}

const JsonValue& JsonValue::operator[](absl::string_view key) const {
  const JsonValue* value = Find(key);
  return value != nullptr ? *value : NullValue();
}

std::optional<bool> JsonValue::as_bool() const {
  if (type_ != Type::kBool) return std::nullopt;
  return bool_;
}

std::optional<std::string> JsonValue::as_string() const {
  if (type_ != Type::kString) return std::nullopt;
  return string_;
}

std::optional<double> JsonValue::as_double() const {
  if (type_ != Type::kNumber) return std::nullopt;
  return double_;
}

std::optional<int64_t> JsonValue::as_int() const {
  if (type_ != Type::kNumber || !has_int_) return std::nullopt;
  return int_;
}

std::optional<uint64_t> JsonValue::as_uint() const {
  if (type_ != Type::kNumber || !has_uint_) return std::nullopt;
  return uint_;
}

std::string JsonValue::ToJson() const {
  JsonWriter writer(JsonWriter::Style::kCompact);
  WriteValue(*this, writer);
  absl::StatusOr<std::string> out = std::move(writer).Finish();
  return out.ok() ? *std::move(out) : std::string(out.status().message());
}

bool operator==(const JsonValue& a, const JsonValue& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case JsonValue::Type::kNull:
      return true;
    case JsonValue::Type::kBool:
      return a.bool_ == b.bool_;
    case JsonValue::Type::kNumber:
      return a.double_ == b.double_ && a.has_int_ == b.has_int_ &&
             a.int_ == b.int_ && a.has_uint_ == b.has_uint_ &&
             a.uint_ == b.uint_;
    case JsonValue::Type::kString:
      return a.string_ == b.string_;
    case JsonValue::Type::kArray:
    case JsonValue::Type::kObject:
      return a.keys_ == b.keys_ && a.values_ == b.values_;
  }
  return false;
}

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) {
  return JsonParser(text, 1).ParseDocument();
}

absl::StatusOr<std::vector<JsonValue>> ParseJsonLines(absl::string_view text) {
  std::vector<JsonValue> documents;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    const absl::string_view line = text.substr(0, newline);
    text = newline == absl::string_view::npos ? absl::string_view()
                                              : text.substr(newline + 1);
    absl::StatusOr<JsonValue> document =
        JsonParser(line, line_number).ParseDocument();
    if (!document.ok()) return document.status();
    documents.push_back(*std::move(document));
  }
  return documents;
}

}  // namespace haywire
