// Copyright 2026 The Haywire Authors.
//
// The keyed companion's checks, driven as a host would drive them: a
// challenge answered with the documented proof, then requests tagged with
// the derived message key. Replayed, reordered, altered, misplaced and
// foreign requests are refused, each with its reason.

#include "guest/request_authenticator.h"

#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/message_tag.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace {

constexpr uint64_t kSession = 0xABCDEF;

auth::VmKey KeyOf(uint8_t seed) {
  std::array<uint8_t, auth::kVmKeyBytes> bytes;
  bytes.fill(seed);
  return auth::VmKey(bytes);
}

class RequestAuthenticatorTest : public ::testing::Test {
 protected:
  RequestAuthenticatorTest() {
    beacon_.fill(0x42);
    authenticator_ =
        std::make_unique<RequestAuthenticator>(key_, kSession, beacon_);
  }

  // Opens a channel as a host with `key` would; returns the message key
  // the host derives (the proof is checked here too).
  auth::MessageKey Open(uint64_t* channel_id, uint64_t ticket = 1) {
    const auth::Nonce nonce = auth::NewNonce();
    AuthChallengeRequest challenge;
    challenge.host_nonce.assign(reinterpret_cast<const char*>(nonce.data()),
                                nonce.size());
    Request request =
        RequestWith(static_cast<uint32_t>(RequestType::kAuthChallenge), ticket,
                    EncodeMessage(challenge));
    const RequestAuthenticator::Channel* channel = nullptr;
    HandlerResult result =
        authenticator_->Challenge(request, /*malformed=*/false, &channel);
    EXPECT_EQ(result.status, ResponseStatus::kOk);
    EXPECT_NE(channel, nullptr);
    absl::StatusOr<AuthChallengeResponse> answer =
        DecodeMessage<AuthChallengeResponse>(result.payload);
    EXPECT_TRUE(answer.ok()) << answer.status();
    auth::ChannelParams params;
    params.session_id = kSession;
    params.host_nonce = nonce;
    std::memcpy(params.companion_nonce.data(), answer->companion_nonce.data(),
                params.companion_nonce.size());
    params.channel_id = answer->channel_id;
    const auth::HmacDigest proof = auth::KeyProof(key_, params, beacon_);
    EXPECT_EQ(
        answer->proof,
        std::string(reinterpret_cast<const char*>(proof.data()), proof.size()));
    *channel_id = answer->channel_id;
    return auth::DeriveMessageKey(key_, params);
  }

  static Request RequestWith(uint32_t type, uint64_t ticket,
                             const std::string& payload) {
    Request r;
    r.type = type;
    r.ticket = ticket;
    r.generation = 9;
    r.payload_bytes = static_cast<uint32_t>(payload.size());
    std::memcpy(r.payload, payload.data(), payload.size());
    return r;
  }

  static Request Tagged(const auth::MessageKey& key, uint64_t channel,
                        uint32_t slot, uint64_t ticket,
                        const std::string& payload = "pid=1") {
    Request r = RequestWith(2, ticket, payload);
    r.channel_id = channel;
    auth::RequestTagFields f;
    f.channel_id = channel;
    f.slot = slot;
    f.generation = r.generation;
    f.ticket = ticket;
    f.type = r.type;
    f.payload = absl::MakeConstSpan(r.payload, r.payload_bytes);
    r.request_tag = auth::RequestTag(key, f);
    return r;
  }

  // Verify(), returning the refusal reason ("" when admitted).
  std::string Refusal(uint32_t slot, const Request& r,
                      ResponseStatus* status = nullptr) {
    std::string why;
    ResponseStatus s;
    const bool admitted =
        authenticator_->Verify(slot, r, false, &s, &why) != nullptr;
    if (status != nullptr) *status = s;
    return admitted ? "" : why;
  }

  const auth::VmKey key_ = KeyOf(7);
  std::array<uint8_t, auth::kProvenBeaconBytes> beacon_;
  std::unique_ptr<RequestAuthenticator> authenticator_;
};

TEST_F(RequestAuthenticatorTest, TaggedRequestsInOrderAreAdmitted) {
  uint64_t channel;
  const auth::MessageKey key = Open(&channel);
  for (uint64_t ticket = 2; ticket < 10; ++ticket) {
    EXPECT_EQ(Refusal(3, Tagged(key, channel, 3, ticket)), "");
  }
}

TEST_F(RequestAuthenticatorTest, ReplayIsRefused) {
  uint64_t channel;
  const auth::MessageKey key = Open(&channel);
  const Request r = Tagged(key, channel, 3, 5);
  EXPECT_EQ(Refusal(3, r), "");
  EXPECT_TRUE(absl::StrContains(Refusal(3, r), "replayed")) << Refusal(3, r);
}

