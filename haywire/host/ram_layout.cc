// Copyright 2026 The Haywire Authors.

#include "haywire/host/ram_layout.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace haywire {
namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t k4GiB = 4 * kGiB;
// Every x86 machine type keeps at least this much RAM under the PCI hole
// in place (q35 moves what lies above 2 GiB once RAM exceeds 2.75 GiB).
constexpr uint64_t kX86AlwaysLow = 2 * kGiB;
constexpr uint64_t kArmVirtBase = 1 * kGiB;

bool PlacesAll(const RamLayout& layout, absl::Span<const FramePair> pairs,
               const FramePair** first_miss) {
  for (const FramePair& p : pairs) {
    if (layout.FileOffset(p.guest_physical) != p.file_offset) {
      *first_miss = &p;
      return false;
    }
  }
  return true;
}

RamLayout ArmVirt(uint64_t file_bytes) {
  RamLayout layout;
  layout.machine = "arm64 (virt)";
  layout.segments.push_back({kArmVirtBase, 0, file_bytes});
  return layout;
}

RamLayout X86(absl::Span<const FramePair> pairs, uint64_t file_bytes) {
  RamLayout layout;
  layout.machine = "x86 (pc/q35)";
  // A region page above 4 GiB fixes where RAM under 4 GiB ends.
  std::optional<uint64_t> below;
  for (const FramePair& p : pairs) {
    if (p.guest_physical >= k4GiB &&
        p.file_offset >= p.guest_physical - k4GiB) {
      below = p.file_offset - (p.guest_physical - k4GiB);
      break;
    }
  }
  if (!below.has_value() && file_bytes <= kX86AlwaysLow) below = file_bytes;
  if (below.has_value()) {
    const uint64_t low = std::min({*below, file_bytes, k4GiB});
    if (low > 0) layout.segments.push_back({0, 0, low});
    if (file_bytes > low) {
      layout.segments.push_back({k4GiB, low, file_bytes - low});
    }
    return layout;
  }
  // Where RAM under 4 GiB ends is not known: the first 2 GiB only.
  layout.partial = true;
  layout.segments.push_back({0, 0, kX86AlwaysLow});
  return layout;
}

}  // namespace

std::optional<uint64_t> RamLayout::FileOffset(uint64_t address) const {
  for (const RamSegment& s : segments) {
    if (address >= s.guest_physical && address - s.guest_physical < s.bytes) {
      return s.file_offset + (address - s.guest_physical);
    }
  }
  return std::nullopt;
}

absl::StatusOr<RamLayout> DeriveRamLayout(absl::Span<const FramePair> pairs,
                                          uint64_t file_bytes) {
  if (pairs.empty()) {
    return absl::InvalidArgumentError(
        "no region page reported its guest-physical frame");
  }
  const FramePair* miss = nullptr;
  for (RamLayout layout : {X86(pairs, file_bytes), ArmVirt(file_bytes)}) {
    const FramePair* this_miss = nullptr;
    if (PlacesAll(layout, pairs, &this_miss)) {
      layout.confirming_pairs = pairs.size();
      return layout;
    }
    if (miss == nullptr) miss = this_miss;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the companion's region pages fit no known RAM layout (x86 pc/q35, "
      "arm64 virt): guest-physical 0x",
      absl::Hex(miss->guest_physical), " was found at file offset 0x",
      absl::Hex(miss->file_offset), " of a ", file_bytes, "-byte RAM file"));
}

}  // namespace haywire
