// Copyright 2026 The Haywire Authors.
//
// A Client and a keyed companion: the client proves nothing by itself, so
// every test checks what the companion or the client refused and why.
// Tampering is done where an attacker who can write the RAM file would do
// it: in the shared pages, through a second mapping of the file, while the
// companion is stopped (requests) or by answering a request by hand with
// the companion's own authenticator and then altering the answer before it
// is published (responses).

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "guest/request_authenticator.h"
#include "haywire/auth/vm_key.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/slot.h"

namespace haywire {
namespace {

auth::VmKey KeyOf(uint8_t seed) {
  std::array<uint8_t, auth::kVmKeyBytes> bytes;
  bytes.fill(seed);
  return auth::VmKey(bytes);
}

ClientOptions WithKey(const auth::VmKey& key) {
  ClientOptions o = Quick();
  o.key = std::make_shared<const auth::VmKey>(key);
  return o;
}

// A companion with key 0x11 that answers GET_PROCESS_INFO for any pid.
class ClientAuthTest : public ::testing::Test {
 public:
  // What AnswerByHand changes after the answer was tagged, as someone
  // writing the RAM file could.
  enum class Alter {
    kNothing,
    kPayload,  // "real" becomes "fake"
    kFlags,    // kResponseMore set: a listing that would go on
    kTag,      // one bit of the tag
  };

 protected:
  void StartKeyed(const auth::VmKey* key) {
    companion_.Handle<request::GetProcessInfo>(
        [](const ProcessInfoRequest& r, const RequestContext&) {
          ProcessInfo info;
          info.entry.pid = r.pid;
          info.entry.comm = "real";
          return Respond<request::GetProcessInfo>(info);
        });
    companion_.Start(0, key);
    session_ = std::make_unique<LiveSession>(companion_.Connect());
  }

  // Waits for a published request in any slot; its index, or -1.
  int WaitForPublishedRequest() {
    for (int round = 0; round < 20000; ++round) {
      for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
        if (LoadSlotWord(session_->region.request_slot(i)).state ==
            SlotState::kRequestReady) {
          return static_cast<int>(i);
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return -1;
  }

  // Answers the GET_PROCESS_INFO published in `slot` by hand, as the
  // companion would (its own authenticator checks and tags it), then makes
  // the change `alter` names.
  void AnswerByHand(int slot, Alter alter) {
    RequestSlotPage& page = session_->region.request_slot(slot);
    Request request;
    bool malformed = false;
    std::optional<SlotWord> taken =
        ReadPublishedRequest(page, &request, &malformed, WithAuth::kYes);
    ASSERT_TRUE(taken.has_value());
    ResponseStatus refusal;
    std::string why;
    const RequestAuthenticator::Channel* channel =
        companion_.authenticator()->Verify(slot, request, malformed, &refusal,
                                           &why);
    ASSERT_NE(channel, nullptr) << why;
    ProcessInfo info;
    info.entry.pid = 42;
    info.entry.comm = "real";
    HandlerResult result = Respond<request::GetProcessInfo>(info);
    ResponseFields fields;
    fields.ticket = request.ticket;
    fields.type = request.type;
    const auth::Tag tag = companion_.authenticator()->Sign(
        *channel, slot, request, fields,
        absl::MakeConstSpan(
            reinterpret_cast<const uint8_t*>(result.payload.data()),
            result.payload.size()));
    auth::Tag sent = tag;
    fields.response_tag = &sent;
    if (alter == Alter::kPayload) {
      const size_t at = result.payload.find("real");
      ASSERT_NE(at, std::string::npos);
      result.payload.replace(at, 4, "fake");
    } else if (alter == Alter::kFlags) {
      fields.flags |= kResponseMore;
    } else if (alter == Alter::kTag) {
      sent[3] ^= 0x10;
    }
    ASSERT_EQ(CompleteRequest(
                  page, session_->region.response_slot(slot), *taken, fields,
                  absl::MakeConstSpan(
                      reinterpret_cast<const uint8_t*>(result.payload.data()),
                      result.payload.size())),
              Completion::kDelivered);
  }

  const auth::VmKey key_ = KeyOf(0x11);
  // One RAM file per test: a file reused from an earlier test would hold
  // that test's pages too.
  TestCompanion companion_{absl::StrCat(
      "client-auth-",
      absl::StrReplaceAll(
          ::testing::UnitTest::GetInstance()->current_test_info()->name(),
          {{"/", "-"}}))};
  std::unique_ptr<LiveSession> session_;
};

TEST_F(ClientAuthTest, KeyedClientAuthenticatesAndEveryCallSucceeds) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  absl::StatusOr<AuthOutcome> outcome = client.Authenticate();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(*outcome, AuthOutcome::kAuthenticated);
  EXPECT_TRUE(client.authenticated());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client.Ping().ok());
  absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(42);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->entry.comm, "real");
  EXPECT_EQ(companion_.requests_rejected(), 0u);
}

TEST_F(ClientAuthTest, TheFirstCallOpensTheChannelByItself) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  EXPECT_FALSE(client.authenticated());
  ASSERT_TRUE(client.Ping().ok());
  EXPECT_TRUE(client.authenticated());
}

