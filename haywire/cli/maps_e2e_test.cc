// Copyright 2026 The Haywire Authors.
//
// `haywire maps` end to end: the real binary against a simulated companion
// (this machine's /proc standing in for the guest's), looking at a process
// whose mappings are known (memory_fixture). The oracle is the kernel's own
// /proc/PID/maps and smaps, read here by a parser of the test's own.

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/testing/memory_fixture.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

// One mapping as the kernel shows it.
struct KernelMapping {
  uint64_t start = 0, end = 0, offset = 0, inode = 0;
  std::string perms, dev, path;
  uint64_t size_kb = 0, rss_kb = 0, anon_kb = 0, swap_kb = 0, locked_kb = 0;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// /proc/PID/smaps, parsed with sscanf: independent of the companion's
// parser.
std::vector<KernelMapping> KernelSmaps(pid_t pid) {
  std::vector<KernelMapping> maps;
  for (absl::string_view line :
       absl::StrSplit(ReadFile(absl::StrCat("/proc/", pid, "/smaps")), '\n')) {
    const std::string l(line);
    unsigned long long start, end, offset, inode;
    char perms[8], dev[16];
    int path_at = 0;
    if (std::sscanf(l.c_str(), "%llx-%llx %7s %llx %15s %llu %n", &start, &end,
                    perms, &offset, dev, &inode, &path_at) == 6) {
      KernelMapping m;
      m.start = start;
      m.end = end;
      m.offset = offset;
      m.inode = inode;
      m.perms = perms;
      m.dev = dev;
      m.path = path_at > 0 ? l.substr(path_at) : "";
      maps.push_back(m);
      continue;
    }
    if (maps.empty()) continue;
    unsigned long long kb;
    char name[64];
    if (std::sscanf(l.c_str(), "%63[^:]: %llu kB", name, &kb) != 2) continue;
    const std::string n = name;
    KernelMapping& m = maps.back();
    if (n == "Size") m.size_kb = kb;
    if (n == "Rss") m.rss_kb = kb;
    if (n == "Anonymous") m.anon_kb = kb;
    if (n == "Swap") m.swap_kb = kb;
    if (n == "Locked") m.locked_kb = kb;
  }
  return maps;
}

uint64_t Hex(const JsonValue& v) {
  uint64_t out = 0;
  const std::string s = v.as_string().value_or("");
  EXPECT_TRUE(absl::StartsWith(s, "0x")) << s;
  EXPECT_TRUE(absl::SimpleHexAtoi(absl::StripPrefix(s, "0x"), &out)) << s;
  return out;
}

class MapsE2eTest : public PsE2eTest {
 protected:
  void SetUp() override {
    PsE2eTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartCompanion());
  }

  JsonValue MapsJson(pid_t pid) {
    const SubprocessResult result =
        Haywire({"maps", "--json", absl::StrCat(pid)});
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    absl::StatusOr<JsonValue> doc = ParseJson(result.out);
    EXPECT_TRUE(doc.ok()) << doc.status() << result.DebugString();
    return doc.ok() ? *doc : JsonValue();
  }
};

