// Copyright 2026 The Haywire Authors.
//
// ProcessService over small proc trees generated in TEST_TMPDIR, one per
// test: an empty tree, a listing that fits one chunk, processes that exit
// (or turn malformed) between LIST and CONTINUE, and GET_PROCESS_INFO of a
// process at the limits of messages.h (a full command line, long exe and cwd
// links).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "guest/iterator_table.h"
#include "guest/process_service_test_support.h"
#include "guest/procfs.h"
#include "guest/request_router.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace {

namespace fs = std::filesystem;

TEST(SmallTreeTest, EmptyTreeListsOnlyTheHeader) {
  FakeTree tree("empty");
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);
  const HandlerResult r = service.List(ListRequest(kHost));
  const ListChunk chunk = ExpectChunk(r);
  ASSERT_TRUE(chunk.header.has_value());
  EXPECT_EQ(chunk.header->total_processes, 0u);
  EXPECT_TRUE(chunk.entries.empty());
  EXPECT_EQ(r.flags, 0u);
  EXPECT_EQ(service.iterators().in_use(), 0u);
}

TEST(SmallTreeTest, ShortListingEndsInOneChunkAndFreesItsIterator) {
  FakeTree tree("short");
  for (uint32_t pid = 10; pid < 13; ++pid) tree.Add(FakeFor(pid));
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  IteratorTablePage mirror{};
  RoutedProcessService service(&procfs, &mirror, 1);
  const HandlerResult r = service.List(ListRequest(kHost));
  const ListChunk chunk = ExpectChunk(r);
  EXPECT_EQ(r.flags, 0u);
  EXPECT_EQ(r.iterator_id, 0u);
  ASSERT_EQ(chunk.entries.size(), 3u);
  for (const ProcessEntry& e : chunk.entries) ExpectMatchesFake(e);
  EXPECT_EQ(service.iterators().in_use(), 0u);
  for (const IteratorEntry& e : mirror.entries) EXPECT_EQ(e.iterator_id, 0u);
}

TEST(SmallTreeTest, ProcessRemovedBetweenListAndContinueIsSkipped) {
  FakeTree tree("removal");
  constexpr uint32_t kFirst = 500, kCount = 400;
  for (uint32_t pid = kFirst; pid < kFirst + kCount; ++pid) {
    tree.Add(FakeFor(pid));
  }
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);

  const HandlerResult first = service.List(ListRequest(kHost));
  ListChunk chunk = ExpectChunk(first);
  ASSERT_TRUE(first.flags & kResponseMore);
  ASSERT_FALSE(chunk.entries.empty());
  std::vector<ProcessEntry> entries = chunk.entries;
  const uint32_t last_sent = entries.back().pid;

  // Processes exit after the snapshot, before their turn (well past the
  // one entry that may already be read and waiting for the next chunk).
  std::set<uint32_t> removed;
  for (uint32_t pid = last_sent + 3; pid < kFirst + kCount; pid += 3) {
    ASSERT_NO_FATAL_FAILURE(tree.Remove(pid));
    removed.insert(pid);
  }
  // And one is replaced by a malformed process.
  const uint32_t broken = last_sent + 4;
  ASSERT_EQ(removed.count(broken), 0u);
  tree.Add(FakeFor(broken), /*bad=*/true);

  HandlerResult r = first;
  int chunks = 1;
  while (r.flags & kResponseMore) {
    r = service.Continue(ContinueRequest(kHost, first.iterator_id));
    chunk = ExpectChunk(r);
    ASSERT_EQ(static_cast<int>(r.status), 0);
    for (const ProcessEntry& e : chunk.entries) entries.push_back(e);
    ASSERT_LT(++chunks, 10000);
  }
  EXPECT_GT(chunks, 2);

  const std::map<uint32_t, ProcessEntry> by_pid = ByPid(entries);
  for (uint32_t pid = kFirst; pid < kFirst + kCount; ++pid) {
    const bool expected = removed.count(pid) == 0 && pid != broken;
    EXPECT_EQ(by_pid.count(pid), expected ? 1u : 0u) << pid;
  }
  for (const auto& [pid, e] : by_pid) ExpectMatchesFake(e);  // no garbage
  EXPECT_EQ(by_pid.size(), kCount - removed.size() - 1);
  EXPECT_EQ(service.processes_skipped(), removed.size() + 1);
}

// A process at the limits of messages.h: a command line that fills
// kMaxArgsBytes and long exe and cwd links. GET_PROCESS_INFO must still
// answer with the process, within one response page.
TEST(SmallTreeTest, InfoOfAProcessWithLongCommandLineAndPaths) {
  FakeTree tree("limits");
  FakeProcess p = FakeFor(77);
  p.args.clear();
  for (int i = 0; i < 200; ++i)
    p.args.push_back(absl::StrCat("--option-", 1000 + i));
  tree.Add(p);
  const std::string dir = tree.proc() + "/77";
  const std::string long_path = "/" + std::string(700, 'd') + "/bin";
  fs::create_symlink(long_path, dir + "/exe");
  fs::create_symlink("/" + std::string(600, 'c'), dir + "/cwd");
  fs::create_symlink("/", dir + "/root");

  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);
  absl::StatusOr<ProcessInfo> direct = procfs.ReadProcessInfo(77);
  ASSERT_TRUE(direct.ok()) << direct.status();
  ASSERT_EQ(direct->exe, long_path);

  const HandlerResult r = service.Info(InfoRequest(kHost, 77));
  CheckResponse(r);
  ASSERT_EQ(static_cast<int>(r.status), 0) << DecodeErrorMessage(r.payload);
  absl::StatusOr<ProcessInfo> info = DecodeMessage<ProcessInfo>(r.payload);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->entry.pid, 77u);
  EXPECT_EQ(info->entry.comm, p.comm);
  EXPECT_EQ(info->exe, long_path);
  EXPECT_EQ(info->cwd, "/" + std::string(600, 'c'));
  EXPECT_EQ(info->root, "/");
  // Whatever had to give way is marked: the arguments kept are a prefix.
  ASSERT_LE(info->entry.args.size(), p.args.size());
  for (size_t i = 0; i < info->entry.args.size(); ++i) {
    EXPECT_EQ(info->entry.args[i], p.args[i]);
  }
  EXPECT_TRUE(info->entry.args_truncated);

  // The same process in a listing: a listing entry has room for all of it.
  const HandlerResult list = service.List(ListRequest(kHost));
  const ListChunk chunk = ExpectChunk(list);
  ASSERT_EQ(chunk.entries.size(), 1u);
  EXPECT_EQ(chunk.entries[0].pid, 77u);
}

}  // namespace
}  // namespace haywire
