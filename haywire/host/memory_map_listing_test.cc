// Copyright 2026 The Haywire Authors.
//
// ListMemoryMap against companions that answer GET_MEMORY_MAP honestly,
// evict its iterator, or misbehave: a listing ends, completely or with a
// clear error, whatever the companion sends.

#include "haywire/host/memory_map_listing.h"

#include <atomic>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

MemoryMapping Mapping(uint64_t index) {
  MemoryMapping m;
  m.start = 0x10000 + index * 0x2000;
  m.end = m.start + 0x1000;
  m.perms = kMapRead;
  m.path = "/lib/x.so";
  m.rss_kb = index;
  return m;
}

HandlerResult Chunk(const std::vector<MemoryMapping>& mappings, bool more,
                    uint64_t iterator = 9) {
  WireWriter w(kResponsePayloadBytes);
  for (const MemoryMapping& m : mappings) EncodeMemoryMapping(m, &w);
  HandlerResult r;
  r.payload = w.data();
  if (more) {
    r.flags = kResponseMore;
    r.iterator_id = iterator;
  }
  return r;
}

absl::Status ListWith(TestCompanion& companion, MemoryMapLimits limits = {}) {
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  return ListMemoryMap(client, 77, limits).status();
}

TEST(MemoryMapListingTest, AnEvictedIteratorIsResumedAfterTheLastAddress) {
  TestCompanion companion("resume");
  std::atomic<int> calls{0};
  std::atomic<uint64_t> resumed_after{0};
  companion.Handle<request::GetMemoryMap>(
      [&](const MemoryMapRequest& r, const RequestContext&) {
        const int call = calls++;
        if (call == 0) return Chunk({Mapping(0), Mapping(1)}, true);
        if (call == 1) {
          return ErrorResult(ResponseStatus::kIteratorExpired, "evicted");
        }
        resumed_after = r.after_address.value_or(0);
        return Chunk({Mapping(2), Mapping(3)}, false);
      });
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  absl::StatusOr<MemoryMap> map = ListMemoryMap(client, 77);
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_EQ(map->mappings.size(), 4u);
  EXPECT_EQ(map->mappings[3].rss_kb, 3u);
  EXPECT_EQ(map->resumptions, 1u);
  EXPECT_EQ(resumed_after.load(), Mapping(1).end);
}

TEST(MemoryMapListingTest, AMissingProcessIsNoSuchProcess) {
  TestCompanion companion("missing");
  companion.Handle<request::GetMemoryMap>(
      [](const MemoryMapRequest&, const RequestContext&) {
        return ErrorResult(ResponseStatus::kNoSuchProcess, "no process 77");
      });
  const absl::Status s = ListWith(companion);
  EXPECT_EQ(FailureOf(s), Failure::kNoSuchProcess) << s;
  EXPECT_EQ(s.message(), "no process with pid 77 in the guest");
}

TEST(MemoryMapListingTest, AListingThatGoesBackwardsFails) {
  TestCompanion companion("backwards");
  std::atomic<int> calls{0};
  companion.Handle<request::GetMemoryMap>(
      [&](const MemoryMapRequest&, const RequestContext&) {
        return calls++ == 0 ? Chunk({Mapping(5)}, true)
                            : Chunk({Mapping(4)}, false);
      });
  const absl::Status s = ListWith(companion);
  EXPECT_EQ(FailureOf(s), Failure::kGuestError) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "goes back")) << s;
}

TEST(MemoryMapListingTest, AListingWithoutProgressFails) {
  TestCompanion companion("no-progress");
  companion.Handle<request::GetMemoryMap>(
      [](const MemoryMapRequest&, const RequestContext&) {
        return Chunk({}, true);
      });
  const absl::Status s = ListWith(companion);
  EXPECT_TRUE(absl::StrContains(s.message(), "without new mappings")) << s;
}

// Resumed after its last address, a companion that starts over: the
// repeated mappings go back, and the listing fails instead of going round.
TEST(MemoryMapListingTest, AResumptionThatStartsOverFails) {
  TestCompanion companion("expiring");
  companion.Handle<request::GetMemoryMap>(
      [](const MemoryMapRequest& r, const RequestContext&) {
        if (r.iterator_id.has_value()) {
          return ErrorResult(ResponseStatus::kIteratorExpired, "evicted");
        }
        return Chunk({Mapping(1)}, true);  // the same mapping every time
      });
  const absl::Status s = ListWith(companion);
  EXPECT_EQ(FailureOf(s), Failure::kGuestError) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "goes back")) << s;
}

TEST(MemoryMapListingTest, AnEndlessListingStopsAtTheMappingCap) {
  TestCompanion companion("endless");
  std::atomic<uint64_t> next{0};
  companion.Handle<request::GetMemoryMap>(
      [&](const MemoryMapRequest&, const RequestContext&) {
        std::vector<MemoryMapping> chunk;
        for (int i = 0; i < 10; ++i) chunk.push_back(Mapping(next++));
        return Chunk(chunk, true);
      });
  MemoryMapLimits limits;
  limits.max_mappings = 1000;
  const absl::Status s = ListWith(companion, limits);
  EXPECT_TRUE(absl::StrContains(s.message(), "passed 1000 mappings")) << s;
  EXPECT_LE(next.load(), 1010u);
}

TEST(MemoryMapListingTest, AnEndlessListingStopsAtItsTimeLimit) {
  TestCompanion companion("slow-endless");
  std::atomic<uint64_t> next{0};
  companion.Handle<request::GetMemoryMap>(
      [&](const MemoryMapRequest&, const RequestContext&) {
        return Chunk({Mapping(next++)}, true);
      });
  MemoryMapLimits limits;
  limits.timeout = absl::Milliseconds(300);
  const absl::Status s = ListWith(companion, limits);
  EXPECT_EQ(FailureOf(s), Failure::kGuestError) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "did not end within")) << s;
  EXPECT_GT(next.load(), 1u);
}

}  // namespace
}  // namespace haywire
