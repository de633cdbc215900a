// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/region.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "haywire/protocol/page_header.h"

namespace haywire {

Region::Region(PageTable pages) : pages_(std::move(pages)) {
  CHECK_GE(pages_.page_count(), kMinRegionPages);
  CHECK_LE(pages_.page_count(), kMaxRegionPages);
}

BeaconPage& Region::beacon() const {
  return *reinterpret_cast<BeaconPage*>(pages_.page(kBeaconPageIndex));
}

RequestSlotPage& Region::request_slot(uint32_t i) const {
  CHECK_LT(i, kRequestSlotCount);
  return *reinterpret_cast<RequestSlotPage*>(
      pages_.page(kFirstRequestSlotPage + i));
}

ResponseSlotPage& Region::response_slot(uint32_t i) const {
  CHECK_LT(i, kResponseSlotCount);
  return *reinterpret_cast<ResponseSlotPage*>(
      pages_.page(kFirstResponseSlotPage + i));
}

IteratorTablePage& Region::iterator_table() const {
  return *reinterpret_cast<IteratorTablePage*>(pages_.page(kIteratorTablePage));
}

std::byte* Region::bulk_page(uint32_t i) const {
  CHECK_LT(i, bulk_page_count());
  return pages_.page(kFirstBulkPage + i);
}

absl::Status InitializeRegion(const PageTable& pages, uint64_t session_id,
                              const CompanionIdentity& identity) {
  const uint32_t count = pages.page_count();
  if (count < kMinRegionPages || count > kMaxRegionPages) {
    return absl::InvalidArgumentError(
        absl::StrCat("a region needs between ", kMinRegionPages, " and ",
                     kMaxRegionPages, " pages, not ", count));
  }
  if (session_id == 0) {
    return absl::InvalidArgumentError("session id must be nonzero");
  }
  for (uint32_t i = 0; i < count; ++i) {
    // Magic first, so a page from an earlier session is never half-matched.
    WipePageHeader(pages.page(i));
    std::memset(pages.page(i) + sizeof(PageHeader), 0,
                kPageSize - sizeof(PageHeader));
  }
  auto& beacon = *reinterpret_cast<BeaconPage*>(pages.page(kBeaconPageIndex));
  WriteBeaconInfo(beacon, identity);
  // Every other page first, the beacon last: a host that finds a live beacon
  // finds the whole region.
  for (uint32_t i = count; i-- > 0;) {
    PublishPageHeader(pages.page(i), MakePageHeader(session_id, i, count,
                                                    identity.start_unix_ns));
  }
  return absl::OkStatus();
}

void WipeRegion(const PageTable& pages) {
  for (uint32_t i = 0; i < pages.page_count(); ++i) {
    WipePageHeader(pages.page(i));
  }
  for (uint32_t i = 0; i < pages.page_count(); ++i) {
    std::memset(pages.page(i), 0, kPageSize);
  }
}

}  // namespace haywire
