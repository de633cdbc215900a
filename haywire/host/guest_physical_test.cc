// Copyright 2026 The Haywire Authors.
//
// Direct reads against a companion that serves GET_PAGE_MAP over a
// simulated RAM file: the region's frames calibrate the layout; a
// process's pages, planted at known frames of the file, read back exactly;
// a page whose frame moves between the two translations is read again
// from its new frame; pages not present, swapped, or outside guest RAM
// stop the read there; lying answers fail clearly.

#include "haywire/host/guest_physical.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kPid = 42;
constexpr uint64_t kBase = 0x7f0000000000;  // the process's buffer

class GuestPhysicalTest : public ::testing::Test {
 protected:
  GuestPhysicalTest() : companion_("physical") {
    windows_ = companion_.UseBulkWindows();
    companion_.Handle<request::GetPageMap>(
        [this](const PageMapRequest& r, const RequestContext& c) {
          return Answer(r, c);
        });
  }

  // The handler's data (the members below the companion) outlives its
  // thread.
  ~GuestPhysicalTest() override { companion_.Stop(); }

  // Serves the region's frames (their file offsets: an identity layout)
  // and the process's entries, page by page from kBase.
  HandlerResult Answer(const PageMapRequest& r, const RequestContext& c) {
    std::vector<uint64_t> entries;
    const uint64_t most = windows_.capacity() / kPageMapEntryBytes;
    if (r.pid == 0) {
      const std::vector<uint64_t>& offsets = companion_.page_offsets();
      for (uint64_t i = r.first_page;
           i < offsets.size() && entries.size() < most; ++i) {
        entries.push_back(kPageMapPresent | offsets[i] / kPage);
      }
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      bool covers_move = false;
      for (uint64_t p = r.first_page;
           p < r.first_page + r.pages && entries.size() < most; ++p) {
        const uint64_t k = p - kBase / kPage;
        entries.push_back(
            p >= kBase / kPage && k < process_.size() ? process_[k] : 0);
        covers_move |= move_page_ >= 0 && p >= kBase / kPage &&
                       k == static_cast<uint64_t>(move_page_);
      }
      // The page moves right after its first translation.
      if (covers_move && ++move_translations_ == 1) {
        process_[move_page_] = kPageMapPresent | moved_to_frame_;
      }
    }
    CopyToWindow(companion_.region(), windows_, c.slot,
                 reinterpret_cast<const char*>(entries.data()),
                 entries.size() * kPageMapEntryBytes);
    PageMapResponse response;
    response.pages = lie_pages_ ? entries.size() + 1 : entries.size();
    response.page_bytes = kPage;
    return Respond<request::GetPageMap>(response);
  }

  // A frame of the RAM file that holds no region page, filled with `fill`.
  uint64_t PlantFrame(char fill) {
    const std::vector<uint64_t>& offsets = companion_.page_offsets();
    const std::set<uint64_t> used(offsets.begin(), offsets.end());
    while (used.count(next_frame_ * kPage) > 0) ++next_frame_;
    const uint64_t frame = next_frame_++;
    const std::string bytes(kPage, fill);
    const int fd = ::open(companion_.path().c_str(), O_WRONLY);
    EXPECT_EQ(::pwrite(fd, bytes.data(), kPage, frame * kPage),
              static_cast<ssize_t>(kPage));
    ::close(fd);
    return frame;
  }

  TestCompanion companion_;
  BulkWindowLayout windows_;
  std::mutex mu_;
  std::vector<uint64_t> process_;  // entries from kBase
  int move_page_ = -1;
  int move_translations_ = 0;  // translations of move_page_
  uint64_t moved_to_frame_ = 0;
  bool lie_pages_ = false;
  uint64_t next_frame_ = 100;
};

TEST_F(GuestPhysicalTest, CalibratesAndReadsPlantedPagesExactly) {
  std::string want;
  for (char fill : {'a', 'b', 'c', 'd'}) {
    process_.push_back(kPageMapPresent | PlantFrame(fill));
    want += std::string(kPage, fill);
  }
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->machine, "x86 (pc/q35)");
  EXPECT_EQ(layout->confirming_pairs, companion_.page_offsets().size());

  std::string out(want.size() - 150, '\0');
  DirectReader reader(client, session, *layout, kPid, kPage);
  absl::StatusOr<DirectRead> got =
      reader.Read(kBase + 100, out.size(), out.data());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->stopped_at.has_value());
  EXPECT_EQ(got->bytes, out.size());
  EXPECT_TRUE(out == want.substr(100, out.size()));
}

TEST_F(GuestPhysicalTest, APageThatMovesIsReadAgainFromItsNewFrame) {
  process_ = {kPageMapPresent | PlantFrame('x'),
              kPageMapPresent | PlantFrame('y')};
  move_page_ = 1;
  moved_to_frame_ = PlantFrame('z');
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  ASSERT_TRUE(layout.ok()) << layout.status();
  std::string out(2 * kPage, '\0');
  DirectReader reader(client, session, *layout, kPid, kPage);
  absl::StatusOr<DirectRead> got = reader.Read(kBase, out.size(), out.data());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->pages_read_again, 1u);
  EXPECT_TRUE(out == std::string(kPage, 'x') + std::string(kPage, 'z'));
}

