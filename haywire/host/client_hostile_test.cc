// Copyright 2026 The Haywire Authors.
//
// The Client against companions that die or misbehave: it must never write
// into the pages of a companion that stopped while the client was idle, and
// no listing may run, or grow, without bound.

#include <atomic>
#include <cstring>
#include <thread>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/slot.h"

namespace haywire {
namespace {

TEST(ClientHostileTest, KilledCompanionIsNotWrittenToAfterAnIdleSpell) {
  TestCompanion companion("killed-idle");
  companion.Start();
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.idle_proof = absl::Milliseconds(50);
  options.heartbeat_timeout = absl::Milliseconds(300);
  // Waiting for a response would notice the silence too, but only after
  // the request was written: the check must come first.
  Client client(&session, options);
  ASSERT_TRUE(client.Ping().ok());
  const int kept = client.kept_slot();
  ASSERT_GE(kept, 0);
  companion.Stop(/*wipe=*/false);  // SIGKILL: pages intact, heartbeat frozen
  // Longer than two heartbeat periods: the last beat is then too old to
  // count as a proof of life.
  absl::SleepFor(absl::Milliseconds(400));
  RequestSlotPage& slot = session.region.request_slot(kept);
  const SlotWord before = LoadSlotWord(slot);
  RequestSlotPage copy;
  std::memcpy(&copy, &slot, sizeof(copy));
  absl::Status s = client.Ping();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FailureOf(s), Failure::kNoLiveSession) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "heartbeat stopped")) << s;
  EXPECT_EQ(LoadSlotWord(slot), before);
  EXPECT_EQ(std::memcmp(&copy, &slot, sizeof(copy)), 0)
      << "the client wrote into a dead companion's slot";
}

TEST(ClientHostileTest, LiveCompanionAfterIdleIsServedAsUsual) {
  TestCompanion companion("alive-idle");
  companion.Start();
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.idle_proof = absl::Milliseconds(20);
  Client client(&session, options);
  for (int i = 0; i < 3; ++i) {
    absl::SleepFor(absl::Milliseconds(60));
    EXPECT_TRUE(client.Ping().ok());
  }
}

// A companion whose listing expires at every continuation and, resumed
// after pid N, sends a new process below N: every chunk is new, yet the
// listing never gets past N. Without a progress check it goes round until
// the pids run out.
TEST(ClientHostileTest, ListingThatNeverProgressesFails) {
  TestCompanion companion("no-progress");
  std::atomic<uint32_t> next_pid{100'000};
  companion.Handle<request::ListProcesses>(
      [&next_pid](const ListProcessesRequest&, const RequestContext&) {
        WireWriter w(kResponsePayloadBytes);
        ListHeader h;
        h.total_processes = 2;
        EncodeListHeader(h, &w);
        EncodeProcessEntry(Entry(next_pid--), &w);
        HandlerResult r;
        r.payload = w.data();
        r.flags = kResponseMore;
        r.iterator_id = 3;
        return r;
      });
  companion.Handle<request::ContinueIteration>(
      [](const IteratorRequest&, const RequestContext&) {
        return ErrorResult(ResponseStatus::kIteratorExpired, "evicted");
      });
  companion.Start();
  LiveSession session = companion.Connect();
  Client client(&session, Quick());
  absl::StatusOr<ProcessList> list = client.ListProcesses();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(FailureOf(list.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(list.status().message(), "keeps expiring"))
      << list.status();
}

// A companion that lists new processes for ever: the listing ends at its
// time limit, with a clear error, whatever the entry and byte caps.
TEST(ClientHostileTest, EndlessListingStopsAtItsTimeLimit) {
  TestCompanion companion("endless");
  std::atomic<uint32_t> next_pid{100};
  auto chunk = [&next_pid](bool header) {
    WireWriter w(kResponsePayloadBytes);
    if (header) {
      ListHeader h;
      h.total_processes = 1;
      EncodeListHeader(h, &w);
    }
    EncodeProcessEntry(Entry(next_pid++), &w);
    HandlerResult r;
    r.payload = w.data();
    r.flags = kResponseMore;
    r.iterator_id = 4;
    return r;
  };
  companion.Handle<request::ListProcesses>(
      [chunk](const ListProcessesRequest&, const RequestContext&) {
        return chunk(true);
      });
  companion.Handle<request::ContinueIteration>(
      [chunk](const IteratorRequest&, const RequestContext&) {
        return chunk(false);
      });
  companion.Start();
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.listing_timeout = absl::Milliseconds(300);
  Client client(&session, options);
  absl::StatusOr<ProcessList> list = client.ListProcesses();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(FailureOf(list.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(list.status().message(), "did not end within"))
      << list.status();
  EXPECT_GT(next_pid.load(), 101u);
}

// A companion that lists new processes quickly and for ever stops at the
// entry cap long before the time limit; a companion whose entries are fat
// stops at the byte cap. Without either check the listing would run until
// listing_timeout (and, at full speed, hold gigabytes by then).
class ListingCapsTest : public ::testing::Test {
 protected:
  absl::StatusOr<ProcessList> ListEndless(const ClientOptions& options) {
    listing_.total = 4'000'000;  // never reached: the caps end it first
    listing_.per_chunk = 20;
    ServeFakeListing(companion_, listing_);
    companion_.Start();
    session_ = companion_.Connect();
    Client client(&session_, options);
    return client.ListProcesses();
  }

  ClientOptions CapsOptions() {
    ClientOptions options = Quick();
    options.listing_timeout = absl::Seconds(120);
    return options;
  }

  FakeListing listing_;  // outlives the companion thread that serves it
  TestCompanion companion_{"listing-caps"};
  LiveSession session_;
};

TEST_F(ListingCapsTest, EndlessListingStopsAtTheEntryCap) {
  ClientOptions options = CapsOptions();
  options.max_listed_processes = 1000;
  const absl::Time start = absl::Now();
  absl::StatusOr<ProcessList> list = ListEndless(options);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(FailureOf(list.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(list.status().message(),
                                "passed 1000 processes without ending"))
      << list.status();
  EXPECT_LT(absl::Now() - start, options.listing_timeout);
  companion_.Stop();  // joins the thread that wrote listing_.next
  // It stopped at the first chunk past the cap, not later.
  EXPECT_LE(listing_.next, 1000u + listing_.per_chunk);
}

TEST_F(ListingCapsTest, EndlessListingStopsAtTheByteCap) {
  ClientOptions options = CapsOptions();
  options.max_listing_bytes = 64 << 10;
  absl::StatusOr<ProcessList> list = ListEndless(options);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(FailureOf(list.status()), Failure::kGuestError);
  EXPECT_TRUE(absl::StrContains(list.status().message(),
                                "passed 65536 bytes of entries without ending"))
      << list.status();
  companion_.Stop();  // joins the thread that wrote listing_.next
  // Each entry holds well over 64 bytes, so the cap came before 1024
  // entries, and within one chunk of it.
  EXPECT_LT(listing_.next, 1024u);
  EXPECT_GT(listing_.next, 64u);
}

}  // namespace
}  // namespace haywire
