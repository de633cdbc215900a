// Copyright 2026 The Haywire Authors.
//
// A guest process's whole memory map, from GET_MEMORY_MAP chunk by chunk.
//
// The companion sends a process's mappings a response page at a time
// through an iterator (haywire/protocol/memory_messages.h). This follows the
// iterator to the end, and when the companion evicts it (more clients
// listing at once than it has iterators) resumes after the last address
// received. Nothing the companion sends is trusted: mappings must ascend
// without overlapping across chunks too, every chunk but the last must
// bring a mapping, and the listing is bounded in mappings, bytes and time,
// so a hostile companion cannot make it run or grow for ever.
#ifndef HAYWIRE_HOST_MEMORY_MAP_LISTING_H_
#define HAYWIRE_HOST_MEMORY_MAP_LISTING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/host/client.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

struct MemoryMapLimits {
  // Linux allows 65 530 mappings by default (vm.max_map_count); a listing
  // that passes this many is a hostile companion's.
  uint64_t max_mappings = 1u << 22;
  // Decoded mappings, counted as their fixed fields plus path bytes.
  uint64_t max_bytes = 512ull << 20;
  absl::Duration timeout = absl::Seconds(300);
};

struct MemoryMap {
  uint32_t pid = 0;
  std::vector<MemoryMapping> mappings;  // ascending, disjoint
  uint32_t chunks = 0;                  // responses it took
  uint32_t resumptions = 0;             // iterators lost and resumed
};

// The mappings of guest process `pid`. Errors: kNoSuchProcess ("no process
// with pid N in the guest") when it does not exist or exits during the
// listing; kGuestError for a listing that breaks the rules above;
// kVersionMismatch when the companion does not serve GET_MEMORY_MAP; and
// the client's transport failures.
absl::StatusOr<MemoryMap> ListMemoryMap(Client& client, uint32_t pid,
                                        const MemoryMapLimits& limits = {});

}  // namespace haywire

#endif  // HAYWIRE_HOST_MEMORY_MAP_LISTING_H_
