// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/event_ring.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/process_event_codec.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

// A payload of the codec's maximum size always fits one entry.
static_assert(sizeof(EventEntryHeader) + kMaxProcessEventPayloadBytes + 7 <=
              kMaxEventEntryBytes);

// Resynchronisations one Poll() or Attach() attempts before it gives up:
// each needs the writer to overwrite the reader's position again, which a
// sane writer cannot do that often within microseconds.
constexpr int kMaxResyncs = 8;

uint64_t* WordAt(void* page, uint32_t offset) {
  return reinterpret_cast<uint64_t*>(static_cast<std::byte*>(page) + offset);
}

}  // namespace

absl::Status ValidateEventRingRange(uint32_t first_page, uint32_t page_count,
                                    uint32_t region_pages) {
  if (first_page < kFirstBulkPage) {
    return absl::DataLossError(
        absl::StrCat("event ring starts at page ", first_page,
                     ", inside the control pages (the bulk area starts at ",
                     kFirstBulkPage, ")"));
  }
  if (page_count < kMinEventRingPages) {
    return absl::DataLossError(absl::StrCat("event ring of ", page_count,
                                            " pages; at least ",
                                            kMinEventRingPages, " needed"));
  }
  if (uint64_t{first_page} + page_count > region_pages) {
    return absl::DataLossError(
        absl::StrCat("event ring pages [", first_page, ", ",
                     uint64_t{first_page} + page_count,
                     ") extend past the region's ", region_pages, " pages"));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Writer.
// ---------------------------------------------------------------------------

absl::StatusOr<EventRingWriter> EventRingWriter::Create(const PageTable& pages,
                                                        uint32_t first_page,
                                                        uint32_t page_count,
                                                        EventSource source) {
  if (absl::Status s =
          ValidateEventRingRange(first_page, page_count, pages.page_count());
      !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  auto* control =
      reinterpret_cast<EventRingControlPage*>(pages.page(first_page));
  std::vector<EventDataPage*> data;
  data.reserve(page_count - 1);
  for (uint32_t i = 1; i < page_count; ++i) {
    auto* page = reinterpret_cast<EventDataPage*>(pages.page(first_page + i));
    // InitializeRegion() zeroed the pages; no reader uses a data page before
    // the static line is published, so relaxed stores suffice.
    StoreRelaxed(page->fill_tag, uint64_t{0});
    StoreRelaxed(page->first_sequence, uint64_t{0});
    StoreRelaxed(page->committed_end, kEventEntryAreaOffset);
    data.push_back(page);
  }
  StoreRelaxed(control->ring_version, kEventRingVersion);
  StoreRelaxed(control->page_count, page_count);
  StoreRelaxed(control->data_page_count, page_count - 1);
  StoreRelaxed(control->entry_area_offset, kEventEntryAreaOffset);
  StoreRelaxed(control->max_entry_bytes, kMaxEventEntryBytes);
  StoreRelaxed(control->source, static_cast<uint32_t>(source));
  StoreRelaxed(control->head_fill_tag, uint64_t{0});
  StoreRelaxed(control->published, uint64_t{0});
  StoreRelaxed(control->source_lost, uint64_t{0});
  // Release: a reader that sees the magic (acquire) sees everything above.
  StoreRelease(control->ring_magic, kEventRingMagic);
  return EventRingWriter(control, std::move(data));
}

void EventRingWriter::OpenNextFill() {
  const uint64_t fill = has_fill_ ? fill_ + 1 : 0;
  EventDataPage* page = data_[fill % data_.size()];
  // Invalidate first: every later store to this page is a release store, so
  // a reader of the old fill that observes any of them re-reads a fill tag
  // that is no longer its own and discards its copy. Relaxed is enough for
  // this store itself; the release stores after it carry it.
  StoreRelaxed(page->fill_tag, uint64_t{0});
  StoreRelease(page->first_sequence, next_sequence_);
  StoreRelease(page->committed_end, kEventEntryAreaOffset);
  // Release: a reader that sees the new tag sees the two fields above.
  StoreRelease(page->fill_tag, fill + 1);
  // Release, after the last commit to the previous fill: a reader that sees
  // the new head knows the previous fill is final.
  StoreRelease(control_->head_fill_tag, fill + 1);
  fill_ = fill;
  has_fill_ = true;
  committed_end_ = kEventEntryAreaOffset;
}

uint64_t EventRingWriter::Publish(const ProcessEvent& event) {
  const std::string payload = EncodeProcessEvent(event);
  const uint32_t entry_bytes = static_cast<uint32_t>(
      (sizeof(EventEntryHeader) + payload.size() + 7) & ~size_t{7});
  EventEntryHeader header = {};
  header.entry_bytes = entry_bytes;
  header.payload_bytes = static_cast<uint32_t>(payload.size());
  header.sequence = next_sequence_;
  header.payload_crc32c = Crc32c(payload.data(), payload.size());
  scratch_.assign(entry_bytes / 8, 0);
  std::memcpy(scratch_.data(), &header, sizeof(header));
  std::memcpy(reinterpret_cast<char*>(scratch_.data()) + sizeof(header),
              payload.data(), payload.size());

  if (!has_fill_ || committed_end_ + entry_bytes > kPageSize) OpenNextFill();
  EventDataPage* page = data_[fill_ % data_.size()];
  uint64_t* dst = WordAt(page, committed_end_);
  for (size_t i = 0; i < scratch_.size(); ++i) {
    // Release per word, not relaxed: a reader still copying an older fill
    // of this page that loads one of these words must also see the
    // invalidated fill tag (see OpenNextFill).
    StoreRelease(dst[i], scratch_[i]);
  }
  committed_end_ += entry_bytes;
  // Release: publishes the entry's words to readers that acquire this.
  StoreRelease(page->committed_end, committed_end_);
  const uint64_t sequence = next_sequence_++;
  StoreRelease(control_->published, next_sequence_);
  return sequence;
}

void EventRingWriter::AddSourceLost(uint64_t count) {
  source_lost_ += count;
  // Informational counter: relaxed.
  StoreRelaxed(control_->source_lost, source_lost_);
}

// ---------------------------------------------------------------------------
// Reader.
// ---------------------------------------------------------------------------

absl::StatusOr<EventRingReader> EventRingReader::Attach(const PageTable& pages,
                                                        uint32_t first_page,
                                                        uint32_t page_count,
                                                        EventRingStart start) {
  if (absl::Status s =
          ValidateEventRingRange(first_page, page_count, pages.page_count());
      !s.ok()) {
    return s;
  }
  auto* control =
      reinterpret_cast<EventRingControlPage*>(pages.page(first_page));
  std::vector<EventDataPage*> data;
  data.reserve(page_count - 1);
  for (uint32_t i = 1; i < page_count; ++i) {
    data.push_back(
        reinterpret_cast<EventDataPage*>(pages.page(first_page + i)));
  }
  EventRingReader reader(control, std::move(data), EventSource::kUnknown);
  if (absl::Status s = reader.CheckStatic(); !s.ok()) return s;
  reader.source_ = static_cast<EventSource>(LoadRelaxed(control->source));
  reader.source_lost_seen_ = LoadRelaxed(control->source_lost);
  for (int i = 0; i < kMaxResyncs; ++i) {
    absl::StatusOr<bool> placed = reader.Seek(start);
    if (!placed.ok()) return placed.status();
    if (*placed) {
      // A corrupt head page is reported by the first Poll().
      reader.pending_error_ = reader.seek_error_;
      return reader;
    }
  }
  return absl::UnavailableError(
      "event ring: the writer kept moving while this reader attached; retry");
}

absl::Status EventRingReader::CheckStatic() const {
  // Acquire: pairs with the writer's release store of the magic, so the
  // static fields read below are the ones it wrote.
  const uint32_t magic = LoadAcquire(control_->ring_magic);
  if (magic == 0) {
    return absl::UnavailableError(
        "event ring not initialised (the companion is starting, or has "
        "stopped and wiped its region)");
  }
  if (magic != kEventRingMagic) {
    return absl::DataLossError(
        absl::StrCat("event ring control page has magic 0x", absl::Hex(magic),
                     ", not 0x", absl::Hex(kEventRingMagic)));
  }
  const uint32_t version = LoadRelaxed(control_->ring_version);
  if (version != kEventRingVersion) {
    return absl::DataLossError(absl::StrCat("event ring version ", version,
                                            "; this haywire reads version ",
                                            kEventRingVersion));
  }
  const uint32_t pages = LoadRelaxed(control_->page_count);
  const uint32_t data_pages = LoadRelaxed(control_->data_page_count);
  if (pages != data_.size() + 1 || data_pages != data_.size() ||
      LoadRelaxed(control_->entry_area_offset) != kEventEntryAreaOffset ||
      LoadRelaxed(control_->max_entry_bytes) != kMaxEventEntryBytes) {
    return absl::DataLossError(
        absl::StrCat("event ring geometry (", pages, " pages, ", data_pages,
                     " data pages) does not match the beacon's ",
                     data_.size() + 1, " pages"));
  }
  const uint32_t source = LoadRelaxed(control_->source);
  if (source > static_cast<uint32_t>(EventSource::kPidDiff)) {
    return absl::DataLossError(
        absl::StrCat("event ring names unknown source ", source));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> EventRingReader::Seek(EventRingStart start) {
  seek_error_ = absl::OkStatus();
  const uint64_t data_pages = data_.size();
  // Acquire: pairs with the writer's release of the head, so the head
  // page's tag and fields are at least as new.
  const uint64_t head = LoadAcquire(control_->head_fill_tag);
  if (head == 0) {
    // Nothing published yet: the first event will be fill 0's first.
    fill_ = 0;
    offset_ = kEventEntryAreaOffset;
    next_sequence_ = 0;
    return true;
  }
  const uint64_t head_fill = head - 1;
  if (start == EventRingStart::kOldest) {
    // Fill head_fill + 1 - D is the oldest still intact: the writer reuses
    // its page only when it opens the fill after the head.
    const uint64_t fill =
        head_fill >= data_pages - 1 ? head_fill - (data_pages - 1) : 0;
    EventDataPage* page = data_[fill % data_pages];
    if (LoadAcquire(page->fill_tag) != fill + 1) return false;
    const uint64_t first = LoadAcquire(page->first_sequence);
    if (LoadRelaxed(page->fill_tag) != fill + 1) return false;
    fill_ = fill;
    offset_ = kEventEntryAreaOffset;
    next_sequence_ = first;
    sequence_unknown_ = false;
    return true;
  }
  // Head: skip every entry already committed in the head fill.
  EventDataPage* page = data_[head_fill % data_pages];
  if (LoadAcquire(page->fill_tag) != head) return false;
  const uint64_t first = LoadAcquire(page->first_sequence);
  const uint32_t committed = LoadAcquire(page->committed_end);
  const bool committed_ok = committed >= kEventEntryAreaOffset &&
                            committed <= kPageSize && committed % 8 == 0;
  if (committed_ok) {
    copy_.resize((committed - kEventEntryAreaOffset) / 8);
    uint64_t* src = WordAt(page, kEventEntryAreaOffset);
    for (size_t i = 0; i < copy_.size(); ++i) copy_[i] = LoadAcquire(src[i]);
  }
  // Relaxed, ordered after the acquire loads above: the seqlock check.
  if (LoadRelaxed(page->fill_tag) != head) return false;
  // Entries that cannot be walked leave no way to know where the next one
  // will go: wait for the next fill, whose first_sequence says where the
  // stream resumes.
  auto skip_to_next_fill = [&](std::string why) {
    fill_ = head_fill + 1;
    offset_ = kEventEntryAreaOffset;
    sequence_unknown_ = true;
    seek_error_ = absl::DataLossError(absl::StrCat(
        "event ring: ", why, "; skipping to the next page of events"));
    return true;
  };
  if (!committed_ok) {
    return skip_to_next_fill(
        absl::StrCat("the newest page has committed_end ", committed));
  }
  const char* bytes = reinterpret_cast<const char*>(copy_.data());
  const uint32_t length = committed - kEventEntryAreaOffset;
  uint32_t pos = 0;
  uint64_t sequence = first;
  while (pos < length) {
    EventEntryHeader header;
    if (length - pos < sizeof(header)) {
      return skip_to_next_fill("an entry header is cut by the committed end");
    }
    std::memcpy(&header, bytes + pos, sizeof(header));
    if (header.entry_bytes < sizeof(header) || header.entry_bytes % 8 != 0 ||
        header.entry_bytes > length - pos || header.sequence != sequence) {
      return skip_to_next_fill(absl::StrCat(
          "the entry at page offset ", kEventEntryAreaOffset + pos,
          " is malformed (", header.entry_bytes, " bytes, sequence ",
          header.sequence, ", expected ", sequence, ")"));
    }
    pos += header.entry_bytes;
    ++sequence;
  }
  fill_ = head_fill;
  offset_ = committed;
  next_sequence_ = sequence;
  sequence_unknown_ = false;
  return true;
}

absl::StatusOr<EventBatch> EventRingReader::Poll(size_t max_events) {
  EventBatch batch;
  if (!pending_error_.ok()) {
    absl::Status error = pending_error_;
    pending_error_ = absl::OkStatus();
    return error;
  }
  if (absl::Status s = CheckStatic(); !s.ok()) return s;
  // source_lost only grows; a smaller value is a reset or garbage: ignore.
  const uint64_t source_lost = LoadRelaxed(control_->source_lost);
  if (source_lost > source_lost_seen_) {
    batch.source_lost = source_lost - source_lost_seen_;
    source_lost_seen_ = source_lost;
  }
  int resyncs = 0;
  if (needs_resync_) {
    const uint64_t before = next_sequence_;
    absl::StatusOr<bool> placed = false;
    while (placed.ok() && !*placed && ++resyncs <= kMaxResyncs) {
      placed = Seek(EventRingStart::kHead);
    }
    if (!placed.ok()) return placed.status();
    if (!*placed) return batch;  // still needs_resync_: next time
    needs_resync_ = false;
    // (With an unknown sequence the gap is counted when the next fill opens.)
    if (!sequence_unknown_ && next_sequence_ > before) {
      batch.lost += next_sequence_ - before;
    }
  }

  const uint64_t data_pages = data_.size();
  // Every page at most once, plus some retries: bounded whatever the ring
  // holds.
  const uint64_t max_visits = data_pages + kMaxResyncs;
  auto corrupt = [&](std::string message) -> absl::StatusOr<EventBatch> {
    needs_resync_ = true;
    absl::Status error = absl::DataLossError(absl::StrCat(
        "event ring: ", message, "; resynchronising at the newest event"));
    if (batch.events.empty() && batch.lost == 0) return error;
    pending_error_ = error;
    return batch;
  };

  for (uint64_t visit = 0;
       visit < max_visits && batch.events.size() < max_events; ++visit) {
    EventDataPage* page = data_[fill_ % data_pages];
    const uint64_t tag = LoadAcquire(page->fill_tag);
    if (tag != fill_ + 1) {
      const uint64_t head = LoadAcquire(control_->head_fill_tag);
      // Nothing published yet, or this fill not opened yet: caught up.
      if (head == 0 || head - 1 < fill_) break;
      // The fill was opened, and its page now holds something else: the
      // writer reused it before this reader was done (lapped).
      if (!batch.events.empty()) break;  // report these first
      // The writer may keep overwriting the oldest page while a slow
      // reader seeks it; after a few tries, return what is counted so far
      // and go on at the next Poll() (the position is still the old one,
      // so nothing is miscounted).
      if (++resyncs > kMaxResyncs) break;
      const uint64_t before = next_sequence_;
      absl::StatusOr<bool> placed = Seek(EventRingStart::kOldest);
      if (!placed.ok()) return corrupt(std::string(placed.status().message()));
      if (!*placed) continue;
      if (next_sequence_ < before) {
        return corrupt(absl::StrCat("oldest event ", next_sequence_,
                                    " is older than the reader's position ",
                                    before));
      }
      batch.lost += next_sequence_ - before;
      continue;
    }
    const uint64_t first = LoadAcquire(page->first_sequence);
    const uint32_t committed = LoadAcquire(page->committed_end);
    const bool committed_ok = committed >= kEventEntryAreaOffset &&
                              committed <= kPageSize && committed % 8 == 0 &&
                              committed >= offset_;
    if (committed_ok) {
      copy_.resize((committed - offset_) / 8);
      uint64_t* src = WordAt(page, offset_);
      for (size_t i = 0; i < copy_.size(); ++i) {
        copy_[i] = LoadAcquire(src[i]);
      }
    }
    // Relaxed, ordered after the acquire loads: the seqlock re-check. A
    // changed tag means the copy may be torn; the next visit sees the lap.
    if (LoadRelaxed(page->fill_tag) != fill_ + 1) continue;
    if (!committed_ok) {
      return corrupt(absl::StrCat("fill ", fill_, " has committed_end ",
                                  committed, " (reader at ", offset_, ")"));
    }
    if (offset_ == kEventEntryAreaOffset && sequence_unknown_) {
      // Resuming after a page that could not be walked.
      if (first > next_sequence_) batch.lost += first - next_sequence_;
      next_sequence_ = first;
      sequence_unknown_ = false;
    }
    if (offset_ == kEventEntryAreaOffset && first != next_sequence_) {
      return corrupt(absl::StrCat("fill ", fill_, " starts at sequence ", first,
                                  ", expected ", next_sequence_));
    }
    const char* bytes = reinterpret_cast<const char*>(copy_.data());
    const uint32_t length = committed - offset_;
    uint32_t pos = 0;
    while (pos < length && batch.events.size() < max_events) {
      EventEntryHeader header;
      if (length - pos < sizeof(header)) {
        return corrupt("entry header cut by the committed end");
      }
      std::memcpy(&header, bytes + pos, sizeof(header));
      if (header.entry_bytes < sizeof(header) || header.entry_bytes % 8 != 0 ||
          header.entry_bytes > length - pos ||
          header.payload_bytes > header.entry_bytes - sizeof(header)) {
        return corrupt(absl::StrCat("entry at page offset ", offset_,
                                    " has bad sizes (", header.entry_bytes,
                                    ", payload ", header.payload_bytes, ")"));
      }
      if (header.sequence != next_sequence_) {
        return corrupt(absl::StrCat("entry at page offset ", offset_,
                                    " has sequence ", header.sequence,
                                    ", expected ", next_sequence_));
      }
      const char* payload = bytes + pos + sizeof(header);
      if (Crc32c(payload, header.payload_bytes) != header.payload_crc32c) {
        return corrupt(
            absl::StrCat("entry ", header.sequence, " fails its checksum"));
      }
      absl::StatusOr<ProcessEvent> event =
          DecodeProcessEvent(absl::string_view(payload, header.payload_bytes));
      if (!event.ok()) {
        return corrupt(absl::StrCat("entry ", header.sequence, ": ",
                                    event.status().message()));
      }
      event->sequence = header.sequence;
      batch.events.push_back(*std::move(event));
      ++next_sequence_;
      offset_ += header.entry_bytes;
      pos += header.entry_bytes;
    }
    if (offset_ != committed) break;  // max_events reached
    // Everything committed so far is read. Move on only once the writer has
    // (its release of the head follows its last commit to this fill).
    const uint64_t head = LoadAcquire(control_->head_fill_tag);
    if (head <= fill_ + 1) break;  // caught up with the head fill
    const uint32_t final_end = LoadAcquire(page->committed_end);
    if (LoadRelaxed(page->fill_tag) != fill_ + 1) continue;  // lapped
    if (final_end == offset_) {
      ++fill_;
      offset_ = kEventEntryAreaOffset;
    }
    // else: entries were committed before the writer moved on; read them.
  }
  return batch;
}

}  // namespace haywire
