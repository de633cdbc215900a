// Copyright 2026 The Haywire Authors.
//
// Bounded reads of the files under /proc, relative to a directory fd. ProcFs
// opens a process's directory once and reads every file through it, so all
// of them describe the same process even if its pid is reused meanwhile.
// procfs files report size 0, so every read goes to EOF, and every read is
// capped: a hostile or broken file cannot exhaust the reader's memory.
//
// In procfs, ENOENT and ESRCH both mean "no such process": ENOENT from a
// lookup in a reaped process's directory, ESRCH from a read of a file opened
// before it was reaped. ProcFileError() turns both into NotFound.
#ifndef GUEST_PROC_FILE_H_
#define GUEST_PROC_FILE_H_

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace haywire {
namespace internal {

// Owns a file descriptor (-1 for none) and closes it.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// `error` (an errno) about `what`: NotFound for ENOENT and ESRCH, else the
// usual errno mapping.
absl::Status ProcFileError(int error, absl::string_view what);

struct FileContents {
  std::string data;
  bool truncated = false;  // the file had more than max_bytes
};

// Reads `name` relative to `dir_fd` (AT_FDCWD for a plain path), at most
// `max_bytes`. `path` is for messages. A read that returns less than asked
// ends it: only for files that hand a large enough read their whole rest,
// as procfs's single-record files do (stat, status, statm, cgroup, meminfo,
// /proc/stat...), cmdline, and regular files; never for multi-record
// seq_files (maps, mountinfo), which may stop a read at a record boundary.
absl::StatusOr<FileContents> ReadFileAt(int dir_fd, const char* name,
                                        size_t max_bytes,
                                        absl::string_view path);

// A file that must be read whole: one larger than `max_bytes` is DataLoss.
absl::StatusOr<std::string> ReadWholeFileAt(int dir_fd, const char* name,
                                            size_t max_bytes,
                                            absl::string_view path);

// readlink relative to `dir_fd`, cut to kMaxPathBytes; "" when unreadable
// (kernel threads have no exe; other users' links need ptrace rights).
std::string ReadLinkAt(int dir_fd, const char* name);

// The number of entries of `name` (a directory) under `dir_fd`, without "."
// and "..", or nullopt when it cannot be listed or the listing is not done
// by `deadline` (the clock is read every kCountEntriesClockEvery entries).
std::optional<uint32_t> CountEntriesAt(
    int dir_fd, const char* name, absl::Time deadline = absl::InfiniteFuture());
inline constexpr uint32_t kCountEntriesClockEvery = 256;

// The number of open file descriptors of the process whose /proc/PID
// directory is `dir_fd`. Listing /proc/PID/fd costs about 2.5 us per
// descriptor (a quarter of a second for 100 000), so on procfs of Linux 6.2
// and later, where the directory's st_size is that number, it is read from
// there at once; elsewhere (older kernels, fixture trees that are not procfs)
// the entries are counted, until `deadline`: nullopt when unreadable or not
// counted in time.
std::optional<uint32_t> CountOpenFdsAt(
    int dir_fd, absl::Time deadline = absl::InfiniteFuture());

}  // namespace internal
}  // namespace haywire

#endif  // GUEST_PROC_FILE_H_
