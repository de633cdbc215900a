// Copyright 2026 The Haywire Authors.
//
// Bytes written as hex on a command line: "deadbeef", "de ad be ef",
// "de:ad:be:ef" or "0xdeadbeef" (spaces and colons between bytes are
// ignored; case does not matter), as `grep --hex` and `write` take them,
// and back ("de ad be ef").
#ifndef HAYWIRE_UTIL_HEX_BYTES_H_
#define HAYWIRE_UTIL_HEX_BYTES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

// The bytes `text` spells. InvalidArgument, naming what is wrong, for a
// character that is not a hex digit, a separator inside a byte, or an odd
// number of digits; an empty text is no bytes.
absl::StatusOr<std::string> ParseHexBytes(absl::string_view text);

// "de ad be ef": two lower-case digits per byte, separated by spaces.
std::string HexBytesText(absl::string_view bytes);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_HEX_BYTES_H_
