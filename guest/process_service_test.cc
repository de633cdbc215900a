// Copyright 2026 The Haywire Authors.
//
// ProcessService over fixture proc trees: the committed one
// (testdata/procfs/basic) and trees generated in TEST_TMPDIR with thousands
// of processes, for listings that span many response pages. Requests are
// built directly (no region, no companion loop): the handlers see what the
// companion would hand them.

#include "guest/process_service.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/companion.h"
#include "guest/procfs.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/slot.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;

constexpr ProcFsConstants kFixtureConstants = {/*clock_ticks_per_second=*/100,
                                               /*page_size=*/4096};
constexpr uint64_t kFixtureBootNs = 1'700'000'000'000'000'000ull;
constexpr uint32_t kHost = 4100;
constexpr uint32_t kOtherHost = 4200;

std::string BasicDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir == nullptr ? "." : srcdir,
                      "/haywire/testdata/procfs/basic");
}

std::string TmpDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return tmp == nullptr ? "/tmp" : tmp;
}

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(out) << path;
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  ASSERT_TRUE(out.good()) << path;
}

// ---------------------------------------------------------------------------
// Requests and responses.
// ---------------------------------------------------------------------------

Request MakeRequest(RequestType type, uint32_t host_pid,
                    absl::string_view payload) {
  static uint64_t ticket = 0;
  Request r{};
  r.ticket = ++ticket;
  r.type = static_cast<uint32_t>(type);
  r.host_pid = host_pid;
  EXPECT_LE(payload.size(), kRequestPayloadBytes);
  r.payload_bytes = static_cast<uint32_t>(payload.size());
  std::memcpy(r.payload, payload.data(), payload.size());
  return r;
}

Request ListRequest(uint32_t host_pid) {
  return MakeRequest(RequestType::kListProcesses, host_pid, "");
}

// LIST_PROCESSES resuming a listing after `after_pid`, first listed at
// `since` (its first header's uptime_ns).
Request ResumeRequest(uint32_t host_pid, uint32_t after_pid, uint64_t since) {
  return MakeRequest(RequestType::kListProcesses, host_pid,
                     EncodeMessage(ListProcessesRequest{
                         .after_pid = after_pid, .listed_since_ns = since}));
}

Request ContinueRequest(uint32_t host_pid, uint64_t id) {
  return MakeRequest(RequestType::kContinueIteration, host_pid,
                     EncodeMessage(IteratorRequest{id}));
}

Request CancelRequest(uint32_t host_pid, uint64_t id) {
  return MakeRequest(RequestType::kCancelIteration, host_pid,
                     EncodeMessage(IteratorRequest{id}));
}

Request InfoRequest(uint32_t host_pid, uint32_t pid) {
  return MakeRequest(RequestType::kGetProcessInfo, host_pid,
                     EncodeMessage(ProcessInfoRequest{pid}));
}

// ProcessService behind a RequestRouter, as the companion runs it: every
// request goes through the router's decode, so malformed payloads reach the
// same code as in guest-serve. The four calls are named as the requests.
class RoutedProcessService {
 public:
  RoutedProcessService(const ProcFs* procfs, IteratorTablePage* mirror,
                       uint64_t seed)
      : service_(procfs, mirror, seed) {
    service_.RegisterWith(&router_);
  }
  HandlerResult List(const Request& r) { return Dispatch(r); }
  HandlerResult Continue(const Request& r) { return Dispatch(r); }
  HandlerResult Cancel(const Request& r) { return Dispatch(r); }
  HandlerResult Info(const Request& r) { return Dispatch(r); }
  const IteratorTable& iterators() const { return service_.iterators(); }
  uint64_t processes_skipped() const { return service_.processes_skipped(); }
  uint64_t snapshots_reused() const { return service_.snapshots_reused(); }

 private:
  HandlerResult Dispatch(const Request& r) {
    bool handler_ran = false;
    return router_.Dispatch(r, /*malformed=*/false, &handler_ran);
  }

  ProcessService service_;
  RequestRouter router_;
};

// Checks what every response must satisfy.
void CheckResponse(const HandlerResult& r) {
  EXPECT_LE(r.payload.size(), kResponsePayloadBytes);
  if (r.status != ResponseStatus::kOk) {
    EXPECT_NE(DecodeErrorMessage(r.payload), "")
        << "error " << static_cast<int>(r.status) << " without a message";
    EXPECT_EQ(r.flags, 0u);
    EXPECT_EQ(r.iterator_id, 0u);
  }
  if (r.flags & kResponseMore) {
    EXPECT_NE(r.iterator_id, 0u);
  } else {
    EXPECT_EQ(r.iterator_id, 0u);
  }
}

