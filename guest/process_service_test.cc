// Copyright 2026 The Haywire Authors.
//
// ProcessService over the committed fixture proc tree
// (testdata/procfs/basic): what a listing reports of each process, what
// GET_PROCESS_INFO answers for present, missing and malformed processes, and
// malformed requests and unknown iterators turned into errors. Requests are
// built directly (no region, no companion loop): the handlers see what the
// companion would hand them. Generated trees: process_service_paging_test.cc
// and process_service_small_tree_test.cc.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/iterator_table.h"
#include "guest/process_service_test_support.h"
#include "guest/procfs.h"
#include "guest/request_router.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;

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

// A host that will not show containers asks the companion to skip each
// process's cgroup file (ListProcessesRequest::omit); the rest of every
// entry is the same, and the next listing without the bit has them again.
TEST_F(BasicTreeTest, ListingWithoutCgroupsLeavesOnlyThemOut) {
  Listing with;
  ASSERT_NO_FATAL_FAILURE(ListAll(service_, kHost, &with));
  Listing without;
  ListProcessesRequest omit;
  omit.omit = kListOmitCgroup;
  ASSERT_NO_FATAL_FAILURE(ListAll(service_, kHost, &without, omit));

  const std::map<uint32_t, ProcessEntry> a = ByPid(with.entries);
  std::map<uint32_t, ProcessEntry> b = ByPid(without.entries);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.at(100).cgroup, "/user.slice/user-1000.slice/session-2.scope");
  for (auto& [pid, e] : b) {
    EXPECT_EQ(e.cgroup, "") << "pid " << pid;
    e.cgroup = a.at(pid).cgroup;
    EXPECT_EQ(EncodeMessage(e), EncodeMessage(a.at(pid))) << "pid " << pid;
  }

  // Unknown bits are ignored; the next listing reads cgroups again.
  Listing unknown_bits;
  ListProcessesRequest other;
  other.omit = 0xFFFFFFFEu;
  ASSERT_NO_FATAL_FAILURE(ListAll(service_, kHost, &unknown_bits, other));
  EXPECT_EQ(ByPid(unknown_bits.entries).at(100).cgroup,
            "/user.slice/user-1000.slice/session-2.scope");
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

}  // namespace
}  // namespace haywire
