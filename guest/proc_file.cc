// Copyright 2026 The Haywire Authors.

#include "guest/proc_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "guest/procfs_parse.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace internal {
absl::Status ProcFileError(int error, absl::string_view what) {
  if (error == ENOENT || error == ESRCH) {
    return absl::NotFoundError(absl::StrCat(what, ": ", std::strerror(error)));
  }
  return absl::ErrnoToStatus(error, what);
}

absl::StatusOr<FileContents> ReadFileAt(int dir_fd, const char* name,
                                        size_t max_bytes,
                                        absl::string_view path) {
  const ScopedFd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ProcFileError(errno, path);
  FileContents contents;
  // procfs files report size 0, so read until EOF; one byte beyond the cap
  // tells whether there was more. The buffer starts at one page and doubles
  // only when a read fills it: most files are a few hundred bytes, and a
  // buffer sized for the cap (status: 256 KiB) cost a zero-fill, a copy and
  // fresh pages on every read (a listing reads four files per process).
  constexpr size_t kFirstBufferBytes = 4096;
  constexpr size_t kMaxGrowthBytes = 1 << 20;
  const size_t limit = max_bytes + 1;
  size_t used = 0;
  while (used < limit) {
    if (used == contents.data.size()) {
      const size_t grow = std::min(
          limit - used,
          std::clamp<size_t>(used, kFirstBufferBytes, kMaxGrowthBytes));
      contents.data.resize(used + grow);
    }
    const size_t want = contents.data.size() - used;
    const ssize_t n = ::read(fd.get(), contents.data.data() + used, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ProcFileError(errno, path);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    // The files this reads (see the header) return less than asked only at
    // their end: no second read() to see 0 (a listing saves one system call
    // per file).
    if (static_cast<size_t>(n) < want) break;
  }
  contents.data.resize(std::min(used, max_bytes));
  contents.truncated = used > max_bytes;
  return contents;
}

absl::StatusOr<std::string> ReadWholeFileAt(int dir_fd, const char* name,
                                            size_t max_bytes,
                                            absl::string_view path) {
  absl::StatusOr<FileContents> contents =
      ReadFileAt(dir_fd, name, max_bytes, path);
  if (!contents.ok()) return contents.status();
  if (contents->truncated) {
    return absl::DataLossError(
        absl::StrCat(path, ": larger than ", max_bytes, " bytes"));
  }
  return std::move(contents->data);
}

std::string ReadLinkAt(int dir_fd, const char* name) {
  char buffer[4096 + 1];
  const ssize_t n = ::readlinkat(dir_fd, name, buffer, sizeof(buffer));
  if (n <= 0) return "";
  return CutUtf8(absl::string_view(buffer, static_cast<size_t>(n)),
                 kMaxPathBytes);
}

std::optional<uint32_t> CountEntriesAt(int dir_fd, const char* name,
                                       absl::Time deadline) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return std::nullopt;
  }
  uint32_t count = 0;
  errno = 0;
  bool failed = false;
  while (const struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 ||
        std::strcmp(entry->d_name, "..") == 0) {
      continue;
    }
    ++count;
    if (count % kCountEntriesClockEvery == 0 && absl::Now() >= deadline) {
      ::closedir(dir);
      return std::nullopt;  // over budget: unknown rather than late
    }
  }
  if (errno != 0) failed = true;
  ::closedir(dir);  // also closes fd
  if (failed) return std::nullopt;
  return count;
}

std::optional<uint32_t> CountOpenFdsAt(int dir_fd, absl::Time deadline) {
  const int fd = ::openat(dir_fd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  constexpr long kProcSuperMagic = 0x9fa0;  // PROC_SUPER_MAGIC
  struct statfs fs;
  struct stat st;
  // Only procfs's st_size means "open descriptors"; before Linux 6.2 it is
  // 0 there, and a process with no descriptor is counted (cheaply) below.
  const bool from_size = ::fstatfs(fd, &fs) == 0 &&
                         static_cast<long>(fs.f_type) == kProcSuperMagic &&
                         ::fstat(fd, &st) == 0 && st.st_size > 0 &&
                         st.st_size <= UINT32_MAX;
  ::close(fd);
  if (from_size) return static_cast<uint32_t>(st.st_size);
  return CountEntriesAt(dir_fd, "fd", deadline);
}

}  // namespace internal
}  // namespace haywire
