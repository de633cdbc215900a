// Copyright 2026 The Haywire Authors.
//
// smaps_parse: entries as Linux prints them (header lines padded to the
// path column, anonymous mappings with nothing after the inode, paths with
// spaces, fields this parser does not keep), and malformed input.

#include "guest/smaps_parse.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire::internal {
namespace {

// Three entries in the kernel's format (6.1), trimmed to the fields that
// matter plus a few this parser skips.
constexpr char kSmaps[] =
    "55741beeb000-55741beef000 r--p 00000000 fe:00 247476                     "
    "/usr/bin/grep\n"
    "Size:                 16 kB\n"
    "KernelPageSize:        4 kB\n"
    "Rss:                  12 kB\n"
    "Pss:                   6 kB\n"
    "Pss_Dirty:             0 kB\n"
    "Shared_Clean:         12 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:         0 kB\n"
    "Private_Dirty:         0 kB\n"
    "Referenced:           12 kB\n"
    "Anonymous:             0 kB\n"
    "Swap:                  0 kB\n"
    "Locked:                0 kB\n"
    "THPeligible:           0\n"
    "VmFlags: rd mr mw me \n"
    "55741bf1e000-55741bf2e000 rw-p 00000000 00:00 0 \n"
    "Size:                 64 kB\n"
    "Rss:                  40 kB\n"
    "Pss:                  40 kB\n"
    "Private_Dirty:        40 kB\n"
    "Referenced:           40 kB\n"
    "Anonymous:            40 kB\n"
    "Swap:                  8 kB\n"
    "Locked:               40 kB\n"
    "VmFlags: rd wr mr mw me ac \n"
    "7fc572e88000-7fc572edf000 rwxs 0000a000 103:1f 4294967296               "
    "/tmp/a dir/the file (deleted)\n"
    "Size:                348 kB\n"
    "Rss:                   4 kB\n"
    "Shared_Dirty:          4 kB\n"
    "Some_Future_Field:    99 kB\n";

TEST(SmapsParseTest, ParsesEveryFieldOfEachEntry) {
  absl::StatusOr<std::vector<MemoryMapping>> maps = ParseSmaps(kSmaps);
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_EQ(maps->size(), 3u);

  const MemoryMapping& file = (*maps)[0];
  EXPECT_EQ(file.start, 0x55741beeb000u);
  EXPECT_EQ(file.end, 0x55741beef000u);
  EXPECT_EQ(file.perms, kMapRead);
  EXPECT_EQ(MemoryMapPermsText(file.perms), "r--p");
  EXPECT_EQ(file.offset, 0u);
  EXPECT_EQ(file.dev_major, 0xfeu);
  EXPECT_EQ(file.dev_minor, 0u);
  EXPECT_EQ(file.inode, 247476u);
  EXPECT_EQ(file.path, "/usr/bin/grep");
  EXPECT_FALSE(file.path_truncated);
  EXPECT_EQ(file.size_kb, 16u);
  EXPECT_EQ(file.rss_kb, 12u);
  EXPECT_EQ(file.pss_kb, 6u);
  EXPECT_EQ(file.shared_clean_kb, 12u);
  EXPECT_EQ(file.referenced_kb, 12u);
  EXPECT_EQ(file.anonymous_kb, 0u);

  const MemoryMapping& anon = (*maps)[1];
  EXPECT_EQ(anon.perms, kMapRead | kMapWrite);
  EXPECT_EQ(anon.path, "");
  EXPECT_EQ(anon.inode, 0u);
  EXPECT_EQ(anon.private_dirty_kb, 40u);
  EXPECT_EQ(anon.anonymous_kb, 40u);
  EXPECT_EQ(anon.swap_kb, 8u);
  EXPECT_EQ(anon.locked_kb, 40u);

  const MemoryMapping& shared = (*maps)[2];
  EXPECT_EQ(shared.perms, kMapRead | kMapWrite | kMapExecute | kMapShared);
  EXPECT_EQ(MemoryMapPermsText(shared.perms), "rwxs");
  EXPECT_EQ(shared.offset, 0xa000u);
  EXPECT_EQ(shared.dev_major, 0x103u);
  EXPECT_EQ(shared.dev_minor, 0x1fu);
  EXPECT_EQ(shared.inode, 4294967296u);
  EXPECT_EQ(shared.path, "/tmp/a dir/the file (deleted)");
  EXPECT_EQ(shared.size_kb, 348u);
  EXPECT_EQ(shared.shared_dirty_kb, 4u);
}

TEST(SmapsParseTest, MapsFormatWithoutFieldsParsesToo) {
  absl::StatusOr<std::vector<MemoryMapping>> maps = ParseSmaps(
      "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus\n"
      "7ffc1e9d2000-7ffc1e9f3000 rw-p 00000000 00:00 0   [stack]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]");
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_EQ(maps->size(), 3u);
  EXPECT_EQ((*maps)[1].path, "[stack]");
  EXPECT_EQ((*maps)[2].end, 0xffffffffff601000u);
  EXPECT_EQ((*maps)[2].perms, kMapExecute);
  EXPECT_EQ((*maps)[2].rss_kb, 0u);
}

TEST(SmapsParseTest, LongPathsAreCutAndFlagged) {
  const std::string path = "/" + std::string(3000, 'p');
  absl::StatusOr<MemoryMapping> m = ParseMapsHeaderLine(
      absl::StrCat("1000-2000 r--p 00000000 08:01 12 ", path));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->path, path.substr(0, kMaxPathBytes));
  EXPECT_TRUE(m->path_truncated);
}

