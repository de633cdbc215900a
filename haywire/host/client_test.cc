// Copyright 2026 The Haywire Authors.
//
// The host client against an in-process companion over a simulated RAM file:
// round trips, chunked listings, busy slots, dead owners, timeouts, a
// companion that stops or crashes, and hostile responses.

#include "haywire/host/client.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/companion.h"
#include "guest/request_router.h"
#include "guest/simulated_ram.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/wire_format.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

TEST(ClientTest, PingRoundTrips) {
  TestCompanion companion("ping");
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(client.Ping().ok());
}

TEST(ClientTest, ListingFollowsTheIteratorToTheEnd) {
  TestCompanion companion("list");
  FakeListing listing;
  ServeFakeListing(companion, listing);
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());

  absl::StatusOr<ProcessList> list = client.ListProcesses();
  ASSERT_TRUE(list.ok()) << list.status();
  ExpectWholeFakeListing(*list);
  EXPECT_EQ(list->chunks, 15u);  // ceil(100 / 7)
  EXPECT_EQ(list->resumptions, 0u);
  EXPECT_EQ(list->restarts, 0u);

  // An evicted iterator: the listing resumes after the last pid it got, as
  // often as it takes, and every process is listed exactly once.
  for (int evictions : {1, 2, 6}) {
    SCOPED_TRACE(absl::StrCat(evictions, " evictions"));
    listing.expire_first_continue = evictions;
    listing.lists_started = 0;
    list = client.ListProcesses();
    ASSERT_TRUE(list.ok()) << list.status();
    ExpectWholeFakeListing(*list);
    EXPECT_EQ(list->resumptions, static_cast<uint32_t>(evictions));
    EXPECT_EQ(list->restarts, 0u);
    EXPECT_EQ(listing.lists_started.load(), evictions + 1);
    EXPECT_EQ(listing.resumed_after.load(), 1000 + 7 * evictions - 1);
  }
}

TEST(ClientTest, OlderCompanionsListingRestartsOnce) {
  TestCompanion companion("list-old");
  FakeListing listing;
  ServeFakeListing(companion, listing);
  companion.Start(/*hidden_capabilities=*/kCapListResume);
  LiveSession session = companion.Connect();
  Client client(&session, Quick());

  // Without kCapListResume an expired iterator restarts the listing once...
  listing.expire_first_continue = 1;
  absl::StatusOr<ProcessList> list = client.ListProcesses();
  ASSERT_TRUE(list.ok()) << list.status();
  ExpectWholeFakeListing(*list);
  EXPECT_EQ(list->restarts, 1u);
  EXPECT_EQ(list->resumptions, 0u);
  EXPECT_EQ(listing.resumed_after.load(), 0u);

  // ...but not forever.
  listing.expire_first_continue = 2;
  list = client.ListProcesses();
  ASSERT_FALSE(list.ok());
  EXPECT_TRUE(absl::StrContains(list.status().message(), "expired twice"));
  EXPECT_EQ(FailureOf(list.status()), Failure::kBusy);
}

TEST(ClientTest, HostileListingsAreRejected) {
  TestCompanion companion("hostile");
  std::atomic<int> mode{0};
  companion.Handle<request::ListProcesses>(
      [&](const ListProcessesRequest&, const RequestContext&) {
        HandlerResult r;
        WireWriter w(kResponsePayloadBytes);
        ListHeader h;
        h.total_processes = 3;
        if (mode != 1) EncodeListHeader(h, &w);
        EncodeProcessEntry(Entry(5), &w);
        if (mode == 0) {  // never-ending listing of the same entry
          r.flags = kResponseMore;
          r.iterator_id = 1;
        }
        if (mode == 2) r.payload = "garbage!";
        if (mode != 2) r.payload = w.data();
        return r;
      });
  companion.Handle<request::ContinueIteration>(
      [&](const IteratorRequest&, const RequestContext&) {
        HandlerResult r;
        WireWriter w(kResponsePayloadBytes);
        EncodeProcessEntry(Entry(5), &w);
        r.payload = w.data();
        r.flags = kResponseMore;
        r.iterator_id = 1;
        return r;
      });
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  for (mode = 0; mode.load() < 3; ++mode) {
    absl::StatusOr<ProcessList> list = client.ListProcesses();
    ASSERT_FALSE(list.ok()) << "mode " << mode.load();
    EXPECT_EQ(FailureOf(list.status()), Failure::kGuestError) << list.status();
  }
}

