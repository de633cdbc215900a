// Copyright 2026 The Haywire Authors.

#include "haywire/host/scanner.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

struct Extent {
  uint64_t begin;  // page-aligned
  uint64_t end;    // page-aligned, exclusive
};

// Data extents of the file, page-aligned. Falls back to the whole file when
// the file system cannot tell data from holes.
std::vector<Extent> DataExtents(int fd, uint64_t size, bool skip_holes) {
  if (!skip_holes) return {{0, size}};
  std::vector<Extent> extents;
  uint64_t pos = 0;
  while (pos < size) {
    off_t data = ::lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // no data past pos
      return {{0, size}};         // SEEK_DATA unsupported: scan everything
    }
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return {{0, size}};
    uint64_t begin = static_cast<uint64_t>(data) / kPageSize * kPageSize;
    uint64_t end = std::min<uint64_t>(
        (static_cast<uint64_t>(hole) + kPageSize - 1) / kPageSize * kPageSize,
        size);
    if (!extents.empty() && begin <= extents.back().end) {
      extents.back().end = std::max(extents.back().end, end);
    } else if (end > begin) {
      extents.push_back({begin, end});
    }
    if (end <= pos) break;  // defensive: never loop forever
    pos = end;
  }
  return extents;
}

void ExaminePage(const std::byte* page, uint64_t offset, ScanResult* result) {
  if (!StartsWithPageMagic(page)) return;
  ScanStats& stats = result->stats;
  ++stats.magic_pages;
  PageHeader header = ReadPageHeader(page);
  switch (CheckPageHeader(header)) {
    case HeaderVerdict::kValid:
      ++stats.valid_pages;
      result->pages.push_back({offset, header});
      break;
    case HeaderVerdict::kNoMagic:
      // The page changed between the filter and the copy (a wipe).
      --stats.magic_pages;
      break;
    case HeaderVerdict::kBadMagic2:
      ++stats.bad_magic2;
      break;
    case HeaderVerdict::kBadChecksum:
      ++stats.bad_checksum;
      break;
    case HeaderVerdict::kUnknownVersion:
      ++stats.unknown_version;
      stats.unknown_versions.insert(header.version);
      break;
    case HeaderVerdict::kBadField:
      ++stats.bad_field;
      break;
  }
}

}  // namespace

absl::StatusOr<ScanResult> ScanRamFile(const RamFile& file,
                                       const ScanOptions& options) {
  const absl::Time start = absl::Now();
  ScanResult result;
  result.stats.pages_in_file = file.page_count();
  const uint64_t chunk_bytes =
      std::max<uint64_t>(options.chunk_bytes / kPageSize * kPageSize,
                         kPageSize);
  std::vector<Extent> extents =
      DataExtents(file.fd(), file.size(), options.skip_holes);
  result.stats.data_extents = extents.size();
  for (const Extent& extent : extents) {
    for (uint64_t at = extent.begin; at < extent.end; at += chunk_bytes) {
      const uint64_t len = std::min(chunk_bytes, extent.end - at);
      // A private read-only mapping of just this chunk, populated in bulk;
      // unmapped right after so page tables never cover the whole file.
      void* chunk = ::mmap(nullptr, len, PROT_READ, MAP_SHARED | MAP_POPULATE,
                           file.fd(), static_cast<off_t>(at));
      if (chunk == MAP_FAILED) {
        return absl::InternalError(absl::StrCat(
            "cannot map ", len, " bytes of ", file.path(), " at offset ", at,
            ": ", std::strerror(errno)));
      }
      const auto* bytes = static_cast<const std::byte*>(chunk);
      for (uint64_t off = 0; off < len; off += kPageSize) {
        ExaminePage(bytes + off, at + off, &result);
      }
      result.stats.pages_examined += len / kPageSize;
      ::munmap(chunk, len);
    }
  }
  result.stats.elapsed = absl::Now() - start;
  return result;
}

}  // namespace haywire
