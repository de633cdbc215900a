// Copyright 2026 The Haywire Authors.

#include "guest/smaps_parse.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "guest/procfs_parse.h"

namespace haywire {
namespace internal {
namespace {

absl::Status Malformed(absl::string_view what, absl::string_view line) {
  return absl::DataLossError(
      absl::StrCat("smaps: ", what, " in line ", Quote(line.substr(0, 120))));
}

// The text up to the next space (or the end), and `*rest` after that space.
absl::string_view NextToken(absl::string_view* rest) {
  const size_t space = rest->find(' ');
  const absl::string_view token = rest->substr(0, space);
  rest->remove_prefix(space == absl::string_view::npos ? rest->size()
                                                       : space + 1);
  return token;
}

// smaps' "Name: N kB" counters this parser keeps.
struct KbField {
  absl::string_view name;
  uint64_t MemoryMapping::*member;
};
constexpr KbField kKbFields[] = {
    {"Size", &MemoryMapping::size_kb},
    {"Rss", &MemoryMapping::rss_kb},
    {"Pss", &MemoryMapping::pss_kb},
    {"Shared_Clean", &MemoryMapping::shared_clean_kb},
    {"Shared_Dirty", &MemoryMapping::shared_dirty_kb},
    {"Private_Clean", &MemoryMapping::private_clean_kb},
    {"Private_Dirty", &MemoryMapping::private_dirty_kb},
    {"Referenced", &MemoryMapping::referenced_kb},
    {"Anonymous", &MemoryMapping::anonymous_kb},
    {"Swap", &MemoryMapping::swap_kb},
    {"Locked", &MemoryMapping::locked_kb},
};

}  // namespace

bool IsMapsHeaderLine(absl::string_view line) {
  return !line.empty() && ((line[0] >= '0' && line[0] <= '9') ||
                           (line[0] >= 'a' && line[0] <= 'f'));
}

absl::StatusOr<MemoryMapping> ParseMapsHeaderLine(absl::string_view line) {
  MemoryMapping m;
  absl::string_view rest = line;
  const absl::string_view range = NextToken(&rest);
  const size_t dash = range.find('-');
  if (dash == absl::string_view::npos ||
      !ParseHex64(range.substr(0, dash), &m.start) ||
      !ParseHex64(range.substr(dash + 1), &m.end)) {
    return Malformed("bad address range", line);
  }
  if (m.start >= m.end) return Malformed("empty or reversed range", line);

  const absl::string_view perms = NextToken(&rest);
  if (perms.size() != 4 || (perms[0] != 'r' && perms[0] != '-') ||
      (perms[1] != 'w' && perms[1] != '-') ||
      (perms[2] != 'x' && perms[2] != '-') ||
      (perms[3] != 'p' && perms[3] != 's')) {
    return Malformed("bad permissions", line);
  }
  m.perms =
      (perms[0] == 'r' ? kMapRead : 0) | (perms[1] == 'w' ? kMapWrite : 0) |
      (perms[2] == 'x' ? kMapExecute : 0) | (perms[3] == 's' ? kMapShared : 0);

  if (!ParseHex64(NextToken(&rest), &m.offset)) {
    return Malformed("bad offset", line);
  }
  const absl::string_view dev = NextToken(&rest);
  const size_t colon = dev.find(':');
  uint64_t major = 0;
  uint64_t minor = 0;
  if (colon == absl::string_view::npos ||
      !ParseHex64(dev.substr(0, colon), &major) ||
      !ParseHex64(dev.substr(colon + 1), &minor) || major > UINT32_MAX ||
      minor > UINT32_MAX) {
    return Malformed("bad device", line);
  }
  m.dev_major = static_cast<uint32_t>(major);
  m.dev_minor = static_cast<uint32_t>(minor);
  if (!ParseDecimal(NextToken(&rest), &m.inode)) {
    return Malformed("bad inode", line);
  }
  // The kernel pads the path to a column with spaces; the path itself runs
  // to the end of the line (it may contain spaces).
  const absl::string_view path = absl::StripLeadingAsciiWhitespace(rest);
  m.path = CutUtf8(path, kMaxPathBytes);
  m.path_truncated = m.path.size() < path.size();
  return m;
}

absl::Status ApplySmapsFieldLine(absl::string_view line,
                                 MemoryMapping* mapping) {
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return Malformed("a field line without a name", line);
  }
  const absl::string_view name = line.substr(0, colon);
  for (const KbField& field : kKbFields) {
    if (name != field.name) continue;
    uint64_t kb = 0;
    if (!ParseKb(absl::StripLeadingAsciiWhitespace(line.substr(colon + 1)),
                 &kb)) {
      return Malformed(absl::StrCat("bad ", name, " value"), line);
    }
    mapping->*field.member = kb;
    return absl::OkStatus();
  }
  return absl::OkStatus();  // a field this parser does not keep
}

absl::StatusOr<std::vector<MemoryMapping>> ParseSmaps(
    absl::string_view contents) {
  std::vector<MemoryMapping> mappings;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    if (line.size() > kMaxSmapsLineBytes) {
      return absl::DataLossError(absl::StrCat("smaps: a line longer than ",
                                              kMaxSmapsLineBytes, " bytes"));
    }
    if (line.empty()) continue;
    if (IsMapsHeaderLine(line)) {
      absl::StatusOr<MemoryMapping> m = ParseMapsHeaderLine(line);
      if (!m.ok()) return m.status();
      if (!mappings.empty() && m->start < mappings.back().end) {
        return Malformed("a mapping overlapping or below the previous one",
                         line);
      }
      mappings.push_back(*std::move(m));
      continue;
    }
    if (mappings.empty()) return Malformed("a field before any mapping", line);
    if (absl::Status s = ApplySmapsFieldLine(line, &mappings.back()); !s.ok()) {
      return s;
    }
  }
  return mappings;
}

}  // namespace internal
}  // namespace haywire
