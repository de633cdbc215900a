// Copyright 2026 The Haywire Authors.
//
// `JsonValue` is a parsed JSON document (RFC 8259) held as a tree, and
// `ParseJson()` builds one with nlohmann-json's parser. It is the reading
// counterpart of `JsonWriter` (json_writer.h): tests use it to check what
// `haywire ... --json` prints, and `haywire vms` to read QEMU's JSON
// options, so it accepts exactly what RFC 8259 allows and reports anything
// else as an error instead of guessing.
//
// Example:
//
//   absl::StatusOr<haywire::JsonValue> doc = haywire::ParseJson(output);
//   if (!doc.ok()) return doc.status();
//   const haywire::JsonValue& sessions = (*doc)["sessions"];
//   for (size_t i = 0; i < sessions.size(); ++i) {
//     std::optional<std::string> id = sessions.at(i)["session_id"].as_string();
//     std::optional<uint64_t> pid = sessions.at(i)["companion_pid"].as_uint();
//     ...
//   }
//
// Navigation is forgiving, values are exact:
//
//   * `operator[](key)` and `at(i)` never fail: a missing member, an index out
//     of range, or navigation into a value that is not an object or array
//     yields a reference to a shared null value, so paths can be chained
//     (`doc["a"]["b"].at(3)`). Use `Find(key)` (nullptr when absent) or the
//     `is_*()` predicates to tell "missing" from "null".
//   * The scalar accessors return `std::nullopt` when the value is not of the
//     requested kind, never a default: `as_int()` of a string, of 1.5 or of
//     1e30 is `std::nullopt`. Compared with `EXPECT_EQ(v.as_int(), 3)` a
//     mismatch is visible in the test failure.
//
// What the parser accepts (and rejects):
//
//   * One JSON value surrounded by optional whitespace (space, tab, LF, CR);
//     anything after it is an error. No comments, no trailing commas, no
//     single quotes, no NaN/Infinity, no byte order mark, no raw NUL byte.
//   * Strings: every escape of RFC 8259, `\uXXXX` decoded to UTF-8 (a
//     surrogate pair to one 4-byte sequence). Lone surrogates, unescaped
//     control characters and ill-formed UTF-8 are errors, so every string in
//     a `JsonValue` is valid UTF-8. Strings may contain NUL (from `\u0000`).
//   * Numbers follow the RFC grammar. Every number is kept as the nearest
//     double. A number written as an integer (`42`, `-7`,
//     `18446744073709551615`) also keeps its exact value when it fits in
//     int64_t and/or uint64_t; one written with a fraction or exponent
//     (`1e3`, `2.50e1`) counts as an integer when its value is one and at
//     most 2^53 in magnitude, where doubles are exact. `-0` is the integer 0.
//     A number too large for a double (`1e400`) is an error; one too small
//     rounds to zero.
//   * Objects keep their members in document order. A name that appears
//     twice in one object is an error (RFC 8259 leaves it undefined).
//   * Arrays and objects nest at most `kMaxJsonDepth` (256) deep.
//
// Errors are `InvalidArgumentError`s saying what is wrong; syntax errors name
// the line, column (in bytes, both 1-based) and byte offset where the parser
// found the problem.
//
// `JsonValue` is a regular value type (copyable, movable, comparable with
// `==`); it is not thread-safe for concurrent mutation, but it has no mutating
// methods apart from assignment, so a parsed document may be read from any
// number of threads.

#ifndef HAYWIRE_UTIL_JSON_VALUE_H_
#define HAYWIRE_UTIL_JSON_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

// The deepest nesting of arrays and objects `ParseJson()` accepts: `[[1]]` has
// depth 2, a scalar alone has depth 0.
inline constexpr int kMaxJsonDepth = 256;

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  // A null value.
  JsonValue() = default;

  JsonValue(const JsonValue&) = default;
  JsonValue& operator=(const JsonValue&) = default;
  JsonValue(JsonValue&&) = default;
  JsonValue& operator=(JsonValue&&) = default;

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Elements of an array or members of an object; 0 for anything else.
  size_t size() const { return values_.size(); }

  // Array element `i`, or the value of object member `i` (document order).
  // A shared null value if `i >= size()` or this is not an array or object.
  const JsonValue& at(size_t i) const;

  // The name of object member `i` (document order); "" if `i >= size()` or
  // this is not an object.
  const std::string& key_at(size_t i) const;

  // The value of member `key`, or nullptr if this is not an object or has no
  // such member. Linear in the number of members.
  const JsonValue* Find(absl::string_view key) const;

  // The value of member `key`, or a shared null value if this is not an
  // object or has no such member (see the file comment).
  const JsonValue& operator[](absl::string_view key) const;

  // Scalars. Each returns std::nullopt unless the value is of that kind.
  std::optional<bool> as_bool() const;
  std::optional<std::string> as_string() const;
  // Any number, as the nearest double.
  std::optional<double> as_double() const;
  // A number whose exact value is an integer in the type's range.
  std::optional<int64_t> as_int() const;
  std::optional<uint64_t> as_uint() const;

  // The value as compact JSON (via JsonWriter), for test failure messages.
  // Integers are written exactly; other numbers in the shortest form that
  // reads back to the same double.
  std::string ToJson() const;

  // Structural equality: same type and same contents. Numbers are equal when
  // their doubles are equal and so are their exact integers (if any), so
  // `1e3 == 1000` but `9007199254740993 != 9007199254740992`; -0 equals 0.
  // Objects compare members in order.
  friend bool operator==(const JsonValue& a, const JsonValue& b);
  friend bool operator!=(const JsonValue& a, const JsonValue& b) {
    return !(a == b);
  }

  // Writes ToJson(); lets GoogleTest print values in failure messages.
  friend std::ostream& operator<<(std::ostream& os, const JsonValue& value) {
    return os << value.ToJson();
  }

 private:
  friend class JsonParser;

  Type type_ = Type::kNull;
  bool bool_ = false;
  bool has_int_ = false;   // the number is an integer in int64_t's range.
  bool has_uint_ = false;  // the number is an integer in uint64_t's range.
  double double_ = 0;
  int64_t int_ = 0;
  uint64_t uint_ = 0;
  std::string string_;
  // Array elements, or object member values (parallel to keys_).
  std::vector<JsonValue> values_;
  std::vector<std::string> keys_;  // object member names; empty for arrays.
};

// Parses one JSON document (see the file comment for what is accepted).
absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

// Parses JSON Lines: one complete document per line, lines separated by
// '\n' (a '\r' before it is whitespace, so CRLF works). A final '\n' is
// optional; an empty input yields no documents. An empty or whitespace-only
// line elsewhere is an error, as is a document spanning lines. Errors name
// the 1-based line number.
absl::StatusOr<std::vector<JsonValue>> ParseJsonLines(absl::string_view text);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_JSON_VALUE_H_