TEST_F(ClientAuthTest, ClientWithoutKeyIsRefusedWithAClearError) {
  StartKeyed(&key_);
  Client client(session_.get(), Quick());
  absl::Status status = client.GetProcessInfo(42).status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(FailureOf(status), Failure::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(status.message(), "pass --key-file")) << status;
  EXPECT_GE(companion_.requests_rejected(), 1u);
}

TEST_F(ClientAuthTest, WrongKeyFailsAndThenNothingIsWritten) {
  StartKeyed(&key_);
  const auth::VmKey wrong = KeyOf(0x22);
  Client client(session_.get(), WithKey(wrong));
  absl::StatusOr<AuthOutcome> outcome = client.Authenticate();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(*outcome, AuthOutcome::kFailed);
  // Every slot as it is now; the failed client must not move any.
  std::array<uint64_t, kRequestSlotCount> before;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    before[i] = LoadAcquire(session_->region.request_slot(i).state);
  }
  absl::Status status = client.Ping();
  EXPECT_EQ(FailureOf(status), Failure::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(status.message(), "failed authentication"))
      << status;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    EXPECT_EQ(LoadAcquire(session_->region.request_slot(i).state), before[i])
        << "slot " << i;
  }
}

TEST_F(ClientAuthTest, CompanionWithoutKeyIsUnauthenticated) {
  StartKeyed(nullptr);
  Client client(session_.get(), WithKey(key_));
  absl::StatusOr<AuthOutcome> outcome = client.Authenticate();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(*outcome, AuthOutcome::kUnauthenticated);
  absl::Status status = client.Ping();
  EXPECT_EQ(FailureOf(status), Failure::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(status.message(), "has no key")) << status;
}

// A request altered in the slot after the client published it (one payload
// bit) is refused by the companion, and the client says so.
TEST_F(ClientAuthTest, AlteredRequestIsRefused) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  ASSERT_TRUE(client.Ping().ok());  // channel open
  companion_.Stop(/*wipe=*/false);
  absl::Status status;
  std::thread caller([&] { status = client.GetProcessInfo(42).status(); });
  const int slot = WaitForPublishedRequest();
  ASSERT_GE(slot, 0);
  // The payload is the encoded pid: flip a bit of its first word.
  RequestSlotPage& page = session_->region.request_slot(slot);
  StoreRelease(*reinterpret_cast<uint64_t*>(page.payload),
               LoadAcquire(*reinterpret_cast<uint64_t*>(page.payload)) ^ 4);
  companion_.Resume();
  caller.join();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(FailureOf(status), Failure::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(status.message(), "tag does not verify"))
      << status;
}

