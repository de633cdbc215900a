// Copyright 2026 The Haywire Authors.

#include "haywire/format/ram_layout_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace haywire {
namespace {

std::string HexText(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

}  // namespace

std::string RamLayoutSummary(const RamLayout& layout) {
  return absl::StrFormat("%s, %d segment%s%s; %d region pages agree",
                         layout.machine, layout.segments.size(),
                         layout.segments.size() == 1 ? "" : "s",
                         layout.partial ? " (above 2 GiB not yet placed)" : "",
                         layout.confirming_pairs);
}

void WriteRamLayoutJson(const RamLayout& layout, JsonWriter* json) {
  json->BeginObject();
  json->Key("machine").String(layout.machine);
  json->Key("partial").Bool(layout.partial);
  json->Key("confirming_pairs").Uint(layout.confirming_pairs);
  json->Key("segments").BeginArray();
  for (const RamSegment& s : layout.segments) {
    json->BeginObject();
    json->Key("guest_physical").String(HexText(s.guest_physical));
    json->Key("file_offset").String(HexText(s.file_offset));
    json->Key("bytes").Uint(s.bytes);
    json->EndObject();
  }
  json->EndArray();
  json->EndObject();
}

}  // namespace haywire
