// Copyright 2026 The Haywire Authors.
//
// Fuzz target: discovery over a whole (small) RAM file: ScanRamFile,
// GroupBySession and ExamineSession (haywire/host/), as `haywire discover`
// runs them before it checks liveness. Every page of the file is guest
// memory: any guest user can forge page headers and beacons.
//
// Input (compact, so that the fuzzer mutates what matters rather than
// kilobytes of zeros):
//   byte 0         flags: bit 0 keeps the page headers' checksums as given,
//                  bit 1 keeps the beacon info checksum as given (otherwise
//                  the target recomputes them, which mutations almost never
//                  get right, so the checks behind them are reached);
//   bytes 1..448   bytes [64, 512) of every page: a beacon's static info,
//                  used by whichever page is some session's page 0;
//   then 64 bytes per file page: that page's header. At most
//                  kMaxFilePages pages; the rest of each page is zero.
// The file is built in a memfd, opened through /proc/self/fd like a RAM
// file. CheckLiveness is not run: it waits for heartbeats.
//
// Checked: the scan saw every page and counted as valid exactly the headers
// CheckPageHeader accepts; every page a session places is a valid page of
// that session at that index, inside the file; no page is placed twice; an
// accepted beacon is one of the session's page-0 copies.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/fuzz/check.h"
#include "haywire/host/discovery.h"
#include "haywire/host/ram_file.h"
#include "haywire/host/scanner.h"
#include "haywire/host/session_table.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

constexpr size_t kMaxFilePages = 64;
constexpr size_t kInfoBytes = kBeaconInfoEnd + sizeof(uint32_t) - 64;  // 448

// The file's bytes, in a buffer reused across runs (a fresh one per run
// costs more in page faults than the whole discovery).
absl::string_view BuildFile(const uint8_t* data, size_t size) {
  static std::string& file = *new std::string(kMaxFilePages * kPageSize, 0);
  const uint8_t flags = size > 0 ? data[0] : 0;
  const uint8_t* info = data + std::min<size_t>(size, 1);
  const size_t info_size =
      std::min(kInfoBytes, size - std::min<size_t>(size, 1));
  const uint8_t* headers = info + info_size;
  const size_t headers_size = size - (headers - data);
  const size_t pages = std::clamp<size_t>(
      (headers_size + sizeof(PageHeader) - 1) / sizeof(PageHeader), 1,
      kMaxFilePages);
  std::memset(file.data(), 0, pages * kPageSize);
  uint32_t info_crc = 0;
  for (size_t p = 0; p < pages; ++p) {
    char* page = file.data() + p * kPageSize;
    const size_t at = p * sizeof(PageHeader);
    if (at < headers_size) {
      std::memcpy(page, headers + at,
                  std::min(sizeof(PageHeader), headers_size - at));
    }
    std::memcpy(page + 64, info, info_size);
    auto* header = reinterpret_cast<PageHeader*>(page);
    // Every page carries the same info: one checksum serves them all.
    if ((flags & 2) == 0) {
      if (p == 0) {
        info_crc =
            Crc32c(page + kBeaconInfoBegin, kBeaconInfoEnd - kBeaconInfoBegin);
      }
      std::memcpy(page + kBeaconInfoEnd, &info_crc, sizeof(info_crc));
    }
    if ((flags & 1) == 0) {
      header->checksum = Crc32c(header, kChecksummedHeaderBytes);
    }
  }
  return absl::string_view(file.data(), pages * kPageSize);
}

int MemFd() {
  static const int fd = [] {
    const int fd = memfd_create("haywire-fuzz-ram", MFD_CLOEXEC);
    if (fd < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return fd;
  }();
  return fd;
}

void DiscoverAndCheck(absl::string_view bytes) {
  const int fd = MemFd();
  // Overwritten in place: no pages freed and faulted in again.
  FUZZ_CHECK(ftruncate(fd, static_cast<off_t>(bytes.size())) == 0);
  FUZZ_CHECK(pwrite(fd, bytes.data(), bytes.size(), 0) ==
             static_cast<ssize_t>(bytes.size()));
  absl::StatusOr<std::unique_ptr<RamFile>> file =
      RamFile::Open("/proc/self/fd/" + std::to_string(fd), false);
  FUZZ_CHECK(file.ok());
  const uint64_t file_pages = bytes.size() / kPageSize;

  // Small chunks, so a scan of these few pages still crosses chunk edges.
  ScanOptions options;
  options.chunk_bytes = 3 * kPageSize;
  absl::StatusOr<ScanResult> scan = ScanRamFile(**file, options);
  FUZZ_CHECK(scan.ok());
  FUZZ_CHECK(scan->stats.pages_in_file == file_pages);
  uint64_t valid = 0;
  for (uint64_t p = 0; p < file_pages; ++p) {
    PageHeader h;
    std::memcpy(&h, bytes.data() + p * kPageSize, sizeof(h));
    if (CheckPageHeader(h) == HeaderVerdict::kValid) ++valid;
  }
  FUZZ_CHECK(scan->stats.valid_pages == valid);
  FUZZ_CHECK(scan->pages.size() == valid);

  uint64_t ignored = 0;
  std::vector<SessionPages> sessions = GroupBySession(scan->pages, &ignored);
  FUZZ_CHECK(sessions.size() <= kMaxSessionsExamined);
  uint64_t placed = 0;
  for (SessionPages& s : sessions) {
    // A dense table only for a session with at least half its pages found
    // (memory follows the pages found, never a claimed page_count).
    FUZZ_CHECK(s.offsets.empty() || s.offsets.size() == s.page_count);
    FUZZ_CHECK(s.offsets.size() <= 2 * uint64_t{valid});
    FUZZ_CHECK(s.beacon_offsets.size() <= kMaxBeaconCopies);
    FUZZ_CHECK(s.conflicting_indices.size() <= kMaxConflictsReported);
    if (s.offsets.empty()) {
      FUZZ_CHECK(!s.complete());
      placed += s.pages_found;
      continue;
    }
    uint32_t found = 0;
    for (uint32_t i = 0; i < s.offsets.size(); ++i) {
      const uint64_t offset = s.offsets[i];
      if (offset == kMissingPage) continue;
      ++found;
      FUZZ_CHECK(offset % kPageSize == 0 && offset < bytes.size());
      PageHeader h;
      std::memcpy(&h, bytes.data() + offset, sizeof(h));
      FUZZ_CHECK(CheckPageHeader(h) == HeaderVerdict::kValid);
      FUZZ_CHECK(h.session_id == s.session_id && h.page_index == i &&
                 h.page_count == s.page_count);
    }
    FUZZ_CHECK(found == s.pages_found);
    placed += found;
    SessionReport report = ExamineSession(**file, std::move(s));
    if (report.beacon_status.ok()) {
      const std::vector<uint64_t>& copies = report.pages.beacon_offsets;
      FUZZ_CHECK(std::find(copies.begin(), copies.end(),
                           report.beacon_offset) != copies.end());
      FUZZ_CHECK(report.identity.hostname.size() <= kHostnameBytes);
    }
  }
  FUZZ_CHECK(placed <= valid);
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  haywire::DiscoverAndCheck(haywire::BuildFile(data, size));
  return 0;
}
