// Copyright 2026 The Haywire Authors.
//
// `JsonWriter` produces one JSON document (RFC 8259) incrementally, without
// building a tree first: callers emit begin/end markers, keys and scalar
// values in document order and the writer takes care of separators,
// indentation and string escaping.
//
// Example:
//
//   haywire::JsonWriter w(haywire::JsonWriter::Style::kPretty);
//   w.BeginObject();
//   w.Key("pid").Int(1);
//   w.Key("comm").String("systemd");
//   w.Key("threads").BeginArray().Int(1).Int(2).EndArray();
//   w.EndObject();
//   absl::StatusOr<std::string> json = std::move(w).Finish();
//
// produces
//
//   {
//     "pid": 1,
//     "comm": "systemd",
//     "threads": [
//       1,
//       2
//     ]
//   }
//
// Output guarantees:
//
//   * Strings are always valid JSON and valid UTF-8: `"` and `\` are escaped,
//     control characters use the short escapes (`\b`, `\f`, `\n`, `\r`, `\t`)
//     or `\u00XX`, DEL is written as `\u007f`, the C1 controls U+0080 to
//     U+009F as `\u0080` to `\u009f` (so JSON shown on a terminal cannot
//     drive it), U+2028/U+2029 as `\u2028` and `\u2029` (so the output is
//     also a valid JavaScript literal), the bidirectional formatting
//     controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) as
//     `\u202e` etc., and every ill-formed UTF-8 sequence is replaced by
//     U+FFFD, one replacement per maximal ill-formed subpart as recommended
//     by Unicode (chapter 3.9). Strings from the guest may hold anything;
//     the output never holds a raw control character or invalid UTF-8.
//   * Doubles are written in the shortest form that reads back to the same
//     value; NaN and infinities, which JSON cannot represent, become `null`.
//   * Compact style emits no whitespace at all. Pretty style puts every member
//     and element on its own line, indented by two spaces per level, writes
//     `"key": value` and keeps empty containers as `{}` and `[]`. Neither
//     style appends a trailing newline.
//
// Misuse (a value in an object without a key, a key outside an object, an
// unbalanced `End*()`, a second top-level value, `Finish()` on an unfinished
// document) is a programming error. The writer records the first one as a
// `FailedPreconditionError` describing the offending call and the path to it,
// ignores every call after it, and reports it from `status()` and `Finish()`.
// All methods return `*this` so calls can be chained.
//
// `JsonWriter` is not thread-safe.

#ifndef HAYWIRE_UTIL_JSON_WRITER_H_
#define HAYWIRE_UTIL_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

class JsonWriter {
 public:
  enum class Style {
    kCompact,  // `{"a":[1,2]}`
    kPretty,   // two-space indentation, one member or element per line
  };

  explicit JsonWriter(Style style = Style::kCompact);

  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  JsonWriter(JsonWriter&&) = default;
  JsonWriter& operator=(JsonWriter&&) = default;

  // Containers. Every `Begin*()` must be matched by the corresponding
  // `End*()`.
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();

  // Writes the name of the next object member. Only valid directly inside an
  // object, and must be followed by exactly one value (scalar or container).
  JsonWriter& Key(absl::string_view key);

  // Scalar values.
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);  // NaN and +/-infinity are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // OK until the first misuse; afterwards the error describing it.
  const absl::Status& status() const { return status_; }

  // True once a complete top-level value has been written (and no error
  // occurred).
  bool done() const { return status_.ok() && done_; }

  // The text written so far. Useful for debugging and for callers that stream
  // a document out in pieces; it is only a complete document once `done()`.
  const std::string& output() const { return out_; }

  // Returns the document, or the recorded error, or a FailedPreconditionError
  // if the document is incomplete (nothing written, or containers left open).
  absl::StatusOr<std::string> Finish() &&;

 private:
  enum class Container { kObject, kArray };
  struct Frame {
    Container container = Container::kObject;
    int64_t size = 0;      // members or elements written so far
    bool has_key = false;  // objects: a key awaits its value
    std::string last_key;  // objects: for error messages
  };

  // Emits the separator and indentation that precede a value; false (with
  // the error recorded) if a value is not allowed here.
  bool BeginValue(absl::string_view what);
  // Bookkeeping after a complete value.
  void EndValue();
  JsonWriter& Begin(Container container);
  JsonWriter& End(Container container);
  void NewlineAndIndent(size_t depth);
  void SetError(absl::string_view what, absl::string_view problem);
  std::string Path() const;

  Style style_;
  std::string out_;
  std::vector<Frame> stack_;
  bool done_ = false;
  absl::Status status_;
};

// Appends `value` to `*out` as a quoted JSON string, escaped as described
// above.
void AppendJsonString(absl::string_view value, std::string* out);

// Returns `value` as a quoted JSON string, escaped as described above.
std::string JsonQuote(absl::string_view value);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_JSON_WRITER_H_