TEST_F(MapsE2eTest, EveryMappingAgreesWithTheKernelsSmaps) {
  const std::string file = TestTempPath("mapped-file");
  absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
      MemoryFixture::Start({"--file=" + file, "--extra-mappings=40"});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const pid_t pid = (*fixture)->pid();
  const std::vector<KernelMapping> before = KernelSmaps(pid);
  const JsonValue doc = MapsJson(pid);
  const std::vector<KernelMapping> after = KernelSmaps(pid);
  ASSERT_EQ(before.size(), after.size()) << "the fixture's map moved";
  EXPECT_EQ(doc["pid"].as_uint(), static_cast<uint64_t>(pid));
  const JsonValue& list = doc["mappings"];
  ASSERT_EQ(list.size(), after.size());
  ASSERT_GT(list.size(), 80u);  // 40 extra pairs and the rest
  bool saw_file = false, saw_marker = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const JsonValue& got = list.at(i);
    const KernelMapping& want = after[i];
    SCOPED_TRACE(absl::StrCat("mapping ", i, ": ", want.path));
    EXPECT_EQ(Hex(got["start"]), want.start);
    EXPECT_EQ(Hex(got["end"]), want.end);
    EXPECT_EQ(got["perms"].as_string(), want.perms);
    EXPECT_EQ(got["offset"].as_uint(), want.offset);
    EXPECT_EQ(got["dev"].as_string(), want.dev);
    EXPECT_EQ(got["inode"].as_uint(), want.inode);
    EXPECT_EQ(got["path"].as_string(), want.path);
    EXPECT_EQ(got["size_kb"].as_uint(), want.size_kb);
    // Resident and anonymous memory of a sleeping process do not move, so
    // the value must equal one of the two readings around the command.
    for (const char* key : {"rss_kb", "anon_kb", "swap_kb", "locked_kb"}) {
      const uint64_t v = got[key].as_uint().value_or(~0ull);
      const KernelMapping& b = before[i];
      auto field = [&](const KernelMapping& k) {
        const std::string n = key;
        return n == "rss_kb"    ? k.rss_kb
               : n == "anon_kb" ? k.anon_kb
               : n == "swap_kb" ? k.swap_kb
                                : k.locked_kb;
      };
      EXPECT_TRUE(v == field(b) || v == field(want)) << key << " " << v;
    }
    if (want.path == file) {
      saw_file = true;
      EXPECT_EQ(want.offset, 4096u);
      EXPECT_EQ(got["perms"].as_string(), "rw-s");
    }
    const uint64_t marker = (*fixture)->region("marker").address;
    if (want.start <= marker && marker < want.end) {
      saw_marker = true;
      // Anonymous (the kernel may merge it with its anonymous neighbours).
      EXPECT_EQ(got["path"].as_string(), "");
      EXPECT_GE(got["anon_kb"].as_uint().value_or(0), 4u);
    }
  }
  EXPECT_TRUE(saw_file);
  EXPECT_TRUE(saw_marker);
}

TEST_F(MapsE2eTest, TextHasPmapColumnsAndTheCommand) {
  absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
      MemoryFixture::Start({});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const pid_t pid = (*fixture)->pid();
  const SubprocessResult result = Haywire({"maps", absl::StrCat(pid)});
  ASSERT_EQ(result.exit_code, 0) << result.DebugString();
  const std::vector<std::string> lines =
      absl::StrSplit(result.out, '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 5u) << result.out;
  EXPECT_TRUE(absl::StartsWith(lines[0], absl::StrCat(pid, ":   ")))
      << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], "memory_fixture_main")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[1], "Address Perm"));
  EXPECT_TRUE(absl::EndsWith(lines[1], "Swap Locked Mapping")) << lines[1];
  EXPECT_TRUE(absl::StrContains(result.out, " [heap]\n") ||
              absl::StrContains(result.out, " [stack]\n"));
  EXPECT_TRUE(absl::EndsWith(lines.back(), " KB")) << lines.back();
  // One line per mapping between the header and the totals.
  EXPECT_EQ(lines.size() - 4, KernelSmaps(pid).size());
}

TEST_F(MapsE2eTest, SixtyFiveThousandMappingsListCompletely) {
  uint64_t max_maps = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      absl::StripAsciiWhitespace(ReadFile("/proc/sys/vm/max_map_count")),
      &max_maps));
  if (max_maps < 65200) GTEST_SKIP() << "vm.max_map_count is " << max_maps;
  // 32 550 pairs of pages in alternating protections: 65 100 mappings.
  absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
      MemoryFixture::Start({"--extra-mappings=32550"});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const pid_t pid = (*fixture)->pid();
  const JsonValue doc = MapsJson(pid);
  const size_t kernel = KernelSmaps(pid).size();
  ASSERT_GE(kernel, 65100u);
  const JsonValue& list = doc["mappings"];
  ASSERT_EQ(list.size(), kernel);
  for (size_t i = 1; i < list.size(); ++i) {
    ASSERT_LE(Hex(list.at(i - 1)["end"]), Hex(list.at(i)["start"])) << i;
  }
}

TEST_F(MapsE2eTest, MissingProcessAndBadArgumentsAreClearErrors) {
  const SubprocessResult missing = Haywire({"maps", "4194305"});
  EXPECT_EQ(missing.exit_code, 10) << missing.DebugString();
  EXPECT_EQ(missing.err, "haywire: no process with pid 4194305 in the guest\n");
  const SubprocessResult bad = Haywire({"maps", "12x"});
  EXPECT_EQ(bad.exit_code, 2) << bad.DebugString();
  EXPECT_TRUE(absl::StrContains(bad.err, "'12x' is not a process id"))
      << bad.err;
  // The companion still serves after both.
  absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
      MemoryFixture::Start({});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  EXPECT_GT(MapsJson((*fixture)->pid())["mappings"].size(), 3u);
}

}  // namespace
}  // namespace haywire
