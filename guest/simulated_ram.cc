// Copyright 2026 The Haywire Authors.

#include "guest/simulated_ram.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

// Longest run of consecutive pages the simulated page allocator hands out.
constexpr uint64_t kMaxRunPages = 64;

// The dead session's size, and how many magic-only pages to plant.
constexpr uint64_t kMinStalePages = 64;
constexpr uint64_t kMaxStalePages = 128;
constexpr int kMagicOnlyPages = 3;
static_assert(kMaxStalePages + kMagicOnlyPages + 2 <=
              kSimulatedRamDecoyRoomPages);

// 2026-01-01T00:00:00Z: the dead session started some time after this.
constexpr uint64_t kStaleEpochUnixNs = 1'767'225'600'000'000'000;

// Decoys and placement draw from separate streams, so placement on a reused
// file (where no decoys are drawn) is still a function of seed and contents.
constexpr uint64_t kDecoyStreamSalt = 0x9E3779B97F4A7C15;

// An integer in [lo, hi], uniformly. std::uniform_int_distribution and
// std::shuffle are free to differ between standard libraries; this (with the
// fully specified mt19937_64) makes placement the same everywhere.
uint64_t UniformInt(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  const uint64_t span = hi - lo;
  if (span == std::numeric_limits<uint64_t>::max()) return rng();
  const uint64_t n = span + 1;
  // Reject the top partial bucket so every value is equally likely.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() -
                         std::numeric_limits<uint64_t>::max() % n;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return lo + x % n;
}

template <typename T>
void Shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[UniformInt(rng, 0, i - 1)]);
  }
}

// Chooses `count` of `free_pages` (page numbers, ascending) the way a page
// allocator scatters a large allocation: runs of 1..kMaxRunPages pages,
// separated by random gaps that together span all of `free_pages`, handed
// out in random order. Returns page numbers in region index order.
// Requires count <= free_pages.size().
std::vector<uint64_t> ScatterPages(const std::vector<uint64_t>& free_pages,
                                   uint64_t count, std::mt19937_64& rng) {
  std::vector<uint64_t> run_lengths;
  for (uint64_t left = count; left > 0;) {
    const uint64_t length = UniformInt(rng, 1, std::min(kMaxRunPages, left));
    run_lengths.push_back(length);
    left -= length;
  }

  // Spread the spare pages over the gaps before, between and after the runs
  // in proportion to random weights: the region covers the whole file.
  const uint64_t spare = free_pages.size() - count;
  std::vector<uint64_t> weights(run_lengths.size() + 1);
  uint64_t weight_sum = 0;
  for (uint64_t& w : weights) {
    w = UniformInt(rng, 0, 1 << 20);
    weight_sum += w;
  }

  // Lay the runs out in file order. Gaps and runs count free pages, so no
  // run lands on an occupied page; on a reused file a run may straddle one,
  // which only makes it two runs as far as a scanner can tell.
  std::vector<std::vector<uint64_t>> runs(run_lengths.size());
  uint64_t next = 0;
  for (size_t r = 0; r < run_lengths.size(); ++r) {
    const uint64_t gap =
        weight_sum == 0
            ? 0
            : static_cast<uint64_t>(static_cast<unsigned __int128>(spare) *
                                    weights[r] / weight_sum);
    next += gap;
    runs[r].assign(free_pages.begin() + next,
                   free_pages.begin() + next + run_lengths[r]);
    next += run_lengths[r];
  }

  Shuffle(runs, rng);
  std::vector<uint64_t> pages;
  pages.reserve(count);
  for (const std::vector<uint64_t>& run : runs) {
    pages.insert(pages.end(), run.begin(), run.end());
  }
  return pages;
}

std::vector<uint64_t> FreePages(const std::vector<bool>& occupied) {
  std::vector<uint64_t> free_pages;
  for (uint64_t page = 0; page < occupied.size(); ++page) {
    if (!occupied[page]) free_pages.push_back(page);
  }
  return free_pages;
}

