// Copyright 2026 The Haywire Authors.

#include "haywire/host/guest_physical.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"
#include "haywire/host/session_table.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {
namespace {

absl::Status Broken(absl::string_view what) {
  return MakeFailure(absl::StatusCode::kDataLoss,
                     absl::StrCat("the companion's page map ", what),
                     Failure::kGuestError);
}

// Rounds a page's frame may move under a read before it gives up.
constexpr int kMaxRereadRounds = 3;

}  // namespace

absl::StatusOr<PageMapEntries> FetchPageMap(Client& client, uint32_t pid,
                                            uint64_t first_page,
                                            uint64_t pages) {
  PageMapEntries out;
  out.entries.reserve(pages);
  while (out.entries.size() < pages) {
    const size_t before = out.entries.size();
    absl::StatusOr<uint32_t> page_bytes = client.GetPageMap(
        pid, first_page + before, pages - before, &out.entries);
    if (!page_bytes.ok()) return page_bytes.status();
    if (out.page_bytes != 0 && *page_bytes != out.page_bytes) {
      return Broken(absl::StrCat("changes the page size from ", out.page_bytes,
                                 " to ", *page_bytes));
    }
    out.page_bytes = *page_bytes;
    if (out.entries.size() == before) {
      if (pid == 0) break;  // the region ends there
      return Broken(
          absl::StrCat("sends no entries from page ", first_page + before));
    }
  }
  return out;
}

absl::StatusOr<RamLayout> CalibrateRamLayout(Client& client,
                                             const LiveSession& session) {
  const std::vector<uint64_t>& offsets = session.report.pages.offsets;
  absl::StatusOr<PageMapEntries> frames =
      FetchPageMap(client, 0, 0, offsets.size());
  if (!frames.ok()) return frames.status();
  if (frames->page_bytes != kPageSize) {
    return Broken(absl::StrCat("counts region frames in ", frames->page_bytes,
                               "-byte units, not 4096"));
  }
  std::vector<FramePair> pairs;
  for (size_t i = 0; i < frames->entries.size() && i < offsets.size(); ++i) {
    const uint64_t e = frames->entries[i];
    if ((e & kPageMapPresent) == 0 || offsets[i] == kMissingPage) continue;
    pairs.push_back({(e & kPageMapFrameMask) * kPageSize, offsets[i]});
  }
  absl::StatusOr<RamLayout> layout =
      DeriveRamLayout(pairs, session.file->size());
  if (!layout.ok()) {
    return MakeFailure(absl::StatusCode::kFailedPrecondition,
                       layout.status().message(), Failure::kGuestError);
  }
  return layout;
}

absl::StatusOr<uint32_t> GuestPageBytes(Client& client, uint32_t pid) {
  absl::StatusOr<PageMapEntries> probe = FetchPageMap(client, pid, 0, 1);
  if (!probe.ok()) return probe.status();
  return probe->page_bytes;
}

absl::StatusOr<DirectReader> DirectReader::Create(Client& client,
                                                  const LiveSession& session,
                                                  uint32_t pid) {
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  if (!layout.ok()) return layout.status();
  absl::StatusOr<uint32_t> page_bytes = GuestPageBytes(client, pid);
  if (!page_bytes.ok()) return page_bytes.status();
  return DirectReader(client, session, *std::move(layout), pid, *page_bytes);
}

DirectReader::DirectReader(Client& client, const LiveSession& session,
                           RamLayout layout, uint32_t pid, uint32_t page_bytes)
    : client_(client),
      session_(session),
      layout_(std::move(layout)),
      pid_(pid),
      page_bytes_(page_bytes) {}

PageState DirectReader::Place(uint64_t entry, uint64_t* file_offset) const {
  if ((entry & kPageMapPresent) == 0) {
    return (entry & kPageMapSwapped) != 0 ? PageState::kSwapped
                                          : PageState::kNotPresent;
  }
  const uint64_t pb = page_bytes_;
  const uint64_t physical = (entry & kPageMapFrameMask) * pb;
  const std::optional<uint64_t> first = layout_.FileOffset(physical);
  const std::optional<uint64_t> last = layout_.FileOffset(physical + pb - 1);
  if (!first.has_value() || !last.has_value() || *last - *first != pb - 1 ||
      *first + pb > session_.file->size()) {
    return PageState::kOutsideRam;
  }
  *file_offset = *first;
  return PageState::kRead;
}

