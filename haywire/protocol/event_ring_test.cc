// Copyright 2026 The Haywire Authors.
//
// The event ring, on one thread: wrap-around, overrun, late readers, losses
// at the source, an unavailable or mismatched ring, and hostile bytes.
//
// Every event's content is a function of its sequence number (ExpectedEvent),
// so a reader that ever returned a torn or misplaced entry fails the test;
// the accounting "events read + events reported lost == events published"
// checks that no loss is silent.

#include "haywire/protocol/event_ring.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/protocol/event_ring_test_support.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/process_event.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

// Polls until the reader has accounted for (read or lost) every event up to
// `published`; returns the events read and adds the losses to `*lost`.
std::vector<ProcessEvent> Drain(EventRingReader& reader, uint64_t published,
                                uint64_t* lost) {
  std::vector<ProcessEvent> events;
  const absl::Time deadline = absl::Now() + kDeadline;
  while (reader.next_sequence() < published && absl::Now() < deadline) {
    absl::StatusOr<EventBatch> batch = reader.Poll();
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) break;
    *lost += batch->lost;
    for (ProcessEvent& e : batch->events) events.push_back(std::move(e));
  }
  return events;
}

TEST(EventRingTest, LayoutIsPinned) {
  EXPECT_EQ(sizeof(EventRingControlPage), kPageSize);
  EXPECT_EQ(sizeof(EventDataPage), kPageSize);
  EXPECT_EQ(sizeof(EventEntryHeader), 24u);
  EXPECT_EQ(kMaxEventEntryBytes, 3968u);
}

TEST(EventRingTest, RangeValidation) {
  EXPECT_TRUE(
      ValidateEventRingRange(kFirstBulkPage, 3, kFirstBulkPage + 3).ok());
  EXPECT_FALSE(ValidateEventRingRange(kFirstBulkPage - 1, 3, 1000).ok());
  EXPECT_FALSE(ValidateEventRingRange(kFirstBulkPage, 2, 1000).ok());
  EXPECT_FALSE(
      ValidateEventRingRange(kFirstBulkPage, 100, kFirstBulkPage + 99).ok());
  EXPECT_FALSE(ValidateEventRingRange(0xFFFFFFF0u, 0x100, 0xFFFFFFFFu).ok());
}

TEST(EventRingTest, ReaderSeesWhatTheWriterPublishes) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 8);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 8);
  EventRingReader reader = MakeReader(*region, 8);
  EXPECT_EQ(reader.source(), EventSource::kPidDiff);
  absl::StatusOr<EventBatch> empty = reader.Poll();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->events.empty());
  for (uint64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(writer.Publish(ExpectedEvent(i)), i);
  }
  absl::StatusOr<EventBatch> batch = reader.Poll();
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->lost, 0u);
  ASSERT_EQ(batch->events.size(), 10u);
  for (uint64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(batch->events[i].sequence, i);
    EXPECT_EQ(DiffFromExpected(batch->events[i]), "");
  }
  // max_events bounds a batch; the rest comes next time.
  for (uint64_t i = 10; i < 20; ++i) writer.Publish(ExpectedEvent(i));
  batch = reader.Poll(3);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 3u);
  EXPECT_EQ(batch->events[0].sequence, 10u);
  batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 7u);
  EXPECT_EQ(batch->events.back().sequence, 19u);
}

TEST(EventRingTest, WrapsAroundManyTimesWithoutLoss) {
  // Two data pages: every few dozen events a page is reused.
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 3);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 3);
  EventRingReader reader = MakeReader(*region, 3);
  uint64_t next = 0;
  for (uint64_t i = 0; i < 5000; ++i) {
    writer.Publish(ExpectedEvent(i));
    // Polled after every event: the writer opens at most one fill in
    // between, so even two data pages never lap the reader.
    {
      absl::StatusOr<EventBatch> batch = reader.Poll();
      ASSERT_TRUE(batch.ok()) << batch.status();
      ASSERT_EQ(batch->lost, 0u) << "at " << i;
      for (const ProcessEvent& e : batch->events) {
        ASSERT_EQ(e.sequence, next++);
        ASSERT_EQ(DiffFromExpected(e), "");
      }
    }
  }
  EXPECT_EQ(next, 5000u);
}

TEST(EventRingTest, OverrunIsReportedWithTheExactCount) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 4);
  EventRingReader reader = MakeReader(*region, 4);
  // Read a few, then fall far behind.
  for (uint64_t i = 0; i < 5; ++i) writer.Publish(ExpectedEvent(i));
  absl::StatusOr<EventBatch> batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 5u);
  constexpr uint64_t kTotal = 3000;
  for (uint64_t i = 5; i < kTotal; ++i) writer.Publish(ExpectedEvent(i));
  uint64_t lost = 0;
  std::vector<ProcessEvent> events = Drain(reader, kTotal, &lost);
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(5 + lost + events.size(), kTotal);
  ASSERT_FALSE(events.empty());
  // What is read after the gap is contiguous and ends at the last event.
  EXPECT_EQ(events.front().sequence, 5 + lost);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence, 5 + lost + i);
    EXPECT_EQ(DiffFromExpected(events[i]), "");
  }
}

