// Copyright 2026 The Haywire Authors.
//
// Byte sizes as people write them on command lines: "4096", "64M", "64MiB",
// "1G", "512k". Suffixes are binary (K = 1024), case-insensitive, with an
// optional "iB" or "B".
#ifndef HAYWIRE_UTIL_BYTE_SIZE_H_
#define HAYWIRE_UTIL_BYTE_SIZE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text);

// "64 MiB", "1.5 GiB", "4096 B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_BYTE_SIZE_H_
