// Copyright 2026 The Haywire Authors.
//
// What the ProcessService tests (process_service_*test.cc) share: the
// committed fixture proc tree (testdata/procfs/basic) and its constants;
// proc trees generated in TEST_TMPDIR (FakeTree), whose processes are all
// functions of their pid (FakeFor); requests built directly (no region, no
// companion loop), so the handlers see what the companion would hand them; a
// ProcessService behind a RequestRouter as the companion runs it; and checks
// of what every response must satisfy.
//
//   FakeTree tree("short");
//   for (uint32_t pid = 10; pid < 13; ++pid) tree.Add(FakeFor(pid));
//   ProcFs procfs(tree.proc(), tree.passwd(), kFixtureConstants);
//   RoutedProcessService service(&procfs, nullptr, /*seed=*/1);
//   Listing listing;
//   ASSERT_NO_FATAL_FAILURE(ListAll(service, kHost, &listing));
//   for (const ProcessEntry& e : listing.entries) ExpectMatchesFake(e);
//   ExpectError(service.Info(InfoRequest(kHost, 4000)),
//               ResponseStatus::kNoSuchProcess);
//
// The checks report through gtest (EXPECT_* / ASSERT_*). Test-only.
#ifndef GUEST_PROCESS_SERVICE_TEST_SUPPORT_H_
#define GUEST_PROCESS_SERVICE_TEST_SUPPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "guest/iterator_table.h"
#include "guest/process_service.h"
#include "guest/procfs.h"
#include "guest/request_router.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/slot.h"

namespace haywire {

inline constexpr ProcFsConstants kFixtureConstants = {
    /*clock_ticks_per_second=*/100,
    /*page_size=*/4096};
inline constexpr uint64_t kFixtureBootNs = 1'700'000'000'000'000'000ull;
inline constexpr uint32_t kHost = 4100;

// The committed fixture tree (testdata/procfs/basic) in the runfiles.
std::string BasicDir();

// Writes `contents` to `path`, replacing the file.
void WriteFile(const std::string& path, absl::string_view contents);

// ---------------------------------------------------------------------------
// Requests and responses.
// ---------------------------------------------------------------------------

Request MakeRequest(RequestType type, uint32_t host_pid,
                    absl::string_view payload);

Request ListRequest(uint32_t host_pid,
                    const ListProcessesRequest& request = {});

Request ContinueRequest(uint32_t host_pid, uint64_t id);

Request CancelRequest(uint32_t host_pid, uint64_t id);

Request InfoRequest(uint32_t host_pid, uint32_t pid);

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
void CheckResponse(const HandlerResult& r);

// An error response with `status` and a message.
void ExpectError(const HandlerResult& r, ResponseStatus status);

// A decoded OK listing chunk.
ListChunk ExpectChunk(const HandlerResult& r);

struct Listing {
  std::optional<ListHeader> header;
  std::vector<ProcessEntry> entries;
  int chunks = 0;
};

// Drives LIST (with `request`'s fields) then CONTINUE until the listing
// ends.
void ListAll(RoutedProcessService& service, uint32_t host, Listing* out,
             const ListProcessesRequest& request = {});

std::map<uint32_t, ProcessEntry> ByPid(
    const std::vector<ProcessEntry>& entries);

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

FakeProcess FakeFor(uint32_t pid);

// A proc tree under TEST_TMPDIR with the basic fixture's system files and
// passwd.
class FakeTree {
 public:
  explicit FakeTree(const std::string& name);

  std::string proc() const { return root_ + "/proc"; }
  std::string passwd() const { return root_ + "/etc/passwd"; }

  // Adds `p`'s stat, status and cmdline; `bad` gives it a malformed stat
  // (ppid "1x").
  void Add(const FakeProcess& p, bool bad = false);

  void Remove(uint32_t pid);

 private:
  std::string root_;
};

// Checks that `e` is the generated process of its pid, child of pid 1.
void ExpectMatchesFake(const ProcessEntry& e);

}  // namespace haywire

#endif  // GUEST_PROCESS_SERVICE_TEST_SUPPORT_H_
