// Copyright 2026 The Haywire Authors.

#include "haywire/format/memory_map_format.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

struct KbColumn {
  const char* title;
  uint64_t MemoryMapping::*member;
};
constexpr std::array<KbColumn, 6> kKbColumns = {{
    {"Size", &MemoryMapping::size_kb},
    {"Rss", &MemoryMapping::rss_kb},
    {"Pss", &MemoryMapping::pss_kb},
    {"Anonymous", &MemoryMapping::anonymous_kb},
    {"Swap", &MemoryMapping::swap_kb},
    {"Locked", &MemoryMapping::locked_kb},
}};

size_t Width(absl::string_view title, const std::vector<std::string>& cells) {
  size_t width = title.size();
  for (const std::string& c : cells) width = std::max(width, c.size());
  return width;
}

void AppendRight(std::string* line, absl::string_view text, size_t width) {
  if (!line->empty()) line->push_back(' ');
  line->append(width - std::min(width, text.size()), ' ');
  line->append(text.data(), text.size());
}

}  // namespace

std::string MemoryMapDeviceText(const MemoryMapping& m) {
  return absl::StrFormat("%02x:%02x", m.dev_major, m.dev_minor);
}

std::string MemoryMapTable(const std::vector<MemoryMapping>& mappings) {
  // Cells first, so every column is as wide as its widest value.
  std::vector<std::string> address, offset, device, inode;
  std::array<std::vector<std::string>, kKbColumns.size()> kb;
  std::array<uint64_t, kKbColumns.size()> totals = {};
  for (const MemoryMapping& m : mappings) {
    address.push_back(absl::StrCat(absl::Hex(m.start)));
    offset.push_back(absl::StrCat(absl::Hex(m.offset, absl::kZeroPad8)));
    device.push_back(MemoryMapDeviceText(m));
    inode.push_back(absl::StrCat(m.inode));
    for (size_t c = 0; c < kKbColumns.size(); ++c) {
      const uint64_t v = m.*kKbColumns[c].member;
      kb[c].push_back(absl::StrCat(v));
      totals[c] += v;
    }
  }
  std::array<std::string, kKbColumns.size()> total_text;
  std::array<size_t, kKbColumns.size()> kb_width;
  for (size_t c = 0; c < kKbColumns.size(); ++c) {
    total_text[c] = absl::StrCat(totals[c]);
    kb_width[c] =
        std::max(Width(kKbColumns[c].title, kb[c]), total_text[c].size());
  }
  const size_t address_width = std::max<size_t>(Width("Address", address), 16);
  const size_t offset_width = Width("Offset", offset);
  const size_t device_width = Width("Device", device);
  const size_t inode_width = Width("Inode", inode);

  std::string out;
  std::string line;
  AppendRight(&line, "Address", address_width);
  line.append(" Perm");
  AppendRight(&line, "Offset", offset_width);
  AppendRight(&line, "Device", device_width);
  AppendRight(&line, "Inode", inode_width);
  for (size_t c = 0; c < kKbColumns.size(); ++c) {
    AppendRight(&line, kKbColumns[c].title, kb_width[c]);
  }
  absl::StrAppend(&out, line, " Mapping\n");
  for (size_t i = 0; i < mappings.size(); ++i) {
    const MemoryMapping& m = mappings[i];
    line.clear();
    AppendRight(&line, address[i], address_width);
    absl::StrAppend(&line, " ", MemoryMapPermsText(m.perms));
    AppendRight(&line, offset[i], offset_width);
    AppendRight(&line, device[i], device_width);
    AppendRight(&line, inode[i], inode_width);
    for (size_t c = 0; c < kKbColumns.size(); ++c) {
      AppendRight(&line, kb[c][i], kb_width[c]);
    }
    absl::StrAppend(&out, line, " ",
                    m.path.empty() ? "[ anon ]" : TerminalSafe(m.path),
                    m.path_truncated ? "..." : "", "\n");
  }
  // Totals under the KiB columns, as pmap -X prints them.
  const size_t lead = address_width + 1 + 4 + 1 + offset_width + 1 +
                      device_width + 1 + inode_width;
  std::string rule(lead, ' ');
  std::string sums(lead, ' ');
  for (size_t c = 0; c < kKbColumns.size(); ++c) {
    absl::StrAppend(&rule, " ", std::string(kb_width[c], '='));
    AppendRight(&sums, total_text[c], kb_width[c]);
  }
  absl::StrAppend(&out, rule, "\n", sums, " KB\n");
  return out;
}

std::string MemoryMapJson(uint32_t pid,
                          const std::vector<MemoryMapping>& mappings) {
  JsonWriter json(JsonWriter::Style::kPretty);
  json.BeginObject();
  json.Key("pid").Uint(pid);
  json.Key("mappings").BeginArray();
  for (const MemoryMapping& m : mappings) {
    json.BeginObject();
    json.Key("start").String(absl::StrCat("0x", absl::Hex(m.start)));
    json.Key("end").String(absl::StrCat("0x", absl::Hex(m.end)));
    json.Key("perms").String(MemoryMapPermsText(m.perms));
    json.Key("offset").Uint(m.offset);
    json.Key("dev").String(MemoryMapDeviceText(m));
    json.Key("inode").Uint(m.inode);
    json.Key("path").String(m.path);
    json.Key("path_truncated").Bool(m.path_truncated);
    json.Key("size_kb").Uint(m.size_kb);
    json.Key("rss_kb").Uint(m.rss_kb);
    json.Key("pss_kb").Uint(m.pss_kb);
    json.Key("shared_clean_kb").Uint(m.shared_clean_kb);
    json.Key("shared_dirty_kb").Uint(m.shared_dirty_kb);
    json.Key("private_clean_kb").Uint(m.private_clean_kb);
    json.Key("private_dirty_kb").Uint(m.private_dirty_kb);
    json.Key("referenced_kb").Uint(m.referenced_kb);
    json.Key("anon_kb").Uint(m.anonymous_kb);
    json.Key("swap_kb").Uint(m.swap_kb);
    json.Key("locked_kb").Uint(m.locked_kb);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  absl::StatusOr<std::string> out = std::move(json).Finish();
  return absl::StrCat(out.ok() ? *out : "{}", "\n");
}

}  // namespace haywire
