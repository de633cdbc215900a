// Copyright 2026 The Haywire Authors.
//
// Writes the binary seed inputs of the fuzz targets: small valid examples of
// what each decoder reads, made by the code that writes them for real
// (page headers, beacons, the event ring writer, the session cache), so the
// fuzzers start from inputs that get past the first checks. The text seeds
// (messages from testdata/wire/, /proc files from testdata/procfs/) are
// copied by tools/fuzz --make-seeds. Run:
//
//   bazel run //haywire/fuzz:make_seeds -- $PWD/testdata/fuzz
//
// and commit the result. Deterministic: the same files on every run.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/ram_file.h"
#include "haywire/host/session_cache.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/process_event.h"

namespace haywire {
namespace {

std::filesystem::path out_dir;

void Write(const std::string& target, const std::string& name,
           const std::string& bytes) {
  const std::filesystem::path dir = out_dir / target;
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / ("seed-" + name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_seeds: cannot write %s\n", path.c_str());
    std::exit(1);
  }
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

template <typename T>
std::string Bytes(const T& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof(value));
}

// The bytes of a whole page, trailing zeros dropped (the fuzzers pad).
std::string Trimmed(const void* page, size_t size) {
  std::string s(static_cast<const char*>(page), size);
  s.erase(s.find_last_not_of('\0') + 1);
  return s;
}

CompanionIdentity Identity() {
  CompanionIdentity id;
  id.pid = 1234;
  id.start_unix_ns = 1'700'000'000'000'000'000;
  id.capabilities = 0x1F;
  id.event_ring_first_page = kFirstBulkPage;
  id.event_ring_page_count = 4;
  id.hostname = "guest";
  id.kernel_release = "6.1.0-18-amd64";
  id.boot_id = "4b3c2d1e-0f1a-4b2c-9d8e-7f6a5b4c3d2e";
  return id;
}

void PageHeaderSeeds() {
  auto beacon = std::make_unique<BeaconPage>();
  std::memset(beacon.get(), 0, sizeof(*beacon));
  WriteBeaconInfo(*beacon, Identity());
  beacon->header = MakePageHeader(0x1234abcd, 0, kMinRegionPages, 42);
  beacon->heartbeat_counter = 7;
  Write("page_header", "beacon", Trimmed(beacon.get(), sizeof(*beacon)));
  Write("page_header", "slot",
        Bytes(MakePageHeader(0x1234abcd, 1, kMinRegionPages, 42)));
  Write("page_header", "bulk",
        Bytes(MakePageHeader(0x1234abcd, kFirstBulkPage + 3, 16384, 42)));
  PageHeader old = MakePageHeader(0x1234abcd, 2, kMinRegionPages, 42);
  old.version = 1;
  Write("page_header", "old_version", Bytes(old));
}

// The ram_file target's compact format (ram_file_fuzzer.cc): flags, the
// beacon info bytes [64, 512), then one 64-byte header per file page.
void RamFileSeeds() {
  auto beacon = std::make_unique<BeaconPage>();
  std::memset(beacon.get(), 0, sizeof(*beacon));
  WriteBeaconInfo(*beacon, Identity());
  const std::string info(reinterpret_cast<const char*>(beacon.get()) + 64,
                         kBeaconInfoEnd + sizeof(uint32_t) - 64);
  const PageHeader zero{};

  // One complete session, pages scattered over 40 file pages.
  {
    std::vector<PageHeader> file(40, zero);
    for (uint32_t i = 0; i < kMinRegionPages; ++i) {
      file[(i * 7 + 3) % 40] = MakePageHeader(0x5e55, i, kMinRegionPages, 100);
    }
    std::string seed(1, '\0');
    seed += info;
    for (const PageHeader& h : file) seed += Bytes(h);
    Write("ram_file", "one_session", seed);
  }
  // A live-looking session and the remains of an older one: half its
  // pages, a duplicate, a page with another count, a header of an unknown
  // version, a corrupted one.
  {
    std::vector<PageHeader> file;
    for (uint32_t i = 0; i < kMinRegionPages; ++i) {
      file.push_back(MakePageHeader(0x2222, i, kMinRegionPages, 200));
      if (i % 2 == 0) {
        file.push_back(MakePageHeader(0x1111, i, kMinRegionPages + 1, 100));
      }
    }
    file.push_back(MakePageHeader(0x1111, 4, kMinRegionPages + 1, 100));
    file.push_back(MakePageHeader(0x1111, 5, kMinRegionPages + 7, 100));
    PageHeader future = MakePageHeader(0x3333, 1, kMinRegionPages, 300);
    future.version = kProtocolVersion + 1;
    file.push_back(future);
    PageHeader bad = MakePageHeader(0x4444, 1, kMinRegionPages, 300);
    bad.page_index = 99;
    file.push_back(bad);
    std::string seed(1, '\0');
    seed += info;
    for (const PageHeader& h : file) seed += Bytes(h);
    Write("ram_file", "two_sessions", seed);
  }
}

void SessionCacheSeeds() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      absl::StrCat("haywire-make-seeds-", ::getpid());
  const SessionCache cache(dir.string());
  CachedSession session;
  session.key = {.device = 2049, .inode = 1234, .size = 256 * kPageSize};
  session.session_id = 0x5e55;
  for (uint32_t i = 0; i < kMinRegionPages; ++i) {
    // Three runs: [0, 10) at page 100, [10, 11) at page 7, the rest at 20.
    const uint64_t file_page = i < 10 ? 100 + i : i == 10 ? 7 : 20 + i;
    session.offsets.push_back(file_page * kPageSize);
  }
  if (absl::Status s = cache.Store(session); !s.ok()) {
    std::fprintf(stderr, "make_seeds: %s\n", std::string(s.message()).c_str());
    std::exit(1);
  }
  std::ifstream in(cache.EntryPath(session.key), std::ios::binary);
  const std::string entry((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  Write("session_cache", "three_runs", entry);
  std::filesystem::remove_all(dir);
}

ProcessEvent Event(uint64_t seq) {
  ProcessEvent e;
  e.kind = static_cast<ProcessEventKind>(1 + seq % 3);
  e.pid = static_cast<uint32_t>(100 + seq);
  e.ppid = 1;
  e.has_uid = seq % 2 == 0;
  e.uid = e.has_uid ? 1000 : 0;
  e.guest_mono_ns = seq * 1000;
  e.guest_unix_ns = 1'700'000'000'000'000'000 + seq;
  e.has_exit_status = e.kind == ProcessEventKind::kExit;
  if (e.has_exit_status) e.exit_code = static_cast<int32_t>(seq % 3);
  e.comm = absl::StrCat("proc", seq);
  for (uint64_t i = 0; i < seq % 4; ++i) e.args.push_back(absl::StrCat("a", i));
  return e;
}

// The ring's pages after `events` events in a ring of `ring_pages` pages.
std::string Ring(uint32_t ring_pages, uint64_t events) {
  const size_t bytes = size_t{ring_pages} * kPageSize;
  auto* ring = static_cast<std::byte*>(std::aligned_alloc(kPageSize, bytes));
  auto* control =
      static_cast<std::byte*>(std::aligned_alloc(kPageSize, kPageSize));
  std::memset(ring, 0, bytes);
  std::memset(control, 0, kPageSize);
  std::vector<std::byte*> table(kFirstBulkPage, control);
  for (uint32_t i = 0; i < ring_pages; ++i)
    table.push_back(ring + i * kPageSize);
  const PageTable pages(std::move(table));
  absl::StatusOr<EventRingWriter> writer = EventRingWriter::Create(
      pages, kFirstBulkPage, ring_pages, EventSource::kPidDiff);
  if (!writer.ok()) {
    std::fprintf(stderr, "make_seeds: %s\n",
                 std::string(writer.status().message()).c_str());
    std::exit(1);
  }
  for (uint64_t seq = 0; seq < events; ++seq) writer->Publish(Event(seq));
  writer->AddSourceLost(3);
  std::string out(reinterpret_cast<const char*>(ring), bytes);
  std::free(ring);
  std::free(control);
  return out;
}

void EventRingSeeds() {
  Write("event_ring", "empty", Ring(3, 0));
  Write("event_ring", "few", Ring(3, 5));
  // Enough events to wrap: the oldest fills were overwritten.
  Write("event_ring", "wrapped", Ring(3, 120));
  Write("event_ring", "four_pages", Ring(4, 80));
}

}  // namespace
}  // namespace haywire

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR (testdata/fuzz)\n", argv[0]);
    return 2;
  }
  haywire::out_dir = argv[1];
  haywire::PageHeaderSeeds();
  haywire::RamFileSeeds();
  haywire::SessionCacheSeeds();
  haywire::EventRingSeeds();
  return 0;
}
