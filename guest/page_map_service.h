// Copyright 2026 The Haywire Authors.
//
// PageMapService: GET_PAGE_MAP, where pages lie in guest-physical memory.
//
// For a process: the entries of /proc/PID/pagemap (one 64-bit word per
// virtual page: present, swapped, page frame number) from a virtual page
// on, as many as fit the request's slot's bulk window. The frame numbers
// are there only for root (CAP_SYS_ADMIN); for others the kernel zeroes
// them. For pid 0: an entry per 4 KiB region page, by region page index,
// whose frame number counts 4 KiB units (so a guest with larger pages
// still places each region page exactly), which the host pairs with the
// file offsets where it found those pages to place guest-physical memory
// in the RAM file. In a
// real guest they come from /proc/self/pagemap over the region's mapping,
// read afresh for every request (the kernel may move a page); in
// simulated mode the RAM file stands for guest-physical memory, so a
// page's "frame" is its offset in that file, and processes (whose frames
// are this machine's, nowhere in that file) are refused with kBadRequest.
//
// Errors, each with a one-line message: kNoSuchProcess for a pid that
// does not exist, kBadRequest for region pages past the region,
// kInternalError for a pagemap that cannot be read. Served only with bulk
// windows.
#ifndef HAYWIRE_GUEST_PAGE_MAP_SERVICE_H_
#define HAYWIRE_GUEST_PAGE_MAP_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "guest/request_router.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/region.h"

namespace haywire {

// Where the region's own frames come from (exactly one of the two).
struct RegionFrames {
  // A real guest: the region's mapping in this process.
  const void* base = nullptr;
  // Simulated mode: each region page's offset in the simulated RAM file.
  const std::vector<uint64_t>* simulated_offsets = nullptr;
  uint32_t pages = 0;
};

class PageMapService {
 public:
  // `proc_root` is where procfs is mounted; `region` holds the slots' bulk
  // windows (`windows`); `frames` says where the region's pages are.
  PageMapService(std::string proc_root, const Region* region,
                 BulkWindowLayout windows, RegionFrames frames);

  // Registers GET_PAGE_MAP when there are windows.
  void RegisterWith(RequestRouter* router);

  HandlerResult Get(const PageMapRequest& request,
                    const RequestContext& context);

 private:
  // Reads `count` entries of `path` from entry `first` into buffer_;
  // returns how many it read, or -1 with errno set.
  int64_t ReadEntries(const std::string& path, uint64_t first, uint64_t count);

  const std::string proc_root_;
  const Region* region_;
  const BulkWindowLayout windows_;
  const RegionFrames frames_;
  const uint64_t page_bytes_;
  std::vector<uint64_t> buffer_;  // one window's worth of entries
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_PAGE_MAP_SERVICE_H_
