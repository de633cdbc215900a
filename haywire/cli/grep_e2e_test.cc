// Copyright 2026 The Haywire Authors.
//
// `haywire grep` end to end: the real binary against a simulated companion
// (this machine's processes standing in for the guest's), searching a
// process that holds a random needle at known addresses and nowhere else
// (memory_fixture --needles): every planted copy is found, with its
// mapping and context, and nothing else; --max-count, text and hex
// output, no match, bad arguments, a kernel thread and a missing process
// are each what grep users expect, and the companion keeps serving.

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/testing/memory_fixture.h"
#include "haywire/util/hex_bytes.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

const char* const kNeedles[] = {"needle-heap", "needle-cross",
                                "needle-end",  "needle-block",
                                "needle-deep", "needle-readonly"};

class GrepE2eTest : public PsE2eTest {
 protected:
  void SetUp() override {
    // A sanitizer's shadow memory is terabytes of readable mappings in the
    // fixture (built with the same config), a few MiB of them resident: a
    // whole-process search reads all of it (docs/PERFORMANCE.md). The plain
    // build runs these tests; the VM test greps a real guest process.
    if (kSanitizerSlowdown > 1) {
      GTEST_SKIP() << "a sanitizer's terabytes of shadow mappings make a "
                      "whole-process search take minutes";
    }
    PsE2eTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartCompanion());
    absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
        MemoryFixture::Start({"--needles"});
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = *std::move(fixture);
    ASSERT_EQ(fixture_->needle().size(), 16u);
  }

  std::string Pid() const { return absl::StrCat(fixture_->pid()); }
  std::string NeedleHex() const {
    return absl::BytesToHexString(fixture_->needle());
  }

  // The planted copies' addresses, ascending.
  std::vector<uint64_t> Planted() const {
    std::vector<uint64_t> out;
    for (const char* name : kNeedles) {
      const uint64_t a = fixture_->region(name).address;
      EXPECT_NE(a, 0u) << name;
      out.push_back(a);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<MemoryFixture> fixture_;
};

uint64_t AddressOf(const JsonValue& hit) {
  uint64_t a = 0;
  const std::string text = hit["address"].as_string().value_or("");
  EXPECT_TRUE(absl::StartsWith(text, "0x")) << text;
  EXPECT_TRUE(absl::SimpleHexAtoi(text.substr(2), &a)) << text;
  return a;
}

TEST_F(GrepE2eTest, FindsEveryPlantedCopyAndNothingElse) {
  const SubprocessResult r =
      Haywire({"grep", "--json", "--hex", Pid(), NeedleHex()});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  EXPECT_EQ((*doc)["pid"].as_uint(), fixture_->pid());
  EXPECT_EQ((*doc)["pattern"].as_string(), HexBytesText(fixture_->needle()));
  const JsonValue& hits = (*doc)["hits"];
  std::vector<uint64_t> found;
  for (size_t i = 0; i < hits.size(); ++i)
    found.push_back(AddressOf(hits.at(i)));
  EXPECT_EQ(found, Planted());
  EXPECT_EQ((*doc)["hit_count"].as_uint(), found.size());
  EXPECT_EQ((*doc)["max_count_reached"].as_bool(), false);
  // Every mapping of a small process is searched: several MiB at least.
  EXPECT_GT((*doc)["scanned_bytes"].as_uint().value_or(0), 5u << 20);

  for (size_t i = 0; i < hits.size(); ++i) {
    const JsonValue& hit = hits.at(i);
    const uint64_t a = AddressOf(hit);
    EXPECT_EQ(hit["match"].as_string(), HexBytesText(fixture_->needle()));
    uint64_t start = 0;
    ASSERT_TRUE(absl::SimpleHexAtoi(
        hit["mapping_start"].as_string().value_or("0x").substr(2), &start));
    EXPECT_EQ(hit["mapping_offset"].as_uint(), a - start);
    if (a == fixture_->region("needle-heap").address) {
      EXPECT_EQ(hit["mapping"].as_string(), "[heap]");
    }
    if (a == fixture_->region("needle-readonly").address) {
      EXPECT_EQ(hit["perms"].as_string(), "r--p");
    }
    if (a == fixture_->region("needle-deep").address) {
      // Zero-filled anonymous memory on both sides: full context.
      EXPECT_EQ(hit["before"].as_string(), HexBytesText(std::string(16, '\0')));
      EXPECT_EQ(hit["after"].as_string(), HexBytesText(std::string(16, '\0')));
      EXPECT_EQ(hit["mapping"].as_string(), "");
    }
  }
}

TEST_F(GrepE2eTest, TextLinesLikeGrepBoaAndMaxCount) {
  const std::vector<uint64_t> planted = Planted();
  const SubprocessResult r = Haywire({"grep", "--hex", Pid(), NeedleHex()});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  const std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), planted.size()) << r.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(
        absl::StartsWith(lines[i], absl::StrFormat("0x%012x  ", planted[i])))
        << lines[i];
    EXPECT_TRUE(absl::StrContains(
        lines[i], absl::StrCat("[", HexBytesText(fixture_->needle()), "]")))
        << lines[i];
  }

  const SubprocessResult two =
      Haywire({"grep", "--hex", "--max-count=2", "--json", Pid(), NeedleHex()});
  ASSERT_EQ(two.exit_code, 0) << two.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(two.out);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ((*doc)["hits"].size(), 2u);
  EXPECT_EQ(AddressOf((*doc)["hits"].at(0)), planted[0]);
  EXPECT_EQ(AddressOf((*doc)["hits"].at(1)), planted[1]);
  EXPECT_EQ((*doc)["max_count_reached"].as_bool(), true);
}

