// Copyright 2026 The Haywire Authors.
//
// A search of a guest process's memory, from SEARCH_MEMORY chunk by chunk.
//
// The companion searches the process's readable mappings itself and sends
// only the hits (haywire/protocol/memory_messages.h), so the host never
// copies the address space. This follows the listing to its end, hands
// each hit to the caller as it arrives (memory stays bounded however many
// hits there are), and resumes at the last chunk's next_address when the
// companion evicts its iterator. Nothing the companion sends is trusted:
// every hit must hold the whole pattern inside its mapping, come after the
// previous hit's end and after the address the search had reached, and
// every chunk but the last must bring a hit or move the search on; the
// search is bounded in hits and time.
#ifndef HAYWIRE_HOST_MEMORY_SEARCH_H_
#define HAYWIRE_HOST_MEMORY_SEARCH_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/host/client.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

struct MemorySearchOptions {
  // Stop after this many hits (0: every hit), like `grep --max-count`.
  uint64_t max_hits = 0;
  // A search that passes this many hits is a hostile companion's (hits do
  // not overlap, so a real one has at most the address space over the
  // pattern's length; no real search prints this many).
  uint64_t hit_limit = 1ull << 32;
  absl::Duration timeout = absl::Seconds(600);
};

// One hit, with the mapping it lies in (as the chunk described it).
struct MemorySearchHit {
  uint64_t address = 0;
  const MemoryMapping* mapping = nullptr;
  absl::string_view before;  // up to kSearchContextBytes
  absl::string_view after;
};

struct MemorySearchSummary {
  uint64_t hits = 0;
  uint64_t scanned_bytes = 0;     // as the companion counted them
  uint64_t unreadable_bytes = 0;  // readable mappings' bytes it could not read
  bool max_hits_reached = false;
  bool stopped = false;  // the callback asked to stop
  uint32_t chunks = 0;
  uint32_t resumptions = 0;
};

// Searches guest process `pid`'s readable memory for `pattern` (1 to
// kMaxSearchPatternBytes bytes), calling `on_hit` for each hit in address
// order; `on_hit` returns false to stop the search (the iterator is then
// given back). Errors: kNoSuchProcess when the process does not exist or
// exits during the search; kGuestError for a listing that breaks the rules
// above; kVersionMismatch when the companion does not serve SEARCH_MEMORY;
// and the client's transport failures.
absl::StatusOr<MemorySearchSummary> SearchMemory(
    Client& client, uint32_t pid, absl::string_view pattern,
    const MemorySearchOptions& options,
    absl::FunctionRef<bool(const MemorySearchHit&)> on_hit);

}  // namespace haywire

#endif  // HAYWIRE_HOST_MEMORY_SEARCH_H_
