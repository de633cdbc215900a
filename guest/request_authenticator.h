// Copyright 2026 The Haywire Authors.
//
// RequestAuthenticator: a keyed companion's side of authentication.
//
// A companion started with the VM key (haywire/auth/vm_key.h) advertises
// kCapAuthentication and serves requests only on channels a host opened
// with AUTH_CHALLENGE (haywire/auth/handshake.h):
//   * Challenge() answers AUTH_CHALLENGE: a fresh companion nonce and
//     channel id, and the proof of the key over the host's nonce, the
//     session id and the beacon's first 512 bytes as the companion wrote
//     them. It opens the channel: a message key derived from both nonces.
//   * Verify() admits a request only if it names an open channel, its tag
//     verifies under that channel's key (over the slot, the generation it
//     was published with, ticket, type and payload) and its ticket is above
//     the channel's last: each ticket is served once, in order, so a
//     replayed or reordered request is refused. A refused request is
//     answered kUnauthenticated (kUnknownChannel for a channel it does not
//     know), untagged, and never reaches a handler.
//   * Sign() tags a response on the request's channel.
//
// Channels live only in the companion's memory, at most kMaxChannels; the
// least recently used one is closed to open another (its host then
// re-challenges). A host that can write the RAM file without the key can
// make the companion open channels, and so close others: a denial of
// service only, like filling the slots (docs/SECURITY.md).
//
// Not thread-safe: the companion's serving loop is its only user.
#ifndef HAYWIRE_GUEST_REQUEST_AUTHENTICATOR_H_
#define HAYWIRE_GUEST_REQUEST_AUTHENTICATOR_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "guest/request_router.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/primitives.h"
#include "haywire/auth/vm_key.h"
#include "haywire/protocol/slot.h"

namespace haywire {

class RequestAuthenticator {
 public:
  static constexpr size_t kMaxChannels = 256;

  struct Channel {
    uint64_t id = 0;
    auth::MessageKey key = {};
    auth::MessageKey window_key = {};  // bulk window digests
    uint64_t last_ticket = 0;          // the highest ticket served
    uint64_t last_used = 0;            // for LRU eviction
  };

  // `beacon` is the first auth::kProvenBeaconBytes of the companion's
  // beacon page, as it initialised it.
  RequestAuthenticator(const auth::VmKey& key, uint64_t session_id,
                       absl::Span<const uint8_t> beacon);

  // The answer to an AUTH_CHALLENGE request; `*channel` is the channel it
  // opened (null when the request was refused).
  HandlerResult Challenge(const Request& request, bool malformed,
                          const Channel** channel);

  // The channel `request` (in slot `slot`) is authenticated on, or null
  // with the status to answer (kUnauthenticated, or kUnknownChannel for a
  // channel it does not know) and `*why` saying why.
  const Channel* Verify(uint32_t slot, const Request& request, bool malformed,
                        ResponseStatus* status, std::string* why);

  // The tag of a response to `request` (slot `slot`) on `channel`.
  auth::Tag Sign(const Channel& channel, uint32_t slot, const Request& request,
                 const ResponseFields& fields,
                 absl::Span<const uint8_t> payload) const;

  size_t open_channels() const { return channels_.size(); }

 private:
  const auth::VmKey key_;
  const uint64_t session_id_;
  std::array<uint8_t, auth::kProvenBeaconBytes> beacon_;
  absl::flat_hash_map<uint64_t, Channel> channels_;
  uint64_t use_clock_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_REQUEST_AUTHENTICATOR_H_
