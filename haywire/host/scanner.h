// Copyright 2026 The Haywire Authors.
//
// Scanner: finds every Haywire page in a VM's RAM file.
//
// A guest's region pages are scattered across the RAM file, and the file may
// be many GiB, so the scan is built for bandwidth:
//   * only data extents are visited (SEEK_DATA/SEEK_HOLE): guest RAM the VM
//     never touched is a hole and costs nothing;
//   * data is read with pread in large chunks into one reused buffer, never
//     faulted in page by page through a mapping (see scanner.cc for the
//     measurements behind this choice);
//   * each page costs one 4-byte compare; only pages that start with the
//     magic have their header copied (atomically) and checked.
// The scanner reports what it found and why other candidates were rejected;
// grouping pages into sessions is session_table.h's job.
#ifndef HAYWIRE_HOST_SCANNER_H_
#define HAYWIRE_HOST_SCANNER_H_

#include <cstdint>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/layout.h"

namespace haywire {

struct ScanOptions {
  // Bytes read at once.
  uint64_t chunk_bytes = 1ull << 20;
  // Skip holes with SEEK_DATA/SEEK_HOLE where the file system supports it.
  bool skip_holes = true;
};

// A page whose header passed CheckPageHeader.
struct FoundPage {
  uint64_t offset = 0;  // in the RAM file; page-aligned.
  PageHeader header;
};

struct ScanStats {
  uint64_t pages_in_file = 0;
  uint64_t pages_examined = 0;  // pages in data extents (holes skipped).
  uint64_t data_extents = 0;
  uint64_t magic_pages = 0;  // pages starting with kPageMagic.
  uint64_t valid_pages = 0;
  uint64_t bad_magic2 = 0;
  uint64_t bad_checksum = 0;
  uint64_t unknown_version = 0;
  uint64_t bad_field = 0;
  std::set<uint16_t> unknown_versions;  // versions seen in intact headers.
  absl::Duration elapsed;
};

struct ScanResult {
  ScanStats stats;
  std::vector<FoundPage> pages;  // in file order.
};

// Scans the whole file. Fails only on I/O errors. The pages found are a
// snapshot: headers were validated on a copy, and whoever uses a session
// re-reads its pages in place (VerifyCachedSession, the slot protocol).
absl::StatusOr<ScanResult> ScanRamFile(const RamFile& file,
                                       const ScanOptions& options = {});

}  // namespace haywire

#endif  // HAYWIRE_HOST_SCANNER_H_
