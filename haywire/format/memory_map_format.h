// Copyright 2026 The Haywire Authors.
//
// How `haywire maps` shows a process's memory map: the columns of
// `pmap -X` (Address, Perm, Offset, Device, Inode, then Size, Rss, Pss,
// Anonymous, Swap and Locked in KiB, then the mapping's path), each column
// as wide as its widest value, a totals line under the KiB columns, and
// the JSON form scripts read. Paths come from the guest: the text form
// renders them with TerminalSafe, JSON escapes them.
#ifndef HAYWIRE_FORMAT_MEMORY_MAP_FORMAT_H_
#define HAYWIRE_FORMAT_MEMORY_MAP_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

// The table: a header line, one line per mapping and the totals, each
// ending in a newline. An anonymous mapping (no path) shows "[ anon ]", as
// pmap does.
std::string MemoryMapTable(const std::vector<MemoryMapping>& mappings);

// {"pid": N, "mappings": [{"start": "0x...", "end": "0x...", "perms":
// "r-xp", "offset": N, "dev": "fd:01", "inode": N, "path": "...",
// "path_truncated": false, "size_kb": N, "rss_kb": N, "pss_kb": N,
// "shared_clean_kb": N, "shared_dirty_kb": N, "private_clean_kb": N,
// "private_dirty_kb": N, "referenced_kb": N, "anon_kb": N, "swap_kb": N,
// "locked_kb": N}, ...]}, pretty-printed, with a final newline.
std::string MemoryMapJson(uint32_t pid,
                          const std::vector<MemoryMapping>& mappings);

// "fd:01": maps' device column.
std::string MemoryMapDeviceText(const MemoryMapping& mapping);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_MEMORY_MAP_FORMAT_H_
