// Copyright 2026 The Haywire Authors.
//
// What the event ring tests (event_ring_*test.cc) share: a region shared
// across fork (or mapped from a file) with room for a ring, a writer and
// readers on it, and events whose every field is a function of their
// sequence number, so a reader that ever returned a torn or misplaced entry
// is caught by DiffFromExpected().
//
//   std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
//   EventRingWriter writer = MakeWriter(*region, 4);
//   EventRingReader reader = MakeReader(*region, 4);
//   writer.Publish(ExpectedEvent(0));
//
// The helpers report through gtest (EXPECT_*). Test-only.
#ifndef HAYWIRE_PROTOCOL_EVENT_RING_TEST_SUPPORT_H_
#define HAYWIRE_PROTOCOL_EVENT_RING_TEST_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/process_event.h"
#include "haywire/testing/test_region.h"

namespace haywire {

inline constexpr uint32_t kRingFirstPage = kFirstBulkPage;
// Generous bound for loops that wait for another thread or process.
inline constexpr absl::Duration kDeadline = absl::Seconds(120);

// The event of sequence `seq`: every field, and the length of the command
// line (so entries vary in size and fills end at different offsets),
// derived from it. Command lines stay within kMaxArgsBytes, so the codec
// never cuts them.
ProcessEvent ExpectedEvent(uint64_t seq);

// Empty string when `got` is the event of its sequence, else what differs.
std::string DiffFromExpected(const ProcessEvent& got);

// A region initialised like the companion's, with an event ring from
// kRingFirstPage to its end, in memory shared across fork or, when `fd` >= 0,
// in that file. Null (with a test failure) if it cannot be made.
std::unique_ptr<TestRegion> RingRegion(uint32_t page_count, int fd = -1);

// A writer (source kPidDiff) or a reader of the `ring_pages` pages from
// kRingFirstPage of `region`.
EventRingWriter MakeWriter(const TestRegion& region, uint32_t ring_pages);
EventRingReader MakeReader(const TestRegion& region, uint32_t ring_pages,
                           EventRingStart start = EventRingStart::kHead);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_EVENT_RING_TEST_SUPPORT_H_