TEST_F(RequestAuthenticatorTest, ReorderedRequestIsRefused) {
  uint64_t channel;
  const auth::MessageKey key = Open(&channel);
  const Request first = Tagged(key, channel, 3, 5);
  const Request second = Tagged(key, channel, 3, 6);
  EXPECT_EQ(Refusal(3, second), "");
  EXPECT_TRUE(absl::StrContains(Refusal(3, first), "reordered"));
}

TEST_F(RequestAuthenticatorTest, AlteredFieldsAreRefused) {
  uint64_t channel;
  const auth::MessageKey key = Open(&channel);
  Request payload = Tagged(key, channel, 3, 5);
  payload.payload[0] ^= 1;
  EXPECT_TRUE(absl::StrContains(Refusal(3, payload), "tag does not verify"));
  Request type = Tagged(key, channel, 3, 6);
  type.type = 3;
  EXPECT_TRUE(absl::StrContains(Refusal(3, type), "tag does not verify"));
  Request generation = Tagged(key, channel, 3, 7);
  generation.generation += 1;
  EXPECT_TRUE(absl::StrContains(Refusal(3, generation), "tag does not verify"));
  Request ticket = Tagged(key, channel, 3, 8);
  ticket.ticket = 100;
  EXPECT_TRUE(absl::StrContains(Refusal(3, ticket), "tag does not verify"));
  // A request copied into another slot.
  EXPECT_TRUE(absl::StrContains(Refusal(4, Tagged(key, channel, 3, 9)),
                                "tag does not verify"));
  // Still admitted when untouched: the refusals above did not move the
  // channel's ticket.
  EXPECT_EQ(Refusal(3, Tagged(key, channel, 3, 5)), "");
}

TEST_F(RequestAuthenticatorTest, WrongKeyAndUnknownChannelsAreRefused) {
  uint64_t channel;
  Open(&channel);
  auth::MessageKey wrong = {};
  EXPECT_TRUE(absl::StrContains(Refusal(3, Tagged(wrong, channel, 3, 5)),
                                "tag does not verify"));
  ResponseStatus status;
  EXPECT_TRUE(
      absl::StrContains(Refusal(3, Tagged(wrong, channel + 1, 3, 5), &status),
                        "unknown channel"));
  EXPECT_EQ(status, ResponseStatus::kUnknownChannel);
  Request untagged = RequestWith(1, 5, "");
  EXPECT_TRUE(
      absl::StrContains(Refusal(3, untagged, &status), "AUTH_CHALLENGE first"));
  EXPECT_EQ(status, ResponseStatus::kUnauthenticated);
}

TEST_F(RequestAuthenticatorTest, ChannelsAreIndependent) {
  uint64_t a, b;
  const auth::MessageKey key_a = Open(&a);
  const auth::MessageKey key_b = Open(&b);
  EXPECT_NE(a, b);
  EXPECT_NE(key_a, key_b);
  EXPECT_EQ(Refusal(1, Tagged(key_a, a, 1, 50)), "");
  // b's tickets are its own.
  EXPECT_EQ(Refusal(1, Tagged(key_b, b, 1, 2)), "");
  // a's key does not work on b.
  EXPECT_NE(Refusal(1, Tagged(key_a, b, 1, 3)), "");
}

TEST_F(RequestAuthenticatorTest, LeastRecentlyUsedChannelIsClosedAtTheCap) {
  uint64_t first;
  const auth::MessageKey key = Open(&first);
  uint64_t busy;
  const auth::MessageKey busy_key = Open(&busy);
  uint64_t ticket = 2;
  for (size_t i = 0; i < RequestAuthenticator::kMaxChannels; ++i) {
    // Keep `busy` recently used while others open.
    ASSERT_EQ(Refusal(0, Tagged(busy_key, busy, 0, ++ticket)), "");
    uint64_t other;
    Open(&other);
    EXPECT_LE(authenticator_->open_channels(),
              RequestAuthenticator::kMaxChannels);
  }
  ResponseStatus status;
  EXPECT_NE(Refusal(0, Tagged(key, first, 0, 2), &status), "");
  EXPECT_EQ(status, ResponseStatus::kUnknownChannel);
  EXPECT_EQ(Refusal(0, Tagged(busy_key, busy, 0, ++ticket)), "");
}

TEST_F(RequestAuthenticatorTest, MalformedChallengeIsABadRequest) {
  const RequestAuthenticator::Channel* channel = nullptr;
  HandlerResult r = authenticator_->Challenge(
      RequestWith(9, 1, "not a message"), false, &channel);
  EXPECT_EQ(r.status, ResponseStatus::kBadRequest);
  EXPECT_EQ(channel, nullptr);
  r = authenticator_->Challenge(RequestWith(9, 1, ""), true, &channel);
  EXPECT_EQ(r.status, ResponseStatus::kBadRequest);
  EXPECT_EQ(authenticator_->open_channels(), 0u);
}

}  // namespace
}  // namespace haywire
