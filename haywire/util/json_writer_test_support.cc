// Copyright 2026 The Haywire Authors.

#include "haywire/util/json_writer_test_support.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace haywire {
namespace {

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

}  // namespace

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

std::optional<std::string> StrictJsonReader::Canonical() {
  if (!IsValidUtf8(text_)) return std::nullopt;
  std::string out;
  SkipSpace();
  if (!Value(&out, 0)) return std::nullopt;
  SkipSpace();
  if (pos_ != text_.size()) return std::nullopt;
  return out;
}

std::optional<std::string> StrictJsonReader::DecodeString() {
  if (!IsValidUtf8(text_)) return std::nullopt;
  std::string out;
  if (!String(&out) || pos_ != text_.size()) return std::nullopt;
  return out;
}

void StrictJsonReader::SkipSpace() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                 text_[pos_] == '\t' || text_[pos_] == '\r')) {
    ++pos_;
  }
}

bool StrictJsonReader::Consume(absl::string_view token) {
  if (text_.substr(pos_, token.size()) != token) return false;
  pos_ += token.size();
  return true;
}

bool StrictJsonReader::Value(std::string* out, int depth) {
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

bool StrictJsonReader::Object(std::string* out, int depth) {
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

bool StrictJsonReader::Array(std::string* out, int depth) {
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

bool StrictJsonReader::Number(std::string* out) {
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

bool StrictJsonReader::Hex4(uint32_t* value) {
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

bool StrictJsonReader::String(std::string* out) {
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
          if (!Consume("\\u") || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
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

}  // namespace haywire
