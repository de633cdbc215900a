// Copyright 2026 The Haywire Authors.
//
// Region: typed access to the pages of a Haywire region, over a PageTable.
//
// The same class serves the companion (one contiguous mapping) and the host
// (pages scattered across the RAM file). It adds no validation of its own:
// the guest builds its region with InitializeRegion(); the host builds a
// Region only from pages whose headers it has validated (see
// haywire/host/scanner.h), so the typed accessors are safe to use.
#ifndef HAYWIRE_PROTOCOL_REGION_H_
#define HAYWIRE_PROTOCOL_REGION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"

namespace haywire {

class Region {
 public:
  Region() = default;
  // `pages.page_count()` must be at least kMinRegionPages.
  explicit Region(PageTable pages);

  uint32_t page_count() const { return pages_.page_count(); }
  const PageTable& pages() const { return pages_; }

  BeaconPage& beacon() const;
  // Requires i < kRequestSlotCount.
  RequestSlotPage& request_slot(uint32_t i) const;
  ResponseSlotPage& response_slot(uint32_t i) const;
  IteratorTablePage& iterator_table() const;
  // Bulk page `i` (0-based within the bulk area); requires
  // i < bulk_page_count().
  std::byte* bulk_page(uint32_t i) const;
  uint32_t bulk_page_count() const { return page_count() - kFirstBulkPage; }

 private:
  PageTable pages_;
};

// Companion side: turns `pages` into a fresh region of session `session_id`:
// zeroes every page, writes the beacon's static info, then publishes every
// page header (beacon last), each with a release store of its magic.
// Fails if the page count is out of range or session_id is zero.
absl::Status InitializeRegion(const PageTable& pages, uint64_t session_id,
                              const CompanionIdentity& identity);

// Companion side: wipes every page header (beacon first), so no stale beacon
// is left behind, then zeroes the pages.
void WipeRegion(const PageTable& pages);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_REGION_H_
