// Copyright 2026 The Haywire Authors.
//
// SearchMemoryDirect against a companion that lists mappings and
// translates pages over a simulated RAM file, with a process's pages
// planted at known frames: hits are found in pages in guest RAM, across
// a page and across the search's 16 MiB window, never through a page
// that is not in guest RAM; mappings with nothing resident or no read
// permission are not translated.

#include "haywire/host/direct_search.h"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/guest_physical.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kPid = 42;
constexpr uint64_t kBase = 0x7f0000000000;
// Mapping A: 16 MiB and 4 pages, so that the search needs two windows.
constexpr uint64_t kPagesA = 4100;
constexpr uint64_t kBaseB = kBase + 0x10000000;  // nothing resident
constexpr uint64_t kBaseC = kBase + 0x20000000;  // not readable
constexpr char kNeedle[] = "needle-0123456789";
constexpr uint64_t kNeedleBytes = sizeof(kNeedle) - 1;

class DirectSearchTest : public ::testing::Test {
 protected:
  DirectSearchTest() : companion_("direct-search") {
    windows_ = companion_.UseBulkWindows();
    companion_.Handle<request::GetPageMap>(
        [this](const PageMapRequest& r, const RequestContext& c) {
          return Translate(r, c);
        });
    companion_.Handle<request::GetMemoryMap>(
        [this](const MemoryMapRequest&, const RequestContext&) {
          WireWriter w(kResponsePayloadBytes);
          for (const MemoryMapping& m : mappings_) EncodeMemoryMapping(m, &w);
          HandlerResult result;
          result.payload = w.data();
          return result;
        });
    mappings_.push_back(Mapping(kBase, kPagesA, kMapRead | kMapWrite, 64));
    mappings_.push_back(Mapping(kBaseB, 1, kMapRead, 0));
    mappings_.push_back(Mapping(kBaseC, 1, 0, 4));
  }
  ~DirectSearchTest() override { companion_.Stop(); }

  static MemoryMapping Mapping(uint64_t start, uint64_t pages, uint32_t perms,
                               uint64_t rss_kb) {
    MemoryMapping m;
    m.start = start;
    m.end = start + pages * kPage;
    m.perms = perms;
    m.rss_kb = rss_kb;
    m.path = "[heap]";
    return m;
  }

  HandlerResult Translate(const PageMapRequest& r, const RequestContext& c) {
    std::vector<uint64_t> entries;
    const uint64_t most = windows_.capacity() / kPageMapEntryBytes;
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t p = r.first_page;
         p < r.first_page + r.pages && entries.size() < most; ++p) {
      if (r.pid == 0) {
        const std::vector<uint64_t>& offsets = companion_.page_offsets();
        if (p >= offsets.size()) break;
        entries.push_back(kPageMapPresent | offsets[p] / kPage);
        continue;
      }
      if (p * kPage >= kBaseB) translated_elsewhere_ = true;
      auto it = frames_.find(p * kPage);
      entries.push_back(it == frames_.end() ? 0 : kPageMapPresent | it->second);
    }
    CopyToWindow(companion_.region(), windows_, c.slot,
                 reinterpret_cast<const char*>(entries.data()),
                 entries.size() * kPageMapEntryBytes);
    PageMapResponse response;
    response.pages = entries.size();
    response.page_bytes = kPage;
    return Respond<request::GetPageMap>(response);
  }

  // Backs the process's page at `address` with a free frame of the RAM
  // file holding `bytes` (one page).
  void Plant(uint64_t address, const std::string& bytes) {
    const std::vector<uint64_t>& offsets = companion_.page_offsets();
    const std::set<uint64_t> used(offsets.begin(), offsets.end());
    while (used.count(next_frame_ * kPage) > 0) ++next_frame_;
    const int fd = ::open(companion_.path().c_str(), O_WRONLY);
    ASSERT_EQ(::pwrite(fd, bytes.data(), kPage, next_frame_ * kPage),
              static_cast<ssize_t>(kPage));
    ::close(fd);
    frames_[address] = next_frame_++;
  }

  struct Hit {
    uint64_t address;
    uint64_t mapping_start;
    std::string before;
    std::string after;
  };

  absl::StatusOr<MemorySearchSummary> Search(uint64_t max_hits,
                                             std::vector<Hit>* hits) {
    companion_.Start();
    session_ = companion_.Connect();
    client_ = std::make_unique<Client>(&session_, Quick());
    absl::StatusOr<DirectReader> reader =
        DirectReader::Create(*client_, session_, kPid);
    if (!reader.ok()) return reader.status();
    MemorySearchOptions options;
    options.max_hits = max_hits;
    return SearchMemoryDirect(
        *reader, kNeedle, options, [&](const MemorySearchHit& h) {
          hits->push_back({h.address, h.mapping->start, std::string(h.before),
                           std::string(h.after)});
          return true;
        });
  }

  TestCompanion companion_;
  BulkWindowLayout windows_;
  std::vector<MemoryMapping> mappings_;
  std::mutex mu_;
  std::map<uint64_t, uint64_t> frames_;  // process page -> frame
  bool translated_elsewhere_ = false;
  uint64_t next_frame_ = 100;
  LiveSession session_;
  std::unique_ptr<Client> client_;
};

