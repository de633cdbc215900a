// Copyright 2026 The Haywire Authors.
//
// Strict UTF-8 decoding, one character at a time, for the writers that turn
// hostile guest bytes into output (JSON strings, terminal text). Well-formed
// means Unicode table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF. An ill-formed sequence is reported with the length of its
// maximal subpart (Unicode chapter 3.9), the bytes one replacement stands
// for, so every caller splits bad input the same way.
//
//   size_t pos = 0;
//   while (pos < s.size()) {
//     const Utf8Char c = DecodeUtf8(s, pos);
//     if (c.valid) Use(c.code_point); else Reject(s.substr(pos, c.length));
//     pos += c.length;
//   }
#ifndef HAYWIRE_UTIL_UTF8_H_
#define HAYWIRE_UTIL_UTF8_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace haywire {

struct Utf8Char {
  // True for a well-formed character; `code_point` is then its value.
  bool valid = false;
  uint32_t code_point = 0;
  // Bytes consumed, 1 to 4: the character, or the maximal ill-formed subpart.
  size_t length = 1;
};

// Decodes the character starting at `s[pos]`; `pos` must be < `s.size()`.
Utf8Char DecodeUtf8(absl::string_view s, size_t pos);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_UTF8_H_
