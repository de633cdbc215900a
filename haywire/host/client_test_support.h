// Copyright 2026 The Haywire Authors.
//
// Fixtures of the Client tests: a companion serving in a thread over a
// simulated RAM file, with handlers a test registers (fakes of well-behaved
// and of hostile companions), and a fake process listing.
#ifndef HAYWIRE_HOST_CLIENT_TEST_SUPPORT_H_
#define HAYWIRE_HOST_CLIENT_TEST_SUPPORT_H_

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/companion.h"
#include "guest/request_authenticator.h"
#include "guest/request_router.h"
#include "guest/simulated_ram.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/vm_key.h"
#include "haywire/host/client.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

inline std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir ? dir : "/tmp", "/", name, "-", ::getpid());
}

// A companion serving in a thread, over a region in a simulated RAM file.
class TestCompanion {
 public:
  explicit TestCompanion(const std::string& name) : path_(TempPath(name)) {
    SimulatedRamOptions options;
    options.path = path_;
    options.ram_bytes = 16ull << 20;
    options.region_pages = 64;
    options.seed = 9;
    ram_ = *SimulatedRam::Open(options);
  }
  ~TestCompanion() { Stop(); }

  // Registers the handler of request type D (as a service does).
  template <RequestDescriptor D, typename F>
  void Handle(F handler) {
    router_.Handle<D>(std::move(handler));
  }
  // Gives each slot a bulk window of one page (call before Start()); the
  // layout, for handlers that fill windows.
  BulkWindowLayout UseBulkWindows() {
    windows_ = BulkWindowLayout{kFirstBulkPage, 1};
    return windows_;
  }
  // Publishes the region, advertising what the router serves (minus
  // `hidden_capabilities`, to play an older companion), and serves. With
  // `key`, as a keyed companion (guest/request_authenticator.h).
  void Start(uint64_t hidden_capabilities = 0,
             const auth::VmKey* key = nullptr) {
    CompanionIdentity id;
    id.pid = 1;
    id.hostname = "guest";
    id.boot_id = "boot";
    id.capabilities = router_.capabilities() & ~hidden_capabilities;
    if (key != nullptr) id.capabilities |= kCapAuthentication;
    id.bulk_window_first_page = windows_.first_page;
    id.bulk_window_pages = windows_.pages_per_window;
    EXPECT_TRUE(InitializeRegion(ram_->pages(), 0xFEED, id).ok());
    if (key != nullptr) {
      std::array<uint8_t, auth::kProvenBeaconBytes> beacon;
      LoadBytesAcquire(beacon.data(), &Region(ram_->pages()).beacon(),
                       beacon.size());
      authenticator_ =
          std::make_unique<RequestAuthenticator>(*key, 0xFEED, beacon);
    }
    Resume();
  }
  // Serves again after Stop(/*wipe=*/false), with the same channels.
  void Resume() {
    CompanionOptions options;
    options.authenticator = authenticator_.get();
    companion_ =
        std::make_unique<Companion>(Region(ram_->pages()), &router_, options);
    stop_.store(false);
    thread_ = std::thread([this] { companion_->Serve(stop_); });
  }
  // A clean stop wipes the region, like guest-serve on SIGTERM.
  void Stop(bool wipe = true) {
    if (thread_.joinable()) {
      stop_.store(true);
      thread_.join();
      if (wipe) WipeRegion(ram_->pages());
    }
  }
  // The keyed companion's authenticator (null without a key), for tests
  // that answer a request by hand while the companion is stopped.
  RequestAuthenticator* authenticator() { return authenticator_.get(); }
  uint64_t requests_rejected() const {
    return companion_ != nullptr ? companion_->requests_rejected() : 0;
  }
  const std::string& path() const { return path_; }
  // Where each region page lies in the RAM file.
  const std::vector<uint64_t>& page_offsets() const {
    return ram_->page_offsets();
  }
  LiveSession Connect() {
    ConnectOptions options;
    options.mem_file = path_;
    options.cache_dir = path_ + ".cache";
    options.discover.live_wait = absl::Milliseconds(500);
    absl::StatusOr<LiveSession> s = ConnectToLiveSession(options);
    EXPECT_TRUE(s.ok()) << s.status();
    return *std::move(s);
  }
  Region region() const { return Region(ram_->pages()); }