TEST_F(GrepE2eTest, AStringPattern) {
  const std::string marker = absl::StrCat("HAYWIRE-MARKER-", Pid(), "-");
  const SubprocessResult r = Haywire({"grep", Pid(), marker});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  // One line: the marker's address, its anonymous mapping (which the
  // kernel may have merged with its neighbours), and the marker's padding
  // as context after it.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_TRUE(absl::StartsWith(
      r.out, absl::StrFormat("0x%012x  [ anon ]+0x",
                             fixture_->region("marker").address)))
      << r.out;
  EXPECT_TRUE(
      absl::EndsWith(r.out, absl::StrCat(marker, std::string(16, '.'), "\n")))
      << r.out;
}

TEST_F(GrepE2eTest, NoMatchIsExitCode17) {
  const SubprocessResult r = Haywire({"grep", "--hex", Pid(),
                                      "00 11 22 33 44 55 66 77 88 99 aa bb "
                                      "cc dd ee ff 10 21 32 43"});
  EXPECT_EQ(r.exit_code, 17) << r.DebugString();
  EXPECT_EQ(r.out, "");
}

// pid 2 is kthreadd wherever this machine's /proc is the host's.
TEST_F(GrepE2eTest, AKernelThreadHasNoMemoryToSearch) {
  std::ifstream comm("/proc/2/comm");
  std::string name;
  std::getline(comm, name);
  if (name != "kthreadd") GTEST_SKIP() << "pid 2 is " << name;
  const SubprocessResult r = Haywire({"grep", "--json", "2", "x"});
  EXPECT_EQ(r.exit_code, 17) << r.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["scanned_bytes"].as_uint(), 0u);
}

TEST_F(GrepE2eTest, BadArgumentsAndMissingProcessesAreClearErrors) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"grep", Pid(), ""}, 2, "1 to 256 bytes"},
      {{"grep", Pid(), std::string(257, 'x')}, 2, "1 to 256 bytes"},
      {{"grep", "--hex", Pid(), "abc"}, 2, "odd number of hex digits"},
      {{"grep", "--hex", Pid(), "zz"}, 2, "not a hex digit"},
      {{"grep", "0", "x"}, 2, "is not a process id"},
      {{"grep", Pid()}, 2, ""},
      {{"grep", "4194305", "x"}, 10, "no process with pid 4194305"},
  };
  for (const Case& c : cases) {
    const SubprocessResult r = Haywire(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.DebugString();
    EXPECT_TRUE(absl::StrContains(r.err, c.says)) << r.DebugString();
  }
  // The companion still serves.
  const SubprocessResult r =
      Haywire({"grep", "--hex", "--max-count=1", Pid(), NeedleHex()});
  EXPECT_EQ(r.exit_code, 0) << r.DebugString();
}

}  // namespace
}  // namespace haywire