// Marks every page that starts with kPageMagic: an earlier session's page, a
// decoy, or anything else a scanner would look at twice. Only the file's
// data extents are read, so reopening a large sparse file does not read (and
// fill the page cache with) gigabytes of holes.
absl::Status MarkMagicPages(int fd, const std::byte* base, uint64_t ram_bytes,
                            const std::string& path,
                            std::vector<bool>& occupied) {
  auto mark = [&](uint64_t begin, uint64_t end) {
    for (uint64_t page = begin / kPageSize;
         page < (end + kPageSize - 1) / kPageSize; ++page) {
      // ReadPageHeader loads the magic atomically: a live companion in
      // another process may be publishing or wiping this very header.
      if (ReadPageHeader(base + page * kPageSize).magic == kPageMagic) {
        occupied[page] = true;
      }
    }
  };
  uint64_t position = 0;
  while (position < ram_bytes) {
    const off_t data = lseek(fd, static_cast<off_t>(position), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // Only a hole is left.
      if (errno == EINVAL) {      // The file system cannot tell; read it all.
        mark(position, ram_bytes);
        break;
      }
      const int error_number = errno;
      return absl::ErrnoToStatus(
          error_number, absl::StrCat("cannot look for data in ", path));
    }
    off_t hole = lseek(fd, data, SEEK_HOLE);
    if (hole < 0) hole = static_cast<off_t>(ram_bytes);
    const uint64_t end = std::min<uint64_t>(hole, ram_bytes);
    mark(static_cast<uint64_t>(data), end);
    position = end;
  }
  return absl::OkStatus();
}

// A page of `rng` bytes whose first word is kPageMagic: what a scanner must
// discard at the second magic.
void WriteMagicOnlyPage(std::byte* page, std::mt19937_64& rng) {
  for (uint32_t offset = 0; offset < kPageSize; offset += sizeof(uint64_t)) {
    const uint64_t word = rng();
    std::memcpy(page + offset, &word, sizeof(word));
  }
  uint32_t magic2;
  std::memcpy(&magic2, page + offsetof(PageHeader, magic2), sizeof(magic2));
  if (magic2 == kPageMagic2) {  // One chance in 2^32, but never by accident.
    magic2 = ~kPageMagic2;
    std::memcpy(page + offsetof(PageHeader, magic2), &magic2, sizeof(magic2));
  }
  const uint32_t magic = kPageMagic;
  std::memcpy(page, &magic, sizeof(magic));
}

uint64_t NonzeroId(std::mt19937_64& rng) {
  return UniformInt(rng, 1, std::numeric_limits<uint64_t>::max());
}

// A free page chosen uniformly, then marked occupied. The caller guarantees
// that far more pages are free than occupied, so this ends quickly.
uint64_t TakeRandomFreePage(std::vector<bool>& occupied, std::mt19937_64& rng) {
  uint64_t page;
  do {
    page = UniformInt(rng, 0, occupied.size() - 1);
  } while (occupied[page]);
  occupied[page] = true;
  return page;
}