absl::Status DirectReader::ReadPlaced(uint64_t first_page, uint64_t address,
                                      uint64_t length,
                                      const std::vector<Placed>& placed,
                                      char* out) const {
  const uint64_t pb = page_bytes_;
  const uint64_t last_byte = address + (length - 1);
  for (size_t i = 0; i < placed.size();) {
    size_t j = i + 1;
    while (j < placed.size() && placed[j].k == placed[j - 1].k + 1 &&
           placed[j].file_offset == placed[j - 1].file_offset + pb) {
      ++j;
    }
    // The run's bytes within the range (inclusive ends: the range may end
    // at the top of the address space).
    const uint64_t run_start = (first_page + placed[i].k) * pb;
    const uint64_t run_last = run_start + ((j - i) * pb - 1);
    const uint64_t from = std::max(run_start, address);
    const uint64_t to_last = std::min(run_last, last_byte);
    const uint64_t bytes = to_last - from + 1;
    absl::StatusOr<uint64_t> got =
        session_.file->ReadAt(placed[i].file_offset + (from - run_start), bytes,
                              out + (from - address));
    if (!got.ok()) return got.status();
    if (*got != bytes) {
      return absl::InternalError("cannot read the RAM file: it ends early");
    }
    i = j;
  }
  return absl::OkStatus();
}

absl::StatusOr<PagesRead> DirectReader::ReadPresent(uint64_t address,
                                                    uint64_t length,
                                                    char* out) {
  PagesRead result;
  if (length == 0) return result;
  const uint64_t pb = page_bytes_;
  const uint64_t first_page = address / pb;
  const uint64_t pages = (address + (length - 1)) / pb - first_page + 1;
  result.first_page = first_page;
  auto translate = [&]() -> absl::StatusOr<std::vector<uint64_t>> {
    absl::StatusOr<PageMapEntries> got =
        FetchPageMap(client_, pid_, first_page, pages);
    if (!got.ok()) return got.status();
    if (got->page_bytes != pb || got->entries.size() != pages) {
      return Broken("changed its page size or came short");
    }
    return std::move(got->entries);
  };
  absl::StatusOr<std::vector<uint64_t>> entries = translate();
  if (!entries.ok()) return entries.status();
  result.entries = *std::move(entries);
  result.states.resize(pages);
  std::vector<Placed> placed;
  for (uint64_t k = 0; k < pages; ++k) {
    uint64_t offset = 0;
    result.states[k] = Place(result.entries[k], &offset);
    if (result.states[k] == PageState::kRead) placed.push_back({k, offset});
  }
  if (absl::Status s = ReadPlaced(first_page, address, length, placed, out);
      !s.ok()) {
    return s;
  }
  // Translate again; read again what moved, until nothing read last did.
  constexpr uint64_t kIdentity = kPageMapPresent | kPageMapFrameMask;
  for (int round = 0; !placed.empty(); ++round) {
    absl::StatusOr<std::vector<uint64_t>> after = translate();
    if (!after.ok()) return after.status();
    std::vector<Placed> moved;
    for (const Placed& p : placed) {
      const uint64_t now = (*after)[p.k];
      if ((now & kIdentity) == (result.entries[p.k] & kIdentity)) continue;
      result.entries[p.k] = now;
      if (round == kMaxRereadRounds) {
        result.states[p.k] = PageState::kKeptMoving;
        continue;
      }
      uint64_t offset = 0;
      result.states[p.k] = Place(now, &offset);
      if (result.states[p.k] == PageState::kRead)
        moved.push_back({p.k, offset});
    }
    if (absl::Status s = ReadPlaced(first_page, address, length, moved, out);
        !s.ok()) {
      return s;
    }
    result.pages_read_again += moved.size();
    placed = std::move(moved);
  }
  return result;
}

std::string DirectReader::Why(const PagesRead& read, size_t k) const {
  switch (read.states[k]) {
    case PageState::kRead:
      return "read";
    case PageState::kNotPresent:
      return "not present in guest RAM";
    case PageState::kSwapped:
      return "swapped out";
    case PageState::kOutsideRam:
      return absl::StrCat(
          "at guest-physical 0x",
          absl::Hex((read.entries[k] & kPageMapFrameMask) * page_bytes_),
          ", outside the guest RAM the layout places");
    case PageState::kKeptMoving:
      return "kept moving while it was read";
  }
  return "unreadable";
}

absl::StatusOr<DirectRead> DirectReader::Read(uint64_t address, uint64_t length,
                                              char* out) {
  DirectRead result;
  absl::StatusOr<PagesRead> pages = ReadPresent(address, length, out);
  if (!pages.ok()) return pages.status();
  result.bytes = length;
  result.pages_read_again = pages->pages_read_again;
  for (size_t k = 0; k < pages->states.size(); ++k) {
    if (pages->states[k] == PageState::kRead) continue;
    const uint64_t stop =
        std::max((pages->first_page + k) * page_bytes_, address);
    result.bytes = stop - address;
    result.stopped_at = stop;
    result.why = Why(*pages, k);
    break;
  }
  return result;
}

}  // namespace haywire