// An error response with `status` and a message.
void ExpectError(const HandlerResult& r, ResponseStatus status) {
  CheckResponse(r);
  EXPECT_EQ(static_cast<int>(r.status), static_cast<int>(status));
  EXPECT_NE(DecodeErrorMessage(r.payload), "");
  // Never listing data: an error payload holds no processes.
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(r.payload);
  if (chunk.ok()) {
    EXPECT_TRUE(chunk->entries.empty());
    EXPECT_FALSE(chunk->header.has_value());
  }
}

// A decoded OK listing chunk.
ListChunk ExpectChunk(const HandlerResult& r) {
  CheckResponse(r);
  EXPECT_EQ(static_cast<int>(r.status), static_cast<int>(ResponseStatus::kOk))
      << DecodeErrorMessage(r.payload);
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(r.payload);
  EXPECT_TRUE(chunk.ok()) << chunk.status();
  return chunk.ok() ? *std::move(chunk) : ListChunk();
}

struct Listing {
  std::optional<ListHeader> header;
  std::vector<ProcessEntry> entries;
  int chunks = 0;
};

// Drives LIST then CONTINUE until the listing ends.
void ListAll(RoutedProcessService& service, uint32_t host, Listing* out) {
  HandlerResult r = service.List(ListRequest(host));
  // The header comes first in the first payload.
  {
    WireReader reader(r.payload);
    WireField first;
    absl::StatusOr<bool> more = reader.Next(&first);
    ASSERT_TRUE(more.ok() && *more) << "empty first chunk";
    EXPECT_EQ(first.tag, 1) << "the first field is not the listing header";
  }
  ListChunk chunk = ExpectChunk(r);
  ASSERT_TRUE(chunk.header.has_value());
  out->header = chunk.header;
  out->chunks = 1;
  for (ProcessEntry& e : chunk.entries) out->entries.push_back(std::move(e));
  const uint64_t id = r.iterator_id;
  while (r.flags & kResponseMore) {
    // Progress: a chunk that says "more" carries at least one entry.
    ASSERT_FALSE(chunk.entries.empty()) << "chunk " << out->chunks;
    ASSERT_LT(out->chunks, 100000) << "listing does not end";
    r = service.Continue(ContinueRequest(host, id));
    chunk = ExpectChunk(r);
    ASSERT_EQ(static_cast<int>(r.status), 0);
    EXPECT_FALSE(chunk.header.has_value()) << "header in a continuation";
    if (r.flags & kResponseMore) {
      EXPECT_EQ(r.iterator_id, id);
      EXPECT_FALSE(chunk.entries.empty());
    }
    ++out->chunks;
    for (ProcessEntry& e : chunk.entries) out->entries.push_back(std::move(e));
  }
}

std::map<uint32_t, ProcessEntry> ByPid(
    const std::vector<ProcessEntry>& entries) {
  std::map<uint32_t, ProcessEntry> by_pid;
  for (const ProcessEntry& e : entries) {
    EXPECT_TRUE(by_pid.emplace(e.pid, e).second) << "pid " << e.pid << " twice";
  }
  return by_pid;
}

// ---------------------------------------------------------------------------
// Generated proc trees.
// ---------------------------------------------------------------------------

// What a generated process looks like, derived from its pid.
struct FakeProcess {
  uint32_t pid;
  std::string comm;
  uint32_t uid;
  std::string user;
  std::vector<std::string> args;
};

FakeProcess FakeFor(uint32_t pid) {
  static const uint32_t kUids[] = {0, 1000, 1001, 4242};
  static const char* const kUsers[] = {"root", "alice", "bob", "4242"};
  FakeProcess p;
  p.pid = pid;
  // Spaces and parentheses inside comm, as the kernel allows.
  p.comm = pid % 7 == 0 ? absl::StrCat("w) (", pid) : absl::StrCat("w ", pid);
  p.uid = kUids[pid % 4];
  p.user = kUsers[pid % 4];
  p.args = {"/usr/bin/worker", absl::StrCat("--id=", pid), "with space", "",
            "two\nlines"};
  return p;
}

