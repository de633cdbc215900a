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

// Decodes the UTF-8 sequence starting at `s[pos]`, which must not be ASCII.
// Returns its length (2 to 4) and stores the code point in `*code_point` if it
// is well-formed (Unicode table 3-7: no overlong forms, no surrogates, nothing
// above U+10FFFF). Otherwise returns 0 and stores in `*invalid_length` the
// length of the maximal subpart of an ill-formed sequence, i.e. the bytes that
// one U+FFFD replaces.
size_t DecodeMultiByte(absl::string_view s, size_t pos, uint32_t* code_point,
                       size_t* invalid_length) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  size_t length;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  uint32_t value;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    // Continuation byte without a lead, C0/C1 (overlong), or F5..FF.
    *invalid_length = 1;
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    const unsigned char min = i == 1 ? second_min : 0x80;
    const unsigned char max = i == 1 ? second_max : 0xBF;
    if (pos + i >= s.size()) {
      *invalid_length = i;
      return 0;
    }
    const auto byte = static_cast<unsigned char>(s[pos + i]);
    if (byte < min || byte > max) {
      *invalid_length = i;
      return 0;
    }
    value = (value << 6) | (byte & 0x3F);
  }
  *code_point = value;
  return length;
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
    uint32_t code_point = 0;
    size_t invalid_length = 0;
    const size_t length =
        DecodeMultiByte(value, pos, &code_point, &invalid_length);
    if (length == 0) {
      out->append(kReplacementCharacter.data(), kReplacementCharacter.size());
      pos += invalid_length;
    } else {
      if (code_point == 0x2028 || code_point == 0x2029) {
        AppendUnicodeEscape(code_point, out);
      } else {
        out->append(value.data() + pos, length);
      }
      pos += length;
    }
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
