// Copyright 2026 The Haywire Authors.
//
// The event ring: process events the companion pushes to any number of host
// readers, through a run of the region's bulk pages.
//
// One writer (the companion's event thread) appends variable-length entries;
// readers never write, so any number of host processes can follow the ring
// at once, each keeping its own position. The writer never waits for a
// reader: when the ring is full it reuses the oldest page, and a reader that
// had not read that page yet (it was "lapped") learns exactly how many events
// it lost, from the sequence numbers, instead of reading garbage.
//
// Layout. The ring occupies region pages [first, first + page_count), as
// announced by BeaconPage::event_ring_first_page / event_ring_page_count.
// The first is the control page, the other D = page_count - 1 are data
// pages. Every page keeps the region's 64-byte PageHeader (kind kBulk).
//
//   EventRingControlPage (ring page 0)
//     [64, 128)  static line: magic, version, geometry. Written once, then
//                published by the release store of ring_magic.
//     [128, 192) writer line: head_fill_tag, published, source_lost.
//
//   EventDataPage (ring pages 1..D), one "fill" at a time
//     [64, 128)  page line: fill_tag, first_sequence, committed_end.
//     [128, 4096) entries, packed, each 8-byte aligned:
//                EventEntryHeader (24 bytes) | payload | zero padding
//
// Fills. The writer fills data pages in order, round robin: fill number
// f = 0, 1, 2, ... lives in data page f mod D. It appends entries to the
// current fill until the next entry does not fit (entries never span pages),
// then opens fill f + 1 in the next page, destroying whatever fill f + 1 - D
// held there. A page's fill_tag is f + 1 while it holds fill f (0 = never
// written, or being reset). Events get consecutive sequence numbers 0, 1,
// 2, ...; first_sequence of fill f + 1 is one past the last entry of fill f.
//
// Memory orders (writer; every access through shared_access.h):
//   open fill f':  fill_tag := 0 (relaxed); first_sequence := S (release);
//                  committed_end := 128 (release); fill_tag := f' + 1
//                  (release); head_fill_tag := f' + 1 (release).
//   append entry:  entry words (release, 8 bytes at a time);
//                  committed_end := end (release); published := seq + 1
//                  (release).
// Reader, for the page of its fill f (a seqlock whose "sequence" is the
// fill tag):
//   t := fill_tag (acquire) == f + 1; first_sequence, committed_end (acquire);
//   copy the entry words (acquire); then re-load fill_tag (relaxed, ordered
//   after the acquire loads) and use the copy only if it is still f + 1.
// Why it is sound on arm64 as on x86: every store the writer makes after
// invalidating a page (fill_tag := 0) is a release store, so a reader whose
// acquire load returns any such newer value also sees fill_tag != f + 1 on
// its re-check: a torn copy is always detected. The release store of the new
// fill_tag, after first_sequence and committed_end, lets a reader that sees
// the tag trust those two. committed_end's release store publishes the entry
// words below it; head_fill_tag's release store (after the last commit to the
// previous fill) tells a reader that the previous fill is final. The data is
// copied with atomic loads rather than memcpy so that the race a seqlock
// relies on is not undefined behaviour (and is visible to ThreadSanitizer).
//
// Distrust. The reader validates everything it copies: the static line,
// fill tags, committed_end (inside the page, 8-aligned, not behind the
// reader), every entry header (size, alignment, sequence continuity,
// CRC-32C of the payload) and the payload itself (process_event_codec.h).
// Each Poll() visits a bounded number of pages and entries and resynchronises
// a bounded number of times, so no content of the ring can make it loop
// forever; malformed content is reported as DataLoss, never returned as an
// event.
#ifndef HAYWIRE_PROTOCOL_EVENT_RING_H_
#define HAYWIRE_PROTOCOL_EVENT_RING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

inline constexpr uint32_t kEventRingMagic = 0x56455748;  // bytes "HWEV".
inline constexpr uint32_t kEventRingVersion = 1;

// A ring has a control page and at least two data pages (with one, every new
// fill would destroy the fill a reader is in), and at most the whole region.
inline constexpr uint32_t kMinEventRingPages = 3;
inline constexpr uint32_t kDefaultEventRingPages = 256;  // 1 MiB.

// Where entries start in a data page, and the most one entry may take.
inline constexpr uint32_t kEventEntryAreaOffset = 128;
inline constexpr uint32_t kMaxEventEntryBytes =
    kPageSize - kEventEntryAreaOffset;  // 3968

// Source of the events, in EventRingControlPage::source.
enum class EventSource : uint32_t {
  kUnknown = 0,
  kConnector = 1,  // kernel process-events connector (exact, exit codes)
  kPidDiff = 2,    // PID-list diffing (may miss short-lived processes)
};

