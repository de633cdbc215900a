// Copyright 2026 The Haywire Authors.

#include "haywire/host/guest_physical.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

absl::StatusOr<DirectRead> ReadDirect(Client& client,
                                      const LiveSession& session,
                                      const RamLayout& layout, uint32_t pid,
                                      uint64_t address, uint64_t length,
                                      char* out) {
  DirectRead result;
  if (length == 0) return result;
  // The guest's page size, from a first translation of the first page.
  absl::StatusOr<PageMapEntries> probe = FetchPageMap(client, pid, 0, 1);
  if (!probe.ok()) return probe.status();
  const uint64_t pb = probe->page_bytes;
  const uint64_t first_page = address / pb;
  const uint64_t last_page = (address + (length - 1)) / pb;
  const uint64_t pages = last_page - first_page + 1;
  absl::StatusOr<PageMapEntries> before =
      FetchPageMap(client, pid, first_page, pages);
  if (!before.ok()) return before.status();
  if (before->page_bytes != pb || before->entries.size() != pages) {
    return Broken("changed its page size or came short");
  }
  // Where each page's bytes lie in the file, or why they cannot be read.
  auto place = [&](uint64_t entry,
                   std::string* why) -> std::optional<uint64_t> {
    if ((entry & kPageMapPresent) == 0) {
      *why = (entry & kPageMapSwapped) != 0 ? "swapped out"
                                            : "not present in guest RAM";
      return std::nullopt;
    }
    const uint64_t physical = (entry & kPageMapFrameMask) * pb;
    std::optional<uint64_t> offset = layout.FileOffset(physical);
    if (!offset.has_value() ||
        !layout.FileOffset(physical + pb - 1).has_value() ||
        *offset + pb > session.file->size()) {
      *why = absl::StrCat("at guest-physical 0x", absl::Hex(physical),
                          ", outside the guest RAM the layout places");
      return std::nullopt;
    }
    return offset;
  };
  // Reads the part of page k that the range covers.
  auto read_page = [&](uint64_t k, uint64_t file_offset) -> absl::Status {
    const uint64_t page_start = (first_page + k) * pb;
    const uint64_t from = std::max(page_start, address);
    const uint64_t to = std::min(page_start + pb, address + length);
    uint64_t done = 0;
    while (done < to - from) {
      const ssize_t n = ::pread(
          session.file->fd(), out + (from - address) + done, to - from - done,
          static_cast<off_t>(file_offset + (from - page_start) + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return absl::InternalError(
            absl::StrCat("cannot read the RAM file: ",
                         n < 0 ? std::strerror(errno) : "it ends early"));
      }
      done += static_cast<uint64_t>(n);
    }
    return absl::OkStatus();
  };
  std::vector<uint64_t> entries = before->entries;
  uint64_t readable = pages;  // pages up to the first unreadable one
  std::string why;
  for (uint64_t k = 0; k < pages; ++k) {
    std::optional<uint64_t> offset = place(entries[k], &why);
    if (!offset.has_value()) {
      readable = k;
      break;
    }
    if (absl::Status s = read_page(k, *offset); !s.ok()) return s;
  }
  // Translate again; read again what moved, until nothing does.
  for (int round = 0;; ++round) {
    absl::StatusOr<PageMapEntries> after =
        FetchPageMap(client, pid, first_page, readable);
    if (!after.ok()) return after.status();
    if (after->entries.size() != readable) {
      return Broken("came short on the second translation");
    }
    std::vector<uint64_t> moved;
    for (uint64_t k = 0; k < readable; ++k) {
      if ((after->entries[k] & (kPageMapPresent | kPageMapFrameMask)) !=
          (entries[k] & (kPageMapPresent | kPageMapFrameMask))) {
        moved.push_back(k);
      }
    }
    if (moved.empty()) break;
    if (round == kMaxRereadRounds) {
      readable = moved.front();
      why = "kept moving while it was read";
      break;
    }
    entries = after->entries;
    for (uint64_t k : moved) {
      std::optional<uint64_t> offset = place(entries[k], &why);
      if (!offset.has_value()) {
        readable = k;
        break;
      }
      if (absl::Status s = read_page(k, *offset); !s.ok()) return s;
      ++result.pages_read_again;
    }
  }
  const uint64_t end =
      readable == pages ? address + length : (first_page + readable) * pb;
  result.bytes = std::max(end, address) - address;
  if (readable < pages) {
    result.stopped_at = std::max((first_page + readable) * pb, address);
    result.why = why;
  }
  return result;
}

}  // namespace haywire
