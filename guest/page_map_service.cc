// Copyright 2026 The Haywire Authors.

#include "guest/page_map_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/requests.h"

namespace haywire {

PageMapService::PageMapService(std::string proc_root, const Region* region,
                               BulkWindowLayout windows, RegionFrames frames)
    : proc_root_(std::move(proc_root)),
      region_(region),
      windows_(windows),
      frames_(frames),
      page_bytes_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) {}

void PageMapService::RegisterWith(RequestRouter* router) {
  if (region_ == nullptr || !windows_.present()) return;
  buffer_.resize(windows_.capacity() / kPageMapEntryBytes);
  router->Handle<request::GetPageMap>(
      [this](const PageMapRequest& r, const RequestContext& c) {
        return Get(r, c);
      });
}

int64_t PageMapService::ReadEntries(const std::string& path, uint64_t first,
                                    uint64_t count) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char* out = reinterpret_cast<char*>(buffer_.data());
  const uint64_t want = count * kPageMapEntryBytes;
  uint64_t got = 0;
  int error = 0;
  while (got < want) {
    const uint64_t offset = first * kPageMapEntryBytes + got;
    if (first > static_cast<uint64_t>(INT64_MAX) / kPageMapEntryBytes ||
        offset > static_cast<uint64_t>(INT64_MAX)) {
      break;  // past what an offset can say: the end of the address space
    }
    const ssize_t n =
        ::pread(fd, out + got, want - got, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n <= 0) break;
    got += static_cast<uint64_t>(n);
  }
  ::close(fd);
  if (got == 0 && error != 0) {
    errno = error;
    return -1;
  }
  return static_cast<int64_t>(got / kPageMapEntryBytes);
}

HandlerResult PageMapService::Get(const PageMapRequest& request,
                                  const RequestContext& context) {
  uint64_t count = std::min<uint64_t>(request.pages, buffer_.size());
  if (request.pid == 0) {
    if (request.first_page >= frames_.pages) {
      return ErrorResult(
          ResponseStatus::kBadRequest,
          absl::StrCat("the region has ", frames_.pages, " pages, none from ",
                       request.first_page));
    }
    count = std::min<uint64_t>(count, frames_.pages - request.first_page);
    if (frames_.simulated_offsets != nullptr) {
      for (uint64_t i = 0; i < count; ++i) {
        buffer_[i] =
            kPageMapPresent |
            ((*frames_.simulated_offsets)[request.first_page + i] / kPageSize);
      }
    } else {
      // The guest pages that hold these region pages (a guest page may
      // hold several: 16 or 64 KiB pages on arm64).
      const uint64_t start = reinterpret_cast<uintptr_t>(frames_.base) +
                             request.first_page * kPageSize;
      const uint64_t first_guest_page = start / page_bytes_;
      const uint64_t guest_pages =
          (start + count * kPageSize - 1) / page_bytes_ - first_guest_page + 1;
      const int64_t n =
          ReadEntries("/proc/self/pagemap", first_guest_page, guest_pages);
      if (n < 0 || static_cast<uint64_t>(n) < guest_pages) {
        return ErrorResult(
            ResponseStatus::kInternalError,
            absl::StrCat("cannot read /proc/self/pagemap: ",
                         n < 0 ? std::strerror(errno) : "short read"));
      }
      // In place, back to front: entry i reads guest entry j <= i, which no
      // later step (all of them below i) has overwritten.
      for (uint64_t i = count; i-- > 0;) {
        const uint64_t address = start + i * kPageSize;
        const uint64_t entry =
            buffer_[address / page_bytes_ - first_guest_page];
        buffer_[i] =
            (entry & kPageMapPresent) == 0
                ? entry & ~kPageMapFrameMask
                : kPageMapPresent | ((entry & kPageMapFrameMask) * page_bytes_ +
                                     address % page_bytes_) /
                                        kPageSize;
      }
    }
  } else if (frames_.simulated_offsets != nullptr) {
    // A process's frames here are this machine's, not places in the
    // simulated RAM file: nothing could be read there.
    return ErrorResult(ResponseStatus::kBadRequest,
                       "a simulated guest has no guest-physical memory for "
                       "its processes (GET_PAGE_MAP serves only the region "
                       "here)");
  } else {
    const std::string path =
        absl::StrCat(proc_root_, "/", request.pid, "/pagemap");
    const int64_t n = ReadEntries(path, request.first_page, count);
    if (n < 0) {
      if (errno == ENOENT || errno == ESRCH) {
        return ErrorResult(ResponseStatus::kNoSuchProcess,
                           absl::StrCat("no process ", request.pid));
      }
      return ErrorResult(
          ResponseStatus::kInternalError,
          absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    count = static_cast<uint64_t>(n);
  }
  const char* bytes = reinterpret_cast<const char*>(buffer_.data());
  const uint64_t length = count * kPageMapEntryBytes;
  CopyToWindow(*region_, windows_, context.slot, bytes, length);
  PageMapResponse response;
  response.pages = count;
  // Region entries count 4 KiB protocol pages, whatever the guest's.
  response.page_bytes =
      static_cast<uint32_t>(request.pid == 0 ? kPageSize : page_bytes_);
  if (request.want_digest) {
    response.digest =
        WindowDigestOf(context, reinterpret_cast<const char*>(bytes), length);
  }
  return Respond<request::GetPageMap>(response);
}

}  // namespace haywire
