// Copyright 2026 The Haywire Authors.
//
// MemoryService over generated proc trees: a map listing over many chunks
// equals the file, resumes after an address, and refuses unknown pids and
// foreign, mismatched or other-type iterators.

#include "guest/memory_service.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "guest/iterator_table.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"

namespace haywire {
namespace {

constexpr uint32_t kHost = 4242;

class MemoryServiceTest : public ::testing::Test {
 protected:
  MemoryServiceTest()
      : root_(absl::StrCat(
            std::getenv("TEST_TMPDIR"), "/proc-",
            ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        table_(nullptr, 7),
        service_(root_, &table_) {}

  void WriteSmaps(uint32_t pid, const std::string& text) {
    std::filesystem::create_directories(absl::StrCat(root_, "/", pid));
    std::ofstream(absl::StrCat(root_, "/", pid, "/smaps")) << text;
  }

  static std::string Mappings(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
      const uint64_t start = 0x400000 + uint64_t(i) * 0x2000;
      absl::StrAppendFormat(&text,
                            "%x-%x rw-p 00000000 00:00 0 \nSize: 8 kB\n"
                            "Rss: %d kB\n",
                            start, start + 0x1000, i);
    }
    return text;
  }

  HandlerResult Ask(const MemoryMapRequest& request, uint32_t host = kHost) {
    return service_.Map(request, RequestContext{.host_pid = host});
  }

  // Every mapping of `pid`, following the iterator; counts the chunks.
  std::vector<MemoryMapping> ListAll(uint32_t pid, int* chunks,
                                     MemoryMapRequest first = {}) {
    first.pid = pid;
    std::vector<MemoryMapping> all;
    HandlerResult r = Ask(first);
    for (*chunks = 1;; ++*chunks) {
      EXPECT_EQ(r.status, ResponseStatus::kOk) << DecodeErrorMessage(r.payload);
      absl::StatusOr<MemoryMapChunk> chunk =
          DecodeMessage<MemoryMapChunk>(r.payload);
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (!chunk.ok()) return all;
      all.insert(all.end(), chunk->mappings.begin(), chunk->mappings.end());
      if ((r.flags & kResponseMore) == 0) return all;
      EXPECT_FALSE(chunk->mappings.empty()) << "a chunk without progress";
      MemoryMapRequest next;
      next.pid = pid;
      next.iterator_id = r.iterator_id;
      r = Ask(next);
    }
  }

  const std::string root_;
  IteratorTable table_;
  MemoryService service_;
};

TEST_F(MemoryServiceTest, AListingOverManyChunksHasEveryMappingOnce) {
  WriteSmaps(100, Mappings(5000));
  int chunks = 0;
  const std::vector<MemoryMapping> all = ListAll(100, &chunks);
  ASSERT_EQ(all.size(), 5000u);
  EXPECT_GT(chunks, 20);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].start, 0x400000 + i * 0x2000);
    EXPECT_EQ(all[i].rss_kb, i);
  }
  EXPECT_EQ(table_.in_use(), 0u) << "the finished iterator is freed";
}

TEST_F(MemoryServiceTest, AResumptionStartsAfterTheAddress) {
  WriteSmaps(100, Mappings(300));
  MemoryMapRequest resume;
  resume.after_address = 0x400000 + 100 * 0x2000 + 0x800;  // inside #100
  int chunks = 0;
  const std::vector<MemoryMapping> rest = ListAll(100, &chunks, resume);
  ASSERT_EQ(rest.size(), 200u);
  EXPECT_EQ(rest.front().start, 0x400000u + 100 * 0x2000);
}

TEST_F(MemoryServiceTest, AKernelThreadHasOneEmptyChunk) {
  WriteSmaps(2, "");
  int chunks = 0;
  EXPECT_TRUE(ListAll(2, &chunks).empty());
  EXPECT_EQ(chunks, 1);
  EXPECT_EQ(table_.in_use(), 0u);
}

TEST_F(MemoryServiceTest, AnUnknownPidIsNoSuchProcess) {
  MemoryMapRequest r;
  r.pid = 4194305;
  const HandlerResult result = Ask(r);
  EXPECT_EQ(result.status, ResponseStatus::kNoSuchProcess);
  EXPECT_EQ(DecodeErrorMessage(result.payload), "no process 4194305");
}

