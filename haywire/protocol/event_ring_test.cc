// Copyright 2026 The Haywire Authors.
//
// The event ring: wrap-around, overrun, late readers, hostile bytes, and one
// writer with several readers in other threads and in other processes (two
// processes mapping one file, as a host maps the guest's RAM file).
//
// Every event's content is a function of its sequence number (ExpectedEvent),
// so a reader that ever returned a torn or misplaced entry fails the test;
// the accounting "events read + events reported lost == events published"
// checks that no loss is silent.

#include "haywire/protocol/event_ring.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/process_event_codec.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

constexpr uint32_t kRingFirstPage = kFirstBulkPage;
// Generous bound for loops that wait for another thread or process.
constexpr absl::Duration kDeadline = absl::Seconds(120);

// The event of sequence `seq`: every field, and the length of the command
// line (so entries vary in size and fills end at different offsets),
// derived from it. Command lines stay within kMaxArgsBytes, so the codec
// never cuts them.
ProcessEvent ExpectedEvent(uint64_t seq) {
  ProcessEvent e;
  e.kind = static_cast<ProcessEventKind>(1 + seq % 3);
  e.pid = static_cast<uint32_t>(seq * 7 + 1);
  e.ppid = static_cast<uint32_t>(seq);
  e.has_uid = seq % 2 == 0;
  e.uid = e.has_uid ? static_cast<uint32_t>(seq % 65536) : 0;
  e.guest_mono_ns = seq * 1000;
  e.guest_unix_ns = seq * 1000 + 1;
  e.has_exit_status = e.kind == ProcessEventKind::kExit;
  if (e.has_exit_status) {
    e.exit_code = static_cast<int32_t>(seq % 256);
    e.exit_signal = static_cast<int32_t>(seq % 5);
  }
  e.comm = absl::StrCat("c", seq);
  for (uint64_t i = 0; i < seq % 23; ++i) {
    e.args.push_back(std::string(1 + (seq + i) % 60, 'a' + i % 26));
  }
  return e;
}

// Empty string when `got` is the event of its sequence, else what differs.
std::string DiffFromExpected(const ProcessEvent& got) {
  const ProcessEvent want = ExpectedEvent(got.sequence);
  if (got.kind != want.kind || got.pid != want.pid || got.ppid != want.ppid ||
      got.has_uid != want.has_uid || got.uid != want.uid ||
      got.guest_mono_ns != want.guest_mono_ns ||
      got.guest_unix_ns != want.guest_unix_ns ||
      got.has_exit_status != want.has_exit_status ||
      got.exit_code != want.exit_code || got.exit_signal != want.exit_signal ||
      got.comm != want.comm || got.args != want.args) {
    return absl::StrCat(
        "event ", got.sequence, " differs (pid ", got.pid, ", comm ", got.comm,
        ", kind ", static_cast<int>(got.kind), " args ", got.args.size(), "/",
        want.args.size(), " uid ", got.has_uid, got.uid, " mono ",
        got.guest_mono_ns, " exit ", got.has_exit_status, got.exit_code,
        got.exit_signal, ")");
  }
  return "";
}

// A region in memory shared across fork (or over a file), initialised like
// the companion's, with room for a ring.
class SharedRegion {
 public:
  // `fd` >= 0: map that file; else anonymous shared memory.
  explicit SharedRegion(uint32_t page_count, int fd = -1)
      : page_count_(page_count) {
    const size_t bytes = size_t{page_count} * kPageSize;
    if (fd >= 0) {
      EXPECT_EQ(ftruncate(fd, static_cast<off_t>(bytes)), 0);
    }
    base_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 fd >= 0 ? MAP_SHARED : (MAP_SHARED | MAP_ANONYMOUS), fd, 0);
    EXPECT_NE(base_, MAP_FAILED);
    pages_ = PageTable::Contiguous(base_, page_count);
    CompanionIdentity identity;
    identity.pid = static_cast<uint32_t>(getpid());
    identity.start_unix_ns = 1;
    identity.event_ring_first_page = kRingFirstPage;
    identity.event_ring_page_count = page_count - kRingFirstPage;
    EXPECT_TRUE(InitializeRegion(pages_, 0x1234, identity).ok());
  }
  ~SharedRegion() { munmap(base_, size_t{page_count_} * kPageSize); }

  const PageTable& pages() const { return pages_; }
  std::byte* page(uint32_t i) const { return pages_.page(i); }

 private:
  uint32_t page_count_;
  void* base_;
  PageTable pages_;
};

EventRingWriter MakeWriter(const SharedRegion& region, uint32_t ring_pages) {
  absl::StatusOr<EventRingWriter> writer = EventRingWriter::Create(
      region.pages(), kRingFirstPage, ring_pages, EventSource::kPidDiff);
  EXPECT_TRUE(writer.ok()) << writer.status();
  return *std::move(writer);
}

