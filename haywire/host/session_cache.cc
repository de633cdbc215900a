// Copyright 2026 The Haywire Authors.

#include "haywire/host/session_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

// Entry file format (little-endian):
//   u32 magic "HWSC", u32 version, u64 device, u64 inode, u64 size,
//   u64 session_id, u32 page_count, u32 run_count,
//   run_count x {u64 file_offset, u32 first_page, u32 pages},
//   u32 crc32c of everything before it.
// Runs of consecutive file pages, in page order, covering [0, page_count):
// a 64 MiB region is a few hundred runs (a few KiB) where a table of
// offsets would be 128 KiB to read, checksum and copy on every command.
constexpr uint32_t kEntryMagic = 0x43535748;  // "HWSC"
constexpr uint32_t kEntryVersion = 2;

struct EntryRun {
  uint64_t file_offset;
  uint32_t first_page;
  uint32_t pages;
};
static_assert(sizeof(EntryRun) == 16);

// Ranges up to this many pages are verified through the mapping.
constexpr uint32_t kSmallRangePages = 64;

struct EntryHeader {
  uint32_t magic;
  uint32_t version;
  uint64_t device;
  uint64_t inode;
  uint64_t size;
  uint64_t session_id;
  uint32_t page_count;
  uint32_t run_count;
};
static_assert(sizeof(EntryHeader) == 48);

absl::Status MakeDirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      path = dir.substr(0, i);
      if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        return absl::InternalError(
            absl::StrCat("cannot create cache directory ", path, ": ",
                         std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

std::string OctalMode(mode_t mode) {
  return absl::StrFormat("%04o", mode & 07777);
}

// A file name no other process of ours uses at the same time.
std::string TempSuffix() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat(".tmp.", ::getpid(), ".",
                      absl::ToUnixNanos(absl::Now()) & 0xFFFFFFFF, ".",
                      counter.fetch_add(1, std::memory_order_relaxed));
}

// The contents of `path` if it is a regular file of ours of at most
// `max_bytes` (never through a symbolic link; O_NONBLOCK so a FIFO planted
// under the name cannot block). One fstat, one buffer of the exact size.
std::optional<std::string> ReadOwnFile(const std::string& path,
                                       uint64_t max_bytes) {
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st;
  const bool sized = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                     st.st_uid == ::geteuid() && st.st_size >= 0 &&
                     static_cast<uint64_t>(st.st_size) <= max_bytes;
  if (!sized) {
    ::close(fd);
    return std::nullopt;
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + done, data.size() - done,
                              static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  ::close(fd);
  return data;
}

// Replaces `path` with `data`: a new file of our own (O_EXCL: never one
// planted under the name, nor through a link), then renamed over `path`,
// which replaces a link there rather than following it. `what` names the
// file in errors.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view data,
                                 absl::string_view what) {
  const std::string tmp = absl::StrCat(path, TempSuffix());
  int fd = ::open(tmp.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write ", what, " ", tmp,
                                            ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::InternalError(absl::StrCat("cannot write ", what, " ", tmp,
                                              ": ", std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot install ", what, " ", path,
                                            ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

// One line of the failed-session list: "<session id> <key id>", both 16
// hex digits.
std::string FailedLine(uint64_t session_id, uint64_t key_id) {
  return absl::StrFormat("%016x %016x", session_id, key_id);
}

}  // namespace

absl::Status CheckCacheDir(const std::string& dir) {
  const uid_t me = ::geteuid();
  struct stat link;
  if (::lstat(dir.c_str(), &link) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "not using cache directory ", dir, ": ", std::strerror(errno)));
  }
  if (S_ISLNK(link.st_mode) && link.st_uid != me) {
    return absl::FailedPreconditionError(
        absl::StrCat("not using cache directory ", dir,
                     ": it is a symbolic link owned by uid ", link.st_uid,
                     ", not by you (uid ", me, ")"));
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "not using cache directory ", dir, ": ", std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("not using cache directory ", dir, ": not a directory"));
  }
  if (st.st_uid != me) {
    return absl::FailedPreconditionError(
        absl::StrCat("not using cache directory ", dir, ": owned by uid ",
                     st.st_uid, ", not by you (uid ", me, ")"));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "not using cache directory ", dir, ": group or world writable (mode ",
        OctalMode(st.st_mode), "); chmod go-w it to use it"));
  }
  return absl::OkStatus();
}

