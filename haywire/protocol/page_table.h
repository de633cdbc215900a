// Copyright 2026 The Haywire Authors.
//
// PageTable: where each page of a region lives in this process.
//
// The guest sees its region as one contiguous mapping; the host finds the
// same pages scattered across the VM's RAM file. Both sides hand the protocol
// core a PageTable (page index -> pointer), so one implementation serves both.
// A PageTable does not own the memory it points to.
#ifndef HAYWIRE_PROTOCOL_PAGE_TABLE_H_
#define HAYWIRE_PROTOCOL_PAGE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "haywire/protocol/layout.h"

namespace haywire {

class PageTable {
 public:
  PageTable() = default;

  // One pointer per page, in page-index order; none may be null.
  explicit PageTable(std::vector<std::byte*> pages)
      : pages_(std::move(pages)) {}

  // `page_count` pages laid out contiguously from `base` (the guest's view).
  static PageTable Contiguous(void* base, uint32_t page_count) {
    std::vector<std::byte*> pages(page_count);
    auto* bytes = static_cast<std::byte*>(base);
    for (uint32_t i = 0; i < page_count; ++i) {
      pages[i] = bytes + static_cast<size_t>(i) * kPageSize;
    }
    return PageTable(std::move(pages));
  }

  uint32_t page_count() const { return static_cast<uint32_t>(pages_.size()); }

  // Requires index < page_count().
  std::byte* page(uint32_t index) const { return pages_[index]; }

 private:
  std::vector<std::byte*> pages_;
};

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_PAGE_TABLE_H_
