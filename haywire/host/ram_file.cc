// Copyright 2026 The Haywire Authors.

#include "haywire/host/ram_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/layout.h"

namespace haywire {

namespace {

absl::StatusOr<std::unique_ptr<RamFile>> Unusable(absl::Status status) {
  return WithFailure(std::move(status), Failure::kMemFileUnusable);
}

const char* FileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "a special file";
}

bool TrustedOwner(uid_t owner) { return owner == ::geteuid() || owner == 0; }

std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
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
  // O_NONBLOCK: opening a FIFO must not wait for a writer, nor a device for
  // its carrier. The file type is checked right after, before anything that
  // could block; for a regular file the flag changes nothing.
  int fd = ::open(path.c_str(),
                  (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENXIO) {
      // A socket (or a FIFO opened O_NONBLOCK for writing without a reader).
      return absl::FailedPreconditionError(
          absl::StrCat(path,
                       " is not a regular file (a socket or special file); "
                       "pass the RAM file QEMU was given as mem-path"));
    }
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
        absl::StrCat(path, " is not a regular file (", FileTypeName(st.st_mode),
                     "); pass the RAM file QEMU was given as mem-path")));
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

absl::Status CheckDefaultPathOwnership(const std::string& path) {
  struct stat dir;
  if (::stat(ParentDir(path).c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode) ||
      (dir.st_mode & S_IWOTH) == 0) {
    return absl::OkStatus();  // not in a world-writable directory
  }
  struct stat link;
  if (::lstat(path.c_str(), &link) != 0) {
    return absl::OkStatus();  // missing: Open() says so
  }
  uid_t owner = link.st_uid;
  if (TrustedOwner(owner) && S_ISLNK(link.st_mode)) {
    // Our own link: what it points to must be trusted too.
    struct stat target;
    if (::stat(path.c_str(), &target) != 0) return absl::OkStatus();
    owner = target.st_uid;
  }
  if (TrustedOwner(owner)) return absl::OkStatus();
  return WithFailure(
      absl::PermissionDeniedError(absl::StrCat(
          "not using the default RAM file ", path, ": it is owned by uid ",
          owner, ", not by you or root, in the world-writable directory ",
          ParentDir(path), " (anyone could have planted it); pass --mem-file=",
          path, " to use it anyway")),
      Failure::kMemFileUnusable);
}

RamFile::~RamFile() {
  ::munmap(base_, key_.size);
  ::close(fd_);
}

uint64_t RamFile::page_count() const { return key_.size / kPageSize; }

absl::StatusOr<uint64_t> RamFile::ReadAt(uint64_t offset, uint64_t len,
                                         void* out) const {
  char* bytes = static_cast<char*>(out);
  uint64_t done = 0;
  while (done < len) {
    const ssize_t n = ::pread(fd_, bytes + done, len - done,
                              static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::InternalError(absl::StrCat("cannot read ", path_,
                                              " at offset ", offset + done,
                                              ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  return done;
}

}  // namespace haywire
