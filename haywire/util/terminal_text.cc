// Copyright 2026 The Haywire Authors.

#include "haywire/util/terminal_text.h"

#include <cstdint>
#include <iterator>

#include "haywire/util/utf8.h"

namespace haywire {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendByteEscape(unsigned char byte, std::string* out) {
  out->append("\\x");
  out->push_back(kHexDigits[byte >> 4]);
  out->push_back(kHexDigits[byte & 0xF]);
}

void AppendCodePointEscape(uint32_t code_point, std::string* out) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) {
    out->push_back(kHexDigits[(code_point >> shift) & 0xF]);
  }
}

// Well-formed characters that are still escaped: C1 controls, bidi
// formatting controls, line and paragraph separators.
bool EscapedCodePoint(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E ||
         c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

struct Range {
  uint32_t first;
  uint32_t last;
};

bool InRanges(uint32_t c, const Range* ranges, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (c >= ranges[i].first && c <= ranges[i].last) return true;
  }
  return false;
}

// Characters that take no column: combining marks, zero-width spaces and
// joiners, variation selectors.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},   {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200D}, {0x20D0, 0x20FF},   {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

// East Asian wide and fullwidth characters, and the emoji blocks: two
// columns.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

size_t CharWidth(uint32_t c) {
  if (c < 0x80) return 1;
  if (InRanges(c, kZeroWidth, std::size(kZeroWidth))) return 0;
  if (InRanges(c, kWide, std::size(kWide))) return 2;
  return 1;
}

}  // namespace

std::string TerminalSafe(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      if (byte < 0x20 || byte == 0x7F) {
        AppendByteEscape(byte, &out);
      } else if (byte == '\\') {
        out.append("\\\\");
      } else {
        out.push_back(static_cast<char>(byte));
      }
      ++pos;
      continue;
    }
    const Utf8Char c = DecodeUtf8(text, pos);
    if (!c.valid) {
      for (size_t i = 0; i < c.length; ++i) {
        AppendByteEscape(static_cast<unsigned char>(text[pos + i]), &out);
      }
    } else if (EscapedCodePoint(c.code_point)) {
      AppendCodePointEscape(c.code_point, &out);
    } else {
      out.append(text.data() + pos, c.length);
    }
    pos += c.length;
  }
  return out;
}

size_t TerminalWidth(absl::string_view safe_text) {
  size_t width = 0;
  size_t pos = 0;
  while (pos < safe_text.size()) {
    const Utf8Char c = DecodeUtf8(safe_text, pos);
    width += c.valid ? CharWidth(c.code_point) : 1;
    pos += c.length;
  }
  return width;
}

std::string TruncateToWidth(absl::string_view safe_text, size_t width) {
  size_t used = 0;
  size_t pos = 0;
  while (pos < safe_text.size()) {
    const Utf8Char c = DecodeUtf8(safe_text, pos);
    const size_t w = c.valid ? CharWidth(c.code_point) : 1;
    if (used + w > width) break;
    used += w;
    pos += c.length;
  }
  return std::string(safe_text.substr(0, pos));
}

std::string FitToWidth(absl::string_view safe_text, size_t width) {
  if (TerminalWidth(safe_text) <= width) return std::string(safe_text);
  if (width == 0) return "";
  std::string out = TruncateToWidth(safe_text, width - 1);
  out.push_back('+');
  return out;
}

std::string PadToWidth(absl::string_view safe_text, size_t width) {
  std::string out(safe_text);
  const size_t used = TerminalWidth(safe_text);
  if (used < width) out.append(width - used, ' ');
  return out;
}

std::string AsciiColumns(absl::string_view safe_text) {
  std::string out;
  out.reserve(safe_text.size());
  size_t pos = 0;
  while (pos < safe_text.size()) {
    const Utf8Char c = DecodeUtf8(safe_text, pos);
    if (c.valid && c.code_point >= 0x20 && c.code_point < 0x7F) {
      out.push_back(static_cast<char>(c.code_point));
    } else {
      out.append(c.valid ? CharWidth(c.code_point) : 1, '?');
    }
    pos += c.length;
  }
  return out;
}

}  // namespace haywire
