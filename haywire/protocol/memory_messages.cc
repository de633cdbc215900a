// Copyright 2026 The Haywire Authors.
//
// What the field lists of memory_messages.h cannot say: checks across
// fields, and the record helper of a map chunk.

#include "haywire/protocol/memory_messages.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

absl::Status MemoryMapping::WireValidate(const MemoryMapping& m) {
  if (m.start >= m.end) {
    return absl::DataLossError(absl::StrCat("mapping 0x", absl::Hex(m.start),
                                            "-0x", absl::Hex(m.end),
                                            " is empty or reversed"));
  }
  if ((m.perms & ~kMapPermsMask) != 0) {
    return absl::DataLossError(absl::StrCat(
        "mapping permissions 0x", absl::Hex(m.perms), " have unknown bits"));
  }
  return absl::OkStatus();
}

absl::Status MemoryMapRequest::WireValidate(const MemoryMapRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  if (r.iterator_id.has_value() && *r.iterator_id == 0) {
    return absl::InvalidArgumentError("request names iterator 0");
  }
  return absl::OkStatus();
}

absl::Status MemoryMapChunk::WireValidate(const MemoryMapChunk& c) {
  for (size_t i = 1; i < c.mappings.size(); ++i) {
    if (c.mappings[i].start < c.mappings[i - 1].end) {
      return absl::DataLossError(
          absl::StrCat("mapping at 0x", absl::Hex(c.mappings[i].start),
                       " overlaps or precedes the one before it"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadMemoryRequest::WireValidate(const ReadMemoryRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  if (r.length == 0) return absl::InvalidArgumentError("zero length");
  if (r.address + (r.length - 1) < r.address) {
    return absl::InvalidArgumentError(
        absl::StrCat("range of ", r.length, " bytes from 0x",
                     absl::Hex(r.address), " wraps past 2^64"));
  }
  return absl::OkStatus();
}

absl::Status ReadMemoryResponse::WireValidate(const ReadMemoryResponse& r) {
  if (!r.digest.empty() && r.digest.size() != kDigestBytes) {
    return absl::DataLossError(
        absl::StrCat("digest of ", r.digest.size(), " bytes"));
  }
  return absl::OkStatus();
}

absl::Status SearchMemoryRequest::WireValidate(const SearchMemoryRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  if (r.pattern.empty()) return absl::InvalidArgumentError("empty pattern");
  if (r.iterator_id.has_value() && *r.iterator_id == 0) {
    return absl::InvalidArgumentError("request names iterator 0");
  }
  return absl::OkStatus();
}

absl::Status SearchChunk::WireValidate(const SearchChunk& c) {
  for (size_t i = 1; i < c.mappings.size(); ++i) {
    if (c.mappings[i].start < c.mappings[i - 1].end) {
      return absl::DataLossError(
          absl::StrCat("mapping at 0x", absl::Hex(c.mappings[i].start),
                       " overlaps or precedes the one before it"));
    }
  }
  // Hits and mappings both ascend: walk them together.
  size_t m = 0;
  std::vector<bool> used(c.mappings.size(), false);
  for (size_t i = 0; i < c.hits.size(); ++i) {
    const uint64_t a = c.hits[i].address;
    if (i > 0 && a <= c.hits[i - 1].address) {
      return absl::DataLossError(absl::StrCat(
          "hit at 0x", absl::Hex(a), " does not follow the one before it"));
    }
    while (m < c.mappings.size() && c.mappings[m].end <= a) ++m;
    if (m == c.mappings.size() || a < c.mappings[m].start) {
      return absl::DataLossError(absl::StrCat(
          "hit at 0x", absl::Hex(a), " lies in none of the chunk's mappings"));
    }
    used[m] = true;
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) {
      return absl::DataLossError(
          absl::StrCat("mapping at 0x", absl::Hex(c.mappings[i].start),
                       " holds none of the chunk's hits"));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteMemoryRequest::WireValidate(const WriteMemoryRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  if (r.data.empty()) return absl::InvalidArgumentError("no bytes to write");
  if (r.address + (r.data.size() - 1) < r.address) {
    return absl::InvalidArgumentError(
        absl::StrCat("range of ", r.data.size(), " bytes from 0x",
                     absl::Hex(r.address), " wraps past 2^64"));
  }
  return absl::OkStatus();
}

absl::Status CommandLineRequest::WireValidate(const CommandLineRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  return absl::OkStatus();
}

absl::Status CommandLineResponse::WireValidate(const CommandLineResponse& r) {
  if (!r.digest.empty() && r.digest.size() != kDigestBytes) {
    return absl::DataLossError(
        absl::StrCat("digest of ", r.digest.size(), " bytes"));
  }
  return absl::OkStatus();
}

absl::Status PageMapRequest::WireValidate(const PageMapRequest& r) {
  if (r.pages == 0) return absl::InvalidArgumentError("no pages asked for");
  if (r.first_page + (r.pages - 1) < r.first_page) {
    return absl::InvalidArgumentError("page range wraps past 2^64");
  }
  return absl::OkStatus();
}

absl::Status PageMapResponse::WireValidate(const PageMapResponse& r) {
  if (r.page_bytes < 4096 || r.page_bytes > (1u << 20) ||
      (r.page_bytes & (r.page_bytes - 1)) != 0) {
    return absl::DataLossError(
        absl::StrCat("page size of ", r.page_bytes, " bytes"));
  }
  if (!r.digest.empty() && r.digest.size() != kDigestBytes) {
    return absl::DataLossError(
        absl::StrCat("digest of ", r.digest.size(), " bytes"));
  }
  return absl::OkStatus();
}

bool EncodeMemoryMapping(const MemoryMapping& mapping, WireWriter* writer) {
  return wire::AppendRecord(MemoryMapChunk::kMappingTag, mapping, writer);
}

std::string MemoryMapPermsText(uint32_t perms) {
  std::string text = "----";
  if (perms & kMapRead) text[0] = 'r';
  if (perms & kMapWrite) text[1] = 'w';
  if (perms & kMapExecute) text[2] = 'x';
  text[3] = (perms & kMapShared) ? 's' : 'p';
  return text;
}

}  // namespace haywire
