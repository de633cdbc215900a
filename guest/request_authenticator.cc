// Copyright 2026 The Haywire Authors.

#include "guest/request_authenticator.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "haywire/auth/message_tag.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// The slot carries exactly an auth::Tag (layout.h kMessageTagBytes).
static_assert(std::is_same_v<auth::Tag, MessageTag>);
namespace {

absl::Span<const uint8_t> PayloadOf(const Request& request) {
  return absl::MakeConstSpan(request.payload, request.payload_bytes);
}

}  // namespace

RequestAuthenticator::RequestAuthenticator(const auth::VmKey& key,
                                           uint64_t session_id,
                                           absl::Span<const uint8_t> beacon)
    : key_(key), session_id_(session_id) {
  CHECK_EQ(beacon.size(), beacon_.size());
  std::memcpy(beacon_.data(), beacon.data(), beacon_.size());
}

HandlerResult RequestAuthenticator::Challenge(const Request& request,
                                              bool malformed,
                                              const Channel** channel) {
  *channel = nullptr;
  if (malformed) {
    return ErrorResult(ResponseStatus::kBadRequest,
                       "AUTH_CHALLENGE: payload length out of range");
  }
  absl::StatusOr<AuthChallengeRequest> decoded =
      DecodeMessage<AuthChallengeRequest>(
          absl::string_view(reinterpret_cast<const char*>(request.payload),
                            request.payload_bytes));
  if (!decoded.ok()) {
    return ErrorResult(
        ResponseStatus::kBadRequest,
        absl::StrCat("AUTH_CHALLENGE: ", decoded.status().message()));
  }
  auth::ChannelParams params;
  params.session_id = session_id_;
  std::memcpy(params.host_nonce.data(), decoded->host_nonce.data(),
              params.host_nonce.size());
  params.companion_nonce = auth::NewNonce();
  do {
    auth::RandomBytes(absl::MakeSpan(
        reinterpret_cast<uint8_t*>(&params.channel_id), sizeof(uint64_t)));
  } while (params.channel_id == 0 || channels_.contains(params.channel_id));

  if (channels_.size() >= kMaxChannels) {
    auto oldest = channels_.begin();
    for (auto it = channels_.begin(); it != channels_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    auth::Wipe(absl::MakeSpan(oldest->second.key));
    auth::Wipe(absl::MakeSpan(oldest->second.window_key));
    channels_.erase(oldest);
  }
  Channel& opened = channels_[params.channel_id];
  opened.id = params.channel_id;
  opened.key = auth::DeriveMessageKey(key_, params);
  opened.window_key = auth::DeriveWindowKey(key_, params);
  opened.last_ticket = request.ticket;  // the challenge used this ticket
  opened.last_used = ++use_clock_;
  *channel = &opened;

  const auth::HmacDigest proof = auth::KeyProof(key_, params, beacon_);
  AuthChallengeResponse answer;
  answer.companion_nonce.assign(
      reinterpret_cast<const char*>(params.companion_nonce.data()),
      params.companion_nonce.size());
  answer.channel_id = params.channel_id;
  answer.proof.assign(reinterpret_cast<const char*>(proof.data()),
                      proof.size());
  return Respond<request::AuthChallenge>(answer);
}

const RequestAuthenticator::Channel* RequestAuthenticator::Verify(
    uint32_t slot, const Request& request, bool malformed,
    ResponseStatus* status, std::string* why) {
  *status = ResponseStatus::kUnauthenticated;
  if (request.channel_id == 0) {
    *why =
        "this companion has a key: open a channel with AUTH_CHALLENGE "
        "first (haywire --key-file)";
    return nullptr;
  }
  auto it = channels_.find(request.channel_id);
  if (it == channels_.end()) {
    *status = ResponseStatus::kUnknownChannel;
    *why =
        "unknown channel (closed to make room, or never opened): "
        "challenge again";
    return nullptr;
  }
  Channel& channel = it->second;
  auth::RequestTagFields fields;
  fields.channel_id = channel.id;
  fields.slot = slot;
  fields.generation = request.generation;
  fields.ticket = request.ticket;
  fields.type = request.type;
  fields.payload = PayloadOf(request);
  const auth::Tag expected = auth::RequestTag(channel.key, fields);
  if (malformed || !auth::ConstantTimeEqual(expected, request.request_tag)) {
    *why =
        "request tag does not verify (altered, or not from the channel's "
        "host)";
    return nullptr;
  }
  if (request.ticket <= channel.last_ticket) {
    *why =
        absl::StrCat("ticket ", request.ticket,
                     " is not above the channel's last (", channel.last_ticket,
                     "): a replayed or reordered "
                     "request");
    return nullptr;
  }
  channel.last_ticket = request.ticket;
  channel.last_used = ++use_clock_;
  return &channel;
}

auth::Tag RequestAuthenticator::Sign(const Channel& channel, uint32_t slot,
                                     const Request& request,
                                     const ResponseFields& fields,
                                     absl::Span<const uint8_t> payload) const {
  auth::ResponseTagFields f;
  f.channel_id = channel.id;
  f.slot = slot;
  f.generation = request.generation;
  f.ticket = fields.ticket;
  f.type = fields.type;
  f.status = static_cast<uint32_t>(fields.status);
  f.flags = fields.flags;
  f.iterator_id = fields.iterator_id;
  f.guest_mono_ns = fields.guest_mono_ns;
  f.payload = payload;
  return auth::ResponseTag(channel.key, f);
}

}  // namespace haywire