std::string DefaultCacheDir() {
  if (const char* dir = std::getenv("HAYWIRE_CACHE_DIR"); dir && *dir) {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return absl::StrCat(xdg, "/haywire");
  }
  // Only under a home directory that exists: never create $HOME itself.
  struct stat st;
  if (const char* home = std::getenv("HOME");
      home && *home && ::stat(home, &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::StrCat(home, "/.cache/haywire");
  }
  return absl::StrCat("/tmp/haywire-cache-", ::getuid());
}

std::string SessionCache::EntryPath(const RamFileKey& key) const {
  return absl::StrCat(dir_, "/session-", key.device, "-", key.inode, ".bin");
}

std::optional<CachedSession> SessionCache::Load(const RamFileKey& key) const {
  // One open, one fstat, one pread into a buffer of the file's exact size
  // (an entry is a few KiB of runs; at most kMaxRegionPages runs when every
  // page stands alone): no buffer that grows by doubling and faults in
  // pages it then throws away.
  //
  // Only from a directory that is ours alone, and never through a symbolic
  // link or from a file someone else owns.
  if (!CheckCacheDir(dir_).ok()) return std::nullopt;
  std::optional<std::string> data = ReadOwnFile(
      EntryPath(key), sizeof(EntryHeader) +
                          uint64_t{kMaxRegionPages} * sizeof(EntryRun) +
                          sizeof(uint32_t));
  if (!data.has_value()) return std::nullopt;
  return ParseCacheEntry(*data, key);
}

std::optional<CachedSession> ParseCacheEntry(absl::string_view data,
                                             const RamFileKey& key) {
  if (data.size() < sizeof(EntryHeader) + sizeof(uint32_t)) return std::nullopt;
  EntryHeader header;
  std::memcpy(&header, data.data(), sizeof(header));
  if (header.magic != kEntryMagic || header.version != kEntryVersion ||
      header.page_count < kMinRegionPages ||
      header.page_count > kMaxRegionPages) {
    return std::nullopt;
  }
  if (header.run_count == 0 || header.run_count > header.page_count) {
    return std::nullopt;
  }
  const size_t expected = sizeof(EntryHeader) +
                          size_t{header.run_count} * sizeof(EntryRun) +
                          sizeof(uint32_t);
  if (data.size() != expected) return std::nullopt;
  uint32_t crc;
  std::memcpy(&crc, data.data() + expected - sizeof(crc), sizeof(crc));
  if (Crc32c(data.data(), expected - sizeof(crc)) != crc) return std::nullopt;
  CachedSession session;
  session.key = {header.device, header.inode, header.size};
  if (!(session.key == key)) return std::nullopt;
  session.session_id = header.session_id;
  session.offsets.resize(header.page_count);
  // The runs must tile [0, page_count) in order; anything else is corrupt.
  uint32_t next_page = 0;
  for (uint32_t r = 0; r < header.run_count; ++r) {
    EntryRun run;
    std::memcpy(&run, data.data() + sizeof(EntryHeader) + r * sizeof(EntryRun),
                sizeof(run));
    if (run.first_page != next_page || run.pages == 0 ||
        run.pages > header.page_count - next_page ||
        run.file_offset % kPageSize != 0 || run.file_offset > key.size ||
        uint64_t{run.pages} * kPageSize > key.size - run.file_offset) {
      return std::nullopt;
    }
    for (uint32_t k = 0; k < run.pages; ++k) {
      session.offsets[next_page + k] =
          run.file_offset + uint64_t{k} * kPageSize;
    }
    next_page += run.pages;
  }
  if (next_page != header.page_count) return std::nullopt;
  return session;
}

absl::Status SessionCache::Store(const CachedSession& session) const {
  if (absl::Status s = MakeDirs(dir_); !s.ok()) return s;
  if (absl::Status s = CheckCacheDir(dir_); !s.ok()) return s;
  EntryHeader header{};
  header.magic = kEntryMagic;
  header.version = kEntryVersion;
  header.device = session.key.device;
  header.inode = session.key.inode;
  header.size = session.key.size;
  header.session_id = session.session_id;
  header.page_count = static_cast<uint32_t>(session.offsets.size());
  std::vector<EntryRun> runs;
  for (uint32_t i = 0; i < header.page_count; ++i) {
    const uint64_t offset = session.offsets[i];
    if (!runs.empty() &&
        runs.back().file_offset + uint64_t{runs.back().pages} * kPageSize ==
            offset) {
      ++runs.back().pages;
    } else {
      runs.push_back(EntryRun{offset, i, 1});
    }
  }
  header.run_count = static_cast<uint32_t>(runs.size());
  std::string data(reinterpret_cast<const char*>(&header), sizeof(header));
  data.append(reinterpret_cast<const char*>(runs.data()),
              runs.size() * sizeof(EntryRun));
  uint32_t crc = Crc32c(data.data(), data.size());
  data.append(reinterpret_cast<const char*>(&crc), sizeof(crc));

  return WriteFileAtomically(EntryPath(session.key), data, "session cache");
}

std::string SessionCache::FailedListPath(const RamFileKey& key) const {
  return absl::StrCat(dir_, "/failed-", key.device, "-", key.inode, ".txt");
}

bool SessionCache::IsFailedSession(const RamFileKey& key, uint64_t session_id,
                                   uint64_t key_id) const {
  if (!CheckCacheDir(dir_).ok()) return false;
  std::optional<std::string> data =
      ReadOwnFile(FailedListPath(key), kMaxFailedListBytes);
  if (!data.has_value()) return false;
  const std::string line = FailedLine(session_id, key_id);
  for (absl::string_view l : absl::StrSplit(*data, '\n')) {
    if (l == line) return true;
  }
  return false;
}

absl::Status SessionCache::RememberFailedSession(const RamFileKey& key,
                                                 uint64_t session_id,
                                                 uint64_t key_id) const {
  if (absl::Status s = MakeDirs(dir_); !s.ok()) return s;
  if (absl::Status s = CheckCacheDir(dir_); !s.ok()) return s;
  const std::string line = FailedLine(session_id, key_id);
  // Keep the newest lines that are well-formed (a line is 33 bytes), drop
  // the oldest beyond the cap. Two commands recording at once may lose one
  // line: the next failure of that session records it again.
  std::vector<std::string> lines;
  std::optional<std::string> data =
      ReadOwnFile(FailedListPath(key), kMaxFailedListBytes);
  if (data.has_value()) {
    for (absl::string_view l : absl::StrSplit(*data, '\n')) {
      if (l.size() == line.size() && l != line) lines.emplace_back(l);
    }
  }
  lines.push_back(line);
  const size_t drop = lines.size() > kMaxRememberedFailures
                          ? lines.size() - kMaxRememberedFailures
                          : 0;
  std::string out;
  for (size_t i = drop; i < lines.size(); ++i)
    absl::StrAppend(&out, lines[i], "\n");
  return WriteFileAtomically(FailedListPath(key), out, "failed-session list");
}

void SessionCache::Forget(const RamFileKey& key) const {
  if (!CheckCacheDir(dir_).ok()) return;
  ::unlink(EntryPath(key).c_str());
}

bool VerifyCachedSession(const RamFile& file, const CachedSession& cached) {
  return VerifyCachedSession(
      file, cached, PageRange{0, static_cast<uint32_t>(cached.offsets.size())});
}

bool VerifyCachedSession(const RamFile& file, const CachedSession& cached,
                         PageRange range) {
  if (!(cached.key == file.key())) return false;
  const uint32_t count = static_cast<uint32_t>(cached.offsets.size());
  if (range.first > count || range.count > count - range.first) return false;
  for (uint64_t offset : cached.offsets) {
    if (offset % kPageSize != 0 || offset > file.size() - kPageSize) {
      return false;
    }
  }
  auto header_ok = [&](const PageHeader& header, uint32_t index) {
    return CheckPageHeader(header) == HeaderVerdict::kValid &&
           header.session_id == cached.session_id &&
           header.page_index == index && header.page_count == count;
  };
  const uint32_t end = range.first + range.count;
  if (range.count <= kSmallRangePages) {
    // A few pages (the control pages): read their headers through the
    // mapping, which faults in exactly the pages the slot protocol is about
    // to use, instead of copying whole runs.
    for (uint32_t i = range.first; i < end; ++i) {
      if (!header_ok(ReadPageHeader(file.base() + cached.offsets[i]), i)) {
        return false;
      }
    }
    return true;
  }
  // Many pages: read each run of consecutive file pages with one pread (the
  // region is a few hundred runs), then check every header in the copy.
  constexpr uint32_t kMaxRunPages = 256;
  std::unique_ptr<std::byte[]> buffer(
      new std::byte[size_t{std::min(kMaxRunPages, range.count)} * kPageSize]);
  uint32_t i = range.first;
  while (i < end) {
    uint32_t run = 1;
    while (i + run < end && run < kMaxRunPages &&
           cached.offsets[i + run] ==
               cached.offsets[i] + uint64_t{run} * kPageSize) {
      ++run;
    }
    const size_t bytes = size_t{run} * kPageSize;
    absl::StatusOr<uint64_t> got =
        file.ReadAt(cached.offsets[i], bytes, buffer.get());
    if (!got.ok() || *got != bytes) return false;
    for (uint32_t k = 0; k < run; ++k) {
      if (!header_ok(ReadPageHeader(buffer.get() + size_t{k} * kPageSize),
                     i + k)) {
        return false;
      }
    }
    i += run;
  }
  return true;
}

}  // namespace haywire