TEST(EventRingTest, OverrunInTheMiddleOfAPage) {
  // The reader stops halfway through a fill, then that fill is reused.
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 3);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 3);
  EventRingReader reader = MakeReader(*region, 3);
  for (uint64_t i = 0; i < 6; ++i) writer.Publish(ExpectedEvent(i));
  absl::StatusOr<EventBatch> batch = reader.Poll(2);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 2u);
  for (uint64_t i = 6; i < 400; ++i) writer.Publish(ExpectedEvent(i));
  uint64_t lost = 0;
  std::vector<ProcessEvent> events = Drain(reader, 400, &lost);
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(2 + lost + events.size(), 400u);
  for (const ProcessEvent& e : events) EXPECT_EQ(DiffFromExpected(e), "");
}

TEST(EventRingTest, LateReaderStartsAtTheHeadOrTheOldest) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 4);
  for (uint64_t i = 0; i < 1000; ++i) writer.Publish(ExpectedEvent(i));

  EventRingReader at_head = MakeReader(*region, 4, EventRingStart::kHead);
  EXPECT_EQ(at_head.next_sequence(), 1000u);
  absl::StatusOr<EventBatch> batch = at_head.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->events.empty());
  EXPECT_EQ(batch->lost, 0u);

  EventRingReader oldest = MakeReader(*region, 4, EventRingStart::kOldest);
  const uint64_t first = oldest.next_sequence();
  EXPECT_GT(first, 0u);     // the ring cannot hold 1000 events...
  EXPECT_LT(first, 1000u);  // ...but holds some.
  uint64_t lost = 0;
  std::vector<ProcessEvent> old_events = Drain(oldest, 1000, &lost);
  EXPECT_EQ(lost, 0u);
  ASSERT_EQ(old_events.size(), 1000 - first);
  for (const ProcessEvent& e : old_events) EXPECT_EQ(DiffFromExpected(e), "");

  writer.Publish(ExpectedEvent(1000));
  batch = at_head.Poll();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(batch->events[0].sequence, 1000u);

  // A reader attached before anything was published starts at event 0.
  const std::unique_ptr<TestRegion> fresh = RingRegion(kRingFirstPage + 4);
  ASSERT_NE(fresh, nullptr);
  EventRingWriter fresh_writer = MakeWriter(*fresh, 4);
  EventRingReader early = MakeReader(*fresh, 4);
  EXPECT_EQ(early.next_sequence(), 0u);
  fresh_writer.Publish(ExpectedEvent(0));
  batch = early.Poll();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(DiffFromExpected(batch->events[0]), "");
}

TEST(EventRingTest, SourceLossesAreReported) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 4);
  EventRingReader reader = MakeReader(*region, 4);
  writer.AddSourceLost(3);
  absl::StatusOr<EventBatch> batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->source_lost, 3u);
  batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->source_lost, 0u);
}

TEST(EventRingTest, UninitialisedOrWipedRingIsUnavailable) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
  ASSERT_NE(region, nullptr);
  absl::StatusOr<EventRingReader> early = EventRingReader::Attach(
      region->pages(), kRingFirstPage, 4, EventRingStart::kHead);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable);
  EventRingWriter writer = MakeWriter(*region, 4);
  EventRingReader reader = MakeReader(*region, 4);
  writer.Publish(ExpectedEvent(0));
  WipeRegion(region->pages());
  absl::StatusOr<EventBatch> batch = reader.Poll();
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kUnavailable)
      << batch.status();
}

TEST(EventRingTest, GeometryMismatchIsRejected) {
  const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 8);
  ASSERT_NE(region, nullptr);
  EventRingWriter writer = MakeWriter(*region, 8);
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      region->pages(), kRingFirstPage, 5, EventRingStart::kHead);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kDataLoss);
}

