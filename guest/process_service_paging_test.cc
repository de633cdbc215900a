// Copyright 2026 The Haywire Authors.
//
// ProcessService listings over many response pages, on proc trees generated
// in TEST_TMPDIR. On a tree of 3000 processes (BigTreeTest): every process
// exactly once across chunks, the iterator table and its shared mirror
// (cancel, another host's requests, eviction of the oldest listing). On
// trees of 300 (ResumeTest): a listing whose iterator was evicted, resumed
// after the last pid it got, from a later snapshot when there is one.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <utility>
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
#include "haywire/protocol/slot.h"

namespace haywire {
namespace {

constexpr uint32_t kOtherHost = 4200;

// LIST_PROCESSES resuming a listing after `after_pid`, first listed at
// `since` (its first header's uptime_ns).
Request ResumeRequest(uint32_t host_pid, uint32_t after_pid, uint64_t since) {
  ListProcessesRequest resume;
  resume.after_pid = after_pid;
  resume.listed_since_ns = since;
  return MakeRequest(RequestType::kListProcesses, host_pid,
                     EncodeMessage(resume));
}

// The big tree: 3000 processes (pids 1000..3999), every 500th malformed.
constexpr uint32_t kBigFirstPid = 1000;
constexpr uint32_t kBigCount = 3000;
bool BigTreeMalformed(uint32_t pid) { return pid % 500 == 0; }

class BigTreeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new FakeTree("big");
    for (uint32_t pid = kBigFirstPid; pid < kBigFirstPid + kBigCount; ++pid) {
      tree_->Add(FakeFor(pid), BigTreeMalformed(pid));
    }
  }
  static void TearDownTestSuite() {
    delete tree_;
    tree_ = nullptr;
  }

  BigTreeTest()
      : procfs_(tree_->proc(), tree_->passwd(), kFixtureConstants),
        service_(&procfs_, &mirror_, /*seed=*/0x1234) {}

  // Starts a listing that needs more chunks; returns its iterator id.
  uint64_t StartListing(uint32_t host, ListChunk* first = nullptr) {
    const HandlerResult r = service_.List(ListRequest(host));
    ListChunk chunk = ExpectChunk(r);
    EXPECT_TRUE(r.flags & kResponseMore);
    EXPECT_NE(r.iterator_id, 0u);
    EXPECT_FALSE(chunk.entries.empty());
    if (first != nullptr) *first = std::move(chunk);
    return r.iterator_id;
  }

  static FakeTree* tree_;
  IteratorTablePage mirror_{};
  ProcFs procfs_;
  RoutedProcessService service_;
};

FakeTree* BigTreeTest::tree_ = nullptr;

TEST_F(BigTreeTest, EveryProcessAppearsExactlyOnceAcrossChunks) {
  Listing listing;
  ASSERT_NO_FATAL_FAILURE(ListAll(service_, kHost, &listing));
  ASSERT_TRUE(listing.header.has_value());
  EXPECT_EQ(listing.header->total_processes, kBigCount);
  EXPECT_EQ(listing.header->boot_time_unix_ns, kFixtureBootNs);
  // Thousands of processes do not fit a few pages.
  EXPECT_GT(listing.chunks, 50);

  const std::map<uint32_t, ProcessEntry> by_pid = ByPid(listing.entries);
  size_t malformed = 0;
  for (uint32_t pid = kBigFirstPid; pid < kBigFirstPid + kBigCount; ++pid) {
    if (BigTreeMalformed(pid)) {
      ++malformed;
      EXPECT_EQ(by_pid.count(pid), 0u) << "malformed pid " << pid << " listed";
    } else {
      EXPECT_EQ(by_pid.count(pid), 1u) << "pid " << pid << " missing";
    }
  }
  EXPECT_EQ(by_pid.size(), kBigCount - malformed);
  for (const auto& [pid, e] : by_pid) ExpectMatchesFake(e);
  EXPECT_EQ(service_.processes_skipped(), malformed);
  EXPECT_EQ(service_.iterators().in_use(), 0u);
  for (const IteratorEntry& e : mirror_.entries) EXPECT_EQ(e.iterator_id, 0u);
}

TEST_F(BigTreeTest, MirrorShowsTheListingInProgress) {
  ListChunk first;
  const uint64_t id = StartListing(kHost, &first);
  const IteratorEntry* entry = nullptr;
  for (const IteratorEntry& e : mirror_.entries) {
    if (e.iterator_id == id) entry = &e;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->owner_pid, kHost);
  EXPECT_EQ(entry->total, kBigCount);
  EXPECT_GE(entry->position, first.entries.size());
  EXPECT_LE(entry->position, kBigCount);
  const uint32_t before = entry->position;
  ExpectChunk(service_.Continue(ContinueRequest(kHost, id)));
  EXPECT_GT(entry->position, before);
}