TEST(ClientTest, GuestErrorsMapToFailures) {
  TestCompanion companion("errors");
  companion.Handle<request::GetProcessInfo>(
      [](const ProcessInfoRequest& req, const RequestContext&) {
        HandlerResult result;
        if (req.pid == 404) {
          result.status = ResponseStatus::kNoSuchProcess;
          result.payload = EncodeErrorMessage("no process 404");
        } else {
          ProcessInfo info;
          info.entry = Entry(req.pid + 1);  // lies about the pid
          WireWriter w(kResponsePayloadBytes);
          EncodeMessage(info, &w);
          result.payload = w.data();
        }
        return result;
      });
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(404);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(FailureOf(info.status()), Failure::kNoSuchProcess);
  info = client.GetProcessInfo(5);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(FailureOf(info.status()), Failure::kGuestError);
  // An unregistered request type is reported as unsupported.
  absl::StatusOr<Response> r = client.CallRaw(RequestType::kReadMemory, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ResponseStatus::kUnknownRequest);
}

TEST(ClientTest, AllSlotsBusyIsReportedAfterTheDeadline) {
  TestCompanion companion("busy");
  companion.Start();
  LiveSession session = companion.Connect();
  // Every slot held by a live process (this one's parent) that never
  // finishes.
  const uint32_t holder = static_cast<uint32_t>(::getppid());
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    ASSERT_TRUE(TryClaimSlot(session.region.request_slot(i), holder));
  }
  Client client(&session, Quick());
  absl::Status s = client.Ping();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FailureOf(s), Failure::kBusy);
  EXPECT_TRUE(absl::StrContains(s.message(), "16 request slots"));
}

TEST(ClientTest, SlotsOfDeadOwnersAreReclaimed) {
  TestCompanion companion("dead");
  companion.Start();
  LiveSession session = companion.Connect();
  absl::StatusOr<std::unique_ptr<ForkedChild>> child =
      ForkedChild::Start([] { return 0; });
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_EQ((*child)->WaitExit(absl::Seconds(60)), 0);  // now certainly gone
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    ASSERT_TRUE(TryClaimSlot(session.region.request_slot(i),
                             static_cast<uint32_t>((*child)->pid())));
  }
  Client client(&session, Quick());
  EXPECT_TRUE(client.Ping().ok());
}

TEST(ClientTest, SlowResponseTimesOutAndTheSlotRecovers) {
  TestCompanion companion("slow");
  std::atomic<int> delay_ms{400};
  companion.Handle<request::ListProcesses>(
      [&](const ListProcessesRequest&, const RequestContext&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
        FakeListing listing;
        listing.total = 1;
        return listing.Chunk(true);
      });
  companion.Start();
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.request_timeout = absl::Milliseconds(50);
  Client impatient(&session, options);
  absl::StatusOr<ProcessList> list = impatient.ListProcesses();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(FailureOf(list.status()), Failure::kTimeout) << list.status();
  // The abandoned slot is freed by the companion when it finishes; later
  // requests are served.
  delay_ms = 0;
  Client patient(&session, Quick());
  list = patient.ListProcesses();
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->processes.size(), 1u);
  patient.ReleaseSlot();  // the slot it kept for its next request
  // Eventually every slot is free again.
  for (int i = 0; i < 200; ++i) {
    bool all_free = true;
    for (uint32_t s = 0; s < kRequestSlotCount; ++s) {
      all_free &= LoadSlotWord(session.region.request_slot(s)).state ==
                  SlotState::kFree;
    }
    if (all_free) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "abandoned slot never freed";
}

TEST(ClientTest, StoppedCompanionIsReportedNotWrittenTo) {
  TestCompanion companion("stopped");
  companion.Start();
  LiveSession session = companion.Connect();
  companion.Stop(/*wipe=*/true);
  Client client(&session, Quick());
  absl::Status s = client.Ping();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FailureOf(s), Failure::kNoLiveSession);
  // Nothing was claimed in the wiped (now guest-owned) memory.
  ExpectAllSlots(session, SlotState::kFree);
}

TEST(ClientTest, CrashedCompanionIsReportedByItsHeartbeat) {
  TestCompanion companion("crashed");
  companion.Start();
  LiveSession session = companion.Connect();
  companion.Stop(/*wipe=*/false);  // pages intact, nobody serving
  ClientOptions options = Quick();
  options.heartbeat_timeout = absl::Milliseconds(100);
  Client client(&session, options);
  absl::Status s = client.Ping();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FailureOf(s), Failure::kNoLiveSession);
  EXPECT_TRUE(absl::StrContains(s.message(), "heartbeat stale for")) << s;
}

