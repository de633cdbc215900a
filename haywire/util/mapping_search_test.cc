// Copyright 2026 The Haywire Authors.

#include "haywire/util/mapping_search.h"

#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

constexpr uint64_t kBase = 0x10000;
constexpr uint64_t kPage = 4096;

struct Found {
  uint64_t address;
  std::string before;
  std::string after;
};

// A fake process memory: `bytes` at kBase, with unreadable pages.
struct FakeMemory {
  std::string bytes;
  std::vector<uint64_t> unreadable_pages;  // addresses of pages

  bool Readable(uint64_t a) const {
    for (uint64_t p : unreadable_pages) {
      if (a >= p && a < p + kPage) return false;
    }
    return a >= kBase && a < kBase + bytes.size();
  }

  // Like process_vm_readv: stops at the first unreadable byte.
  uint64_t Read(uint64_t address, uint64_t length, char* out, int* error) {
    uint64_t n = 0;
    while (n < length && Readable(address + n)) {
      out[n] = bytes[address + n - kBase];
      ++n;
    }
    if (n < length) *error = EFAULT;
    return n;
  }
};

// Searches the whole of `memory` block by block, stopping the sink every
// `stop_every` hits (0: never) as a full response would.
std::vector<Found> SearchAll(FakeMemory& memory, const std::string& pattern,
                             uint64_t block, uint64_t context, int stop_every,
                             uint64_t* unreadable = nullptr) {
  std::string buffer;
  MappingSearch search(pattern, block, kPage, context, &buffer);
  std::vector<Found> found;
  const uint64_t end = kBase + memory.bytes.size();
  uint64_t next = kBase;
  int since_stop = 0;
  uint64_t skipped = 0;
  int steps = 0;
  while (!search.Done(next, end)) {
    EXPECT_LT(++steps, 1'000'000) << "no progress";
    if (steps >= 1'000'000) break;
    const uint64_t before = next;
    MappingSearch::Step step = search.SearchBlock(
        kBase, end, &next,
        [&](uint64_t a, uint64_t n, char* out, int* e) {
          return memory.Read(a, n, out, e);
        },
        [&](uint64_t a, absl::string_view b, absl::string_view f) {
          if (stop_every != 0 && since_stop == stop_every) {
            since_stop = 0;
            return false;
          }
          ++since_stop;
          found.push_back({a, std::string(b), std::string(f)});
          return true;
        });
    EXPECT_EQ(step.error, 0);
    skipped += step.unreadable_bytes;
    if (!step.stopped) {
      EXPECT_GT(next, before);
    }
  }
  if (unreadable != nullptr) *unreadable = skipped;
  return found;
}

// Every non-overlapping occurrence, left to right, with its context, by
// brute force over the readable bytes.
std::vector<Found> Expected(const FakeMemory& memory,
                            const std::string& pattern, uint64_t context) {
  std::vector<Found> out;
  const uint64_t n = memory.bytes.size();
  for (uint64_t i = 0; i + pattern.size() <= n;) {
    bool ok = memory.bytes.compare(i, pattern.size(), pattern) == 0;
    for (uint64_t k = 0; ok && k < pattern.size(); ++k) {
      ok = memory.Readable(kBase + i + k);
    }
    if (!ok) {
      ++i;
      continue;
    }
    Found f{kBase + i, "", ""};
    for (uint64_t k = 1;
         k <= context && k <= i && memory.Readable(kBase + i - k); ++k) {
      f.before.insert(f.before.begin(), memory.bytes[i - k]);
    }
    for (uint64_t k = i + pattern.size();
         k < n && k < i + pattern.size() + context &&
         memory.Readable(kBase + k);
         ++k) {
      f.after.push_back(memory.bytes[k]);
    }
    out.push_back(f);
    i += pattern.size();
  }
  return out;
}

void ExpectSame(const std::vector<Found>& got, const std::vector<Found>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].address, want[i].address) << i;
    EXPECT_EQ(got[i].before, want[i].before) << i;
    EXPECT_EQ(got[i].after, want[i].after) << i;
  }
}

