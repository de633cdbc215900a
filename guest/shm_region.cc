// Copyright 2026 The Haywire Authors.

#include "guest/shm_region.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "haywire/protocol/layout.h"

namespace haywire {
namespace {

// "64 MiB", "136 KiB", "5000 bytes": sizes as a person would write them.
std::string HumanBytes(uint64_t bytes) {
  if (bytes != 0 && bytes % (1ull << 30) == 0) {
    return absl::StrCat(bytes >> 30, " GiB");
  }
  if (bytes != 0 && bytes % (1ull << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes != 0 && bytes % (1ull << 10) == 0) {
    return absl::StrCat(bytes >> 10, " KiB");
  }
  return absl::StrCat(bytes, " bytes");
}

std::string ShmPath(absl::string_view name) {
  return absl::StrCat("/dev/shm/", name);
}

absl::Status ValidateName(const std::string& name) {
  // shm_open() names are "/<file name>"; a '/' inside would name a path that
  // glibc refuses, and the file name must fit in NAME_MAX.
  if (name.empty() || name.find('/') != std::string::npos ||
      name.size() > NAME_MAX || name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "shared memory name must be a file name without '/', at most %d "
        "bytes, not \"%s\"",
        NAME_MAX, name));
  }
  return absl::OkStatus();
}

absl::Status ValidateSize(uint64_t bytes) {
  if (bytes % kPageSize != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("region size must be a multiple of the ", kPageSize,
                     "-byte page size, not ", bytes, " bytes"));
  }
  const uint64_t pages = bytes / kPageSize;
  if (pages < kMinRegionPages || pages > kMaxRegionPages) {
    return absl::InvalidArgumentError(
        absl::StrCat("region size must be between ",
                     HumanBytes(uint64_t{kMinRegionPages} * kPageSize), " (",
                     kMinRegionPages, " pages) and ",
                     HumanBytes(uint64_t{kMaxRegionPages} * kPageSize), " (",
                     kMaxRegionPages, " pages), not ", HumanBytes(bytes)));
  }
  return absl::OkStatus();
}

absl::Status MlockFailure(int error_number, uint64_t bytes) {
  struct rlimit limit;
  uint64_t memlock_limit = RLIM_INFINITY;
  if (getrlimit(RLIMIT_MEMLOCK, &limit) == 0) memlock_limit = limit.rlim_cur;
  std::string message =
      internal::MlockFailureMessage(error_number, bytes, memlock_limit);
  switch (error_number) {
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENOMEM:
    case EAGAIN:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::Status(absl::ErrnoToStatusCode(error_number), message);
  }
}

// Why an existing /dev/shm/<name> is refused, naming what is there: a
// leftover of this user's companion is the usual case, but in the
// world-writable /dev/shm another user can plant a file or a symlink at the
// name before the companion starts, and that is never opened (O_EXCL; shm_open
// also adds O_NOFOLLOW).
absl::Status ExistingObjectError(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      return absl::AlreadyExistsError(absl::StrCat(
          path, " already exists as a symbolic link (owned by uid ", st.st_uid,
          "): not followed; something other than guest-serve put it there, "
          "remove it"));
    }
    if (st.st_uid != geteuid()) {
      return absl::AlreadyExistsError(absl::StrCat(
          path, " already exists and belongs to uid ", st.st_uid,
          ", not to this user (uid ", geteuid(),
          "): not used; another user may have planted it, remove it as root"));
    }
  }
  return absl::AlreadyExistsError(absl::StrCat(
      path,
      " already exists: another guest-serve is running, or a previous one "
      "crashed; stop it or remove the file"));
}

// The file just created must be what O_EXCL promises: a regular file of
// this user, with no other name and no access for anyone else, empty. (A
// POSIX default ACL on /dev/shm could otherwise widen the mode; fchmod
// narrows it again.)
absl::Status CheckPrivate(int fd, const std::string& path) {
  if (fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    const int error_number = errno;
    return absl::ErrnoToStatus(error_number,
                               absl::StrCat("cannot make ", path, " private"));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int error_number = errno;
    return absl::ErrnoToStatus(error_number,
                               absl::StrCat("cannot stat ", path));
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1 ||
      (st.st_mode & 07777) != (S_IRUSR | S_IWUSR) || st.st_size != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s is not a new private file of this user (mode %04o, uid %d, %d "
        "links, %d bytes); refusing to use it",
        path, st.st_mode & 07777, st.st_uid, st.st_nlink, st.st_size));
  }
  return absl::OkStatus();
}

}  // namespace

