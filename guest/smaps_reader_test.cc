// Copyright 2026 The Haywire Authors.
//
// SmapsReader: streaming gives exactly what parsing the whole file gives,
// across read blocks, for a generated file and for a live process; errors
// for a missing process, an overlong line and misordered entries.

#include "guest/smaps_reader.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "guest/smaps_parse.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

std::string TempPath(absl::string_view name) {
  return absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
}

std::unique_ptr<SmapsReader> ReaderOf(const std::string& contents) {
  const std::string path = TempPath("smaps");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return std::make_unique<SmapsReader>(fd, path);
}

absl::StatusOr<std::vector<MemoryMapping>> ReadAll(SmapsReader& reader) {
  std::vector<MemoryMapping> all;
  for (;;) {
    absl::StatusOr<std::optional<MemoryMapping>> next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return all;
    all.push_back(**next);
  }
}

// Pss is left out for a live process: it moves whenever a process sharing
// its pages (the test, parent of the forked child) writes to them.
void ExpectSameMappings(const std::vector<MemoryMapping>& got,
                        const std::vector<MemoryMapping>& want,
                        bool compare_pss = true) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("mapping ", i, " ", want[i].path));
    EXPECT_EQ(got[i].start, want[i].start);
    EXPECT_EQ(got[i].end, want[i].end);
    EXPECT_EQ(got[i].perms, want[i].perms);
    EXPECT_EQ(got[i].offset, want[i].offset);
    EXPECT_EQ(got[i].dev_major, want[i].dev_major);
    EXPECT_EQ(got[i].dev_minor, want[i].dev_minor);
    EXPECT_EQ(got[i].inode, want[i].inode);
    EXPECT_EQ(got[i].path, want[i].path);
    EXPECT_EQ(got[i].size_kb, want[i].size_kb);
    EXPECT_EQ(got[i].rss_kb, want[i].rss_kb);
    if (compare_pss) {
      EXPECT_EQ(got[i].pss_kb, want[i].pss_kb);
    }
    EXPECT_EQ(got[i].anonymous_kb, want[i].anonymous_kb);
    EXPECT_EQ(got[i].swap_kb, want[i].swap_kb);
    EXPECT_EQ(got[i].locked_kb, want[i].locked_kb);
  }
}

// Many entries, so lines straddle the reader's 64 KiB read blocks.
std::string GeneratedSmaps(int entries) {
  std::string text;
  for (int i = 0; i < entries; ++i) {
    const uint64_t start = 0x10000000 + uint64_t(i) * 0x3000;
    absl::StrAppendFormat(
        &text,
        "%x-%x r%sp %08x fd:01 %d                 /lib/lib%d.so\n"
        "Size:                 12 kB\nRss:                   %d kB\n"
        "Pss:                   %d kB\nAnonymous:             %d kB\n"
        "Swap:                  0 kB\nLocked:                0 kB\n"
        "VmFlags: rd mr mw me \n",
        start, start + 0x2000, i % 2 ? "w-" : "-x", i * 0x1000, 1000 + i, i,
        i % 9, i % 5, i % 3);
  }
  return text;
}

