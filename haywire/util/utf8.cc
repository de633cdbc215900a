// Copyright 2026 The Haywire Authors.

#include "haywire/util/utf8.h"

namespace haywire {

Utf8Char DecodeUtf8(absl::string_view s, size_t pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) return {.valid = true, .code_point = lead, .length = 1};
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
    return {.valid = false, .length = 1};
  }
  for (size_t i = 1; i < length; ++i) {
    const unsigned char min = i == 1 ? second_min : 0x80;
    const unsigned char max = i == 1 ? second_max : 0xBF;
    if (pos + i >= s.size()) return {.valid = false, .length = i};
    const auto byte = static_cast<unsigned char>(s[pos + i]);
    if (byte < min || byte > max) return {.valid = false, .length = i};
    value = (value << 6) | (byte & 0x3F);
  }
  return {.valid = true, .code_point = value, .length = length};
}

}  // namespace haywire