TEST(ClientTest, ConcurrentClientsGetTheirOwnAnswers) {
  TestCompanion companion("concurrent");
  companion.Handle<request::GetProcessInfo>(
      [](const ProcessInfoRequest& req, const RequestContext&) {
        ProcessInfo info;
        info.entry = Entry(req.pid);
        WireWriter w(kResponsePayloadBytes);
        EncodeMessage(info, &w);
        HandlerResult result;
        result.payload = w.data();
        return result;
      });
  companion.Start();
  LiveSession session = companion.Connect();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::mutex mu;
  std::string first_failure;
  for (int t = 0; t < 24; ++t) {
    threads.emplace_back([&, t] {
      // More threads than slots: claims contend, so allow waiting for one.
      ClientOptions options = Quick();
      options.busy_timeout = absl::Seconds(10);
      Client client(&session, options);
      for (uint32_t i = 1; i <= 300; ++i) {
        const uint32_t pid = t * 1000 + i;
        absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(pid);
        if (!info.ok() || info->entry.pid != pid ||
            info->entry.comm != absl::StrCat("proc", pid)) {
          ++failures;
          std::lock_guard<std::mutex> lock(mu);
          if (first_failure.empty()) {
            first_failure = info.ok() ? info->entry.comm
                                      : std::string(info.status().message());
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
}

TEST(ClientTest, KeepsItsSlotBetweenRequestsAndHandsItBack) {
  TestCompanion companion("keep");
  companion.Start();
  LiveSession session = companion.Connect();
  const uint32_t me = static_cast<uint32_t>(::getpid());
  {
    Client client(&session, Quick());
    EXPECT_EQ(client.kept_slot(), -1);
    ASSERT_TRUE(client.Ping().ok());
    const int index = client.kept_slot();
    ASSERT_GE(index, 0);
    RequestSlotPage& slot = session.region.request_slot(index);
    const SlotWord first = LoadSlotWord(slot);
    EXPECT_EQ(first.state, SlotState::kResponseReady);
    EXPECT_EQ(first.owner_pid, me);
    // The next requests reuse it: one generation per request, no other slot
    // touched.
    for (int i = 1; i <= 100; ++i) {
      ASSERT_TRUE(client.Ping().ok());
      ASSERT_EQ(client.kept_slot(), index);
      const SlotWord now = LoadSlotWord(slot);
      ASSERT_EQ(now.state, SlotState::kResponseReady);
      ASSERT_EQ(now.generation,
                (first.generation + i) & SlotWord::kGenerationMask);
    }
    for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
      if (static_cast<int>(i) == index) continue;
      EXPECT_EQ(LoadSlotWord(session.region.request_slot(i)).generation, 0u);
    }
    client.ReleaseSlot();
    EXPECT_EQ(client.kept_slot(), -1);
    EXPECT_EQ(LoadSlotWord(slot).state, SlotState::kFree);
    ASSERT_TRUE(client.Ping().ok());
    ASSERT_GE(client.kept_slot(), 0);
  }
  // The destructor released it too.
  ExpectAllSlots(session, SlotState::kFree);
}

TEST(ClientTest, WithoutKeepAliveEverySlotIsFreeBetweenRequests) {
  TestCompanion companion("nokeep");
  companion.Start();
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.keep_slot = false;
  Client client(&session, options);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.Ping().ok());
    EXPECT_EQ(client.kept_slot(), -1);
    ExpectAllSlots(session, SlotState::kFree);
  }
}

TEST(ClientTest, KeptSlotsCountAsBusyUntilReleased) {
  TestCompanion companion("keptbusy");
  companion.Start();
  LiveSession session = companion.Connect();
  std::vector<std::unique_ptr<Client>> holders;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    holders.push_back(std::make_unique<Client>(&session, Quick()));
    ASSERT_TRUE(holders.back()->Ping().ok());
  }
  Client late(&session, Quick());
  absl::Status s = late.Ping();
  EXPECT_EQ(FailureOf(s), Failure::kBusy) << s;
  // One holder goes idle and hands its slot back: the late client gets it.
  holders[3]->ReleaseSlot();
  EXPECT_TRUE(late.Ping().ok());
  // The holder that released claims another slot when one frees up.
  holders[5].reset();
  EXPECT_TRUE(holders[3]->Ping().ok());
}

TEST(ClientTest, SlotKeptByAProcessThatDiedIsReclaimed) {
  TestCompanion companion("keptdead");
  companion.Start();
  LiveSession session = companion.Connect();
  // Children each keep a slot and die without releasing it (_exit skips
  // destructors, as SIGKILL would).
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    absl::StatusOr<std::unique_ptr<ForkedChild>> child =
        ForkedChild::Start([&]() -> int {
          LiveSession own = companion.Connect();
          Client client(&own, Quick());
          // Leaves without running `client`'s destructor, which would hand
          // the slot back.
          _exit(client.Ping().ok() && client.kept_slot() >= 0 ? 0 : 1);
        });
    ASSERT_TRUE(child.ok()) << child.status();
    ASSERT_EQ((*child)->WaitExit(absl::Seconds(60)), 0);
  }
  ExpectAllSlots(session, SlotState::kResponseReady);
  Client client(&session, Quick());
  EXPECT_TRUE(client.Ping().ok());
}

}  // namespace
}  // namespace haywire
