// Copyright 2026 The Haywire Authors.
//
// Guest-physical memory, seen from the host: where the companion's region
// and a guest process's pages lie in guest-physical memory (GET_PAGE_MAP),
// where guest-physical memory lies in the RAM file (ram_layout.h), and
// reads of a process's memory straight from the RAM file.
//
// A direct read translates a range of the process's pages (one GET_PAGE_MAP
// per window's worth), reads the bytes of each present page from the RAM
// file with pread (a run of adjacent frames in one call), then translates
// the range again: a page whose frame changed meanwhile (the kernel moved
// or freed it) is read again, a few rounds at most. A page that is not
// present (never touched, or swapped out) is never filled with another
// frame's bytes: a read stops there, a search skips it.
#ifndef HAYWIRE_HOST_GUEST_PHYSICAL_H_
#define HAYWIRE_HOST_GUEST_PHYSICAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/host/client.h"
#include "haywire/host/live_session.h"
#include "haywire/host/ram_layout.h"

namespace haywire {

// The pagemap entries of `pages` pages of guest process `pid` (0: the
// region's pages) from `first_page`, a window at a time, and the guest's
// page size (4096 for the region). Errors as Client::GetPageMap, and
// kGuestError for an answer without entries or with a changing page size.
struct PageMapEntries {
  uint32_t page_bytes = 0;
  std::vector<uint64_t> entries;
};
absl::StatusOr<PageMapEntries> FetchPageMap(Client& client, uint32_t pid,
                                            uint64_t first_page,
                                            uint64_t pages);

// The RAM file's layout, from the frames of every region page the
// companion reports present, paired with the offsets where discovery found
// those pages. FailedPrecondition when they fit no known layout.
absl::StatusOr<RamLayout> CalibrateRamLayout(Client& client,
                                             const LiveSession& session);

// The guest's page size as the companion translates process `pid`'s
// pages (one GET_PAGE_MAP of one page; it also shows that the process
// exists). Errors as FetchPageMap.
absl::StatusOr<uint32_t> GuestPageBytes(Client& client, uint32_t pid);

// What became of one page of a direct read.
enum class PageState : uint8_t {
  kRead,        // its bytes were read from its frame in the RAM file
  kNotPresent,  // not in guest RAM (never touched, or dropped)
  kSwapped,     // swapped out
  kOutsideRam,  // its frame lies outside the RAM the layout places
  kKeptMoving,  // its frame changed in every round of re-reading
};

// Every page of a range: what became of it, and its last translation.
struct PagesRead {
  uint64_t first_page = 0;        // address / page size
  std::vector<PageState> states;  // one per page the range touches
  std::vector<uint64_t> entries;  // their last pagemap entries
  uint64_t pages_read_again = 0;  // whose frame changed during the read
};

struct DirectRead {
  uint64_t bytes = 0;  // read into the output, from the address
  // Set when the read stopped early: the first address not read, and why
  // ("not present", "swapped out", "outside guest RAM", "kept moving").
  std::optional<uint64_t> stopped_at;
  std::string why;
  uint64_t pages_read_again = 0;  // whose frame changed during the read
};

// Reads one guest process's memory straight from the RAM file, as
// described above. Adjacent frames are read with one pread each.
class DirectReader {
 public:
  // Calibrates the layout from the session's region (CalibrateRamLayout)
  // and learns the guest's page size.
  static absl::StatusOr<DirectReader> Create(Client& client,
                                             const LiveSession& session,
                                             uint32_t pid);
  // `client` and `session` must outlive the reader.
  DirectReader(Client& client, const LiveSession& session, RamLayout layout,
               uint32_t pid, uint32_t page_bytes);

  // Reads every page of [address, address + length) that is in guest RAM
  // into `out` (the bytes of `out` for the others are left as they were).
  absl::StatusOr<PagesRead> ReadPresent(uint64_t address, uint64_t length,
                                        char* out);

  // Reads [address, address + length) into `out` up to its first page
  // that is not in guest RAM.
  absl::StatusOr<DirectRead> Read(uint64_t address, uint64_t length, char* out);

  // The words after "its page is" for page `k` of `read` ("not present in
  // guest RAM", "swapped out", ...).
  std::string Why(const PagesRead& read, size_t k) const;

  Client& client() const { return client_; }
  const RamLayout& layout() const { return layout_; }
  uint32_t pid() const { return pid_; }
  uint32_t page_bytes() const { return page_bytes_; }

 private:
  // A page of the range and where its frame lies in the RAM file.
  struct Placed {
    uint64_t k;
    uint64_t file_offset;
  };
  // Where the page with pagemap entry `entry` lies in the file, or what
  // keeps it from being read.
  PageState Place(uint64_t entry, uint64_t* file_offset) const;
  // Reads the part of [address, address + length) that the `placed` pages
  // (ascending in k) cover, one pread per run of adjacent frames.
  absl::Status ReadPlaced(uint64_t first_page, uint64_t address,
                          uint64_t length, const std::vector<Placed>& placed,
                          char* out) const;

  Client& client_;
  const LiveSession& session_;
  RamLayout layout_;
  uint32_t pid_;
  uint32_t page_bytes_;
};

}  // namespace haywire

#endif  // HAYWIRE_HOST_GUEST_PHYSICAL_H_
