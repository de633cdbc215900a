// Copyright 2026 The Haywire Authors.

#include "haywire/host/physical_map.h"

#include <utility>

#include "haywire/host/failure.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/memory_map_listing.h"

namespace haywire {

absl::StatusOr<PhysicalMap> MapPhysical(Client& client, uint32_t pid,
                                        const RamLayout& layout) {
  absl::StatusOr<MemoryMap> map = ListMemoryMap(client, pid);
  if (!map.ok()) return map.status();
  PhysicalMap out;
  out.pid = pid;
  // The guest's page size, from one translation.
  absl::StatusOr<uint32_t> page_bytes = GuestPageBytes(client, pid);
  if (!page_bytes.ok()) return page_bytes.status();
  out.page_bytes = *page_bytes;
  const uint64_t pb = out.page_bytes;
  for (MemoryMapping& m : map->mappings) {
    PhysicalMapping pm;
    const uint64_t first = m.start / pb;
    const uint64_t pages = (m.end - m.start + pb - 1) / pb;
    pm.mapping = std::move(m);
    if (pm.mapping.rss_kb == 0 && pm.mapping.swap_kb == 0) {
      pm.not_present_pages = pages;  // nothing resident: nothing to find
      out.mappings.push_back(std::move(pm));
      continue;
    }
    uint64_t done = 0;
    while (done < pages) {
      std::vector<uint64_t> entries;
      absl::StatusOr<uint32_t> got =
          client.GetPageMap(pid, first + done, pages - done, &entries);
      if (!got.ok()) return got.status();
      if (entries.empty() || *got != pb) {
        return MakeFailure(absl::StatusCode::kDataLoss,
                           "the companion's page map came short or changed "
                           "its page size",
                           Failure::kGuestError);
      }
      for (size_t k = 0; k < entries.size(); ++k) {
        const uint64_t e = entries[k];
        if ((e & kPageMapPresent) == 0) {
          ++((e & kPageMapSwapped) != 0 ? pm.swapped_pages
                                        : pm.not_present_pages);
          continue;
        }
        ++pm.present_pages;
        const uint64_t address = (first + done + k) * pb;
        const uint64_t physical = (e & kPageMapFrameMask) * pb;
        if (!pm.runs.empty()) {
          PhysicalRun& run = pm.runs.back();
          if (run.address + run.pages * pb == address &&
              run.guest_physical + run.pages * pb == physical) {
            ++run.pages;
            continue;
          }
        }
        pm.runs.push_back({address, 1, physical, std::nullopt});
      }
      done += entries.size();
    }
    for (PhysicalRun& run : pm.runs) {
      const std::optional<uint64_t> first_byte =
          layout.FileOffset(run.guest_physical);
      const std::optional<uint64_t> last_byte =
          layout.FileOffset(run.guest_physical + run.pages * pb - 1);
      if (first_byte.has_value() && last_byte.has_value() &&
          *last_byte - *first_byte == run.pages * pb - 1) {
        run.file_offset = first_byte;
      }
    }
    out.mappings.push_back(std::move(pm));
  }
  return out;
}

}  // namespace haywire
