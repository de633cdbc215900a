// Copyright 2026 The Haywire Authors.
//
// Bulk windows: the pages a response can fill beyond its response page.
//
// One response page carries 4032 bytes of payload, so a read of guest
// memory one page per round trip would cap far below what shared memory
// can move. Each request slot i therefore owns a window of
// `pages_per_window` bulk pages, consecutive in region page numbers (not in
// the RAM file: the host finds each page where discovery found it):
//
//   slot i's window = region pages [first_page + i * pages_per_window,
//                                   first_page + (i + 1) * pages_per_window)
//
// Each page keeps its PageHeader (kind kBulk), and its data bytes [64,
// 4096) hold the next 4032 bytes of the window: byte k of the window is at
// page k / 4032, offset 64 + k % 4032. The beacon says where the windows
// are (bulk_window_first_page, bulk_window_pages; 0 pages: none).
//
// Who writes, who reads. Only the companion writes a window, and only
// while it serves a request published in that slot; the response that
// says how many window bytes it filled is published by the slot's release
// CAS, and the slot's owner copies them after its acquire load of the state
// word, with relaxed loads (LoadBytesRelaxed) and an acquire fence before
// it re-checks the word. A window belongs to its slot as the response page
// does: a slot changes hands only through kFree, after its owner is done
// with the window. The host validates every length against the window's
// capacity and never trusts the window's contents (they are the guest's
// bytes).
#ifndef HAYWIRE_PROTOCOL_BULK_WINDOW_H_
#define HAYWIRE_PROTOCOL_BULK_WINDOW_H_

#include <cstdint>

#include "absl/status/status.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/region.h"

namespace haywire {

struct BulkWindowLayout {
  uint32_t first_page = 0;        // region page of slot 0's window
  uint32_t pages_per_window = 0;  // 0: no windows

  bool present() const { return pages_per_window > 0; }
  // Bytes one window holds.
  uint64_t capacity() const {
    return uint64_t{pages_per_window} * kBulkDataBytes;
  }
  // Region page of page `k` of slot `slot`'s window.
  uint32_t page(uint32_t slot, uint32_t k) const {
    return first_page + slot * pages_per_window + k;
  }
  // Region pages all windows take.
  uint64_t total_pages() const {
    return uint64_t{pages_per_window} * kRequestSlotCount;
  }
};

// The windows' pages within a region of `region_pages` pages, past the
// control pages and clear of the event ring's [ring_first, ring_first +
// ring_pages) (0 pages: no ring). DataLoss naming the conflict otherwise.
absl::Status ValidateBulkWindows(const BulkWindowLayout& windows,
                                 uint32_t region_pages, uint32_t ring_first,
                                 uint32_t ring_pages);

// Companion side: copies `bytes` bytes (<= capacity) from `src` into the
// start of slot `slot`'s window with relaxed stores (the response's release
// CAS publishes them).
void CopyToWindow(const Region& region, const BulkWindowLayout& windows,
                  uint32_t slot, const char* src, uint64_t bytes);

// Host side: copies the first `bytes` bytes of slot `slot`'s window
// (bytes <= capacity) into `out` with relaxed loads (see above).
void CopyFromWindow(const Region& region, const BulkWindowLayout& windows,
                    uint32_t slot, uint64_t bytes, char* out);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_BULK_WINDOW_H_
