// Copyright 2026 The Haywire Authors.
//
// PidDiffer against a copy of a fixture procfs that the test edits: which
// polls list the pids, and which are answered by the process table's stamp.
// (event_sources_test.cc runs the differ against real processes.)

#include "guest/pid_differ.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "guest/procfs.h"

namespace haywire {
namespace {

namespace fs = std::filesystem;

constexpr ProcFsConstants kFixtureConstants = {/*clock_ticks_per_second=*/100,
                                               /*page_size=*/4096};

// A writable copy of testdata/procfs/basic/proc, removed at the end.
class FixtureCopy {
 public:
  FixtureCopy() {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const fs::path source = fs::path(srcdir == nullptr ? "." : srcdir) /
                            "haywire/testdata/procfs/basic/proc";
    std::string dir = (fs::temp_directory_path() / "pid_differ_XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) return;
    root_ = fs::path(dir) / "proc";
    fs::copy(source, root_,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  ~FixtureCopy() {
    if (!root_.empty()) fs::remove_all(root_.parent_path());
  }

  std::string root() const { return root_.string(); }

  // A new process `pid`: a copy of getty (pid 109, child of pid 1), which
  // the differ reports at once (not its parent's program, has a command
  // line).
  void AddProcess(int pid) {
    const fs::path dir = root_ / std::to_string(pid);
    fs::copy(root_ / "109", dir, fs::copy_options::recursive);
    std::ifstream in(dir / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    stat.replace(0, stat.find(' '), std::to_string(pid));
    std::ofstream(dir / "stat", std::ios::trunc) << stat;
  }
  void RemoveProcess(int pid) { fs::remove_all(root_ / std::to_string(pid)); }

  void WriteStamp(const std::string& loadavg) {
    std::ofstream(root_ / "loadavg", std::ios::trunc) << loadavg;
  }

 private:
  fs::path root_;
};

using Events = std::vector<std::pair<ProcessEventKind, uint32_t>>;

// One poll's events as (kind, pid); a failed poll fails the test.
Events Poll(PidDiffer& differ) {
  absl::StatusOr<std::vector<ProcessEvent>> events = differ.Poll();
  Events out;
  if (!events.ok()) {
    ADD_FAILURE() << events.status();
    return out;
  }
  for (const ProcessEvent& e : *events) out.emplace_back(e.kind, e.pid);
  return out;
}

// A differ primed on the fixture copy, with a stamp in its loadavg.
class PrimedDifferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(proc.root().empty());
    proc.WriteStamp("0.00 0.00 0.00 1/120 500\n");
    ASSERT_TRUE(differ.Prime().ok());
  }

  FixtureCopy proc;
  ProcFs procfs{proc.root(), "/nonexistent", kFixtureConstants};
  PidDiffer differ{&procfs};
};

TEST_F(PrimedDifferTest, UnchangedStampSkipsTheListingAndAChangedOneDoesNot) {
  // A start the stamp does not show is not looked for: this is what saves
  // the listing on an idle guest (a real kernel always moves the stamp).
  proc.AddProcess(4242);
  EXPECT_EQ(Poll(differ), Events{});

  proc.WriteStamp("0.00 0.00 0.00 1/121 4242\n");
  EXPECT_EQ(Poll(differ), (Events{{ProcessEventKind::kExec, 4242}}));

  proc.RemoveProcess(4242);
  EXPECT_EQ(Poll(differ), Events{});
  proc.WriteStamp("0.00 0.00 0.00 1/120 4242\n");  // one thread fewer
  EXPECT_EQ(Poll(differ), (Events{{ProcessEventKind::kExit, 4242}}));
}

TEST_F(PrimedDifferTest, ListsAtLeastEveryFewPollsWhateverTheStamp) {
  proc.AddProcess(4242);  // the stamp stays as it was
  int polls = 0;
  bool seen = false;
  while (!seen && polls < 2 * kPidDifferListEvery) {
    ++polls;
    seen = Poll(differ) == Events{{ProcessEventKind::kExec, 4242}};
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(polls, kPidDifferListEvery);
}

TEST(PidDifferTest, WithoutAReadableStampEveryPollLists) {
  for (const char* loadavg : {"", "garbage\n"}) {
    FixtureCopy proc;
    ASSERT_FALSE(proc.root().empty());
    if (*loadavg != '\0') proc.WriteStamp(loadavg);  // else: no file
    ProcFs procfs(proc.root(), "/nonexistent", kFixtureConstants);
    PidDiffer differ(&procfs);
    ASSERT_TRUE(differ.Prime().ok());
    proc.AddProcess(4242);
    EXPECT_EQ(Poll(differ), (Events{{ProcessEventKind::kExec, 4242}}))
        << "loadavg: \"" << loadavg << "\"";
  }
}

}  // namespace
}  // namespace haywire
