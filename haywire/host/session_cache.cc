// Copyright 2026 The Haywire Authors.

#include "haywire/host/session_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

// Entry file format (little-endian):
//   u32 magic "HWSC", u32 version, u64 device, u64 inode, u64 size,
//   u64 session_id, u32 page_count, u32 reserved, u64 offsets[page_count],
//   u32 crc32c of everything before it.
constexpr uint32_t kEntryMagic = 0x43535748;  // "HWSC"
constexpr uint32_t kEntryVersion = 1;

struct EntryHeader {
  uint32_t magic;
  uint32_t version;
  uint64_t device;
  uint64_t inode;
  uint64_t size;
  uint64_t session_id;
  uint32_t page_count;
  uint32_t reserved;
};
static_assert(sizeof(EntryHeader) == 48);

absl::Status MakeDirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      path = dir.substr(0, i);
      if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        return absl::InternalError(absl::StrCat(
            "cannot create cache directory ", path, ": ", std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

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
  std::ifstream in(EntryPath(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  if (data.size() < sizeof(EntryHeader) + sizeof(uint32_t)) return std::nullopt;
  EntryHeader header;
  std::memcpy(&header, data.data(), sizeof(header));
  if (header.magic != kEntryMagic || header.version != kEntryVersion ||
      header.page_count < kMinRegionPages ||
      header.page_count > kMaxRegionPages) {
    return std::nullopt;
  }
  const size_t expected = sizeof(EntryHeader) +
                          size_t{header.page_count} * sizeof(uint64_t) +
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
  std::memcpy(session.offsets.data(), data.data() + sizeof(EntryHeader),
              size_t{header.page_count} * sizeof(uint64_t));
  return session;
}

absl::Status SessionCache::Store(const CachedSession& session) const {
  if (absl::Status s = MakeDirs(dir_); !s.ok()) return s;
  EntryHeader header{};
  header.magic = kEntryMagic;
  header.version = kEntryVersion;
  header.device = session.key.device;
  header.inode = session.key.inode;
  header.size = session.key.size;
  header.session_id = session.session_id;
  header.page_count = static_cast<uint32_t>(session.offsets.size());
  std::string data(reinterpret_cast<const char*>(&header), sizeof(header));
  data.append(reinterpret_cast<const char*>(session.offsets.data()),
              session.offsets.size() * sizeof(uint64_t));
  uint32_t crc = Crc32c(data.data(), data.size());
  data.append(reinterpret_cast<const char*>(&crc), sizeof(crc));

  const std::string path = EntryPath(session.key);
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write session cache ", tmp,
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
      return absl::InternalError(absl::StrCat(
          "cannot write session cache ", tmp, ": ", std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot install session cache ",
                                            path, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

void SessionCache::Forget(const RamFileKey& key) const {
  ::unlink(EntryPath(key).c_str());
}

bool VerifyCachedSession(const RamFile& file, const CachedSession& cached) {
  if (!(cached.key == file.key())) return false;
  const uint32_t count = static_cast<uint32_t>(cached.offsets.size());
  for (uint64_t offset : cached.offsets) {
    if (offset % kPageSize != 0 || offset > file.size() - kPageSize) {
      return false;
    }
  }
  // Read each run of consecutive file pages with one pread (the region is a
  // few hundred runs), then check every header in the copy.
  constexpr uint32_t kMaxRunPages = 256;
  std::vector<std::byte> buffer(size_t{kMaxRunPages} * kPageSize);
  uint32_t i = 0;
  while (i < count) {
    uint32_t run = 1;
    while (i + run < count && run < kMaxRunPages &&
           cached.offsets[i + run] == cached.offsets[i] + uint64_t{run} * kPageSize) {
      ++run;
    }
    const size_t bytes = size_t{run} * kPageSize;
    size_t done = 0;
    while (done < bytes) {
      ssize_t n = ::pread(file.fd(), buffer.data() + done, bytes - done,
                          static_cast<off_t>(cached.offsets[i] + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    for (uint32_t k = 0; k < run; ++k) {
      PageHeader header = ReadPageHeader(buffer.data() + size_t{k} * kPageSize);
      if (CheckPageHeader(header) != HeaderVerdict::kValid ||
          header.session_id != cached.session_id ||
          header.page_index != i + k || header.page_count != count) {
        return false;
      }
    }
    i += run;
  }
  return true;
}

}  // namespace haywire
