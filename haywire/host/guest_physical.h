// Copyright 2026 The Haywire Authors.
//
// Guest-physical memory, seen from the host: where the companion's region
// and a guest process's pages lie in guest-physical memory (GET_PAGE_MAP),
// where guest-physical memory lies in the RAM file (ram_layout.h), and
// reads of a process's memory straight from the RAM file.
//
// A direct read translates a range of the process's pages (one GET_PAGE_MAP
// per window's worth), reads the bytes of each present page from the RAM
// file with pread (adjacent frames in one call), then translates the range
// again: a page whose frame changed meanwhile (the kernel moved or freed
// it) is read again, a few rounds at most. A page that is not present
// (never touched, or swapped out) stops the read there: its bytes are not
// in guest RAM, and are never filled with another frame's.
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

struct DirectRead {
  uint64_t bytes = 0;  // read into the output, from the address
  // Set when the read stopped early: the first address not read, and why
  // ("not present", "swapped out", "outside guest RAM", "kept moving").
  std::optional<uint64_t> stopped_at;
  std::string why;
  uint64_t pages_read_again = 0;  // whose frame changed during the read
};

// Reads `length` bytes of guest process `pid` at `address` from the RAM
// file into `out`, as described above. `session` is the client's.
absl::StatusOr<DirectRead> ReadDirect(Client& client,
                                      const LiveSession& session,
                                      const RamLayout& layout, uint32_t pid,
                                      uint64_t address, uint64_t length,
                                      char* out);

}  // namespace haywire

#endif  // HAYWIRE_HOST_GUEST_PHYSICAL_H_