TEST(SmapsReaderTest, StreamingEqualsParsingTheWholeFile) {
  const std::string text = GeneratedSmaps(2000);  // ~400 KiB
  ASSERT_GT(text.size(), 6u * (64 << 10));
  absl::StatusOr<std::vector<MemoryMapping>> whole = internal::ParseSmaps(text);
  ASSERT_TRUE(whole.ok()) << whole.status();
  std::unique_ptr<SmapsReader> reader = ReaderOf(text);
  absl::StatusOr<std::vector<MemoryMapping>> streamed = ReadAll(*reader);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ExpectSameMappings(*streamed, *whole);
  // After the end, the end again.
  absl::StatusOr<std::optional<MemoryMapping>> again = reader->Next();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(SmapsReaderTest, ALiveProcessReadsAsItsWholeSmaps) {
  // A child that maps something recognisable and then only sleeps; it is
  // stopped before the two reads that are compared.
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([] {
    void* p = ::mmap(nullptr, 5 << 20, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    std::memset(p, 1, 3 << 20);
    ::pause();
    return 0;
  });
  ASSERT_TRUE(child.ok()) << child.status();
  const pid_t pid = (*child)->pid();
  const std::string path = absl::StrCat("/proc/", pid, "/smaps");
  // Wait until the child has touched its mapping.
  // The whole file, parsed at once.
  auto parse_whole = [&path]() {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return internal::ParseSmaps(text.str());
  };
  std::vector<MemoryMapping> whole;
  for (int i = 0; i < 500; ++i) {
    absl::StatusOr<std::vector<MemoryMapping>> parsed = parse_whole();
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    whole = *parsed;
    bool touched = false;
    for (const MemoryMapping& m : whole) {
      touched |= m.size_kb == 5 * 1024 && m.rss_kb >= 3 * 1024;
    }
    if (touched) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  // Freeze the child, then read its whole smaps once more: a sleeping
  // process can still change its mappings (a sanitizer's runtime maps
  // memory on its own), a stopped one cannot.
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  for (int i = 0; i < 500; ++i) {
    std::ifstream status(absl::StrCat("/proc/", pid, "/stat"));
    std::string stat_line;
    std::getline(status, stat_line);
    const size_t close = stat_line.rfind(')');
    if (close != std::string::npos && close + 2 < stat_line.size() &&
        stat_line[close + 2] == 'T') {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  {
    absl::StatusOr<std::vector<MemoryMapping>> parsed = parse_whole();
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    whole = *parsed;
  }
  absl::StatusOr<std::unique_ptr<SmapsReader>> reader =
      SmapsReader::Open("/proc", static_cast<uint32_t>(pid));
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<MemoryMapping>> streamed = ReadAll(**reader);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ExpectSameMappings(*streamed, whole, /*compare_pss=*/false);
  bool found = false;
  for (const MemoryMapping& m : *streamed) {
    if (m.size_kb == 5 * 1024 && m.anonymous_kb >= 3 * 1024 &&
        m.perms == (kMapRead | kMapWrite) && m.path.empty()) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << "the child's 5 MiB anonymous mapping";
}

TEST(SmapsReaderTest, NoSuchProcessIsNotFound) {
  // Above the kernel's PID_MAX_LIMIT: never a real process.
  absl::StatusOr<std::unique_ptr<SmapsReader>> reader =
      SmapsReader::Open("/proc", 4194305);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
}

TEST(SmapsReaderTest, AnOverlongLineFailsAndStaysFailed) {
  std::unique_ptr<SmapsReader> reader =
      ReaderOf("1000-2000 r--p 0 08:01 1 /" +
               std::string(kMaxSmapsLineBytes + 10, 'x') + "\n");
  absl::StatusOr<std::optional<MemoryMapping>> next = reader->Next();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(next.status().message().find("longer than"), std::string::npos);
  EXPECT_EQ(reader->Next().status().code(), absl::StatusCode::kDataLoss);
}

TEST(SmapsReaderTest, MisorderedEntriesAreDataLoss) {
  std::unique_ptr<SmapsReader> reader = ReaderOf(
      "3000-4000 r--p 0 08:01 1 /a\nRss: 4 kB\n"
      "1000-2000 r--p 0 08:01 1 /b\n");
  absl::StatusOr<std::vector<MemoryMapping>> all = ReadAll(*reader);
  EXPECT_EQ(all.status().code(), absl::StatusCode::kDataLoss);
}

TEST(SmapsReaderTest, AFileWithoutFinalNewlineEndsItsLastEntry) {
  std::unique_ptr<SmapsReader> reader =
      ReaderOf("1000-2000 r--p 0 08:01 1 /a\nRss: 4 kB");
  absl::StatusOr<std::vector<MemoryMapping>> all = ReadAll(*reader);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].rss_kb, 4u);
}

}  // namespace
}  // namespace haywire
