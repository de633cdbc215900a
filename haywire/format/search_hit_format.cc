// Copyright 2026 The Haywire Authors.

#include "haywire/format/search_hit_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "haywire/util/hex_bytes.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

constexpr char kMatchColor[] = "\x1b[01;31m";  // grep's default ms=01;31
constexpr char kResetColor[] = "\x1b[m";

std::string Printable(absl::string_view bytes) {
  std::string out(bytes);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '.';
  }
  return out;
}

std::string MappingName(const MemoryMapping& m) {
  return m.path.empty() ? "[ anon ]" : TerminalSafe(m.path);
}

}  // namespace

std::string SearchHitLine(const SearchHitView& hit, bool hex, bool color) {
  std::string out = absl::StrFormat("0x%012x  %s+0x%x  ", hit.address,
                                    MappingName(*hit.mapping),
                                    hit.address - hit.mapping->start);
  const absl::string_view open = color ? kMatchColor : "";
  const absl::string_view close = color ? kResetColor : "";
  if (hex) {
    absl::StrAppend(&out, HexBytesText(hit.before),
                    hit.before.empty() ? "" : " ", "[", open,
                    HexBytesText(hit.match), close, "]",
                    hit.after.empty() ? "" : " ", HexBytesText(hit.after));
  } else {
    absl::StrAppend(&out, Printable(hit.before), open, Printable(hit.match),
                    close, Printable(hit.after));
  }
  out.push_back('\n');
  return out;
}

std::string SearchHitJson(const SearchHitView& hit) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("address").String(absl::StrCat("0x", absl::Hex(hit.address)));
  json.Key("mapping").String(hit.mapping->path);
  json.Key("mapping_start")
      .String(absl::StrCat("0x", absl::Hex(hit.mapping->start)));
  json.Key("mapping_offset").Uint(hit.address - hit.mapping->start);
  json.Key("perms").String(MemoryMapPermsText(hit.mapping->perms));
  json.Key("before").String(HexBytesText(hit.before));
  json.Key("match").String(HexBytesText(hit.match));
  json.Key("after").String(HexBytesText(hit.after));
  json.EndObject();
  absl::StatusOr<std::string> out = std::move(json).Finish();
  return out.ok() ? *out : "{}";
}

}  // namespace haywire
