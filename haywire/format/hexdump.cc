// Copyright 2026 The Haywire Authors.

#include "haywire/format/hexdump.h"

#include <algorithm>

namespace haywire {

int HexdumpAddressWidth(uint64_t end) {
  int digits = 1;
  for (uint64_t v = end > 0 ? end - 1 : 0; v >= 16; v /= 16) ++digits;
  return std::max(digits, 8);
}

std::string HexdumpLines(uint64_t address, absl::string_view bytes,
                         int address_width) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve((bytes.size() / 16 + 1) * (address_width + 60));
  for (size_t at = 0; at < bytes.size(); at += 16) {
    const size_t n = std::min<size_t>(16, bytes.size() - at);
    const uint64_t line_address = address + at;
    for (int shift = (address_width - 1) * 4; shift >= 0; shift -= 4) {
      out.push_back(shift < 64 ? kHex[(line_address >> shift) & 0xf] : '0');
    }
    out.append(": ");
    for (size_t i = 0; i < 16; ++i) {
      if (i < n) {
        const auto b = static_cast<unsigned char>(bytes[at + i]);
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xf]);
      } else {
        out.append("  ");
      }
      if (i % 2 == 1) out.push_back(' ');
    }
    out.push_back(' ');
    for (size_t i = 0; i < n; ++i) {
      const auto b = static_cast<unsigned char>(bytes[at + i]);
      out.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace haywire
