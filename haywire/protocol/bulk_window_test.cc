// Copyright 2026 The Haywire Authors.
//
// Bulk windows: where a beacon may put them, and bytes that go into a
// slot's window come out of it, across page boundaries, without touching
// the pages' headers or another slot's window.

#include "haywire/protocol/bulk_window.h"

#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/page_header.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

TEST(BulkWindowTest, LayoutArithmetic) {
  const BulkWindowLayout w{100, 3};
  EXPECT_TRUE(w.present());
  EXPECT_EQ(w.capacity(), 3u * 4032);
  EXPECT_EQ(w.page(0, 0), 100u);
  EXPECT_EQ(w.page(2, 1), 107u);
  EXPECT_EQ(w.total_pages(), 48u);
  EXPECT_FALSE(BulkWindowLayout{}.present());
}

TEST(BulkWindowTest, ValidationRefusesWindowsOutOfPlace) {
  EXPECT_TRUE(ValidateBulkWindows({}, 40, 0, 0).ok()) << "no windows";
  EXPECT_TRUE(ValidateBulkWindows({290, 4}, 354, 34, 256).ok());
  // Inside the control pages; past the region; over the event ring; a
  // count so large that the end would wrap 32 bits.
  EXPECT_FALSE(ValidateBulkWindows({10, 4}, 1000, 0, 0).ok());
  EXPECT_FALSE(ValidateBulkWindows({290, 4}, 353, 34, 256).ok());
  EXPECT_FALSE(ValidateBulkWindows({200, 4}, 1000, 34, 256).ok());
  EXPECT_FALSE(ValidateBulkWindows({34, 4}, 1000, 90, 10).ok());
  EXPECT_FALSE(ValidateBulkWindows({34, 0x10000000}, 1000, 0, 0).ok());
}

TEST(BulkWindowTest, BytesComeOutAsTheyWentIn) {
  const BulkWindowLayout w{kFirstBulkPage, 3};
  absl::StatusOr<std::unique_ptr<TestRegion>> region = TestRegion::Create(
      kFirstBulkPage + static_cast<uint32_t>(w.total_pages()), 5,
      CompanionIdentity{});
  ASSERT_TRUE(region.ok()) << region.status();
  std::string bytes(w.capacity() - 5, '\0');  // not a whole number of words
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  CopyToWindow((*region)->region(), w, 4, bytes.data(), bytes.size());
  std::string out(bytes.size(), 'x');
  CopyFromWindow((*region)->region(), w, 4, out.size(), out.data());
  EXPECT_TRUE(out == bytes);
  // Headers intact, neighbours untouched.
  for (uint32_t p = kFirstBulkPage; p < (*region)->page_count(); ++p) {
    EXPECT_EQ(CheckPageHeader(ReadPageHeader((*region)->page(p))),
              HeaderVerdict::kValid)
        << p;
  }
  std::string slot3(w.capacity(), 'x');
  CopyFromWindow((*region)->region(), w, 3, slot3.size(), slot3.data());
  EXPECT_EQ(slot3, std::string(w.capacity(), '\0'));
}

}  // namespace
}  // namespace haywire