TEST_F(BigTreeTest, CancelFreesTheIterator) {
  const uint64_t id = StartListing(kHost);
  EXPECT_EQ(service_.iterators().in_use(), 1u);
  const HandlerResult cancel = service_.Cancel(CancelRequest(kHost, id));
  CheckResponse(cancel);
  EXPECT_EQ(static_cast<int>(cancel.status), 0);
  EXPECT_TRUE(cancel.payload.empty());
  EXPECT_EQ(service_.iterators().in_use(), 0u);
  for (const IteratorEntry& e : mirror_.entries) EXPECT_EQ(e.iterator_id, 0u);

  ExpectError(service_.Continue(ContinueRequest(kHost, id)),
              ResponseStatus::kIteratorExpired);
  ExpectError(service_.Cancel(CancelRequest(kHost, id)),
              ResponseStatus::kIteratorExpired);
}

TEST_F(BigTreeTest, AnotherHostCannotContinueOrCancel) {
  ListChunk first;
  const uint64_t id = StartListing(kHost, &first);
  ExpectError(service_.Continue(ContinueRequest(kOtherHost, id)),
              ResponseStatus::kIteratorExpired);
  ExpectError(service_.Cancel(CancelRequest(kOtherHost, id)),
              ResponseStatus::kIteratorExpired);
  EXPECT_EQ(service_.iterators().in_use(), 1u);

  // The owner's listing is intact: it continues where it was, to the end.
  std::vector<ProcessEntry> entries = first.entries;
  HandlerResult r;
  r.flags = kResponseMore;
  while (r.flags & kResponseMore) {
    r = service_.Continue(ContinueRequest(kHost, id));
    const ListChunk chunk = ExpectChunk(r);
    ASSERT_EQ(static_cast<int>(r.status), 0);
    for (const ProcessEntry& e : chunk.entries) entries.push_back(e);
    // Another host in the middle changes nothing.
    if (r.flags & kResponseMore) {
      ExpectError(service_.Continue(ContinueRequest(kOtherHost, id)),
                  ResponseStatus::kIteratorExpired);
    }
  }
  size_t malformed = 0;
  for (uint32_t pid = kBigFirstPid; pid < kBigFirstPid + kBigCount; ++pid) {
    malformed += BigTreeMalformed(pid);
  }
  EXPECT_EQ(ByPid(entries).size(), kBigCount - malformed);
}

TEST_F(BigTreeTest, NinthListingEvictsTheFirst) {
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount + 1; ++i) {
    ids.push_back(StartListing(kHost + i % 3));
  }
  EXPECT_EQ(service_.iterators().in_use(), kIteratorCount);
  EXPECT_EQ(service_.iterators().evictions(), 1u);
  ExpectError(service_.Continue(ContinueRequest(kHost, ids[0])),
              ResponseStatus::kIteratorExpired);
  for (uint32_t i = 1; i < ids.size(); ++i) {
    const HandlerResult r =
        service_.Continue(ContinueRequest(kHost + i % 3, ids[i]));
    const ListChunk chunk = ExpectChunk(r);
    EXPECT_EQ(static_cast<int>(r.status), 0) << i;
    EXPECT_FALSE(chunk.entries.empty()) << i;
  }
}

TEST_F(BigTreeTest, InfoOfAGeneratedProcess) {
  const HandlerResult r = service_.Info(InfoRequest(kHost, 1234));
  CheckResponse(r);
  ASSERT_EQ(static_cast<int>(r.status), 0) << DecodeErrorMessage(r.payload);
  absl::StatusOr<ProcessInfo> info = DecodeMessage<ProcessInfo>(r.payload);
  ASSERT_TRUE(info.ok()) << info.status();
  ExpectMatchesFake(info->entry);
  EXPECT_EQ(info->vm_size_kb, 2000u);
  EXPECT_EQ(info->umask, 022u);

  ExpectError(service_.Info(InfoRequest(kHost, kBigFirstPid + kBigCount)),
              ResponseStatus::kNoSuchProcess);
}

// A listing whose iterator was evicted resumes after the last pid it got:
// the resumed answer starts after that pid, carries a header, and ends
// where a whole listing would.
TEST(ResumeTest, ResumedListingStartsAfterThePidAndEnds) {
  FakeTree tree("resume");
  for (uint32_t pid = 100; pid < 400; ++pid) tree.Add(FakeFor(pid));
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);
  const HandlerResult first = service.List(ListRequest(kHost));
  const ListChunk chunk = ExpectChunk(first);
  ASSERT_TRUE(chunk.header.has_value());
  ASSERT_FALSE(chunk.entries.empty());
  const uint32_t last = chunk.entries.back().pid;

  Listing rest;
  HandlerResult r =
      service.List(ResumeRequest(kHost, last, chunk.header->uptime_ns));
  for (;;) {
    ListChunk c = ExpectChunk(r);
    if (rest.chunks++ == 0) {
      ASSERT_TRUE(c.header.has_value());
      EXPECT_EQ(c.header->total_processes, 399 - last);
    }
    for (ProcessEntry& e : c.entries) rest.entries.push_back(std::move(e));
    if ((r.flags & kResponseMore) == 0) break;
    r = service.Continue(ContinueRequest(kHost, r.iterator_id));
  }
  ASSERT_EQ(rest.entries.size(), 399 - last);
  for (size_t i = 0; i < rest.entries.size(); ++i) {
    EXPECT_EQ(rest.entries[i].pid, last + 1 + i);
  }
  // The fixture's uptime never moves: no snapshot is later than the
  // listing's first, so the resumption read the directory again.
  EXPECT_EQ(service.snapshots_reused(), 0u);
}

