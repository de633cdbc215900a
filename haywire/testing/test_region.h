// Copyright 2026 The Haywire Authors.
//
// `TestRegion`: pages of shared memory laid out like a companion's region,
// for tests that play one or both sides of the protocol without a guest:
// slots served on one thread, an event ring read by forked processes, a
// publisher feeding a ring the test reads.
//
//   absl::StatusOr<std::unique_ptr<haywire::TestRegion>> region =
//       haywire::TestRegion::Create(haywire::kMinRegionPages, 0x1234,
//                                   haywire::CompanionIdentity{.pid = 1});
//   ASSERT_TRUE(region.ok()) << region.status();
//   haywire::Region view = (*region)->region();
//   ... view.request_slot(0) ...
//
// The pages are one MAP_SHARED mapping, of anonymous memory (so a child
// forked after Create() shares them, as a companion and a host share the
// RAM file) or of a file the test names (so another process can map it).
// They are contiguous; tests of scattered pages build their own PageTable.
// The mapping lives as long as the object. Test-only.
#ifndef HAYWIRE_TESTING_TEST_REGION_H_
#define HAYWIRE_TESTING_TEST_REGION_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"

namespace haywire {

class TestRegion {
 public:
  // Maps `page_count` zeroed pages: anonymous shared memory, or the file
  // `fd` (truncated to that size) when `fd` >= 0. Nothing is initialised.
  static absl::StatusOr<std::unique_ptr<TestRegion>> Map(uint32_t page_count,
                                                         int fd = -1);

  // Map(), then InitializeRegion() as a companion does, with `session_id`
  // and `identity` (whose event_ring_* fields place the event ring, if any).
  static absl::StatusOr<std::unique_ptr<TestRegion>> Create(
      uint32_t page_count, uint64_t session_id,
      const CompanionIdentity& identity, int fd = -1);

  TestRegion(const TestRegion&) = delete;
  TestRegion& operator=(const TestRegion&) = delete;
  ~TestRegion();

  uint32_t page_count() const { return page_count_; }
  const PageTable& pages() const { return pages_; }
  std::byte* page(uint32_t i) const { return pages_.page(i); }
  // Typed access to the region's pages (meaningful once initialised).
  Region region() const { return Region(pages_); }

 private:
  TestRegion(void* base, uint32_t page_count);

  void* base_;
  uint32_t page_count_;
  PageTable pages_;
};

}  // namespace haywire

#endif  // HAYWIRE_TESTING_TEST_REGION_H_
