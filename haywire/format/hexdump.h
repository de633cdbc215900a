// Copyright 2026 The Haywire Authors.
//
// `xxd`'s hexdump: 16 bytes a line, the address, eight groups of two bytes
// in hex, then the bytes as text ('.' for anything outside printable
// ASCII, so guest bytes cannot drive the terminal):
//
//   7f1c2a000010: 4841 5957 4952 452d 4d41 524b 4552 2d31  HAYWIRE-MARKER-1
//
// Addresses are guest virtual addresses (as `xxd -o` shows offsets), at
// least 8 hex digits and all of one width within a dump.
#ifndef HAYWIRE_FORMAT_HEXDUMP_H_
#define HAYWIRE_FORMAT_HEXDUMP_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace haywire {

// Hex digits the addresses of a dump that ends before `end` take.
int HexdumpAddressWidth(uint64_t end);

// The lines for `bytes` at `address`, each ending in a newline; a short
// last line is padded so its text column lines up.
std::string HexdumpLines(uint64_t address, absl::string_view bytes,
                         int address_width);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_HEXDUMP_H_
