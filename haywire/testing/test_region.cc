// Copyright 2026 The Haywire Authors.

#include "haywire/testing/test_region.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "haywire/protocol/layout.h"

namespace haywire {

absl::StatusOr<std::unique_ptr<TestRegion>> TestRegion::Map(uint32_t page_count,
                                                            int fd) {
  if (page_count == 0) {
    return absl::InvalidArgumentError("a test region needs at least one page");
  }
  const size_t bytes = size_t{page_count} * kPageSize;
  if (fd >= 0 && ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    return absl::ErrnoToStatus(errno, "sizing the test region's file");
  }
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                    fd >= 0 ? MAP_SHARED : (MAP_SHARED | MAP_ANONYMOUS), fd, 0);
  if (base == MAP_FAILED) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("mapping ", page_count, " test region pages"));
  }
  return std::unique_ptr<TestRegion>(new TestRegion(base, page_count));
}

absl::StatusOr<std::unique_ptr<TestRegion>> TestRegion::Create(
    uint32_t page_count, uint64_t session_id, const CompanionIdentity& identity,
    int fd) {
  absl::StatusOr<std::unique_ptr<TestRegion>> region = Map(page_count, fd);
  if (!region.ok()) return region.status();
  if (absl::Status s =
          InitializeRegion((*region)->pages(), session_id, identity);
      !s.ok()) {
    return s;
  }
  return region;
}

TestRegion::TestRegion(void* base, uint32_t page_count)
    : base_(base),
      page_count_(page_count),
      pages_(PageTable::Contiguous(base, page_count)) {}

TestRegion::~TestRegion() { munmap(base_, size_t{page_count_} * kPageSize); }

}  // namespace haywire
