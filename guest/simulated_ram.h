// Copyright 2026 The Haywire Authors.
//
// SimulatedRam: a file standing in for a VM's RAM, with a region in it.
//
// On a real VM, QEMU keeps guest RAM in a file (memory-backend-file), the
// companion's region is a few thousand 4 KiB pages scattered across it by the
// guest's page allocator, and the file also holds things that look like
// Haywire pages but are not: pages of earlier companions that were freed
// without being wiped, and random data that happens to start with the magic.
// SimulatedRam reproduces that in an ordinary sparse file, so the whole tool
// (guest-serve in simulation mode, discover, ps...) runs on one machine and
// the host's scanner is tested against the same difficulties:
//
//   * Scattered placement. The region's pages sit in runs of 1..64 pages with
//     random gaps, spread over the whole file, and the runs are in random
//     order, so page index order is not file order. Placement is a pure
//     function of the seed and of the file's contents.
//   * Decoys, written once when the file is created (see DecoyReport): a
//     complete dead session with a frozen heartbeat, pages that merely start
//     with kPageMagic, a header with a bad checksum, and one of an unknown
//     protocol version.
//   * Reuse. Opening an existing file of the same size keeps everything in
//     it: placement avoids every page that starts with kPageMagic, so the
//     pages of an earlier session (crashed, or killed before it could wipe
//     its region) remain as stale decoys, the way freed guest pages do.
//
// SimulatedRam only places pages. The caller makes them a region:
//
//   absl::StatusOr<std::unique_ptr<haywire::SimulatedRam>> ram =
//       haywire::SimulatedRam::Open({.path = "/tmp/haywire-vm-mem",
//                                    .ram_bytes = 1ull << 30,
//                                    .region_pages = 16384,
//                                    .seed = 1});
//   if (!ram.ok()) return ram.status();
//   absl::Status init =
//       haywire::InitializeRegion((*ram)->pages(), session_id, identity);
//
// The file is mapped shared, so other processes that map it (a host running
// `haywire discover` on it) see the pages as they are written, as they would
// see a live guest's RAM; nothing needs to be flushed.
#ifndef GUEST_SIMULATED_RAM_H_
#define GUEST_SIMULATED_RAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/protocol/page_table.h"

namespace haywire {

// Room SimulatedRam needs around the region for its decoys: a file must hold
// at least region_pages plus this many pages when decoys are added.
inline constexpr uint32_t kSimulatedRamDecoyRoomPages = 256;

struct SimulatedRamOptions {
  // The RAM file. Created if missing; reused if it exists with ram_bytes.
  std::string path;
  // Size of the file: a multiple of kPageSize, at least region_pages (plus
  // kSimulatedRamDecoyRoomPages with add_decoys) pages.
  uint64_t ram_bytes = 0;
  // Pages of the region to place, in [kMinRegionPages, kMaxRegionPages].
  uint32_t region_pages = 0;
  // Seeds placement and decoys: the same seed on the same file contents
  // gives the same offsets.
  uint64_t seed = 0;
  // Write decoys when the file is created (never when it is reused).
  bool add_decoys = true;
};

class SimulatedRam {
 public:
  // What was planted in a new file, so tests can check a scanner's verdicts.
  // All empty or zero when the file was reused.
  struct DecoyReport {
    // The dead session: a complete region with valid headers and beacon
    // info (pid 4242, hostname "stale-guest") whose heartbeat stopped.
    uint64_t stale_session_id = 0;
    std::vector<uint64_t> stale_page_offsets;  // In page index order.
    // Pages that start with kPageMagic followed by random bytes
    // (HeaderVerdict::kBadMagic2).
    std::vector<uint64_t> magic_only_offsets;
    // A header with both magics but a wrong checksum (kBadChecksum).
    uint64_t bad_checksum_offset = 0;
    // An intact header of protocol version 99 (kUnknownVersion).
    uint64_t unknown_version_offset = 0;
  };

  // Opens or creates the RAM file, maps it, writes the decoys if it was
  // created, and places the region's pages.
  //
  // Errors: InvalidArgument for bad options or a path that is not a regular
  // file; FailedPrecondition for an existing file of another size;
  // ResourceExhausted when a reused file has too few free pages left; the
  // errno's code when the file cannot be created or mapped. A file created
  // by a failed Open is removed.
  static absl::StatusOr<std::unique_ptr<SimulatedRam>> Open(
      const SimulatedRamOptions& options);

  SimulatedRam(const SimulatedRam&) = delete;
  SimulatedRam& operator=(const SimulatedRam&) = delete;

  // Unmaps the file. The file and everything in it stay, like guest RAM
  // when a process exits: wipe the region first to leave no stale session.
  ~SimulatedRam();

  // The region's pages: page index -> pointer into the file mapping.
  PageTable pages() const;
  // File offset of each region page, in page index order.
  const std::vector<uint64_t>& page_offsets() const { return page_offsets_; }

  const std::string& path() const { return path_; }
  uint64_t ram_bytes() const { return ram_bytes_; }
  // The whole file, mapped shared and writable.
  std::byte* data() const { return base_; }
  // Whether Open created the file (and so wrote the decoys).
  bool created() const { return created_; }
  const DecoyReport& decoys() const { return decoys_; }

 private:
  SimulatedRam(std::string path, int fd, uint64_t ram_bytes, bool created);

  std::string path_;
  int fd_ = -1;
  uint64_t ram_bytes_ = 0;
  std::byte* base_ = nullptr;
  bool created_ = false;
  std::vector<uint64_t> page_offsets_;
  DecoyReport decoys_;
};

}  // namespace haywire

#endif  // GUEST_SIMULATED_RAM_H_
