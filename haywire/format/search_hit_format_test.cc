// Copyright 2026 The Haywire Authors.

#include "haywire/format/search_hit_format.h"

#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

MemoryMapping Heap() {
  MemoryMapping m;
  m.start = 0x55d0c0de0000;
  m.end = 0x55d0c0e01000;
  m.perms = kMapRead | kMapWrite;
  m.path = "[heap]";
  return m;
}

TEST(SearchHitFormatTest, TextLineLikeGrepBoaWithTheMapping) {
  const MemoryMapping heap = Heap();
  const std::string before("ab\0\x1b", 4);
  const SearchHitView hit{0x55d0c0de12a0, &heap, before, "needle",
                          "\x7f"
                          "cd"};
  EXPECT_EQ(SearchHitLine(hit, false, false),
            "0x55d0c0de12a0  [heap]+0x12a0  ab..needle.cd\n");
  EXPECT_EQ(SearchHitLine(hit, true, false),
            "0x55d0c0de12a0  [heap]+0x12a0  61 62 00 1b [6e 65 65 64 6c 65] "
            "7f 63 64\n");
  EXPECT_EQ(SearchHitLine(hit, false, true),
            "0x55d0c0de12a0  [heap]+0x12a0  ab..\x1b[01;31mneedle\x1b[m.cd\n");
}

TEST(SearchHitFormatTest, ShortAddressesAnonymousMappingsAndHostilePaths) {
  MemoryMapping anon;
  anon.start = 0x1000;
  anon.end = 0x2000;
  const SearchHitView hit{0x1000, &anon, "", "x", ""};
  EXPECT_EQ(SearchHitLine(hit, false, false),
            "0x000000001000  [ anon ]+0x0  x\n");
  EXPECT_EQ(SearchHitLine(hit, true, false),
            "0x000000001000  [ anon ]+0x0  [78]\n");
  MemoryMapping evil = anon;
  evil.path = "/tmp/\x1b[2J";
  const SearchHitView evil_hit{0x1000, &evil, "", "x", ""};
  EXPECT_EQ(SearchHitLine(evil_hit, false, false),
            "0x000000001000  /tmp/\\x1b[2J+0x0  x\n");
}

TEST(SearchHitFormatTest, JsonHasEveryField) {
  const MemoryMapping heap = Heap();
  const SearchHitView hit{0x55d0c0de12a0, &heap, "a", "\xff", ""};
  absl::StatusOr<JsonValue> doc = ParseJson(SearchHitJson(hit));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["address"].as_string(), "0x55d0c0de12a0");
  EXPECT_EQ((*doc)["mapping"].as_string(), "[heap]");
  EXPECT_EQ((*doc)["mapping_start"].as_string(), "0x55d0c0de0000");
  EXPECT_EQ((*doc)["mapping_offset"].as_uint(), 0x12a0u);
  EXPECT_EQ((*doc)["perms"].as_string(), "rw-p");
  EXPECT_EQ((*doc)["before"].as_string(), "61");
  EXPECT_EQ((*doc)["match"].as_string(), "ff");
  EXPECT_EQ((*doc)["after"].as_string(), "");
}

}  // namespace
}  // namespace haywire