struct EventRingControlPage {
  PageHeader header;  // 0

  // Static line [64, 128): written once by the writer, then published by
  // the release store of ring_magic (readers load it with acquire first).
  uint32_t ring_magic;         // 64: kEventRingMagic; 0 until initialised.
  uint32_t ring_version;       // 68: kEventRingVersion.
  uint32_t page_count;         // 72: ring pages, control page included; ==
                               //     BeaconPage::event_ring_page_count.
  uint32_t data_page_count;    // 76: page_count - 1.
  uint32_t entry_area_offset;  // 80: kEventEntryAreaOffset.
  uint32_t max_entry_bytes;    // 84: kMaxEventEntryBytes.
  uint32_t source;             // 88: EventSource.
  uint8_t reserved0[36];       // 92: zero.

  // Writer line [128, 192): written only by the writer.
  uint64_t head_fill_tag;  // 128: fill number + 1 of the fill being appended
                           //      to; 0 before the first event. Release.
  uint64_t published;      // 136: events published so far (== the next
                           //      sequence number). Release, after commit.
  uint64_t source_lost;    // 144: events the source itself lost (netlink
                           //      overrun) before they reached the ring.
                           //      Relaxed, informational.
  uint8_t reserved1[40];   // 152: zero.

  uint8_t reserved2[kPageSize - 192];  // 192: zero.
};
static_assert(sizeof(EventRingControlPage) == kPageSize);
static_assert(offsetof(EventRingControlPage, ring_magic) == 64);
static_assert(offsetof(EventRingControlPage, ring_version) == 68);
static_assert(offsetof(EventRingControlPage, page_count) == 72);
static_assert(offsetof(EventRingControlPage, data_page_count) == 76);
static_assert(offsetof(EventRingControlPage, entry_area_offset) == 80);
static_assert(offsetof(EventRingControlPage, max_entry_bytes) == 84);
static_assert(offsetof(EventRingControlPage, source) == 88);
static_assert(offsetof(EventRingControlPage, head_fill_tag) == 128);
static_assert(offsetof(EventRingControlPage, published) == 136);
static_assert(offsetof(EventRingControlPage, source_lost) == 144);
static_assert(offsetof(EventRingControlPage, head_fill_tag) % kCacheLineSize ==
              0);

struct EventDataPage {
  PageHeader header;  // 0

  // Page line [64, 128): written only by the writer (orders: file comment).
  uint64_t fill_tag;        // 64: fill number + 1; 0 = empty or being reset.
  uint64_t first_sequence;  // 72: sequence of the fill's first entry.
  uint32_t committed_end;   // 80: page offset just past the last committed
                            //     entry, in [kEventEntryAreaOffset,
                            //     kPageSize], a multiple of 8.
  uint32_t reserved0;       // 84: zero.
  uint8_t reserved1[40];    // 88: zero.

  uint8_t entries[kMaxEventEntryBytes];  // 128
};
static_assert(sizeof(EventDataPage) == kPageSize);
static_assert(offsetof(EventDataPage, fill_tag) == 64);
static_assert(offsetof(EventDataPage, first_sequence) == 72);
static_assert(offsetof(EventDataPage, committed_end) == 80);
static_assert(offsetof(EventDataPage, entries) == kEventEntryAreaOffset);

// One entry: this header, the payload (process_event_codec.h), then zero
// padding to a multiple of 8 bytes.
struct EventEntryHeader {
  uint32_t entry_bytes;     // 0: header + payload + padding; multiple of 8,
                            //    at least 24, at most kMaxEventEntryBytes.
  uint32_t payload_bytes;   // 4: <= entry_bytes - 24.
  uint64_t sequence;        // 8: the event's sequence number.
  uint32_t payload_crc32c;  // 16: CRC-32C of the payload bytes.
  uint32_t reserved;        // 20: zero.
};
static_assert(sizeof(EventEntryHeader) == 24);
static_assert(offsetof(EventEntryHeader, entry_bytes) == 0);
static_assert(offsetof(EventEntryHeader, payload_bytes) == 4);
static_assert(offsetof(EventEntryHeader, sequence) == 8);
static_assert(offsetof(EventEntryHeader, payload_crc32c) == 16);

// Checks a ring range announced by a beacon against a region of
// `region_pages` pages: inside the bulk area, at least kMinEventRingPages.
absl::Status ValidateEventRingRange(uint32_t first_page, uint32_t page_count,
                                    uint32_t region_pages);