// Plants the decoys described in SimulatedRam::DecoyReport and marks their
// pages occupied.
absl::StatusOr<SimulatedRam::DecoyReport> WriteDecoys(
    std::byte* base, std::vector<bool>& occupied, std::mt19937_64& rng) {
  SimulatedRam::DecoyReport report;

  // (a) A dead session, built with the companion's own code so it is exactly
  // what a crashed companion leaves: valid headers, valid beacon info, a
  // heartbeat that ticked for a while and stopped.
  const uint64_t stale_pages = UniformInt(rng, kMinStalePages, kMaxStalePages);
  std::vector<uint64_t> stale =
      ScatterPages(FreePages(occupied), stale_pages, rng);
  std::vector<std::byte*> stale_pointers;
  for (uint64_t page : stale) {
    occupied[page] = true;
    report.stale_page_offsets.push_back(page * kPageSize);
    stale_pointers.push_back(base + page * kPageSize);
  }
  report.stale_session_id = NonzeroId(rng);
  CompanionIdentity identity;
  identity.pid = 4242;
  identity.start_unix_ns =
      kStaleEpochUnixNs + UniformInt(rng, 0, 86'400'000'000'000);
  identity.capabilities = kCapPing | kCapListProcesses | kCapProcessInfo;
  identity.hostname = "stale-guest";
  identity.kernel_release = "6.1.0-18-amd64";
  identity.boot_id = "5c0ffee0-dead-4bad-8a11-57a1e5e55104";
  const PageTable stale_table(std::move(stale_pointers));
  if (absl::Status s =
          InitializeRegion(stale_table, report.stale_session_id, identity);
      !s.ok()) {
    return s;
  }
  auto& beacon =
      *reinterpret_cast<BeaconPage*>(stale_table.page(kBeaconPageIndex));
  const uint64_t ticks = UniformInt(rng, 3, 9);
  const uint64_t first_tick_ns = UniformInt(rng, 1, 1000) * 1'000'000'000;
  for (uint64_t i = 0; i < ticks; ++i) {
    TickHeartbeat(beacon, first_tick_ns + i * kHeartbeatPeriodNs);
  }

  // (b) Unrelated pages that merely start with the magic word.
  for (int i = 0; i < kMagicOnlyPages; ++i) {
    const uint64_t page = TakeRandomFreePage(occupied, rng);
    WriteMagicOnlyPage(base + page * kPageSize, rng);
    report.magic_only_offsets.push_back(page * kPageSize);
  }

  // (c) Both magics, but a checksum that does not match: a torn or corrupted
  // header.
  {
    const uint64_t page = TakeRandomFreePage(occupied, rng);
    PageHeader header = MakePageHeader(
        NonzeroId(rng), static_cast<uint32_t>(UniformInt(rng, 0, 63)), 64,
        identity.start_unix_ns);
    header.checksum ^= 0x00010000;
    PublishPageHeader(base + page * kPageSize, header);
    report.bad_checksum_offset = page * kPageSize;
  }

  // (d) An intact header from a protocol version this build does not speak.
  {
    const uint64_t page = TakeRandomFreePage(occupied, rng);
    PageHeader header = MakePageHeader(NonzeroId(rng), kBeaconPageIndex, 64,
                                       identity.start_unix_ns);
    header.version = 99;
    header.checksum = Crc32c(&header, kChecksummedHeaderBytes);
    PublishPageHeader(base + page * kPageSize, header);
    report.unknown_version_offset = page * kPageSize;
  }
  return report;
}

