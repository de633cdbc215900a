// Copyright 2026 The Haywire Authors.

#include "haywire/util/byte_size.h"

#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(ParseByteSize, AcceptsCommonSpellings) {
  EXPECT_EQ(*ParseByteSize("4096"), 4096u);
  EXPECT_EQ(*ParseByteSize("64M"), 64u << 20);
  EXPECT_EQ(*ParseByteSize("64MiB"), 64u << 20);
  EXPECT_EQ(*ParseByteSize("64mb"), 64u << 20);
  EXPECT_EQ(*ParseByteSize("1G"), 1u << 30);
  EXPECT_EQ(*ParseByteSize(" 512k "), 512u << 10);
  EXPECT_EQ(*ParseByteSize("2T"), 2ull << 40);
  EXPECT_EQ(*ParseByteSize("100B"), 100u);
}

TEST(ParseByteSize, RejectsGarbage) {
  for (const char* bad : {"", "M", "-1", "1.5G", "12Q", "G1", "0x10",
                          "99999999999999999999", "20000000000T"}) {
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
  }
}

TEST(FormatByteSize, PicksTheLargestUnit) {
  EXPECT_EQ(FormatByteSize(4096), "4 KiB");
  EXPECT_EQ(FormatByteSize(64ull << 20), "64 MiB");
  EXPECT_EQ(FormatByteSize(1536ull << 20), "1.5 GiB");
  EXPECT_EQ(FormatByteSize(100), "100 B");
}

}  // namespace
}  // namespace haywire
