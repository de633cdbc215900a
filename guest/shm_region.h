// Copyright 2026 The Haywire Authors.
//
// ShmRegion: the memory of a companion's region inside a real guest.
//
// `haywire guest-serve` needs pages that the host can find in the VM's RAM
// file and keep finding for as long as the companion runs. A POSIX shared
// memory object (/dev/shm/vm-pagebeacon) provides them:
//
//   * tmpfs pages are ordinary guest RAM, so they show up in the RAM file;
//   * every page is allocated and faulted in up front, and (by default)
//     mlock()ed, so none is swapped out or left unallocated, and each page
//     keeps a physical frame the host has already found;
//   * the name makes a running (or crashed) companion visible to an
//     administrator (`ls /dev/shm`), and O_EXCL keeps two companions from
//     sharing one region by accident.
//
// ShmRegion only provides the memory. The companion turns it into a Haywire
// region with InitializeRegion(shm->pages(), ...) and calls WipeRegion() on it
// before destroying the ShmRegion, so the freed pages do not linger in guest
// RAM as a stale session.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<haywire::ShmRegion>> shm =
//       haywire::ShmRegion::Create(std::string(haywire::kDefaultShmName),
//                                  haywire::kDefaultRegionBytes,
//                                  /*lock_in_memory=*/true);
//   if (!shm.ok()) return shm.status();
//   absl::Status init =
//       haywire::InitializeRegion((*shm)->pages(), session_id, identity);
//
// Not thread-safe to create or destroy concurrently with users of pages();
// the memory itself is shared and accessed per the protocol's rules.
#ifndef GUEST_SHM_REGION_H_
#define GUEST_SHM_REGION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/page_table.h"

namespace haywire {

// The shared memory object the companion creates, as /dev/shm/<name>.
inline constexpr absl::string_view kDefaultShmName = "vm-pagebeacon";

class ShmRegion {
 public:
  // Creates /dev/shm/<name> (it must not exist yet), sizes it to `bytes`,
  // maps it read-write and shared, locks it in memory when `lock_in_memory`,
  // and faults in every page so each has a physical frame.
  //
  // `name` is a file name without '/'. `bytes` must be a multiple of
  // kPageSize holding between kMinRegionPages and kMaxRegionPages pages.
  //
  // Errors: InvalidArgument for a bad name or size; AlreadyExists when the
  // name is taken; ResourceExhausted when /dev/shm is full or the
  // locked-memory limit is too low; PermissionDenied when locking is not
  // allowed at all. On error nothing is left behind in /dev/shm.
  static absl::StatusOr<std::unique_ptr<ShmRegion>> Create(
      const std::string& name, uint64_t bytes, bool lock_in_memory);

  ShmRegion(const ShmRegion&) = delete;
  ShmRegion& operator=(const ShmRegion&) = delete;

  // Unmaps the region and, if unlink_on_destroy(), removes /dev/shm/<name>.
  // Does not wipe the pages: call WipeRegion() first.
  ~ShmRegion();

  // The region's pages, contiguous in this process.
  PageTable pages() const;

  void* data() const { return base_; }
  uint64_t bytes() const { return bytes_; }
  uint32_t page_count() const;

  const std::string& name() const { return name_; }
  // "/dev/shm/<name>".
  std::string path() const;

  // Whether the pages are mlock()ed.
  bool locked() const { return locked_; }

  // Whether the destructor removes /dev/shm/<name>: true when this object
  // created the name, which is always the case for regions from Create().
  bool unlink_on_destroy() const { return unlink_on_destroy_; }

 private:
  ShmRegion(std::string name, int fd, uint64_t bytes);

  std::string name_;
  int fd_ = -1;
  uint64_t bytes_ = 0;
  void* base_ = nullptr;
  bool locked_ = false;
  bool unlink_on_destroy_ = false;
};

namespace internal {

// The one-line error for a failed mlock() of `bytes`, given its errno and the
// soft RLIMIT_MEMLOCK (RLIM_INFINITY for none). Exposed for tests.
std::string MlockFailureMessage(int error_number, uint64_t bytes,
                                uint64_t memlock_limit);

}  // namespace internal

}  // namespace haywire

#endif  // GUEST_SHM_REGION_H_