// A resumption may be answered from a snapshot taken strictly after the
// listing began, without reading /proc's directory again; never from one
// taken at or before it.
TEST(ResumeTest, ResumptionReusesOnlyALaterSnapshot) {
  FakeTree tree("resume-reuse");
  for (uint32_t pid = 100; pid < 400; ++pid) tree.Add(FakeFor(pid));
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);
  const ListChunk first = ExpectChunk(service.List(ListRequest(kHost)));
  ASSERT_TRUE(first.header.has_value());
  const uint64_t since = first.header->uptime_ns;

  // A process appears, and time moves on; another client's listing takes a
  // new snapshot (which holds it).
  tree.Add(FakeFor(500));
  WriteFile(tree.proc() + "/uptime", "99999.50 1.00\n");
  const ListChunk other = ExpectChunk(service.List(ListRequest(kHost + 1)));
  ASSERT_TRUE(other.header.has_value());
  ASSERT_GT(other.header->uptime_ns, since);

  // The resumption is answered from that snapshot: pid 500 is in it even
  // after its directory is gone, proving no new read happened.
  tree.Remove(500);
  const HandlerResult resumed = service.List(ResumeRequest(kHost, 390, since));
  const ListChunk chunk = ExpectChunk(resumed);
  EXPECT_EQ(service.snapshots_reused(), 1u);
  ASSERT_TRUE(chunk.header.has_value());
  EXPECT_EQ(chunk.header->total_processes, 10u);  // 391..399 and 500
  ASSERT_FALSE(chunk.entries.empty());
  EXPECT_EQ(chunk.entries.front().pid, 391u);

  // A resumption that began after that snapshot is not answered from it.
  const HandlerResult fresh =
      service.List(ResumeRequest(kHost, 390, other.header->uptime_ns));
  ExpectChunk(fresh);
  EXPECT_EQ(service.snapshots_reused(), 1u);
}

// A kernel thread's entry comes from its stat alone (EntryFields::
// kernel_threads_from_stat): a listing reads neither its status nor its
// cmdline, so one without them (as the kernel's never need) is listed as
// root with no arguments. Without the PF_KTHREAD flag, the same missing
// status means the process exited: skipped.
TEST(ProcessServiceTest, ListsKernelThreadsFromStatAlone) {
  FakeTree tree("kernel-threads");
  tree.Add(FakeFor(100));
  // A real kworker's flags (PF_KTHREAD | PF_WQ_WORKER | ...).
  const auto stat = [](uint32_t pid, const char* flags) {
    return absl::StrCat(pid, " (kworker/0:", pid, ") I 2 0 0 0 -1 ", flags,
                        " 0 0 0 0 0 12 0 0 0 -20 1 0 40 0 0"
                        " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0"
                        " 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  };
  std::filesystem::create_directory(tree.proc() + "/150");
  WriteFile(tree.proc() + "/150/stat", stat(150, "69238880"));
  std::filesystem::create_directory(tree.proc() + "/151");
  WriteFile(tree.proc() + "/151/stat", stat(151, "4194560"));
  ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
  RoutedProcessService service(&procfs, nullptr, 1);
  Listing listing;
  ListAll(service, kHost, &listing);
  const std::map<uint32_t, ProcessEntry> by_pid = ByPid(listing.entries);
  ASSERT_EQ(by_pid.size(), 2u);
  ExpectMatchesFake(by_pid.at(100));
  const ProcessEntry& worker = by_pid.at(150);
  EXPECT_EQ(worker.comm, "kworker/0:150");
  EXPECT_EQ(worker.ppid, 2u);
  EXPECT_EQ(worker.state, 'I');
  EXPECT_EQ(worker.uid, 0u);
  EXPECT_EQ(worker.user, "root");
  EXPECT_TRUE(worker.args.empty());
  EXPECT_EQ(worker.ns_pid, 150u);
  EXPECT_EQ(worker.shr_kb, 0u);
  EXPECT_EQ(worker.nice, -20);
  // GET_PROCESS_INFO reads every file (it shows status's fields).
  EXPECT_TRUE(absl::IsNotFound(procfs.ReadProcess(150).status()));
}

}  // namespace
}  // namespace haywire