TEST_F(MemoryServiceTest, IteratorsAreTheOwnersForTheirPidAndType) {
  WriteSmaps(100, Mappings(3000));
  WriteSmaps(101, Mappings(10));
  MemoryMapRequest first;
  first.pid = 100;
  const HandlerResult started = Ask(first);
  ASSERT_NE(started.flags & kResponseMore, 0u);
  MemoryMapRequest next;
  next.pid = 100;
  next.iterator_id = started.iterator_id;
  EXPECT_EQ(Ask(next, kHost + 1).status, ResponseStatus::kIteratorExpired)
      << "another host's iterator";
  MemoryMapRequest other_pid = next;
  other_pid.pid = 101;
  EXPECT_EQ(Ask(other_pid).status, ResponseStatus::kIteratorExpired);
  MemoryMapRequest unknown = next;
  unknown.iterator_id = started.iterator_id + 1;
  EXPECT_EQ(Ask(unknown).status, ResponseStatus::kIteratorExpired);
  // A process listing cannot be continued as a map, nor a map as a
  // process listing.
  ListingIterator* listing = table_.Create(kHost, std::vector<uint32_t>{1, 2},
                                           /*now_ns=*/1);
  MemoryMapRequest as_map = next;
  as_map.iterator_id = listing->id;
  EXPECT_EQ(Ask(as_map).status, ResponseStatus::kIteratorExpired);
  EXPECT_EQ(table_.Find(started.iterator_id, kHost, 2), nullptr);
  // The owner's continuation still works after all that.
  EXPECT_EQ(Ask(next).status, ResponseStatus::kOk);
}

TEST_F(MemoryServiceTest, AMalformedSmapsFailsAndFreesTheIterator) {
  WriteSmaps(100, Mappings(2000) + "2000-1000 r--p 0 08:01 1 /x\n");
  MemoryMapRequest r;
  r.pid = 100;
  HandlerResult result = Ask(r);
  while (result.status == ResponseStatus::kOk &&
         (result.flags & kResponseMore) != 0) {
    r.iterator_id = result.iterator_id;
    result = Ask(r);
  }
  EXPECT_EQ(result.status, ResponseStatus::kInternalError);
  EXPECT_EQ(DecodeErrorMessage(result.payload)
                .rfind("cannot read the mappings of process 100: ", 0),
            0u)
      << DecodeErrorMessage(result.payload);
  EXPECT_EQ(table_.in_use(), 0u);
}

}  // namespace
}  // namespace haywire

