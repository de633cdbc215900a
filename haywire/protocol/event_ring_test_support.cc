// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/event_ring_test_support.h"

#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/process_event.h"
#include "haywire/protocol/region.h"

namespace haywire {

ProcessEvent ExpectedEvent(uint64_t seq) {
  ProcessEvent e;
  e.kind = static_cast<ProcessEventKind>(1 + seq % 3);
  e.pid = static_cast<uint32_t>(seq * 7 + 1);
  e.ppid = static_cast<uint32_t>(seq);
  e.has_uid = seq % 2 == 0;
  e.uid = e.has_uid ? static_cast<uint32_t>(seq % 65536) : 0;
  e.guest_mono_ns = seq * 1000;
  e.guest_unix_ns = seq * 1000 + 1;
  e.has_exit_status = e.kind == ProcessEventKind::kExit;
  if (e.has_exit_status) {
    e.exit_code = static_cast<int32_t>(seq % 256);
    e.exit_signal = static_cast<int32_t>(seq % 5);
  }
  e.comm = absl::StrCat("c", seq);
  for (uint64_t i = 0; i < seq % 23; ++i) {
    e.args.push_back(std::string(1 + (seq + i) % 60, 'a' + i % 26));
  }
  return e;
}

// Empty string when `got` is the event of its sequence, else what differs.
std::string DiffFromExpected(const ProcessEvent& got) {
  const ProcessEvent want = ExpectedEvent(got.sequence);
  if (got.kind != want.kind || got.pid != want.pid || got.ppid != want.ppid ||
      got.has_uid != want.has_uid || got.uid != want.uid ||
      got.guest_mono_ns != want.guest_mono_ns ||
      got.guest_unix_ns != want.guest_unix_ns ||
      got.has_exit_status != want.has_exit_status ||
      got.exit_code != want.exit_code || got.exit_signal != want.exit_signal ||
      got.comm != want.comm || got.args != want.args) {
    return absl::StrCat(
        "event ", got.sequence, " differs (pid ", got.pid, ", comm ", got.comm,
        ", kind ", static_cast<int>(got.kind), " args ", got.args.size(), "/",
        want.args.size(), " uid ", got.has_uid, got.uid, " mono ",
        got.guest_mono_ns, " exit ", got.has_exit_status, got.exit_code,
        got.exit_signal, ")");
  }
  return "";
}

std::unique_ptr<TestRegion> RingRegion(uint32_t page_count, int fd) {
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = 1;
  identity.event_ring_first_page = kRingFirstPage;
  identity.event_ring_page_count = page_count - kRingFirstPage;
  absl::StatusOr<std::unique_ptr<TestRegion>> region =
      TestRegion::Create(page_count, 0x1234, identity, fd);
  EXPECT_TRUE(region.ok()) << region.status();
  return region.ok() ? *std::move(region) : nullptr;
}

EventRingWriter MakeWriter(const TestRegion& region, uint32_t ring_pages) {
  absl::StatusOr<EventRingWriter> writer = EventRingWriter::Create(
      region.pages(), kRingFirstPage, ring_pages, EventSource::kPidDiff);
  EXPECT_TRUE(writer.ok()) << writer.status();
  return *std::move(writer);
}

EventRingReader MakeReader(const TestRegion& region, uint32_t ring_pages,
                           EventRingStart start) {
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      region.pages(), kRingFirstPage, ring_pages, start);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return *std::move(reader);
}

}  // namespace haywire
