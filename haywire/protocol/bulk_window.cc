// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/bulk_window.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {

absl::Status ValidateBulkWindows(const BulkWindowLayout& windows,
                                 uint32_t region_pages, uint32_t ring_first,
                                 uint32_t ring_pages) {
  if (!windows.present()) return absl::OkStatus();
  const uint64_t first = windows.first_page;
  const uint64_t end = first + windows.total_pages();
  if (first < kFirstBulkPage) {
    return absl::DataLossError(absl::StrCat(
        "bulk windows start at page ", first, ", inside the control pages"));
  }
  if (end > region_pages) {
    return absl::DataLossError(absl::StrCat("bulk windows [", first, ", ", end,
                                            ") extend past the region's ",
                                            region_pages, " pages"));
  }
  if (ring_pages > 0 && first < uint64_t{ring_first} + ring_pages &&
      ring_first < end) {
    return absl::DataLossError(absl::StrCat("bulk windows [", first, ", ", end,
                                            ") overlap the event ring"));
  }
  return absl::OkStatus();
}

void CopyToWindow(const Region& region, const BulkWindowLayout& windows,
                  uint32_t slot, const char* src, uint64_t bytes) {
  CHECK_LT(slot, kRequestSlotCount);
  CHECK_LE(bytes, windows.capacity());
  for (uint32_t k = 0; bytes > 0; ++k) {
    const uint64_t n = std::min<uint64_t>(bytes, kBulkDataBytes);
    std::byte* page = region.pages().page(windows.page(slot, k));
    StoreBytesRelaxed(page + kBulkDataOffset, src, n);
    src += n;
    bytes -= n;
  }
}

void CopyFromWindow(const Region& region, const BulkWindowLayout& windows,
                    uint32_t slot, uint64_t bytes, char* out) {
  CHECK_LT(slot, kRequestSlotCount);
  CHECK_LE(bytes, windows.capacity());
  for (uint32_t k = 0; bytes > 0; ++k) {
    const uint64_t n = std::min<uint64_t>(bytes, kBulkDataBytes);
    const std::byte* page = region.pages().page(windows.page(slot, k));
    LoadBytesRelaxed(out, page + kBulkDataOffset, n);
    out += n;
    bytes -= n;
  }
}

}  // namespace haywire
