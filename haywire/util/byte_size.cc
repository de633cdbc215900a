// Copyright 2026 The Haywire Authors.

#include "haywire/util/byte_size.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace haywire {

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text) {
  const std::string original(text);
  std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  auto bad = [&original]() {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", original, "' is not a size; write e.g. 4096, 64M, 1G"));
  };
  if (s.empty()) return bad();
  // "64MiB", "64MB", "64B": drop the unit word, keep the multiplier.
  for (absl::string_view suffix : {"ib", "b"}) {
    if (s.size() > suffix.size() && absl::EndsWith(s, suffix)) {
      s.resize(s.size() - suffix.size());
      break;
    }
  }
  int shift = 0;
  switch (s.back()) {
    case 'k':
      shift = 10;
      break;
    case 'm':
      shift = 20;
      break;
    case 'g':
      shift = 30;
      break;
    case 't':
      shift = 40;
      break;
    default:
      break;
  }
  if (shift != 0) s.pop_back();
  uint64_t value = 0;
  if (s.empty() || !absl::SimpleAtoi(s, &value)) return bad();
  if (value > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return absl::InvalidArgumentError(
        absl::StrCat("size '", original, "' is too large"));
  }
  return value << shift;
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, " B");
  if (value == static_cast<double>(static_cast<uint64_t>(value))) {
    return absl::StrCat(static_cast<uint64_t>(value), " ", kUnits[unit]);
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

}  // namespace haywire
