// Copyright 2026 The Haywire Authors.
//
// SearchMemory against companions that answer SEARCH_MEMORY honestly,
// evict its iterator, or misbehave: a search ends, completely or with a
// clear error, whatever the companion sends.

#include "haywire/host/memory_search.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

constexpr char kPattern[] = "needle";  // 6 bytes

MemoryMapping Mapping(uint64_t index) {
  MemoryMapping m;
  m.start = 0x100000 + index * 0x2000;
  m.end = m.start + 0x1000;
  m.perms = kMapRead;
  m.path = "/lib/x.so";
  return m;
}

// A chunk with hits at these offsets of Mapping(index).
HandlerResult Chunk(uint64_t index, const std::vector<uint64_t>& offsets,
                    uint64_t next, bool more, uint64_t iterator = 9) {
  SearchChunk chunk;
  if (!offsets.empty()) chunk.mappings.push_back(Mapping(index));
  for (uint64_t o : offsets) {
    chunk.hits.push_back({Mapping(index).start + o, "pre", "post"});
  }
  chunk.next_address = next;
  chunk.scanned_bytes = 0x1000;
  HandlerResult r;
  r.payload = EncodeMessage(chunk);
  if (more) {
    r.flags = kResponseMore;
    r.iterator_id = iterator;
  }
  return r;
}

struct Outcome {
  absl::StatusOr<MemorySearchSummary> summary;
  std::vector<uint64_t> hits;
};

Outcome SearchWith(TestCompanion& companion, MemorySearchOptions options = {},
                   int stop_after = -1) {
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  Outcome out;
  out.summary = SearchMemory(
      client, 77, kPattern, options, [&](const MemorySearchHit& hit) {
        out.hits.push_back(hit.address);
        EXPECT_EQ(hit.mapping->path, "/lib/x.so");
        return stop_after < 0 || static_cast<int>(out.hits.size()) < stop_after;
      });
  return out;
}

TEST(MemorySearchTest, HitsArriveInOrderAcrossChunksAndAResumption) {
  TestCompanion companion("resume");
  std::atomic<int> calls{0};
  std::atomic<uint64_t> resumed_from{0};
  companion.Handle<request::SearchMemory>(
      [&](const SearchMemoryRequest& r, const RequestContext&) {
        EXPECT_EQ(r.pattern, kPattern);
        const int call = calls++;
        if (call == 0) return Chunk(0, {0x10, 0x20}, Mapping(0).end, true);
        if (call == 1) {
          return ErrorResult(ResponseStatus::kIteratorExpired, "evicted");
        }
        resumed_from = r.from_address;
        return Chunk(1, {0x0, 0xff0}, Mapping(1).end, false);
      });
  Outcome out = SearchWith(companion);
  ASSERT_TRUE(out.summary.ok()) << out.summary.status();
  EXPECT_EQ(out.hits, (std::vector<uint64_t>{
                          Mapping(0).start + 0x10, Mapping(0).start + 0x20,
                          Mapping(1).start, Mapping(1).start + 0xff0}));
  EXPECT_EQ(out.summary->hits, 4u);
  EXPECT_EQ(out.summary->resumptions, 1u);
  EXPECT_EQ(resumed_from.load(), Mapping(0).end);
}

TEST(MemorySearchTest, AMissingProcessIsNoSuchProcess) {
  TestCompanion companion("missing");
  companion.Handle<request::SearchMemory>(
      [](const SearchMemoryRequest&, const RequestContext&) {
        return ErrorResult(ResponseStatus::kNoSuchProcess, "no process 77");
      });
  Outcome out = SearchWith(companion);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kNoSuchProcess);
  EXPECT_EQ(out.summary.status().message(),
            "no process with pid 77 in the guest");
}

TEST(MemorySearchTest, AHitThatRunsPastItsMappingFails) {
  TestCompanion companion("past-end");
  companion.Handle<request::SearchMemory>(
      [](const SearchMemoryRequest&, const RequestContext&) {
        return Chunk(0, {0xffc}, 0, false);  // 6 bytes from 4 before the end
      });
  Outcome out = SearchWith(companion);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(out.summary.status().message(),
                                "runs past its mapping's end"))
      << out.summary.status();
  EXPECT_TRUE(out.hits.empty());
}