// The stat/status/cmdline template of a generated process; `bad` gives it a
// malformed stat (ppid "1x").
std::string StatOf(const FakeProcess& p, bool bad) {
  return absl::StrCat(p.pid, " (", p.comm, ") S ", bad ? "1x" : "1", " ", p.pid,
                      " ", p.pid, " 0 -1 4194560 10 0 0 0 ", p.pid % 100,
                      " 5 0 0 20 0 1 0 ", 1000 + p.pid,
                      " 8192000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0"
                      " 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

std::string StatusOf(const FakeProcess& p) {
  return absl::StrCat(
      "Name:\t", p.comm, "\nUmask:\t0022\nState:\tS (sleeping)\n", "Tgid:\t",
      p.pid, "\nPid:\t", p.pid, "\nUid:\t", p.uid, "\t", p.uid, "\t", p.uid,
      "\t", p.uid, "\nGid:\t", p.uid, "\t", p.uid, "\t", p.uid, "\t", p.uid,
      "\nVmSize:\t    2000 kB\nVmRSS:\t    1000 kB\n"
      "Threads:\t1\nSigPnd:\t0000000000000000\n"
      "Cpus_allowed_list:\t0-3\n");
}

std::string CmdlineOf(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    out += a;
    out.push_back('\0');
  }
  return out;
}

// A proc tree under TEST_TMPDIR with the basic fixture's system files and
// passwd.
class FakeTree {
 public:
  explicit FakeTree(const std::string& name)
      : root_(absl::StrCat(TmpDir(), "/", name)) {
    fs::remove_all(root_);
    fs::create_directories(proc());
    fs::create_directories(root_ + "/etc");
    for (const char* f : {"stat", "uptime", "meminfo"}) {
      fs::copy_file(BasicDir() + "/proc/" + f, proc() + "/" + f);
    }
    fs::copy_file(BasicDir() + "/etc/passwd", passwd());
    fs::create_directories(proc() + "/self");  // not a pid
  }

  std::string proc() const { return root_ + "/proc"; }
  std::string passwd() const { return root_ + "/etc/passwd"; }

  void Add(const FakeProcess& p, bool bad = false) {
    const std::string dir = absl::StrCat(proc(), "/", p.pid);
    fs::create_directory(dir);
    WriteFile(dir + "/stat", StatOf(p, bad));
    WriteFile(dir + "/status", StatusOf(p));
    WriteFile(dir + "/cmdline", CmdlineOf(p.args));
  }

  void Remove(uint32_t pid) {
    ASSERT_GT(fs::remove_all(absl::StrCat(proc(), "/", pid)), 0u) << pid;
  }

 private:
  std::string root_;
};

void ExpectMatchesFake(const ProcessEntry& e) {
  const FakeProcess p = FakeFor(e.pid);
  EXPECT_EQ(e.comm, p.comm) << e.pid;
  EXPECT_EQ(e.args, p.args) << e.pid;
  EXPECT_FALSE(e.args_truncated) << e.pid;
  EXPECT_EQ(e.uid, p.uid) << e.pid;
  EXPECT_EQ(e.user, p.user) << e.pid;
  EXPECT_EQ(e.ppid, 1u) << e.pid;
  EXPECT_EQ(e.state, 'S') << e.pid;
  EXPECT_EQ(e.cpu_time_ns, (e.pid % 100 + 5) * 10'000'000ull) << e.pid;
  EXPECT_EQ(e.start_time_unix_ns,
            kFixtureBootNs + (1000 + e.pid) * 10'000'000ull)
      << e.pid;
  EXPECT_TRUE(e.session_leader) << e.pid;
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

// ---------------------------------------------------------------------------
// LIST / CONTINUE over the committed fixture.
// ---------------------------------------------------------------------------

class BasicTreeTest : public ::testing::Test {
 protected:
  BasicTreeTest()
      : procfs_(BasicDir() + "/proc", BasicDir() + "/etc/passwd",
                kFixtureConstants),
        service_(&procfs_, nullptr, /*seed=*/99) {}

  ProcFs procfs_;
  RoutedProcessService service_;
};

TEST_F(BasicTreeTest, ListingReportsEveryReadableProcessOnce) {
  Listing listing;
  ASSERT_NO_FATAL_FAILURE(ListAll(service_, kHost, &listing));
  ASSERT_TRUE(listing.header.has_value());
  EXPECT_EQ(listing.header->total_processes, 17u);  // every pid directory
  EXPECT_EQ(listing.header->boot_time_unix_ns, kFixtureBootNs);
  EXPECT_EQ(listing.header->mem_total_kb, 16318412u);
  EXPECT_EQ(listing.header->uptime_ns, 12345'670'000'000ull);
  EXPECT_GT(listing.header->now_unix_ns, kFixtureBootNs);

  const std::map<uint32_t, ProcessEntry> by_pid = ByPid(listing.entries);
  std::vector<uint32_t> pids;
  for (const auto& [pid, e] : by_pid) pids.push_back(pid);
  // Not 110 (malformed stat), 111 (no status), 112 (empty stat), 114
  // (malformed status).
  EXPECT_THAT(pids, ElementsAre(1, 2, 100, 101, 102, 103, 104, 105, 106, 107,
                                108, 109, 113));
  EXPECT_EQ(service_.processes_skipped(), 4u);
  EXPECT_EQ(service_.iterators().in_use(), 0u);  // finished listings free

  const ProcessEntry& vim = by_pid.at(100);
  EXPECT_EQ(vim.comm, "vim");
  EXPECT_EQ(vim.user, "bob");  // effective uid 1001, as procps's USER
  EXPECT_EQ(vim.uid, 1001u);
  EXPECT_EQ(vim.ruid, 1000u);
  EXPECT_EQ(vim.tty, "pts/3");
  EXPECT_EQ(vim.nice, -5);
  EXPECT_THAT(vim.args, ElementsAre("vim", "notes.txt"));
  EXPECT_TRUE(vim.foreground);
  EXPECT_TRUE(vim.multithreaded);
  EXPECT_TRUE(vim.has_locked_memory);
  EXPECT_EQ(by_pid.at(1).user, "root");
  EXPECT_THAT(by_pid.at(1).args, ElementsAre("/sbin/init", "splash"));
  EXPECT_EQ(by_pid.at(101).comm, "Web Content");
  EXPECT_EQ(by_pid.at(102).comm, ") R 1 2 3 (");
  EXPECT_EQ(by_pid.at(104).comm, "line1\nline2");
  EXPECT_TRUE(by_pid.at(105).args.empty());
  EXPECT_EQ(by_pid.at(108).state, 'Z');
  EXPECT_EQ(by_pid.at(109).user, "4242");
  EXPECT_THAT(by_pid.at(113).args, ElementsAre("postgres: checkpointer   "));

  // Cut command lines: flagged, and what is kept is a prefix of the real one.
  const std::vector<std::string> python = {"python3", "-c",
                                           std::string(3000, 'x')};
  const ProcessEntry& p106 = by_pid.at(106);
  EXPECT_TRUE(p106.args_truncated);
  ASSERT_GE(p106.args.size(), 2u);
  EXPECT_EQ(p106.args[0], "python3");
  EXPECT_EQ(p106.args[1], "-c");
  for (size_t i = 2; i < p106.args.size(); ++i) {
    EXPECT_EQ(python[i].substr(0, p106.args[i].size()), p106.args[i]);
  }
  const ProcessEntry& p107 = by_pid.at(107);
  EXPECT_TRUE(p107.args_truncated);
  ASSERT_FALSE(p107.args.empty());
  EXPECT_EQ(p107.args[0], "xargs");
  EXPECT_LE(p107.args.size(), kMaxArgs);
  for (size_t i = 1; i < p107.args.size(); ++i) EXPECT_EQ(p107.args[i], "a");
}

TEST_F(BasicTreeTest, InfoOfAFixtureProcess) {
  const HandlerResult r = service_.Info(InfoRequest(kHost, 100));
  CheckResponse(r);
  ASSERT_EQ(static_cast<int>(r.status), 0) << DecodeErrorMessage(r.payload);
  EXPECT_EQ(r.flags, 0u);
  absl::StatusOr<ProcessInfo> info = DecodeMessage<ProcessInfo>(r.payload);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->entry.pid, 100u);
  EXPECT_EQ(info->entry.comm, "vim");
  EXPECT_EQ(info->entry.user, "bob");
  EXPECT_THAT(info->entry.args, ElementsAre("vim", "notes.txt"));
  EXPECT_EQ(info->system.boot_time_unix_ns, kFixtureBootNs);
  EXPECT_EQ(info->system.mem_total_kb, 16318412u);
  EXPECT_EQ(info->euid, 1001u);
  EXPECT_EQ(info->fsgid, 1006u);
  EXPECT_EQ(info->umask, 027u);
  EXPECT_EQ(info->vm_peak_kb, 120600u);
  EXPECT_EQ(info->vm_lck_kb, 8u);
  EXPECT_EQ(info->vm_swap_kb, 16u);
  EXPECT_EQ(info->fd_count, 4u);
  EXPECT_EQ(info->cgroup, "0::/user.slice/user-1000.slice/session-2.scope");
  EXPECT_EQ(info->oom_score_adj, 200);
  EXPECT_EQ(info->sig_caught, 0x1ef804effu);
  EXPECT_EQ(info->voluntary_ctxt_switches, 1500u);
  EXPECT_EQ(info->minor_faults, 1234u);
  EXPECT_EQ(info->cpus_allowed_list, "0-3");

  // A kernel thread: the optional parts are absent.
  const HandlerResult k = service_.Info(InfoRequest(kHost, 105));
  CheckResponse(k);
  ASSERT_EQ(static_cast<int>(k.status), 0);
  absl::StatusOr<ProcessInfo> kinfo = DecodeMessage<ProcessInfo>(k.payload);
  ASSERT_TRUE(kinfo.ok()) << kinfo.status();
  EXPECT_EQ(kinfo->entry.comm, "kworker/0:1H");
  EXPECT_FALSE(kinfo->vm_size_kb.has_value());
  EXPECT_FALSE(kinfo->fd_count.has_value());
}

TEST_F(BasicTreeTest, InfoOfAMissingProcessIsNoSuchProcess) {
  ExpectError(service_.Info(InfoRequest(kHost, 4000)),
              ResponseStatus::kNoSuchProcess);
  // Exited between stat and status.
  ExpectError(service_.Info(InfoRequest(kHost, 111)),
              ResponseStatus::kNoSuchProcess);
  // Not a pid directory of the tree ("007" is not pid 7).
  ExpectError(service_.Info(InfoRequest(kHost, 7)),
              ResponseStatus::kNoSuchProcess);
}

TEST_F(BasicTreeTest, InfoOfAMalformedProcessIsAnErrorWithAMessage) {
  for (uint32_t pid : {110u, 114u}) {
    const HandlerResult r = service_.Info(InfoRequest(kHost, pid));
    CheckResponse(r);
    EXPECT_NE(static_cast<int>(r.status), 0) << pid;
    EXPECT_FALSE(DecodeMessage<ProcessInfo>(r.payload).ok()) << pid;
  }
}

TEST_F(BasicTreeTest, MalformedRequestsAreBadRequests) {
  const std::string garbage("\x01\x02\x03\x04\x05", 5);
  std::string big(kRequestPayloadBytes, '\xFF');
  const std::vector<std::string> bad_iterator_payloads = {
      "",
      garbage,
      big,
      EncodeMessage(IteratorRequest{0}),
      EncodeMessage(ProcessInfoRequest{100}),  // the wrong request
      EncodeMessage(IteratorRequest{5}).substr(0, 12),
  };
  for (const std::string& payload : bad_iterator_payloads) {
    ExpectError(service_.Continue(MakeRequest(RequestType::kContinueIteration,
                                              kHost, payload)),
                ResponseStatus::kBadRequest);
    ExpectError(service_.Cancel(
                    MakeRequest(RequestType::kCancelIteration, kHost, payload)),
                ResponseStatus::kBadRequest);
  }
  const std::vector<std::string> bad_info_payloads = {
      "",
      garbage,
      big,
      EncodeMessage(ProcessInfoRequest{0}),
      EncodeMessage(IteratorRequest{100}),
  };
  for (const std::string& payload : bad_info_payloads) {
    ExpectError(service_.Info(
                    MakeRequest(RequestType::kGetProcessInfo, kHost, payload)),
                ResponseStatus::kBadRequest);
  }
  // Nothing was started by any of that.
  EXPECT_EQ(service_.iterators().in_use(), 0u);
}

TEST_F(BasicTreeTest, ContinueOfAnUnknownIteratorIsExpired) {
  ExpectError(service_.Continue(ContinueRequest(kHost, 12345)),
              ResponseStatus::kIteratorExpired);
  ExpectError(service_.Cancel(CancelRequest(kHost, 12345)),
              ResponseStatus::kIteratorExpired);
}

// ---------------------------------------------------------------------------
// Small generated trees.
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// The big tree: listings over many chunks, and the iterator rules.
// ---------------------------------------------------------------------------

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

}  // namespace
}  // namespace haywire