TEST_F(GuestPhysicalTest, PagesNotInGuestRamStopTheRead) {
  struct Case {
    uint64_t entry;
    const char* why;
  } cases[] = {
      {0, "not present"},
      {kPageMapSwapped, "swapped out"},
      {kPageMapPresent | (1ull << 40), "outside the guest RAM"},
  };
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  ASSERT_TRUE(layout.ok()) << layout.status();
  for (const Case& c : cases) {
    const uint64_t frame = PlantFrame('p');
    {
      std::lock_guard<std::mutex> lock(mu_);
      process_ = {kPageMapPresent | frame, c.entry};
    }
    std::string out(2 * kPage, '\0');
    DirectReader reader(client, session, *layout, kPid, kPage);
    absl::StatusOr<DirectRead> got = reader.Read(kBase, out.size(), out.data());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->bytes, kPage) << c.why;
    EXPECT_EQ(got->stopped_at, kBase + kPage);
    EXPECT_TRUE(absl::StrContains(got->why, c.why)) << got->why;
    EXPECT_EQ(out.substr(0, kPage), std::string(kPage, 'p'));
  }
}

TEST_F(GuestPhysicalTest, ReadPresentReadsEveryPageInRamAroundTheGaps) {
  // Frames out of order (c before b) and a page not in RAM between.
  const uint64_t a = PlantFrame('a');
  const uint64_t c = PlantFrame('c');
  const uint64_t b = PlantFrame('b');
  process_ = {kPageMapPresent | a, 0, kPageMapPresent | b, kPageMapPresent | c,
              kPageMapSwapped};
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  absl::StatusOr<DirectReader> reader =
      DirectReader::Create(client, session, kPid);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->page_bytes(), kPage);
  std::string out(5 * kPage, '-');
  absl::StatusOr<PagesRead> got =
      reader->ReadPresent(kBase, out.size(), out.data());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->first_page, kBase / kPage);
  EXPECT_EQ(got->states,
            (std::vector<PageState>{PageState::kRead, PageState::kNotPresent,
                                    PageState::kRead, PageState::kRead,
                                    PageState::kSwapped}));
  EXPECT_TRUE(out == std::string(kPage, 'a') + std::string(kPage, '-') +
                         std::string(kPage, 'b') + std::string(kPage, 'c') +
                         std::string(kPage, '-'));
  EXPECT_EQ(reader->Why(*got, 1), "not present in guest RAM");
  EXPECT_EQ(reader->Why(*got, 4), "swapped out");
}

TEST_F(GuestPhysicalTest, ALongReadTranslatesInWindowsAndRereadsMovedPages) {
  // 2600 pages: more entries than one bulk window holds, so each
  // translation takes several requests. Page 1500 is not in RAM; page
  // 2100 moves between its first translation and its second.
  constexpr size_t kPages = 2600;
  std::string want(kPages * kPage, '-');
  for (size_t k = 0; k < kPages; ++k) {
    if (k == 1500) {
      process_.push_back(0);
      continue;
    }
    const char fill = static_cast<char>('A' + k % 26);
    process_.push_back(kPageMapPresent | PlantFrame(fill));
    want.replace(k * kPage, kPage, kPage, fill);
  }
  move_page_ = 2100;
  moved_to_frame_ = PlantFrame('z');
  want.replace(2100 * kPage, kPage, kPage, 'z');
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  ASSERT_TRUE(layout.ok()) << layout.status();
  DirectReader reader(client, session, *layout, kPid, kPage);
  std::string out(want.size(), '-');
  absl::StatusOr<PagesRead> got =
      reader.ReadPresent(kBase, out.size(), out.data());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->pages_read_again, 1u);
  ASSERT_EQ(got->states.size(), kPages);
  for (size_t k = 0; k < kPages; ++k) {
    EXPECT_EQ(got->states[k],
              k == 1500 ? PageState::kNotPresent : PageState::kRead)
        << k;
  }
  EXPECT_TRUE(out == want);
  // Page 2100 was translated before it was read, after (it had moved),
  // and once more after it was read again.
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(move_translations_, 3);
}

TEST_F(GuestPhysicalTest, AnAnswerClaimingMoreEntriesThanAskedFails) {
  process_ = {kPageMapPresent | PlantFrame('q')};
  lie_pages_ = true;
  companion_.Start();
  LiveSession session = companion_.Connect();
  Client client(&session, Quick());
  std::vector<uint64_t> entries;
  const absl::Status s =
      client.GetPageMap(kPid, kBase / kPage, 1, &entries).status();
  EXPECT_EQ(FailureOf(s), Failure::kGuestError) << s;
  EXPECT_TRUE(entries.empty());
}

}  // namespace
}  // namespace haywire
