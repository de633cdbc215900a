// Copyright 2026 The Haywire Authors.

#include "haywire/util/hex_bytes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace haywire {
namespace {

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> ParseHexBytes(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, "0x")) absl::ConsumePrefix(&text, "0X");
  std::string bytes;
  int high = -1;  // the first digit of a byte, once read
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == ':') {
      if (high >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", text, "' splits a byte at position ", i + 1,
                         " (write two hex digits per byte)"));
      }
      continue;
    }
    const int value = DigitValue(c);
    if (value < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", text, "' has '", absl::CHexEscape(text.substr(i, 1)),
          "' at position ", i + 1, ", which is not a hex digit"));
    }
    if (high < 0) {
      high = value;
    } else {
      bytes.push_back(static_cast<char>(high << 4 | value));
      high = -1;
    }
  }
  if (high >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' has an odd number of hex digits (two per byte)"));
  }
  return bytes;
}

std::string HexBytesText(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(' ');
    absl::StrAppend(
        &out, absl::Hex(static_cast<unsigned char>(bytes[i]), absl::kZeroPad2));
  }
  return out;
}

}  // namespace haywire
