// Copyright 2026 The Haywire Authors.
//
// The parsing is nlohmann-json's (its SAX interface, so its lexer checks the
// grammar, escapes and UTF-8); this file builds the JsonValue tree from the
// events and adds the checks nlohmann-json leaves out: duplicate member
// names, the nesting limit, a byte order mark and raw NUL bytes.

#include "haywire/util/json_value.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "haywire/util/json_writer.h"
#include "nlohmann/json.hpp"

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

// The largest magnitude up to which every integer has its own double.
constexpr double kLargestExactDouble = 9007199254740992.0;  // 2^53

// What nlohmann-json says after its "parse error at line L, column C: " (or
// the whole message when it does not have that shape), without the "[json.
// exception...]" prefix.
std::string NlohmannReason(const nlohmann::detail::exception& e) {
  absl::string_view message = e.what();
  if (const size_t bracket = message.find("] "); bracket != message.npos) {
    message.remove_prefix(bracket + 2);
  }
  if (absl::StartsWith(message, "parse error at line ")) {
    if (const size_t colon = message.find(": "); colon != message.npos) {
      message.remove_prefix(colon + 2);
    }
  }
  if (absl::ConsumePrefix(&message, "syntax error while parsing ")) {
    // "value - invalid literal; ..." reads better as "invalid literal; ...".
    if (const size_t dash = message.find(" - "); dash != message.npos) {
      message.remove_prefix(dash + 3);
    }
  }
  return std::string(message);
}

}  // namespace

// Builds a JsonValue from nlohmann-json's SAX events for one document.
// `line` is set when the text is one line of a JSON Lines input: error
// messages then count lines from it.
class JsonParser final : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonParser(absl::string_view text, std::optional<int> line)
      : text_(text), line_(line) {}

  absl::StatusOr<JsonValue> ParseDocument() && {
    if (absl::StartsWith(text_, "\xEF\xBB\xBF")) {
      return ErrorAt(0, "a byte order mark (RFC 8259 forbids one)");
    }
    // nlohmann-json reads a NUL byte as the end of the input; JSON allows
    // one only escaped, inside a string.
    if (const size_t nul = text_.find('\0'); nul != text_.npos) {
      return ErrorAt(nul, "a NUL byte (allowed only as \\u0000 in a string)");
    }
    const bool parsed = nlohmann::json::sax_parse(
        text_.begin(), text_.end(), this, nlohmann::json::input_format_t::json,
        /*strict=*/true);
    if (!error_.ok()) return error_;
    if (!parsed || stack_.size() != 1 ||
        stack_.front().value.values_.size() != 1) {
      return ErrorAt(std::nullopt, "the parser stopped early");
    }
    return std::move(stack_.front().value.values_.front());
  }

  // nlohmann::json_sax: each returns false to stop the parse.
  bool null() override { return Add(JsonValue()); }
  bool boolean(bool b) override {
    JsonValue v;
    v.type_ = JsonValue::Type::kBool;
    v.bool_ = b;
    return Add(std::move(v));
  }
  bool number_integer(int64_t i) override {
    JsonValue v = Number(static_cast<double>(i));
    v.has_int_ = true;
    v.int_ = i;
    v.has_uint_ = i >= 0;
    v.uint_ = static_cast<uint64_t>(i);
    return Add(std::move(v));
  }
  bool number_unsigned(uint64_t u) override {
    JsonValue v = Number(static_cast<double>(u));
    v.has_uint_ = true;
    v.uint_ = u;
    v.has_int_ = u <= uint64_t{std::numeric_limits<int64_t>::max()};
    v.int_ = static_cast<int64_t>(u);
    return Add(std::move(v));
  }
  bool number_float(double d, const std::string& text) override {
    if (!std::isfinite(d)) {
      return Fail(absl::StrCat("number ", text, " is out of range"));
    }
    JsonValue v = Number(d);
    // Written with a fraction or exponent ("1e3", "2.50e1"): an integer
    // when its value is one and a double holds it exactly.
    // A nonzero number too small for a double ("1e-400") rounds to 0 but is
    // no integer.
    const bool nonzero =
        text.substr(0, text.find_first_of("eE")).find_first_of("123456789") !=
        std::string::npos;
    if (std::trunc(d) == d && std::fabs(d) <= kLargestExactDouble &&
        (d != 0 || !nonzero)) {
      v.has_int_ = true;
      v.int_ = static_cast<int64_t>(d);
      v.has_uint_ = d >= 0;
      v.uint_ = d >= 0 ? static_cast<uint64_t>(d) : 0;
    }
    return Add(std::move(v));
  }
  bool string(std::string& s) override {
    JsonValue v;
    v.type_ = JsonValue::Type::kString;
    v.string_ = std::move(s);
    return Add(std::move(v));
  }
  bool binary(nlohmann::json::binary_t& /*unused*/) override {
    return Fail("binary values are not JSON");
  }
  bool start_object(size_t /*elements*/) override {
    return Begin(JsonValue::Type::kObject);
  }
  bool key(std::string& name) override {
    Container& object = stack_.back();
    if (!object.names.insert(name).second) {
      return Fail(absl::StrCat("duplicate member name \"", name,
                               "\" (RFC 8259 leaves its meaning undefined)"));
    }
    object.value.keys_.push_back(std::move(name));
    return true;
  }
  bool end_object() override { return End(); }
  bool start_array(size_t /*elements*/) override {
    return Begin(JsonValue::Type::kArray);
  }
  bool end_array() override { return End(); }
  bool parse_error(size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    // `position` counts the bytes read, the offending one included.
    error_ = ErrorAt(position > 0 ? position - 1 : 0, NlohmannReason(e));
    return false;
  }

 private:
  // An array or object being filled (the bottom entry holds the document).
  struct Container {
    JsonValue value;
    absl::flat_hash_set<std::string> names;  // objects: the names so far.
  };

  static JsonValue Number(double d) {
    JsonValue v;
    v.type_ = JsonValue::Type::kNumber;
    v.double_ = d;
    return v;
  }

  // Appends `v` to the innermost open array or object, or makes it the
  // document.
  bool Add(JsonValue v) {
    stack_.back().value.values_.push_back(std::move(v));
    return true;
  }

  bool Begin(JsonValue::Type type) {
    if (static_cast<int>(stack_.size()) > kMaxJsonDepth) {
      return Fail(absl::StrCat("arrays and objects nested more than ",
                               kMaxJsonDepth, " deep"));
    }
    stack_.emplace_back();
    stack_.back().value.type_ = type;
    return true;
  }

  bool End() {
    JsonValue done = std::move(stack_.back().value);
    stack_.pop_back();
    return Add(std::move(done));
  }

  bool Fail(absl::string_view message) {
    error_ = ErrorAt(std::nullopt, message);
    return false;
  }

  // An error at byte `offset` of the text, or one without a position (the
  // SAX events do not carry one).
  absl::Status ErrorAt(std::optional<size_t> offset,
                       absl::string_view message) const {
    if (!offset.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid JSON",
          line_.has_value() ? absl::StrCat(" at line ", *line_) : "", ": ",
          message));
    }
    int line = line_.value_or(1);
    size_t line_start = 0;
    for (size_t i = 0; i < *offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON at line ", line, ", column ", *offset - line_start + 1,
        " (byte ", *offset, "): ", message));
  }

  absl::string_view text_;
  std::optional<int> line_;
  // The document's values, outermost first; starts as a holder whose one
  // element becomes the document.
  std::vector<Container> stack_ = std::vector<Container>(1);
  absl::Status error_;
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
  return JsonParser(text, std::nullopt).ParseDocument();
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