TEST(MappingSearchTest, FindsEveryCopyAcrossBlockBoundariesWithContext) {
  FakeMemory memory;
  memory.bytes.assign(10 * kPage, '.');
  const std::string pattern = "needle";
  // At the start, across every block boundary of 1000-byte blocks, at the
  // very end.
  std::vector<uint64_t> at = {0, 997, 1998, 2999, 5000, 10 * kPage - 6};
  for (uint64_t a : at) memory.bytes.replace(a, pattern.size(), pattern);
  const std::vector<Found> want = Expected(memory, pattern, 16);
  ASSERT_EQ(want.size(), at.size());
  ExpectSame(SearchAll(memory, pattern, 1000, 16, 0), want);
  // And when every block holds one position only, or the whole mapping.
  ExpectSame(SearchAll(memory, pattern, 1, 16, 0), want);
  ExpectSame(SearchAll(memory, pattern, 1 << 20, 16, 0), want);
}

TEST(MappingSearchTest, HitsDoNotOverlapLikeGrepO) {
  FakeMemory memory;
  memory.bytes = std::string(7, 'a') + std::string(kPage, '.');
  std::vector<Found> got = SearchAll(memory, "aa", 3, 4, 0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].address, kBase);
  EXPECT_EQ(got[1].address, kBase + 2);
  EXPECT_EQ(got[2].address, kBase + 4);
}

TEST(MappingSearchTest, ResumesAtARefusedHitWithoutLosingOrRepeating) {
  FakeMemory memory;
  std::mt19937 random(7);
  memory.bytes.resize(16 * kPage);
  for (char& c : memory.bytes) c = static_cast<char>('a' + random() % 3);
  for (const std::string pattern : {"ab", "abc", "cab", "a"}) {
    const std::vector<Found> want = Expected(memory, pattern, 5);
    ASSERT_GT(want.size(), 100u);
    for (int stop_every : {1, 2, 7}) {
      for (uint64_t block : {1ull, 9ull, 4096ull}) {
        SCOPED_TRACE(testing::Message() << pattern << " stop " << stop_every
                                        << " block " << block);
        ExpectSame(SearchAll(memory, pattern, block, 5, stop_every), want);
      }
    }
  }
}

TEST(MappingSearchTest, SkipsUnreadablePagesAndFindsHitsAroundThem) {
  FakeMemory memory;
  memory.bytes.assign(8 * kPage, '.');
  const std::string pattern = "XYZ";
  memory.bytes.replace(2 * kPage - 3, 3, pattern);  // ends at the hole
  memory.bytes.replace(3 * kPage, 3, pattern);      // starts after it
  memory.bytes.replace(4 * kPage - 1, 3, pattern);  // spans into the hole
  memory.bytes.replace(7 * kPage + 10, 3, pattern);
  memory.unreadable_pages = {kBase + 2 * kPage, kBase + 4 * kPage,
                             kBase + 5 * kPage};
  const std::vector<Found> want = Expected(memory, pattern, 8);
  ASSERT_EQ(want.size(), 3u);
  for (uint64_t block : {1ull, 100ull, 5000ull, 1ull << 20}) {
    uint64_t unreadable = 0;
    ExpectSame(SearchAll(memory, pattern, block, 8, 0, &unreadable), want);
    EXPECT_EQ(unreadable, 3 * kPage) << block;
  }
}

TEST(MappingSearchTest, AnUnreadableFirstPageAndAShortMapping) {
  FakeMemory memory;
  memory.bytes.assign(2 * kPage, 'q');
  memory.unreadable_pages = {kBase};
  memory.bytes.replace(kPage, 2, "qq");
  uint64_t unreadable = 0;
  std::vector<Found> got =
      SearchAll(memory, std::string(kPage, 'q'), 64, 4, 0, &unreadable);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].address, kBase + kPage);
  EXPECT_EQ(got[0].before, "");
  EXPECT_EQ(unreadable, kPage);

  // A mapping shorter than the pattern holds nothing.
  std::string buffer;
  MappingSearch search("longer than it", 64, kPage, 4, &buffer);
  EXPECT_TRUE(search.Done(kBase, kBase + 5));
  EXPECT_FALSE(search.Done(kBase, kBase + 14));
}

TEST(MappingSearchTest, AReadErrorOtherThanAFaultStopsTheSearch) {
  std::string buffer;
  MappingSearch search("x", 64, kPage, 4, &buffer);
  uint64_t next = kBase;
  MappingSearch::Step step = search.SearchBlock(
      kBase, kBase + kPage, &next,
      [](uint64_t, uint64_t, char*, int* e) -> uint64_t {
        *e = ESRCH;
        return 0;
      },
      [](uint64_t, absl::string_view, absl::string_view) { return true; });
  EXPECT_EQ(step.error, ESRCH);
  EXPECT_EQ(next, kBase);
}

}  // namespace
}  // namespace haywire
