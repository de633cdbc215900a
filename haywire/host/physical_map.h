// Copyright 2026 The Haywire Authors.
//
// A process's physical map: for each of its mappings, how many pages are
// present in guest RAM, swapped out or not present, and the runs of
// present pages with their guest-physical addresses and RAM-file offsets
// (the same frame in two processes is memory they share). Built from
// GET_MEMORY_MAP and GET_PAGE_MAP a window at a time, so memory grows with
// the present pages' runs, never with a mapping's size; a mapping whose
// smaps counts no resident or swapped memory is not translated at all.
#ifndef HAYWIRE_HOST_PHYSICAL_MAP_H_
#define HAYWIRE_HOST_PHYSICAL_MAP_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/host/client.h"
#include "haywire/host/ram_layout.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

// Present pages at consecutive virtual and guest-physical addresses.
struct PhysicalRun {
  uint64_t address = 0;  // virtual
  uint64_t pages = 0;
  uint64_t guest_physical = 0;  // of the first page
  // In the RAM file, when the layout places the whole run.
  std::optional<uint64_t> file_offset;
};

struct PhysicalMapping {
  MemoryMapping mapping;
  uint64_t present_pages = 0;
  uint64_t swapped_pages = 0;
  uint64_t not_present_pages = 0;
  std::vector<PhysicalRun> runs;
};

struct PhysicalMap {
  uint32_t pid = 0;
  uint32_t page_bytes = 0;
  std::vector<PhysicalMapping> mappings;
};

// The physical map of guest process `pid`, placing runs with `layout`.
// Errors as ListMemoryMap and Client::GetPageMap.
absl::StatusOr<PhysicalMap> MapPhysical(Client& client, uint32_t pid,
                                        const RamLayout& layout);

}  // namespace haywire

#endif  // HAYWIRE_HOST_PHYSICAL_MAP_H_