TEST(MemorySearchTest, HitsThatGoBackOrOverlapFail) {
  for (const std::vector<uint64_t>& second :
       {std::vector<uint64_t>{0x10}, std::vector<uint64_t>{0x14}}) {
    TestCompanion companion("backwards");
    std::atomic<int> calls{0};
    companion.Handle<request::SearchMemory>(
        [&](const SearchMemoryRequest&, const RequestContext&) {
          // 0x14 overlaps the hit at 0x10 (6 bytes).
          return calls++ == 0 ? Chunk(0, {0x10}, Mapping(0).start + 0x16, true)
                              : Chunk(0, second, 0, false);
        });
    Outcome out = SearchWith(companion);
    EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
    EXPECT_TRUE(absl::StrContains(out.summary.status().message(), "goes back"))
        << out.summary.status();
  }
}

TEST(MemorySearchTest, AChunkWithoutProgressFails) {
  TestCompanion companion("no-progress");
  companion.Handle<request::SearchMemory>(
      [](const SearchMemoryRequest&, const RequestContext&) {
        return Chunk(0, {}, 0x5000, true);  // the same address every time
      });
  Outcome out = SearchWith(companion);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
  EXPECT_TRUE(
      absl::StrContains(out.summary.status().message(), "without progress"))
      << out.summary.status();
}

TEST(MemorySearchTest, MoreHitsThanAskedForFail) {
  TestCompanion companion("too-many");
  std::atomic<uint64_t> asked{0};
  companion.Handle<request::SearchMemory>(
      [&](const SearchMemoryRequest& r, const RequestContext&) {
        asked = r.max_hits;
        return Chunk(0, {0x0, 0x10, 0x20}, 0, false);
      });
  MemorySearchOptions options;
  options.max_hits = 2;
  Outcome out = SearchWith(companion, options);
  EXPECT_EQ(asked.load(), 2u);
  // The two asked for are delivered, then the third is refused.
  EXPECT_EQ(out.hits.size(), 2u);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(out.summary.status().message(),
                                "more than the 2 hits asked for"))
      << out.summary.status();
}

TEST(MemorySearchTest, AnEndlessSearchStopsAtTheHitLimit) {
  TestCompanion companion("endless");
  std::atomic<uint64_t> index{0};
  companion.Handle<request::SearchMemory>(
      [&](const SearchMemoryRequest&, const RequestContext&) {
        const uint64_t k = index++;
        return Chunk(k, {0x0, 0x100}, Mapping(k).end, true);
      });
  MemorySearchOptions options;
  options.hit_limit = 50;
  Outcome out = SearchWith(companion, options);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
  EXPECT_TRUE(
      absl::StrContains(out.summary.status().message(), "passes 50 hits"))
      << out.summary.status();
  EXPECT_EQ(out.hits.size(), 50u);
}

TEST(MemorySearchTest, AnEndlessSearchStopsAtTheTimeout) {
  TestCompanion companion("slow-endless");
  std::atomic<uint64_t> next{0x1000};
  companion.Handle<request::SearchMemory>(
      [&](const SearchMemoryRequest&, const RequestContext&) {
        return Chunk(0, {}, next += 0x1000, true);
      });
  MemorySearchOptions options;
  options.timeout = absl::Milliseconds(200);
  Outcome out = SearchWith(companion, options);
  EXPECT_EQ(FailureOf(out.summary.status()), Failure::kGuestError);
  EXPECT_TRUE(
      absl::StrContains(out.summary.status().message(), "did not end within"))
      << out.summary.status();
}

TEST(MemorySearchTest, TheCallerStopsTheSearchAndTheIteratorIsGivenBack) {
  TestCompanion companion("stop");
  std::atomic<int> cancelled{0};
  companion.Handle<request::SearchMemory>(
      [](const SearchMemoryRequest&, const RequestContext&) {
        return Chunk(0, {0x0, 0x10, 0x20}, Mapping(0).end, true, 31);
      });
  companion.Handle<request::CancelIteration>(
      [&](const IteratorRequest& r, const RequestContext&) {
        if (r.iterator_id == 31) ++cancelled;
        return HandlerResult{};
      });
  Outcome out = SearchWith(companion, {}, 2);
  ASSERT_TRUE(out.summary.ok()) << out.summary.status();
  EXPECT_TRUE(out.summary->stopped);
  EXPECT_EQ(out.hits.size(), 2u);
  EXPECT_EQ(cancelled.load(), 1);
}

}  // namespace
}  // namespace haywire