namespace internal {

std::string MlockFailureMessage(int error_number, uint64_t bytes,
                                uint64_t memlock_limit) {
  const std::string limit =
      memlock_limit == RLIM_INFINITY ? "unlimited" : HumanBytes(memlock_limit);
  std::string why;
  if (error_number == EPERM) {
    why = absl::StrCat("this process may not lock memory at all (RLIMIT_",
                       "MEMLOCK is ", limit, " and it lacks CAP_IPC_LOCK)");
  } else if (error_number == ENOMEM && memlock_limit != RLIM_INFINITY &&
             memlock_limit < bytes) {
    why = absl::StrCat("it exceeds the locked-memory limit RLIMIT_MEMLOCK of ",
                       limit);
  } else {
    why = absl::StrCat("the locked-memory limit RLIMIT_MEMLOCK is ", limit,
                       ", so the guest may be short of memory");
  }
  return absl::StrCat(
      "cannot lock the ", HumanBytes(bytes), " region in memory (mlock: ",
      std::generic_category().message(error_number), "): ", why,
      "; raise the limit (`ulimit -l unlimited`, or LimitMEMLOCK=infinity "
      "for a systemd service) or run guest-serve as root");
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<ShmRegion>> ShmRegion::Create(
    const std::string& name, uint64_t bytes, bool lock_in_memory) {
  if (absl::Status s = ValidateName(name); !s.ok()) return s;
  if (absl::Status s = ValidateSize(bytes); !s.ok()) return s;
  const std::string path = ShmPath(name);

  // O_EXCL: a region left by a crashed companion may still be mapped by a
  // host that trusts it, and two live companions must never share one.
  const int fd = shm_open(absl::StrCat("/", name).c_str(),
                          O_CREAT | O_EXCL | O_RDWR, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == EEXIST) return ExistingObjectError(path);
    return absl::ErrnoToStatus(error_number,
                               absl::StrCat("cannot create ", path));
  }
  // From here on the object owns the name: any early return destroys it,
  // which unmaps, closes and unlinks (if the name is still this file).
  std::unique_ptr<ShmRegion> region(new ShmRegion(name, fd, bytes));
  if (absl::Status s = CheckPrivate(fd, path); !s.ok()) return s;

  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    const int error_number = errno;
    return absl::ErrnoToStatus(
        error_number,
        absl::StrCat("cannot size ", path, " to ", HumanBytes(bytes)));
  }
  // Allocate every page now: on a full tmpfs this fails cleanly with ENOSPC,
  // where touching an unallocated page later would kill us with SIGBUS.
  if (fallocate(fd, 0, 0, static_cast<off_t>(bytes)) != 0 &&
      errno != EOPNOTSUPP) {
    const int error_number = errno;
    if (error_number == ENOSPC || error_number == ENOMEM) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "not enough room in /dev/shm for a ", HumanBytes(bytes),
          " region (tmpfs is full or its size= limit is too small); free "
          "space there, remount it larger, or ask for a smaller region"));
    }
    return absl::ErrnoToStatus(
        error_number,
        absl::StrCat("cannot allocate ", HumanBytes(bytes), " for ", path));
  }

  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, fd, 0);
  if (base == MAP_FAILED) {
    const int error_number = errno;
    return absl::ErrnoToStatus(error_number, absl::StrCat("cannot map ", path));
  }
  region->base_ = base;

  // Locked pages are never swapped out, so a page the host found stays in
  // the RAM file instead of moving to swap and back to another frame. This
  // is the raw system call because ASan and TSan replace mlock() with a
  // no-op that reports success: a sanitized build would neither lock the
  // region nor ever see the failures explained in MlockFailureMessage().
  if (lock_in_memory) {
    if (syscall(SYS_mlock, base, bytes) != 0) {
      return MlockFailure(errno, bytes);
    }
    region->locked_ = true;
  }

  // mlock() faults every page in already; without it MAP_POPULATE is only
  // best effort. Writing one byte per page makes sure each page has its own
  // physical frame (and a writable mapping of it) before the host scans.
  auto* bytes_ptr = static_cast<volatile std::byte*>(base);
  for (uint64_t offset = 0; offset < bytes; offset += kPageSize) {
    bytes_ptr[offset] = std::byte{0};
  }
  return region;
}

ShmRegion::ShmRegion(std::string name, int fd, uint64_t bytes)
    : name_(std::move(name)),
      fd_(fd),
      bytes_(bytes),
      unlink_on_destroy_(true) {}

ShmRegion::~ShmRegion() {
  // munmap() also drops the lock.
  if (base_ != nullptr) munmap(base_, bytes_);
  // Only our own file: if the name was removed and taken by another file
  // (by root or our own user: /dev/shm is sticky), that file is not ours to
  // remove.
  bool still_ours = false;
  struct stat ours;
  struct stat named;
  if (fd_ >= 0 && fstat(fd_, &ours) == 0 &&
      lstat(path().c_str(), &named) == 0) {
    still_ours = ours.st_dev == named.st_dev && ours.st_ino == named.st_ino;
  }
  if (fd_ >= 0) close(fd_);
  if (unlink_on_destroy_ && still_ours) {
    shm_unlink(absl::StrCat("/", name_).c_str());
  }
}

PageTable ShmRegion::pages() const {
  return PageTable::Contiguous(base_, page_count());
}

uint32_t ShmRegion::page_count() const {
  return static_cast<uint32_t>(bytes_ / kPageSize);
}

std::string ShmRegion::path() const { return ShmPath(name_); }

}  // namespace haywire