// ---------------------------------------------------------------------------
// Writer (the companion). Not thread-safe: the ring has exactly one writer.
// ---------------------------------------------------------------------------
class EventRingWriter {
 public:
  // Initialises ring pages [first_page, first_page + page_count) of `pages`,
  // whose headers InitializeRegion() has already published, and publishes
  // the static line. `pages` must outlive the writer.
  static absl::StatusOr<EventRingWriter> Create(const PageTable& pages,
                                                uint32_t first_page,
                                                uint32_t page_count,
                                                EventSource source);

  // Appends `event` (its `sequence` is ignored and assigned) and returns its
  // sequence number. Strings and the command line are bounded by the codec,
  // so every event fits one entry.
  uint64_t Publish(const ProcessEvent& event);

  // Adds to the control page's source_lost counter.
  void AddSourceLost(uint64_t count);

  uint64_t published() const { return next_sequence_; }
  uint32_t data_page_count() const {
    return static_cast<uint32_t>(data_.size());
  }

 private:
  EventRingWriter(EventRingControlPage* control,
                  std::vector<EventDataPage*> data)
      : control_(control), data_(std::move(data)) {}

  void OpenNextFill();

  EventRingControlPage* control_;
  std::vector<EventDataPage*> data_;
  bool has_fill_ = false;
  uint64_t fill_ = 0;           // current fill number (when has_fill_).
  uint32_t committed_end_ = 0;  // in the current fill's page.
  uint64_t next_sequence_ = 0;
  uint64_t source_lost_ = 0;
  std::vector<uint64_t> scratch_;  // the entry being written, as words.
};

// ---------------------------------------------------------------------------
// Reader (a host). Not thread-safe; use one reader per thread. Any number of
// readers, in any processes, may follow one ring.
// ---------------------------------------------------------------------------

// What one Poll() returns.
struct EventBatch {
  // Events lost before `events` because the writer reused their pages
  // before this reader read them (the reader was lapped), or, after a
  // DataLoss error, skipped while resynchronising (then approximate: the
  // count comes from the ring's own sequence numbers).
  uint64_t lost = 0;
  // Increase of the ring's source_lost counter since the previous Poll():
  // events the guest's source dropped before they reached the ring.
  uint64_t source_lost = 0;
  // In sequence order, consecutive (after any `lost` gap).
  std::vector<ProcessEvent> events;
};

enum class EventRingStart {
  kHead,    // only events published after Attach()
  kOldest,  // the oldest events still in the ring, then new ones
};

class EventRingReader {
 public:
  // Attaches to ring pages [first_page, first_page + page_count) of `pages`
  // (validated by the caller with ValidateEventRingRange()). Fails with
  // Unavailable while the writer has not published the static line yet
  // (retry later) and DataLoss when it is not a ring of this geometry.
  static absl::StatusOr<EventRingReader> Attach(const PageTable& pages,
                                                uint32_t first_page,
                                                uint32_t page_count,
                                                EventRingStart start);

  // Reads up to `max_events` new events. Returns an empty batch when there
  // are none (or when the writer kept overwriting the oldest page while
  // this reader sought it: the next call goes on). Errors: DataLoss when the
  // ring holds malformed data (the reader then resynchronises at the head on
  // the next call), Unavailable when the ring vanished (the companion wiped
  // its region).
  absl::StatusOr<EventBatch> Poll(size_t max_events = 4096);

  // The sequence number of the next event this reader expects.
  uint64_t next_sequence() const { return next_sequence_; }
  EventSource source() const { return source_; }

 private:
  EventRingReader(EventRingControlPage* control,
                  std::vector<EventDataPage*> data, EventSource source)
      : control_(control), data_(std::move(data)), source_(source) {}

  // Positions the reader at the head (or the oldest available event).
  // Returns false if the writer moved the page under it (retry). A head page
  // whose entries cannot be walked positions the reader at the start of the
  // next fill (sequence_unknown_) and leaves the reason in seek_error_.
  absl::StatusOr<bool> Seek(EventRingStart start);
  absl::Status CheckStatic() const;

  EventRingControlPage* control_;
  std::vector<EventDataPage*> data_;
  EventSource source_;
  uint64_t fill_ = 0;
  uint32_t offset_ = kEventEntryAreaOffset;
  uint64_t next_sequence_ = 0;
  uint64_t source_lost_seen_ = 0;
  bool needs_resync_ = false;  // after a DataLoss: re-seek at the head.
  // A DataLoss found after some events were already decoded: those are
  // returned first, the error by the next Poll().
  absl::Status pending_error_;
  // Set by Seek() when the head page could not be walked: the reader then
  // waits for the next fill and takes its first_sequence as next_sequence_.
  bool sequence_unknown_ = false;
  absl::Status seek_error_;
  std::vector<uint64_t> copy_;  // words copied from a page.
};

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_EVENT_RING_H_