absl::Status ValidateOptions(const SimulatedRamOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("the simulated RAM file needs a path");
  }
  if (options.region_pages < kMinRegionPages ||
      options.region_pages > kMaxRegionPages) {
    return absl::InvalidArgumentError(
        absl::StrCat("a region needs between ", kMinRegionPages, " and ",
                     kMaxRegionPages, " pages, not ", options.region_pages));
  }
  if (options.ram_bytes == 0 || options.ram_bytes % kPageSize != 0 ||
      options.ram_bytes >
          static_cast<uint64_t>(std::numeric_limits<off_t>::max())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "simulated RAM size must be a positive multiple of the ", kPageSize,
        "-byte page size, not ", options.ram_bytes, " bytes"));
  }
  const uint64_t needed_pages =
      uint64_t{options.region_pages} +
      (options.add_decoys ? kSimulatedRamDecoyRoomPages : 0);
  if (options.ram_bytes / kPageSize < needed_pages) {
    return absl::InvalidArgumentError(absl::StrCat(
        "simulated RAM of ", options.ram_bytes / kPageSize,
        " pages is too small for a region of ", options.region_pages, " pages",
        options.add_decoys ? " plus its decoys" : "", "; make it at least ",
        needed_pages * kPageSize, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SimulatedRam>> SimulatedRam::Open(
    const SimulatedRamOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  const std::string& path = options.path;

  // Create exclusively first, so that "created" (and so "write decoys") is
  // decided by the file system, not by a racy existence check.
  bool created = true;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
                S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP);
  if (fd < 0 && errno == EEXIST) {
    created = false;
    fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  }
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == EISDIR) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          " is a directory; give the path of a RAM file to create or "
          "reuse"));
    }
    return absl::ErrnoToStatus(
        error_number,
        absl::StrCat("cannot ", created ? "create " : "open ", path));
  }
  std::unique_ptr<SimulatedRam> ram(
      new SimulatedRam(path, fd, options.ram_bytes, created));
  // A file this call created is only useful once the region is placed.
  absl::Cleanup remove_created = [&] {
    if (created) unlink(path.c_str());
  };

  if (created) {
    // Sparse: ftruncate allocates nothing, so a multi-GiB simulated RAM
    // costs only the pages that are written.
    if (ftruncate(fd, static_cast<off_t>(options.ram_bytes)) != 0) {
      const int error_number = errno;
      return absl::ErrnoToStatus(error_number,
                                 absl::StrCat("cannot size ", path, " to ",
                                              options.ram_bytes, " bytes"));
    }
  } else {
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int error_number = errno;
      return absl::ErrnoToStatus(error_number,
                                 absl::StrCat("cannot stat ", path));
    }
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path,
                       " is not a regular file; give the path of a RAM file to "
                       "create or reuse"));
    }
    if (static_cast<uint64_t>(st.st_size) != options.ram_bytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " already exists with ", st.st_size, " bytes, not ",
          options.ram_bytes, "; remove it or ask for its size"));
    }
  }

  void* base = mmap(nullptr, options.ram_bytes, PROT_READ | PROT_WRITE,
                    MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    const int error_number = errno;
    return absl::ErrnoToStatus(error_number, absl::StrCat("cannot map ", path));
  }
  ram->base_ = static_cast<std::byte*>(base);

  std::vector<bool> occupied(options.ram_bytes / kPageSize, false);
  if (created) {
    // A new file is all holes: only the decoys occupy anything.
    if (options.add_decoys) {
      std::mt19937_64 decoy_rng(options.seed ^ kDecoyStreamSalt);
      absl::StatusOr<DecoyReport> decoys =
          WriteDecoys(ram->base_, occupied, decoy_rng);
      if (!decoys.ok()) return decoys.status();
      ram->decoys_ = *std::move(decoys);
    }
  } else if (absl::Status s = MarkMagicPages(fd, ram->base_, options.ram_bytes,
                                             path, occupied);
             !s.ok()) {
    return s;
  }

  const std::vector<uint64_t> free_pages = FreePages(occupied);
  if (free_pages.size() < options.region_pages) {
    return absl::ResourceExhaustedError(absl::StrCat(
        path, " has only ", free_pages.size(), " free pages for a region of ",
        options.region_pages, " (", occupied.size() - free_pages.size(),
        " pages hold earlier Haywire pages or decoys); remove the file or "
        "use a larger one"));
  }
  std::mt19937_64 placement_rng(options.seed);
  for (uint64_t page :
       ScatterPages(free_pages, options.region_pages, placement_rng)) {
    ram->page_offsets_.push_back(page * kPageSize);
  }
  std::move(remove_created).Cancel();
  return ram;
}

SimulatedRam::SimulatedRam(std::string path, int fd, uint64_t ram_bytes,
                           bool created)
    : path_(std::move(path)),
      fd_(fd),
      ram_bytes_(ram_bytes),
      created_(created) {}

SimulatedRam::~SimulatedRam() {
  if (base_ != nullptr) munmap(base_, ram_bytes_);
  if (fd_ >= 0) close(fd_);
}

PageTable SimulatedRam::pages() const {
  std::vector<std::byte*> pointers;
  pointers.reserve(page_offsets_.size());
  for (uint64_t offset : page_offsets_) pointers.push_back(base_ + offset);
  return PageTable(std::move(pointers));
}

}  // namespace haywire
