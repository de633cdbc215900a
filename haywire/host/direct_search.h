// Copyright 2026 The Haywire Authors.
//
// A search of a guest process's memory read straight from the RAM file
// (`haywire grep --direct`).
//
// The companion only lists the process's mappings (GET_MEMORY_MAP) and
// translates their pages (GET_PAGE_MAP); the host reads the pages that are
// in guest RAM from the RAM file (DirectReader, a 16 MiB window at a time,
// each window translated twice) and searches them with the same block
// search the companion runs for SEARCH_MEMORY (haywire/util/
// mapping_search.h), so hits, their context and their order are the same.
// Pages not in guest RAM (never touched, swapped out, moving) are skipped
// and counted as unreadable; their bytes are never taken from another
// frame. Mappings the kernel never lets a process read ([vvar],
// [vsyscall], no read permission) and mappings with nothing resident or
// swapped are not translated at all. Memory stays bounded (one window and
// one block); time is bounded by the options' timeout.
#ifndef HAYWIRE_HOST_DIRECT_SEARCH_H_
#define HAYWIRE_HOST_DIRECT_SEARCH_H_

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/memory_search.h"

namespace haywire {

// Searches `reader`'s process for `pattern` (1 to kMaxSearchPatternBytes
// bytes), calling `on_hit` for each hit in address order (false stops).
// MemorySearchSummary counts bytes searched, and bytes of searched
// mappings not in guest RAM as unreadable. Errors: those of ListMemoryMap
// and DirectReader, and kTimeout past options.timeout.
absl::StatusOr<MemorySearchSummary> SearchMemoryDirect(
    DirectReader& reader, absl::string_view pattern,
    const MemorySearchOptions& options,
    absl::FunctionRef<bool(const MemorySearchHit&)> on_hit);

}  // namespace haywire

#endif  // HAYWIRE_HOST_DIRECT_SEARCH_H_