TEST(SmapsParseTest, HeaderAndFieldLinesAreTellable) {
  EXPECT_TRUE(IsMapsHeaderLine("7f00-7f10 r--p 0 00:00 0"));
  EXPECT_TRUE(IsMapsHeaderLine("00400000-00452000 r-xp"));
  EXPECT_FALSE(IsMapsHeaderLine("Rss:   4 kB"));
  EXPECT_FALSE(IsMapsHeaderLine("VmFlags: rd"));
  EXPECT_FALSE(IsMapsHeaderLine(""));
}

TEST(SmapsParseTest, MalformedInputIsDataLossNamingTheProblem) {
  const struct {
    const char* text;
    const char* why;
  } cases[] = {
      {"1000 r--p 0 08:01 1 /x\n", "bad address range"},
      {"1000-zz r--p 0 08:01 1 /x\n", "bad address range"},
      {"2000-1000 r--p 0 08:01 1 /x\n", "empty or reversed"},
      {"1000-1000 r--p 0 08:01 1 /x\n", "empty or reversed"},
      {"1000-2000 rw-q 0 08:01 1 /x\n", "bad permissions"},
      {"1000-2000 rw-pp 0 08:01 1 /x\n", "bad permissions"},
      {"1000-2000 r--p 12345678901234567 08:01 1 /x\n", "bad offset"},
      {"1000-2000 r--p 0 0801 1 /x\n", "bad device"},
      {"1000-2000 r--p 0 1ffffffff:01 1 /x\n", "bad device"},
      {"1000-2000 r--p 0 08:01 -1 /x\n", "bad inode"},
      {"1000-2000 r--p 0 08:01\n", "bad inode"},
      {"Rss: 4 kB\n", "before any mapping"},
      {"1000-2000 r--p 0 08:01 1 /x\nRss: four kB\n", "bad Rss value"},
      {"1000-2000 r--p 0 08:01 1 /x\nRss: 4 MB\n", "bad Rss value"},
      {"1000-2000 r--p 0 08:01 1 /x\nno colon here\n", "without a name"},
      {"1000-3000 r--p 0 08:01 1 /x\n2000-4000 r--p 0 08:01 1 /x\n",
       "overlapping"},
      {"3000-4000 r--p 0 08:01 1 /x\n1000-2000 r--p 0 08:01 1 /x\n",
       "overlapping"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<MemoryMapping>> maps = ParseSmaps(c.text);
    ASSERT_FALSE(maps.ok()) << c.text;
    EXPECT_EQ(maps.status().code(), absl::StatusCode::kDataLoss) << c.text;
    EXPECT_NE(maps.status().message().find(c.why), std::string::npos)
        << c.text << ": " << maps.status();
  }
}

TEST(SmapsParseTest, EmptyInputHasNoMappings) {
  // A kernel thread's smaps is empty.
  absl::StatusOr<std::vector<MemoryMapping>> maps = ParseSmaps("");
  ASSERT_TRUE(maps.ok());
  EXPECT_TRUE(maps->empty());
}

}  // namespace
}  // namespace haywire::internal
