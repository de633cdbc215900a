// Copyright 2026 The Haywire Authors.

#include "haywire/host/direct_search.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/host/failure.h"
#include "haywire/host/memory_map_listing.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/util/mapping_search.h"

namespace haywire {
namespace {

// Bytes read from the RAM file and translated at a time, and bytes of
// start positions searched per block.
constexpr uint64_t kWindowBytes = 16 << 20;
constexpr uint64_t kBlockBytes = 1 << 20;

// The errno WindowedPages reports for a failure that is not unreadable
// memory (MappingSearch passes it on as Step::error).
constexpr int kReaderFailed = ECANCELED;

// Mappings with nothing to read from guest RAM.
bool NothingInRam(const MemoryMapping& m) {
  return (m.perms & kMapRead) == 0 || m.path == "[vvar]" ||
         m.path == "[vvar_vclock]" || m.path == "[vsyscall]" ||
         (m.rss_kb == 0 && m.swap_kb == 0);
}

// One mapping's pages, read from the RAM file a window at a time, served
// to MappingSearch as a MemoryReader: bytes of pages in guest RAM, EFAULT
// at the first page that is not.
class WindowedPages {
 public:
  WindowedPages(DirectReader& reader, const MemoryMapping& mapping)
      : reader_(reader), mapping_(mapping) {}

  uint64_t Read(uint64_t address, uint64_t length, char* out, int* error) {
    const uint64_t pb = reader_.page_bytes();
    uint64_t done = 0;
    while (done < length) {
      const uint64_t at = address + done;
      if (at < window_start_ || at >= window_end_) {
        status_ = Fill(at);
        if (!status_.ok()) {
          *error = kReaderFailed;
          return done;
        }
      }
      const uint64_t k = (at - window_start_) / pb;
      if (states_[k] != PageState::kRead) {
        *error = EFAULT;
        return done;
      }
      const uint64_t page_end = window_start_ + (k + 1) * pb;
      const uint64_t n =
          std::min({length - done, page_end - at, window_end_ - at});
      std::memcpy(out + done, bytes_.data() + (at - window_start_), n);
      done += n;
    }
    return done;
  }

  const absl::Status& status() const { return status_; }

 private:
  // Reads the window holding `at`: from the page before its page (a
  // block's context and a pattern's start lie just before where the
  // previous window ended), for up to kWindowBytes within the mapping.
  absl::Status Fill(uint64_t at) {
    const uint64_t pb = reader_.page_bytes();
    const uint64_t page = at - at % pb;
    const uint64_t lowest = mapping_.start - mapping_.start % pb;
    window_start_ = page >= lowest + pb ? page - pb : lowest;
    window_end_ =
        window_start_ + std::min(kWindowBytes, mapping_.end - window_start_);
    bytes_.resize(window_end_ - window_start_);
    absl::StatusOr<PagesRead> got =
        reader_.ReadPresent(window_start_, bytes_.size(), bytes_.data());
    if (!got.ok()) {
      window_end_ = window_start_;
      return got.status();
    }
    states_ = std::move(got->states);
    return absl::OkStatus();
  }

  DirectReader& reader_;
  const MemoryMapping& mapping_;
  uint64_t window_start_ = 0;
  uint64_t window_end_ = 0;
  std::string bytes_;
  std::vector<PageState> states_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<MemorySearchSummary> SearchMemoryDirect(
    DirectReader& reader, absl::string_view pattern,
    const MemorySearchOptions& options,
    absl::FunctionRef<bool(const MemorySearchHit&)> on_hit) {
  const absl::Time deadline = absl::Now() + options.timeout;
  absl::StatusOr<MemoryMap> map = ListMemoryMap(reader.client(), reader.pid());
  if (!map.ok()) return map.status();
  MemorySearchSummary summary;
  std::string buffer;
  MappingSearch search(pattern, kBlockBytes, reader.page_bytes(),
                       kSearchContextBytes, &buffer);
  for (const MemoryMapping& m : map->mappings) {
    if (NothingInRam(m)) continue;
    WindowedPages pages(reader, m);
    uint64_t next = m.start;
    while (!search.Done(next, m.end)) {
      if (absl::Now() >= deadline) {
        return MakeFailure(absl::StatusCode::kDeadlineExceeded,
                           absl::StrCat("the direct search of process ",
                                        reader.pid(), " did not end within ",
                                        absl::FormatDuration(options.timeout)),
                           Failure::kTimeout);
      }
      const MappingSearch::Step step = search.SearchBlock(
          m.start, m.end, &next,
          [&](uint64_t address, uint64_t length, char* out, int* error) {
            return pages.Read(address, length, out, error);
          },
          [&](uint64_t address, absl::string_view before,
              absl::string_view after) {
            ++summary.hits;
            if (!on_hit(MemorySearchHit{address, &m, before, after})) {
              summary.stopped = true;
              return false;
            }
            if (options.max_hits != 0 && summary.hits >= options.max_hits) {
              summary.max_hits_reached = true;
              return false;
            }
            return true;
          });
      if (step.error != 0) {
        if (!pages.status().ok()) return pages.status();
        return absl::InternalError(absl::StrCat("the direct search failed: ",
                                                std::strerror(step.error)));
      }
      summary.scanned_bytes += step.scanned_bytes;
      summary.unreadable_bytes += step.unreadable_bytes;
      if (step.stopped) return summary;
    }
  }
  return summary;
}

}  // namespace haywire
