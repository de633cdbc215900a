// Copyright 2026 The Haywire Authors.
//
// RamLayout: where guest-physical memory lies in a VM's RAM file.
//
// QEMU keeps a guest's RAM in its memory-backend file in one piece, but the
// guest sees it at guest-physical addresses that depend on the machine:
//
//   x86 pc and q35  the first `below_4g` bytes at guest-physical [0,
//                   below_4g), the rest from 4 GiB (the PCI hole lies in
//                   between). below_4g is all of RAM when it fits under
//                   the hole, else 2 GiB (q35), 3 GiB (pc) or 3.5 GiB (older
//                   pc machine types);
//   arm64 virt      all of RAM from guest-physical 1 GiB (0x40000000).
//
// None of that is assumed alone. The companion reports the guest-physical
// frame of each of its region's pages, and discovery found each of those
// pages at a file offset: DeriveRamLayout fits the known layouts to these
// pairs and accepts one only if it places every pair exactly. An x86 guest
// whose region has no page above 4 GiB does not tell where its RAM under
// 4 GiB ends (2, 3 or 3.5 GiB): then only the first 2 GiB, which every
// x86 layout keeps in place, and what the pairs prove, are placed, and
// addresses above are refused until a page there confirms the split.
#ifndef HAYWIRE_HOST_RAM_LAYOUT_H_
#define HAYWIRE_HOST_RAM_LAYOUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace haywire {

// A run of guest-physical memory stored contiguously in the RAM file.
struct RamSegment {
  uint64_t guest_physical = 0;
  uint64_t file_offset = 0;
  uint64_t bytes = 0;
};

struct RamLayout {
  std::string machine;               // "x86 (pc/q35)" or "arm64 (virt)"
  std::vector<RamSegment> segments;  // ascending, disjoint
  uint64_t confirming_pairs = 0;     // pairs it placed (all of them)
  // x86 without a region page above 4 GiB: where RAM under 4 GiB ends is
  // unknown, and only what is placed above is known.
  bool partial = false;

  // The file offset of guest-physical address `address`, or nullopt when it
  // lies outside every segment.
  std::optional<uint64_t> FileOffset(uint64_t address) const;
};

// A region page: its guest-physical address (frame * page size) and the
// file offset where discovery found it.
struct FramePair {
  uint64_t guest_physical = 0;
  uint64_t file_offset = 0;
};

// The layout that places every pair, for a RAM file of `file_bytes`.
// FailedPrecondition, naming the first pair no layout places, when none
// does (a file that is not the guest's RAM, or a lying companion);
// InvalidArgument without pairs.
absl::StatusOr<RamLayout> DeriveRamLayout(absl::Span<const FramePair> pairs,
                                          uint64_t file_bytes);

}  // namespace haywire

#endif  // HAYWIRE_HOST_RAM_LAYOUT_H_
