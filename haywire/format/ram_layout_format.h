// Copyright 2026 The Haywire Authors.
//
// How commands show a RAM file's layout (haywire/host/ram_layout.h): where
// guest-physical memory lies in the file, and how many of the companion's
// region pages confirmed it.
//
// Text: "x86 (pc/q35), 2 segments; 16384 region pages agree", with
// "(above 2 GiB not yet placed)" after the segments of a partial layout.
// JSON: {"machine": "x86 (pc/q35)", "partial": false, "confirming_pairs": N,
// "segments": [{"guest_physical": "0x0", "file_offset": "0x0",
// "bytes": N}]}.
#ifndef HAYWIRE_FORMAT_RAM_LAYOUT_FORMAT_H_
#define HAYWIRE_FORMAT_RAM_LAYOUT_FORMAT_H_

#include <string>

#include "haywire/host/ram_layout.h"
#include "haywire/util/json_writer.h"

namespace haywire {

// The text summary, without a newline.
std::string RamLayoutSummary(const RamLayout& layout);

// Writes the JSON object as the next value of `json`.
void WriteRamLayoutJson(const RamLayout& layout, JsonWriter* json);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_RAM_LAYOUT_FORMAT_H_