 private:
  std::string path_;
  std::unique_ptr<SimulatedRam> ram_;
  RequestRouter router_;
  BulkWindowLayout windows_;
  std::unique_ptr<RequestAuthenticator> authenticator_;
  std::unique_ptr<Companion> companion_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

inline ClientOptions Quick() {
  ClientOptions o;
  o.request_timeout = absl::Seconds(5);
  o.busy_timeout = absl::Milliseconds(200);
  o.heartbeat_timeout = absl::Seconds(1);
  return o;
}

// Expects every slot of `session` to be in `state`.
inline void ExpectAllSlots(const LiveSession& session, SlotState state) {
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    EXPECT_EQ(LoadSlotWord(session.region.request_slot(i)).state, state)
        << "slot " << i;
  }
}

inline ProcessEntry Entry(uint32_t pid) {
  ProcessEntry e;
  e.pid = pid;
  e.ppid = 1;
  e.state = 'S';
  e.comm = absl::StrCat("proc", pid);
  e.args = {absl::StrCat("/bin/proc", pid), "--flag"};
  return e;
}

// A fake listing of `total` processes, `per_chunk` per response.
// Fields shared with the companion thread are atomic: the test reaches the
// region through a second mapping of the file, so ThreadSanitizer cannot see
// the slot protocol's own happens-before edges.
struct FakeListing {
  uint32_t total = 100;
  uint32_t per_chunk = 7;
  std::atomic<int> expire_first_continue{0};  // answer this many "expired"
  std::atomic<int> lists_started{0};
  std::atomic<uint32_t> resumed_after{0};  // the last after_pid received
  uint32_t next = 0;  // touched only by the companion thread

  HandlerResult Chunk(bool header) {
    WireWriter w(kResponsePayloadBytes);
    if (header) {
      ListHeader h;
      h.total_processes = total;
      h.mem_total_kb = 1024;
      EncodeListHeader(h, &w);
    }
    for (uint32_t k = 0; k < per_chunk && next < total; ++k) {
      if (!EncodeProcessEntry(Entry(1000 + next), &w)) break;  // page full
      ++next;  // counts only the entries sent
    }
    HandlerResult r;
    r.payload = w.data();
    if (next < total) {
      r.flags = kResponseMore;
      r.iterator_id = 77;
    }
    return r;
  }
};

// Serves `listing` through LIST_PROCESSES (honouring after_pid) and
// CONTINUE_ITERATION (answering "expired" while expire_first_continue > 0).
inline void ServeFakeListing(TestCompanion& companion, FakeListing& listing) {
  companion.Handle<request::ListProcesses>(
      [&](const ListProcessesRequest& r, const RequestContext&) {
        ++listing.lists_started;
        listing.next = 0;
        if (r.after_pid.has_value()) {
          listing.resumed_after = *r.after_pid;
          listing.next = *r.after_pid + 1 - 1000;
        }
        return listing.Chunk(true);
      });
  companion.Handle<request::ContinueIteration>(
      [&](const IteratorRequest& it, const RequestContext&) {
        EXPECT_EQ(it.iterator_id, 77u);
        if (listing.expire_first_continue.load() > 0) {
          listing.expire_first_continue.fetch_sub(1);
          return ErrorResult(ResponseStatus::kIteratorExpired, "evicted");
        }
        return listing.Chunk(false);
      });
}

// The fake listing's 100 processes, each once, in pid order.
inline void ExpectWholeFakeListing(const ProcessList& list) {
  ASSERT_EQ(list.processes.size(), 100u);
  for (uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(list.processes[i].pid, 1000 + i);
    EXPECT_EQ(list.processes[i].comm, absl::StrCat("proc", 1000 + i));
  }
}

}  // namespace haywire

#endif  // HAYWIRE_HOST_CLIENT_TEST_SUPPORT_H_