EventRingReader MakeReader(const SharedRegion& region, uint32_t ring_pages,
                           EventRingStart start = EventRingStart::kHead) {
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      region.pages(), kRingFirstPage, ring_pages, start);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return *std::move(reader);
}

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
  SharedRegion region(kRingFirstPage + 8);
  EventRingWriter writer = MakeWriter(region, 8);
  EventRingReader reader = MakeReader(region, 8);
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
  SharedRegion region(kRingFirstPage + 3);
  EventRingWriter writer = MakeWriter(region, 3);
  EventRingReader reader = MakeReader(region, 3);
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
  SharedRegion region(kRingFirstPage + 4);
  EventRingWriter writer = MakeWriter(region, 4);
  EventRingReader reader = MakeReader(region, 4);
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
  SharedRegion region(kRingFirstPage + 3);
  EventRingWriter writer = MakeWriter(region, 3);
  EventRingReader reader = MakeReader(region, 3);
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
  SharedRegion region(kRingFirstPage + 4);
  EventRingWriter writer = MakeWriter(region, 4);
  for (uint64_t i = 0; i < 1000; ++i) writer.Publish(ExpectedEvent(i));

  EventRingReader at_head = MakeReader(region, 4, EventRingStart::kHead);
  EXPECT_EQ(at_head.next_sequence(), 1000u);
  absl::StatusOr<EventBatch> batch = at_head.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->events.empty());
  EXPECT_EQ(batch->lost, 0u);

  EventRingReader oldest = MakeReader(region, 4, EventRingStart::kOldest);
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
  SharedRegion fresh(kRingFirstPage + 4);
  EventRingWriter fresh_writer = MakeWriter(fresh, 4);
  EventRingReader early = MakeReader(fresh, 4);
  EXPECT_EQ(early.next_sequence(), 0u);
  fresh_writer.Publish(ExpectedEvent(0));
  batch = early.Poll();
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(DiffFromExpected(batch->events[0]), "");
}

TEST(EventRingTest, SourceLossesAreReported) {
  SharedRegion region(kRingFirstPage + 4);
  EventRingWriter writer = MakeWriter(region, 4);
  EventRingReader reader = MakeReader(region, 4);
  writer.AddSourceLost(3);
  absl::StatusOr<EventBatch> batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->source_lost, 3u);
  batch = reader.Poll();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->source_lost, 0u);
}

TEST(EventRingTest, UninitialisedOrWipedRingIsUnavailable) {
  SharedRegion region(kRingFirstPage + 4);
  absl::StatusOr<EventRingReader> early = EventRingReader::Attach(
      region.pages(), kRingFirstPage, 4, EventRingStart::kHead);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable);
  EventRingWriter writer = MakeWriter(region, 4);
  EventRingReader reader = MakeReader(region, 4);
  writer.Publish(ExpectedEvent(0));
  WipeRegion(region.pages());
  absl::StatusOr<EventBatch> batch = reader.Poll();
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kUnavailable)
      << batch.status();
}

TEST(EventRingTest, GeometryMismatchIsRejected) {
  SharedRegion region(kRingFirstPage + 8);
  EventRingWriter writer = MakeWriter(region, 8);
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      region.pages(), kRingFirstPage, 5, EventRingStart::kHead);
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
    SharedRegion region(kRingFirstPage + 4);
    EventRingWriter writer = MakeWriter(region, 4);
    EventRingReader reader = MakeReader(region, 4);
    for (uint64_t i = 0; i < 3; ++i) writer.Publish(ExpectedEvent(i));
    c.corrupt(region.page(kRingFirstPage + 1));
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
    SharedRegion region(kRingFirstPage + kRingPages);
    EventRingWriter writer = MakeWriter(region, kRingPages);
    const EventRingStart start =
        round % 2 ? EventRingStart::kHead : EventRingStart::kOldest;
    absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
        region.pages(), kRingFirstPage, kRingPages, start);
    ASSERT_TRUE(reader.ok());
    const uint64_t published = random() % 200;
    for (uint64_t i = 0; i < published; ++i) writer.Publish(ExpectedEvent(i));
    // Scribble over the ring pages, skipping the page headers half the time.
    const int scribbles = 1 + static_cast<int>(random() % 40);
    for (int s = 0; s < scribbles; ++s) {
      std::byte* page = region.page(
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
        region.pages(), kRingFirstPage, kRingPages, start);
    if (late.ok()) (void)late->Poll();
  }
}

