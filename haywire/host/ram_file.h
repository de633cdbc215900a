// Copyright 2026 The Haywire Authors.
//
// RamFile: the VM's RAM file as the host sees it.
//
// QEMU keeps guest RAM in a file (`-object memory-backend-file,share=on,
// mem-path=...`). Opening it checks everything a user can get wrong (missing
// path, a directory, an empty file, a size that is not whole pages) and
// reports each with one clear line. A FIFO, socket or device is refused at
// once: the file is opened O_NONBLOCK and its type checked before anything
// that could block. The file is mapped once, shared and
// without prefaulting: only the pages the host actually touches (the region's
// pages) are ever faulted in.
#ifndef HAYWIRE_HOST_RAM_FILE_H_
#define HAYWIRE_HOST_RAM_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace haywire {

// What identifies one RAM file: a cache entry made for another file, or for
// the same path after QEMU recreated it, never matches.
struct RamFileKey {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  friend bool operator==(const RamFileKey&, const RamFileKey&) = default;
};

// The check for a RAM file path nobody chose explicitly (the default
// --mem-file, /tmp/haywire-vm-mem): if the file's directory is
// world-writable (like /tmp) and the file, or the file a symbolic link
// there points to, is owned by neither the effective user nor root, it is
// refused with PermissionDenied tagged Failure::kMemFileUnusable, since
// another user could have planted it. OK otherwise, also when the file does
// not exist (RamFile::Open reports that). A path given explicitly is the
// user's choice and is not checked.
absl::Status CheckDefaultPathOwnership(const std::string& path);

class RamFile {
 public:
  // Opens and maps `path`. With `writable`, the mapping is read-write (needed
  // to talk to a companion); otherwise read-only (enough to discover).
  // Errors are FailedPrecondition/NotFound/PermissionDenied tagged
  // Failure::kMemFileUnusable, with a message that names the path and says
  // what to do.
  static absl::StatusOr<std::unique_ptr<RamFile>> Open(const std::string& path,
                                                       bool writable);
  ~RamFile();
  RamFile(const RamFile&) = delete;
  RamFile& operator=(const RamFile&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  uint64_t size() const { return key_.size; }
  uint64_t page_count() const;

  // Reads up to `len` bytes at file offset `offset` into `out` with pread
  // (retrying interrupted and partial reads); returns how many, fewer only
  // at the end of the file. Errors name the path and the offset.
  absl::StatusOr<uint64_t> ReadAt(uint64_t offset, uint64_t len,
                                  void* out) const;
  const RamFileKey& key() const { return key_; }
  bool writable() const { return writable_; }

  // The whole file, mapped MAP_SHARED.
  std::byte* base() const { return base_; }

 private:
  static absl::StatusOr<std::unique_ptr<RamFile>> OpenUnchecked(
      const std::string& path, bool writable);
  RamFile(std::string path, int fd, RamFileKey key, std::byte* base,
          bool writable)
      : path_(std::move(path)),
        fd_(fd),
        key_(key),
        base_(base),
        writable_(writable) {}

  std::string path_;
  int fd_;
  RamFileKey key_;
  std::byte* base_;
  bool writable_;
};

}  // namespace haywire

#endif  // HAYWIRE_HOST_RAM_FILE_H_
