// Copyright 2026 The Haywire Authors.

#include "haywire/util/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "haywire/util/utf8.h"

namespace haywire {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr absl::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

void AppendUnicodeEscape(uint32_t code_unit, std::string* out) {
  char escape[6] = {'\\',
                    'u',
                    kHexDigits[(code_unit >> 12) & 0xF],
                    kHexDigits[(code_unit >> 8) & 0xF],
                    kHexDigits[(code_unit >> 4) & 0xF],
                    kHexDigits[code_unit & 0xF]};
  out->append(escape, sizeof(escape));
}

// Characters written as \uXXXX although JSON allows them raw: C1 controls
// (a terminal that shows the JSON would obey them), the line and paragraph
// separators (not valid in JavaScript string literals) and the bidirectional
// formatting controls (which reorder what a reader sees).
bool EscapedCodePoint(uint32_t code_point) {
  return (code_point >= 0x80 && code_point <= 0x9F) || code_point == 0x061C ||
         code_point == 0x200E || code_point == 0x200F ||
         (code_point >= 0x2028 && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

}  // namespace

void AppendJsonString(absl::string_view value, std::string* out) {
  out->reserve(out->size() + value.size() + 2);
  out->push_back('"');
  size_t pos = 0;
  while (pos < value.size()) {
    const auto byte = static_cast<unsigned char>(value[pos]);
    if (byte < 0x80) {
      switch (byte) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (byte < 0x20 || byte == 0x7F) {
            AppendUnicodeEscape(byte, out);
          } else {
            out->push_back(static_cast<char>(byte));
          }
      }
      ++pos;
      continue;
    }
    const Utf8Char c = DecodeUtf8(value, pos);
    if (!c.valid) {
      out->append(kReplacementCharacter.data(), kReplacementCharacter.size());
    } else if (EscapedCodePoint(c.code_point)) {
      AppendUnicodeEscape(c.code_point, out);
    } else {
      out->append(value.data() + pos, c.length);
    }
    pos += c.length;
  }
  out->push_back('"');
}

std::string JsonQuote(absl::string_view value) {
  std::string out;
  AppendJsonString(value, &out);
  return out;
}

JsonWriter::JsonWriter(Style style) : style_(style) {}

std::string JsonWriter::Path() const {
  std::string path = "$";
  for (const Frame& frame : stack_) {
    if (frame.container == Container::kArray) {
      absl::StrAppend(&path, "[", frame.size, "]");
    } else if (frame.has_key) {
      absl::StrAppend(&path, ".", frame.last_key);
    }
  }
  return path;
}

void JsonWriter::SetError(absl::string_view what, absl::string_view problem) {
  status_ = absl::FailedPreconditionError(
      absl::StrCat("JsonWriter: ", what, " at ", Path(), ": ", problem));
}

void JsonWriter::NewlineAndIndent(size_t depth) {
  out_.push_back('\n');
  out_.append(2 * depth, ' ');
}

bool JsonWriter::BeginValue(absl::string_view what) {
  if (!status_.ok()) return false;
  if (stack_.empty()) {
    if (done_) {
      SetError(what, "the document already has its top-level value");
      return false;
    }
    return true;
  }
  Frame& frame = stack_.back();
  if (frame.container == Container::kObject) {
    if (!frame.has_key) {
      SetError(what, "a value inside an object needs a Key() first");
      return false;
    }
    return true;  // Key() wrote the separator.
  }
  if (frame.size > 0) out_.push_back(',');
  if (style_ == Style::kPretty) NewlineAndIndent(stack_.size());
  return true;
}

void JsonWriter::EndValue() {
  if (stack_.empty()) {
    done_ = true;
    return;
  }
  Frame& frame = stack_.back();
  frame.has_key = false;
  ++frame.size;
}

JsonWriter& JsonWriter::Begin(Container container) {
  if (!BeginValue(container == Container::kObject ? "BeginObject()"
                                                  : "BeginArray()")) {
    return *this;
  }
  out_.push_back(container == Container::kObject ? '{' : '[');
  stack_.emplace_back();
  stack_.back().container = container;
  return *this;
}

JsonWriter& JsonWriter::End(Container container) {
  if (!status_.ok()) return *this;
  const bool object = container == Container::kObject;
  const absl::string_view what = object ? "EndObject()" : "EndArray()";
  if (stack_.empty()) {
    SetError(what, "no container is open");
    return *this;
  }
  Frame& frame = stack_.back();
  if (frame.container != container) {
    SetError(what, object ? "the innermost open container is an array"
                          : "the innermost open container is an object");
    return *this;
  }
  if (frame.has_key) {
    SetError(what,
             absl::StrCat("key ", JsonQuote(frame.last_key), " has no value"));
    return *this;
  }
  const bool empty = frame.size == 0;
  stack_.pop_back();
  if (!empty && style_ == Style::kPretty) NewlineAndIndent(stack_.size());
  out_.push_back(object ? '}' : ']');
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::BeginObject() { return Begin(Container::kObject); }
JsonWriter& JsonWriter::EndObject() { return End(Container::kObject); }
JsonWriter& JsonWriter::BeginArray() { return Begin(Container::kArray); }
JsonWriter& JsonWriter::EndArray() { return End(Container::kArray); }

JsonWriter& JsonWriter::Key(absl::string_view key) {
  if (!status_.ok()) return *this;
  const std::string what = absl::StrCat("Key(", JsonQuote(key), ")");
  if (stack_.empty() || stack_.back().container != Container::kObject) {
    SetError(what, "keys are only allowed directly inside an object");
    return *this;
  }
  Frame& frame = stack_.back();
  if (frame.has_key) {
    SetError(what, absl::StrCat("key ", JsonQuote(frame.last_key),
                                " has no value yet"));
    return *this;
  }
  if (frame.size > 0) out_.push_back(',');
  if (style_ == Style::kPretty) NewlineAndIndent(stack_.size());
  AppendJsonString(key, &out_);
  out_.append(style_ == Style::kPretty ? ": " : ":");
  frame.has_key = true;
  frame.last_key = std::string(key);
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  if (!BeginValue("String()")) return *this;
  AppendJsonString(value, &out_);
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  if (!BeginValue("Int()")) return *this;
  absl::StrAppend(&out_, value);
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  if (!BeginValue("Uint()")) return *this;
  absl::StrAppend(&out_, value);
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  if (!BeginValue("Double()")) return *this;
  if (!std::isfinite(value)) {
    out_.append("null");
  } else {
    // Shortest representation that round-trips; always valid JSON syntax
    // (e.g. "0.1", "-0", "1e+100", "5e-324").
    char buffer[32];
    const std::to_chars_result result =
        std::to_chars(buffer, buffer + sizeof(buffer), value);
    out_.append(buffer, result.ptr);
  }
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  if (!BeginValue("Bool()")) return *this;
  out_.append(value ? "true" : "false");
  EndValue();
  return *this;
}

JsonWriter& JsonWriter::Null() {
  if (!BeginValue("Null()")) return *this;
  out_.append("null");
  EndValue();
  return *this;
}

absl::StatusOr<std::string> JsonWriter::Finish() && {
  if (!status_.ok()) return status_;
  if (!stack_.empty()) {
    SetError("Finish()",
             absl::StrCat(stack_.size(), " container(s) still open"));
    return status_;
  }
  if (!done_) {
    SetError("Finish()", "nothing has been written");
    return status_;
  }
  return std::move(out_);
}

}  // namespace haywire