// Corrupts one thing at a time in a ring with valid events and checks the
// reader reports DataLoss (never an event), then recovers at the head.
TEST(EventRingTest, MalformedEntriesAreReportedAndSkipped) {
  struct Case {
    const char* name;
    std::function<void(std::byte* data_page)> corrupt;
  };
  const std::vector<Case> cases = {
      {"committed_end past the page",
       [](std::byte* p) {
         StoreRelaxed(reinterpret_cast<EventDataPage*>(p)->committed_end,
                      uint32_t{kPageSize + 8});
       }},
      {"committed_end not aligned",
       [](std::byte* p) {
         StoreRelaxed(reinterpret_cast<EventDataPage*>(p)->committed_end,
                      uint32_t{kEventEntryAreaOffset + 3});
       }},
      {"entry size zero",
       [](std::byte* p) { std::memset(p + kEventEntryAreaOffset, 0, 4); }},
      {"entry size past the commit",
       [](std::byte* p) {
         const uint32_t huge = 4000;
         std::memcpy(p + kEventEntryAreaOffset, &huge, 4);
       }},
      {"payload size past the entry",
       [](std::byte* p) {
         const uint32_t huge = 3000;
         std::memcpy(p + kEventEntryAreaOffset + 4, &huge, 4);
       }},
      {"wrong sequence",
       [](std::byte* p) {
         const uint64_t seq = 77;
         std::memcpy(p + kEventEntryAreaOffset + 8, &seq, 8);
       }},
      {"payload bit flip",
       [](std::byte* p) {
         p[kEventEntryAreaOffset + sizeof(EventEntryHeader) + 3] ^=
             std::byte{0x10};
       }},
      {"first_sequence wrong",
       [](std::byte* p) {
         StoreRelaxed(reinterpret_cast<EventDataPage*>(p)->first_sequence,
                      uint64_t{999});
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::unique_ptr<TestRegion> region = RingRegion(kRingFirstPage + 4);
    ASSERT_NE(region, nullptr);
    EventRingWriter writer = MakeWriter(*region, 4);
    EventRingReader reader = MakeReader(*region, 4);
    for (uint64_t i = 0; i < 3; ++i) writer.Publish(ExpectedEvent(i));
    c.corrupt(region->page(kRingFirstPage + 1));
    absl::StatusOr<EventBatch> batch = reader.Poll();
    EXPECT_EQ(batch.status().code(), absl::StatusCode::kDataLoss)
        << batch.status();
    // The reader resynchronises at the head (a corrupt head page is
    // repaired by the writer's next commit): new events are read again.
    bool recovered = false;
    // (A corrupt entry in the head page costs the rest of that page: the
    // reader resumes when the writer opens the next one.)
    for (uint64_t seq = 3; seq < 200 && !recovered; ++seq) {
      writer.Publish(ExpectedEvent(seq));
      batch = reader.Poll();
      if (batch.ok() && !batch->events.empty()) {
        EXPECT_EQ(DiffFromExpected(batch->events.back()), "");
        recovered = batch->events.back().sequence == seq;
      }
    }
    EXPECT_TRUE(recovered);
  }
}

// Random bytes anywhere in the ring: the reader must neither crash nor hang
// nor return an event that the writer did not write.
TEST(EventRingTest, HostileBytesNeverCrashOrHang) {
  constexpr uint32_t kRingPages = 4;
  std::mt19937_64 random(99);
  for (int round = 0; round < 400; ++round) {
    const std::unique_ptr<TestRegion> region =
        RingRegion(kRingFirstPage + kRingPages);
    ASSERT_NE(region, nullptr);
    EventRingWriter writer = MakeWriter(*region, kRingPages);
    const EventRingStart start =
        round % 2 ? EventRingStart::kHead : EventRingStart::kOldest;
    absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
        region->pages(), kRingFirstPage, kRingPages, start);
    ASSERT_TRUE(reader.ok());
    const uint64_t published = random() % 200;
    for (uint64_t i = 0; i < published; ++i) writer.Publish(ExpectedEvent(i));
    // Scribble over the ring pages, skipping the page headers half the time.
    const int scribbles = 1 + static_cast<int>(random() % 40);
    for (int s = 0; s < scribbles; ++s) {
      std::byte* page = region->page(
          kRingFirstPage + static_cast<uint32_t>(random() % kRingPages));
      const uint32_t offset = random() % 2
                                  ? 64 + static_cast<uint32_t>(random() % 64)
                                  : static_cast<uint32_t>(random() % kPageSize);
      const uint32_t length =
          std::min<uint32_t>(1 + random() % 16, kPageSize - offset);
      for (uint32_t b = 0; b < length; ++b) {
        page[offset + b] = static_cast<std::byte>(random());
      }
    }
    for (int poll = 0; poll < 20; ++poll) {
      absl::StatusOr<EventBatch> batch = reader->Poll();
      if (!batch.ok()) continue;
      for (const ProcessEvent& e : batch->events) {
        // Garbage that passes every check would have to match a CRC and the
        // codec; anything returned must be an event the writer wrote.
        if (e.sequence < published) {
          EXPECT_EQ(DiffFromExpected(e), "") << "round " << round;
        } else {
          ADD_FAILURE() << "round " << round << ": event " << e.sequence
                        << " was never published";
        }
      }
    }
    // And a reader attaching to the scribbled ring.
    absl::StatusOr<EventRingReader> late = EventRingReader::Attach(
        region->pages(), kRingFirstPage, kRingPages, start);
    if (late.ok()) (void)late->Poll();
  }
}

}  // namespace
}  // namespace haywire