// A page of `fill` with `needle` written at `offset` (cut at the page end).
std::string PageWith(char fill, uint64_t offset, absl::string_view needle) {
  std::string page(kPage, fill);
  const absl::string_view part = needle.substr(0, kPage - offset);
  page.replace(offset, part.size(), part.data(), part.size());
  return page;
}

TEST_F(DirectSearchTest, FindsHitsInRamAcrossPagesAndWindowsOnly) {
  const std::string needle(kNeedle);
  // Page 0: a hit. Page 1 ends with the needle's first 8 bytes; page 2 is
  // not in guest RAM: no hit there.
  Plant(kBase, PageWith('a', 100, needle));
  Plant(kBase + kPage, PageWith('b', kPage - 8, needle));
  // Pages 4095 and 4096: a hit across them, where the first 16 MiB window
  // ends.
  const uint64_t last = kBase + 4095 * kPage;
  Plant(last, PageWith('c', kPage - 5, needle));
  Plant(last + kPage, std::string(needle.substr(5)) +
                          std::string(kPage - (kNeedleBytes - 5), 'd'));
  // Mapping B holds a needle, but smaps counts nothing resident; C is not
  // readable.
  Plant(kBaseB, PageWith('e', 0, needle));
  Plant(kBaseC, PageWith('f', 0, needle));

  std::vector<Hit> hits;
  absl::StatusOr<MemorySearchSummary> summary = Search(0, &hits);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].address, kBase + 100);
  EXPECT_EQ(hits[0].mapping_start, kBase);
  EXPECT_EQ(hits[0].before, std::string(16, 'a'));
  EXPECT_EQ(hits[0].after, std::string(16, 'a'));
  EXPECT_EQ(hits[1].address, last + kPage - 5);
  EXPECT_EQ(hits[1].before, std::string(16, 'c'));
  EXPECT_EQ(hits[1].after, std::string(16, 'd'));
  EXPECT_EQ(summary->hits, 2u);
  // Every page of A but the four planted ones is not in guest RAM.
  EXPECT_EQ(summary->unreadable_bytes, (kPagesA - 4) * kPage);
  EXPECT_FALSE(translated_elsewhere_);
}

TEST_F(DirectSearchTest, StopsAtMaxHits) {
  Plant(kBase, PageWith('a', 100, kNeedle));
  Plant(kBase + kPage, PageWith('b', 200, kNeedle));
  std::vector<Hit> hits;
  absl::StatusOr<MemorySearchSummary> summary = Search(1, &hits);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].address, kBase + 100);
  EXPECT_TRUE(summary->max_hits_reached);
}

}  // namespace
}  // namespace haywire
