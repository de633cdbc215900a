// Copyright 2026 The Haywire Authors.
//
// `haywire maps` output: pmap -X's columns, widths from the widest value,
// totals, hostile paths rendered safely, and JSON that parses back to the
// same values.

#include "haywire/format/memory_map_format.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

std::vector<MemoryMapping> TwoMappings() {
  MemoryMapping file;
  file.start = 0x55741beeb000;
  file.end = 0x55741beef000;
  file.perms = kMapRead | kMapExecute;
  file.offset = 0x2000;
  file.dev_major = 0xfe;
  file.dev_minor = 1;
  file.inode = 247476;
  file.path = "/usr/bin/grep";
  file.size_kb = 16;
  file.rss_kb = 12;
  file.pss_kb = 6;
  MemoryMapping anon;
  anon.start = 0x7ffc1e9d2000;
  anon.end = 0x7ffc1e9f3000;
  anon.perms = kMapRead | kMapWrite;
  anon.size_kb = 132;
  anon.rss_kb = 123456;
  anon.anonymous_kb = 20;
  anon.swap_kb = 4;
  anon.locked_kb = 3;
  return {file, anon};
}

TEST(MemoryMapFormatTest, TableHasPmapColumnsAndTotals) {
  const std::string table = MemoryMapTable(TwoMappings());
  const std::vector<std::string> lines = absl::StrSplit(table, '\n');
  ASSERT_EQ(lines.size(), 6u) << table;  // header, 2 rows, rule, sums, ""
  EXPECT_EQ(lines[0],
            "         Address Perm   Offset Device  Inode Size    Rss Pss "
            "Anonymous Swap Locked Mapping");
  EXPECT_EQ(lines[1],
            "    55741beeb000 r-xp 00002000  fe:01 247476   16     12   6 "
            "        0    0      0 /usr/bin/grep");
  EXPECT_EQ(lines[2],
            "    7ffc1e9d2000 rw-p 00000000  00:00      0  132 123456   0 "
            "       20    4      3 [ anon ]");
  // The rule and the sums sit under the KiB columns.
  EXPECT_EQ(lines[3].find('='), lines[0].find("Size"));
  EXPECT_EQ(lines[4],
            "                                              148 123468   6 "
            "       20    4      3 KB");
  EXPECT_EQ(lines[5], "");
}

TEST(MemoryMapFormatTest, HostilePathsCannotDriveTheTerminal) {
  std::vector<MemoryMapping> maps = TwoMappings();
  maps[0].path = "/tmp/\x1b[2J\rgone\nx";
  maps[0].path_truncated = true;
  const std::string table = MemoryMapTable(maps);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_EQ(table.find('\r'), std::string::npos);
  // One line per mapping still: the newline in the path is rendered.
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 5);
  EXPECT_NE(table.find("..."), std::string::npos) << "truncation shows";
}

TEST(MemoryMapFormatTest, JsonHasTheDocumentedFields) {
  std::vector<MemoryMapping> maps = TwoMappings();
  maps[0].path = "/a \"quoted\"\n path";
  absl::StatusOr<JsonValue> doc = ParseJson(MemoryMapJson(4242, maps));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["pid"].as_uint(), 4242u);
  const JsonValue& list = (*doc)["mappings"];
  ASSERT_EQ(list.size(), 2u);
  const JsonValue& m = list.at(0);
  EXPECT_EQ(m["start"].as_string(), "0x55741beeb000");
  EXPECT_EQ(m["end"].as_string(), "0x55741beef000");
  EXPECT_EQ(m["perms"].as_string(), "r-xp");
  EXPECT_EQ(m["offset"].as_uint(), 0x2000u);
  EXPECT_EQ(m["dev"].as_string(), "fe:01");
  EXPECT_EQ(m["inode"].as_uint(), 247476u);
  EXPECT_EQ(m["path"].as_string(), maps[0].path);
  EXPECT_EQ(m["path_truncated"].as_bool(), false);
  EXPECT_EQ(m["rss_kb"].as_uint(), 12u);
  EXPECT_EQ(m["pss_kb"].as_uint(), 6u);
  const JsonValue& a = list.at(1);
  EXPECT_EQ(a["path"].as_string(), "");
  EXPECT_EQ(a["anon_kb"].as_uint(), 20u);
  EXPECT_EQ(a["swap_kb"].as_uint(), 4u);
  EXPECT_EQ(a["locked_kb"].as_uint(), 3u);
  EXPECT_EQ(a["size_kb"].as_uint(), 132u);
}

TEST(MemoryMapFormatTest, AnEmptyMapIsAHeaderAndZeroTotals) {
  const std::string table = MemoryMapTable({});
  EXPECT_NE(table.find("Mapping"), std::string::npos);
  EXPECT_NE(table.find(" 0 KB"), std::string::npos);
  absl::StatusOr<JsonValue> doc = ParseJson(MemoryMapJson(2, {}));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["mappings"].size(), 0u);
}

}  // namespace
}  // namespace haywire
