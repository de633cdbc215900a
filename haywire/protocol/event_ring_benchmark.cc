// Copyright 2026 The Haywire Authors.
//
// Throughput of the event ring: how fast the companion can publish, how fast
// a host reader decodes, and what a concurrent reader keeps up with. Not a
// test (timing belongs here, not in tests):
//
//   bazel run -c opt //haywire/protocol:event_ring_benchmark

#include <sys/mman.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

ProcessEvent TypicalEvent(uint64_t i) {
  ProcessEvent e;
  e.kind = ProcessEventKind::kExec;
  e.pid = static_cast<uint32_t>(i);
  e.ppid = 1;
  e.has_uid = true;
  e.comm = "bash";
  e.args = {"/bin/bash", "-c", "make -j4 all"};
  return e;
}

int Main() {
  constexpr uint32_t kRingPages = kDefaultEventRingPages;
  constexpr uint32_t kPages = kFirstBulkPage + kRingPages;
  void* base = mmap(nullptr, size_t{kPages} * kPageSize, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  PageTable pages = PageTable::Contiguous(base, kPages);
  CompanionIdentity identity;
  identity.event_ring_first_page = kFirstBulkPage;
  identity.event_ring_page_count = kRingPages;
  if (!InitializeRegion(pages, 1, identity).ok()) return 1;
  absl::StatusOr<EventRingWriter> writer = EventRingWriter::Create(
      pages, kFirstBulkPage, kRingPages, EventSource::kConnector);
  if (!writer.ok()) return 1;

  // Publish alone.
  constexpr uint64_t kEvents = 1'000'000;
  absl::Time start = absl::Now();
  for (uint64_t i = 0; i < kEvents; ++i) writer->Publish(TypicalEvent(i));
  absl::Duration took = absl::Now() - start;
  std::printf("publish: %.0f ns/event (%.2f M events/s)\n",
              absl::ToDoubleNanoseconds(took) / kEvents,
              kEvents / absl::ToDoubleSeconds(took) / 1e6);

  // Read a full ring from the oldest event.
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      pages, kFirstBulkPage, kRingPages, EventRingStart::kOldest);
  if (!reader.ok()) return 1;
  start = absl::Now();
  uint64_t read = 0;
  for (;;) {
    absl::StatusOr<EventBatch> batch = reader->Poll();
    if (!batch.ok() || batch->events.empty()) break;
    read += batch->events.size();
  }
  took = absl::Now() - start;
  std::printf("read: %llu events held by a %u-page ring, %.0f ns/event\n",
              static_cast<unsigned long long>(read), kRingPages,
              absl::ToDoubleNanoseconds(took) / std::max<uint64_t>(read, 1));

  // A writer at full speed and a reader polling concurrently.
  std::atomic<bool> done{false};
  uint64_t got = 0, lost = 0;
  std::thread follower([&] {
    absl::StatusOr<EventRingReader> r = EventRingReader::Attach(
        pages, kFirstBulkPage, kRingPages, EventRingStart::kHead);
    while (r.ok()) {
      const bool last = done.load();
      absl::StatusOr<EventBatch> batch = r->Poll();
      if (!batch.ok()) continue;
      got += batch->events.size();
      lost += batch->lost;
      if (last && batch->events.empty()) break;
    }
  });
  start = absl::Now();
  for (uint64_t i = 0; i < kEvents; ++i) writer->Publish(TypicalEvent(i));
  done.store(true);
  follower.join();
  took = absl::Now() - start;
  std::printf(
      "concurrent: writer %.2f M events/s; reader got %llu, lost %llu\n",
      kEvents / absl::ToDoubleSeconds(took) / 1e6,
      static_cast<unsigned long long>(got),
      static_cast<unsigned long long>(lost));
  return 0;
}

}  // namespace
}  // namespace haywire

int main() { return haywire::Main(); }