// A request published again as it was (state word, ticket, tag and all),
// after the companion served it, is refused as a replay.
TEST_F(ClientAuthTest, ReplayedRequestIsRefused) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  ASSERT_TRUE(client.Ping().ok());
  companion_.Stop(/*wipe=*/false);
  std::thread caller([&] { (void)client.GetProcessInfo(7); });
  const int slot = WaitForPublishedRequest();
  ASSERT_GE(slot, 0);
  RequestSlotPage& page = session_->region.request_slot(slot);
  // Record the published request as an attacker would.
  const uint64_t word = LoadAcquire(page.state);
  std::array<uint8_t, kPageSize> copy;
  LoadBytesAcquire(copy.data(), &page, kPageSize);
  companion_.Resume();
  caller.join();
  const uint64_t rejected_before = companion_.requests_rejected();
  // The slot is now kept by the client (kResponseReady). Put the recorded
  // request back, word for word, and publish it with its old state word.
  companion_.Stop(/*wipe=*/false);
  StoreBytesRelease(reinterpret_cast<uint8_t*>(&page) + 72, copy.data() + 72,
                    kPageSize - 72);
  StoreRelease(page.state, word);
  companion_.Resume();
  // The companion answers the replay with a refusal.
  for (int i = 0; i < 2000 && companion_.requests_rejected() == rejected_before;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(companion_.requests_rejected(), rejected_before + 1);
  const SlotWord after = LoadSlotWord(page);
  EXPECT_EQ(after.state, SlotState::kResponseReady);
  EXPECT_EQ(LoadAcquire(page.response.status),
            static_cast<uint32_t>(ResponseStatus::kUnauthenticated));
}

// A response altered after the companion tagged it (its payload, a field
// of the control line, or the tag itself) is not delivered; the session is
// then never written to again.
class AlteredResponseTest
    : public ClientAuthTest,
      public ::testing::WithParamInterface<ClientAuthTest::Alter> {};

TEST_P(AlteredResponseTest, IsDetected) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  ASSERT_TRUE(client.Ping().ok());
  companion_.Stop(/*wipe=*/false);
  absl::Status status;
  std::thread caller([&] { status = client.GetProcessInfo(42).status(); });
  const int slot = WaitForPublishedRequest();
  ASSERT_GE(slot, 0);
  AnswerByHand(slot, GetParam());
  caller.join();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(FailureOf(status), Failure::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(status.message(), "failed authentication"))
      << status;
  // Nothing more is sent, even with the companion serving again.
  companion_.Resume();
  EXPECT_EQ(FailureOf(client.Ping()), Failure::kUnauthenticated);
}

INSTANTIATE_TEST_SUITE_P(Alterations, AlteredResponseTest,
                         ::testing::Values(ClientAuthTest::Alter::kPayload,
                                           ClientAuthTest::Alter::kFlags,
                                           ClientAuthTest::Alter::kTag));

// The same response, tagged correctly, is delivered: the test above fails
// for the alteration, not for answering by hand.
TEST_F(ClientAuthTest, ResponseAnsweredByHandUnalteredIsDelivered) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  ASSERT_TRUE(client.Ping().ok());
  companion_.Stop(/*wipe=*/false);
  absl::StatusOr<ProcessInfo> got;
  std::thread caller([&] { got = client.GetProcessInfo(42); });
  const int slot = WaitForPublishedRequest();
  ASSERT_GE(slot, 0);
  AnswerByHand(slot, Alter::kNothing);
  caller.join();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->entry.comm, "real");
}

// Channels are bounded: when the companion closes a client's channel to
// open others, the client challenges again by itself.
TEST_F(ClientAuthTest, EvictedChannelIsReopened) {
  StartKeyed(&key_);
  Client client(session_.get(), WithKey(key_));
  ASSERT_TRUE(client.Ping().ok());
  for (size_t i = 0; i < RequestAuthenticator::kMaxChannels; ++i) {
    Client other(session_.get(), WithKey(key_));
    ASSERT_EQ(*other.Authenticate(), AuthOutcome::kAuthenticated);
  }
  absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(5);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->entry.pid, 5u);
}

}  // namespace
}  // namespace haywire
