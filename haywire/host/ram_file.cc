// Copyright 2026 The Haywire Authors.

#include "haywire/host/ram_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/layout.h"

namespace haywire {

namespace {

absl::StatusOr<std::unique_ptr<RamFile>> Unusable(absl::Status status) {
  return WithFailure(std::move(status), Failure::kMemFileUnusable);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RamFile>> RamFile::Open(const std::string& path,
                                                       bool writable) {
  absl::StatusOr<std::unique_ptr<RamFile>> file = OpenUnchecked(path, writable);
  if (!file.ok()) return Unusable(file.status());
  return file;
}

absl::StatusOr<std::unique_ptr<RamFile>> RamFile::OpenUnchecked(
    const std::string& path, bool writable) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "no RAM file given; pass --mem-file=PATH (QEMU's mem-path)");
  }
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat(path,
                       " does not exist; start QEMU with -object "
                       "memory-backend-file,share=on,mem-path=",
                       path, " or pass --mem-file"));
    }
    if (err == EACCES || err == EPERM) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot open ", path, (writable ? " for writing" : ""), ": ",
          std::strerror(err), "; run as the user that owns it, or as root"));
    }
    if (err == EISDIR) {
      return absl::FailedPreconditionError(
          absl::StrCat(path,
                       " is a directory; pass the RAM file QEMU was given as "
                       "mem-path"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(err)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot stat ", path, ": ", std::strerror(err)));
  }
  auto fail = [fd](absl::Status status) {
    ::close(fd);
    return status;
  };
  if (S_ISDIR(st.st_mode)) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat(path,
                     " is a directory; pass the RAM file QEMU was given as "
                     "mem-path")));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat(path,
                     " is not a regular file; pass the RAM file QEMU "
                     "was given as mem-path")));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) {
    return fail(absl::FailedPreconditionError(absl::StrCat(
        path, " is empty; is the VM running with this mem-path?")));
  }
  if (size % kPageSize != 0) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat(path, " is ", size, " bytes, not a whole number of ",
                     kPageSize, "-byte pages; it is not a VM RAM file")));
  }
  void* base =
      ::mmap(nullptr, size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
             MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    int err = errno;
    return fail(absl::FailedPreconditionError(absl::StrCat(
        "cannot map ", path, " (", size, " bytes): ", std::strerror(err))));
  }
  RamFileKey key{static_cast<uint64_t>(st.st_dev),
                 static_cast<uint64_t>(st.st_ino), size};
  return std::unique_ptr<RamFile>(
      new RamFile(path, fd, key, static_cast<std::byte*>(base), writable));
}

RamFile::~RamFile() {
  ::munmap(base_, key_.size);
  ::close(fd_);
}

uint64_t RamFile::page_count() const { return key_.size / kPageSize; }

}  // namespace haywire