// One writer thread, several reader threads polling as fast as they can:
// every event read is intact (no torn copy), and none is lost silently.
TEST(EventRingTest, ConcurrentReadersNeverSeeTornEntries) {
  constexpr uint32_t kRingPages = 4;
  constexpr uint64_t kTotal = 20000;
  constexpr int kReaders = 3;
  SharedRegion region(kRingFirstPage + kRingPages);
  EventRingWriter writer = MakeWriter(region, kRingPages);
  std::atomic<uint64_t> published{0};
  struct Result {
    uint64_t read = 0;
    uint64_t lost = 0;
    std::string error;
  };
  std::vector<Result> results(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
          region.pages(), kRingFirstPage, kRingPages, EventRingStart::kOldest);
      if (!reader.ok()) {
        results[r].error = reader.status().ToString();
        return;
      }
      // Attached late (after a lap), the oldest event may be past 0.
      uint64_t expected = reader->next_sequence();
      results[r].lost = expected;
      const absl::Time deadline = absl::Now() + kDeadline;
      while (absl::Now() < deadline) {
        const bool done = published.load() == kTotal;
        absl::StatusOr<EventBatch> batch = reader->Poll(r == 0 ? 1 : 4096);
        if (!batch.ok()) {
          results[r].error = batch.status().ToString();
          return;
        }
        results[r].lost += batch->lost;
        expected += batch->lost;
        for (const ProcessEvent& e : batch->events) {
          if (e.sequence != expected) {
            results[r].error =
                absl::StrCat("got ", e.sequence, ", expected ", expected);
            return;
          }
          if (std::string diff = DiffFromExpected(e); !diff.empty()) {
            results[r].error = diff;
            return;
          }
          ++expected;
          ++results[r].read;
        }
        if (done && reader->next_sequence() == kTotal) return;
        if (r == 2) std::this_thread::yield();
      }
      results[r].error = "deadline passed";
    });
  }
  for (uint64_t i = 0; i < kTotal; ++i) {
    writer.Publish(ExpectedEvent(i));
  }
  published.store(kTotal);
  for (std::thread& t : readers) t.join();
  for (int r = 0; r < kReaders; ++r) {
    SCOPED_TRACE(absl::StrCat("reader ", r));
    EXPECT_EQ(results[r].error, "");
    EXPECT_EQ(results[r].read + results[r].lost, kTotal);
  }
}

// The writer in this process, readers in forked processes, all over one
// file mapped MAP_SHARED (the host's view of the guest's RAM file). Each
// reader reports (read, lost, error) through a pipe.
TEST(EventRingTest, ReadersInOtherProcesses) {
  constexpr uint32_t kRingPages = 5;
  constexpr uint64_t kTotal = 20000;
  constexpr int kReaders = 3;
  const char* tmpdir = std::getenv("TEST_TMPDIR");
  const std::string path =
      absl::StrCat(tmpdir != nullptr ? tmpdir : "/tmp", "/event_ring_file");
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  SharedRegion region(kRingFirstPage + kRingPages, fd);
  EventRingWriter writer = MakeWriter(region, kRingPages);

  struct Report {
    uint64_t read;
    uint64_t lost;
    char error[200];
  };
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  std::vector<pid_t> children;
  std::vector<int> report_fds;
  for (int r = 0; r < kReaders; ++r) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: its own mapping of the file, as another host process has.
      close(report[0]);
      Report out = {};
      void* base =
          mmap(nullptr, size_t{kRingFirstPage + kRingPages} * kPageSize,
               PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      PageTable pages =
          PageTable::Contiguous(base, kRingFirstPage + kRingPages);
      absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
          pages, kRingFirstPage, kRingPages, EventRingStart::kOldest);
      const char one = 1;
      (void)!write(ready[1], &one, 1);
      std::string error;
      uint64_t expected = 0;
      if (!reader.ok()) error = reader.status().ToString();
      const absl::Time deadline = absl::Now() + kDeadline;
      while (error.empty() && expected < kTotal) {
        if (absl::Now() > deadline) {
          error = "deadline passed";
          break;
        }
        absl::StatusOr<EventBatch> batch = reader->Poll(r == 0 ? 3 : 4096);
        if (!batch.ok()) {
          error = batch.status().ToString();
          break;
        }
        out.lost += batch->lost;
        expected += batch->lost;
        for (const ProcessEvent& e : batch->events) {
          if (e.sequence != expected) {
            error = absl::StrCat("got ", e.sequence, ", expected ", expected);
            break;
          }
          if (std::string diff = DiffFromExpected(e); !diff.empty()) {
            error = diff;
            break;
          }
          ++expected;
          ++out.read;
        }
        if (r == 1) usleep(100);
      }
      std::snprintf(out.error, sizeof(out.error), "%s", error.c_str());
      (void)!write(report[1], &out, sizeof(out));
      _exit(0);
    }
    close(report[1]);
    children.push_back(pid);
    report_fds.push_back(report[0]);
  }
  for (int r = 0; r < kReaders; ++r) {
    char byte;
    ASSERT_EQ(read(ready[0], &byte, 1), 1);
  }
  for (uint64_t i = 0; i < kTotal; ++i) {
    writer.Publish(ExpectedEvent(i));
    if (i % 64 == 0) usleep(50);  // give slow readers a chance, sometimes
  }
  for (int r = 0; r < kReaders; ++r) {
    SCOPED_TRACE(absl::StrCat("reader process ", r));
    Report report = {};
    size_t got = 0;
    while (got < sizeof(report)) {
      const ssize_t n =
          read(report_fds[r], reinterpret_cast<char*>(&report) + got,
               sizeof(report) - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    ASSERT_EQ(got, sizeof(report));
    int status = 0;
    ASSERT_EQ(waitpid(children[r], &status, 0), children[r]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_STREQ(report.error, "");
    EXPECT_EQ(report.read + report.lost, kTotal);
    close(report_fds[r]);
  }
  close(fd);
}

}  // namespace
}  // namespace haywire