namespace haywire {
namespace {

// SEARCH_MEMORY over this test's own memory: smaps (generated) names
// buffers of this process, which the service reads with process_vm_readv.
class MemorySearchServiceTest : public MemoryServiceTest {
 protected:
  MemorySearchServiceTest() {
    buffer_ = static_cast<char*>(::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    std::memset(buffer_, '.', kBytes);
  }
  ~MemorySearchServiceTest() override { ::munmap(buffer_, kBytes); }

  // smaps of this process: the buffer (readable), then the same range
  // listed again as unreadable and as [vvar] further up (never searched).
  // `resident`: the buffer's smaps entry counts resident pages (an
  // anonymous mapping without any is not searched).
  void WriteOwnSmaps(bool resident = true) {
    const uint64_t a = reinterpret_cast<uintptr_t>(buffer_);
    WriteSmaps(Self(),
               absl::StrFormat("%x-%x rw-p 00000000 00:00 0 \n"
                               "Size: 3072 kB\n"
                               "Rss: %d kB\n"
                               "%x-%x ---p 00000000 00:00 0 \n"
                               "%x-%x r--p 00000000 00:00 0 [vvar]\n",
                               a, a + kBytes, resident ? 3072 : 0, a + kBytes,
                               a + kBytes + 0x1000, a + kBytes + 0x1000,
                               a + kBytes + 0x2000));
  }

  static uint32_t Self() { return static_cast<uint32_t>(::getpid()); }

  HandlerResult AskSearch(const SearchMemoryRequest& request) {
    return service_.Search(request, RequestContext{.host_pid = kHost});
  }

  // Every hit, following the iterator.
  std::vector<uint64_t> SearchAll(SearchMemoryRequest request, int* chunks) {
    request.pid = Self();
    std::vector<uint64_t> hits;
    HandlerResult r = AskSearch(request);
    for (*chunks = 1;; ++*chunks) {
      EXPECT_EQ(r.status, ResponseStatus::kOk) << DecodeErrorMessage(r.payload);
      absl::StatusOr<SearchChunk> chunk = DecodeMessage<SearchChunk>(r.payload);
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (!chunk.ok()) return hits;
      for (const SearchHit& h : chunk->hits) hits.push_back(h.address);
      if ((r.flags & kResponseMore) == 0) return hits;
      request.iterator_id = r.iterator_id;
      r = AskSearch(request);
    }
  }

  static constexpr size_t kBytes = 3 << 20;
  char* buffer_;
};

TEST_F(MemorySearchServiceTest, FindsEveryCopyInReadableMappingsOnly) {
  const std::string needle = "n33dle-in-a-test";
  const std::vector<size_t> at = {0, 4093, (1 << 20) - 3, kBytes - 16};
  for (size_t o : at) std::memcpy(buffer_ + o, needle.data(), needle.size());
  WriteOwnSmaps();
  SearchMemoryRequest request;
  request.pattern = needle;
  int chunks = 0;
  const std::vector<uint64_t> hits = SearchAll(request, &chunks);
  std::vector<uint64_t> want;
  for (size_t o : at) want.push_back(reinterpret_cast<uintptr_t>(buffer_) + o);
  EXPECT_EQ(hits, want);
  EXPECT_EQ(table_.in_use(), 0u) << "the finished iterator is freed";
}

TEST_F(MemorySearchServiceTest, AnonymousMemoryWithNothingResidentIsSkipped) {
  std::memcpy(buffer_ + 100, "n33dle", 6);
  WriteOwnSmaps(/*resident=*/false);
  SearchMemoryRequest request;
  request.pattern = "n33dle";
  int chunks = 0;
  EXPECT_TRUE(SearchAll(request, &chunks).empty());
}

TEST_F(MemorySearchServiceTest, ManyHitsTakeManyChunksAndMaxHitsEndsIt) {
  for (size_t i = 0; i < 20000; ++i) std::memcpy(buffer_ + 8 * i, "hit!", 4);
  WriteOwnSmaps();
  SearchMemoryRequest request;
  request.pattern = "hit!";
  int chunks = 0;
  const std::vector<uint64_t> hits = SearchAll(request, &chunks);
  ASSERT_EQ(hits.size(), 20000u);
  EXPECT_GT(chunks, 50);
  for (size_t i = 0; i < hits.size(); ++i) {
    ASSERT_EQ(hits[i], reinterpret_cast<uintptr_t>(buffer_) + 8 * i);
  }
  request.max_hits = 777;
  EXPECT_EQ(SearchAll(request, &chunks).size(), 777u);
  EXPECT_EQ(table_.in_use(), 0u);
  // A resumption from an address finds the rest.
  request.max_hits = 0;
  request.from_address = hits[19990];
  EXPECT_EQ(SearchAll(request, &chunks),
            std::vector<uint64_t>(hits.begin() + 19990, hits.end()));
}

TEST_F(MemorySearchServiceTest, AnIteratorOfAnotherPatternIsExpired) {
  for (size_t i = 0; i < 20000; ++i) std::memcpy(buffer_ + 8 * i, "hit!", 4);
  WriteOwnSmaps();
  SearchMemoryRequest request;
  request.pid = Self();
  request.pattern = "hit!";
  const HandlerResult first = AskSearch(request);
  ASSERT_NE(first.flags & kResponseMore, 0u);
  request.iterator_id = first.iterator_id;
  request.pattern = "hit?";
  EXPECT_EQ(AskSearch(request).status, ResponseStatus::kIteratorExpired);
  // Nor does a map listing continue it.
  MemoryMapRequest map;
  map.pid = Self();
  map.iterator_id = first.iterator_id;
  EXPECT_EQ(Ask(map).status, ResponseStatus::kIteratorExpired);
}

TEST_F(MemorySearchServiceTest, AKernelThreadAndAMissingProcess) {
  WriteSmaps(2, "");
  SearchMemoryRequest request;
  request.pid = 2;
  request.pattern = "x";
  HandlerResult r = AskSearch(request);
  EXPECT_EQ(r.status, ResponseStatus::kOk);
  EXPECT_EQ(r.flags & kResponseMore, 0u);
  absl::StatusOr<SearchChunk> chunk = DecodeMessage<SearchChunk>(r.payload);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_TRUE(chunk->hits.empty());
  EXPECT_EQ(chunk->scanned_bytes, 0u);
  request.pid = 4194305;
  EXPECT_EQ(AskSearch(request).status, ResponseStatus::kNoSuchProcess);
}

}  // namespace
}  // namespace haywire
