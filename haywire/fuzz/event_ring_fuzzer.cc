// Copyright 2026 The Haywire Authors.
//
// Fuzz target: the host's event ring reader (haywire/protocol/event_ring.h)
// over ring pages the guest wrote. The companion writes the ring, but the
// pages are the guest's memory: a guest root user, or a stale region reused
// by anyone, can put anything there.
//
// Input: the ring's pages, control page first (zero-padded to whole pages;
// 3 to 6 pages, so a short input is the smallest ring and a long one a ring
// of a few more data pages). The ring sits at the first bulk page of a
// region whose control pages the reader never looks at.
//
// Checked: Attach() and Poll() return errors, never crash or loop (libFuzzer
// -timeout catches a hang); every event they return is within the bounds of
// messages.h, the events of a batch have consecutive sequence numbers, and
// the reader expects the one after the last it returned.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/fuzz/check.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/message_bounds.h"
#include "haywire/protocol/page_table.h"

namespace haywire {
namespace {

constexpr uint32_t kMaxRingPages = 6;

void Follow(const PageTable& pages, uint32_t ring_pages, EventRingStart start) {
  absl::StatusOr<EventRingReader> reader =
      EventRingReader::Attach(pages, kFirstBulkPage, ring_pages, start);
  if (!reader.ok()) return;
  for (int poll = 0; poll < 4; ++poll) {
    absl::StatusOr<EventBatch> batch = reader->Poll(64);
    if (!batch.ok()) continue;  // the next Poll resynchronises.
    FUZZ_CHECK(batch->events.size() <= 64);
    for (size_t i = 0; i < batch->events.size(); ++i) {
      const ProcessEvent& event = batch->events[i];
      FUZZ_CHECK_NO_VIOLATION(EventViolation(event));
      if (i > 0) {
        FUZZ_CHECK(event.sequence == batch->events[i - 1].sequence + 1);
      }
    }
    if (!batch->events.empty()) {
      FUZZ_CHECK(reader->next_sequence() == batch->events.back().sequence + 1);
    }
  }
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace haywire;
  const uint32_t ring_pages = static_cast<uint32_t>(std::clamp<size_t>(
      (size + kPageSize - 1) / kPageSize, kMinEventRingPages, kMaxRingPages));
  // Page-aligned, as in a mapping: the reader loads 8-byte words.
  static std::byte* const ring = static_cast<std::byte*>(
      std::aligned_alloc(kPageSize, kMaxRingPages * kPageSize));
  static std::byte* const control =
      static_cast<std::byte*>(std::aligned_alloc(kPageSize, kPageSize));
  std::memset(control, 0, kPageSize);
  std::memset(ring, 0, size_t{ring_pages} * kPageSize);
  std::memcpy(ring, data, std::min<size_t>(size, ring_pages * kPageSize));

  // Pages [0, kFirstBulkPage) share one zero page; the ring follows.
  std::vector<std::byte*> table(kFirstBulkPage, control);
  for (uint32_t i = 0; i < ring_pages; ++i)
    table.push_back(ring + i * kPageSize);
  const PageTable pages(std::move(table));
  Follow(pages, ring_pages, EventRingStart::kOldest);
  Follow(pages, ring_pages, EventRingStart::kHead);
  return 0;
}
