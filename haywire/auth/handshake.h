// Copyright 2026 The Haywire Authors.
//
// The challenge that proves a companion holds the VM key, and the channel
// it opens.
//
//   host                                          companion (has key K)
//   AUTH_CHALLENGE {host_nonce: 32 random bytes}  ---->
//            <---- {companion_nonce: 32 random bytes, channel_id, proof}
//
//   proof       = HMAC-SHA-256(K, "haywire-v1 proof"   || params || beacon)
//   message key = HMAC-SHA-256(K, "haywire-v1 channel" || params)[0, 16)
//   window key  = HMAC-SHA-256(K, "haywire-v1 window"  || params)[0, 16)
//   params      = session_id (u64 LE) || host_nonce || companion_nonce ||
//                 channel_id (u64 LE)
//   beacon      = the first 512 bytes of the session's beacon page: its page
//                 header (session id, page count, creation time) and its
//                 static info (pid, capabilities, hostname, kernel, boot id,
//                 event ring), checksum included.
//
// What it proves: the host's nonce is fresh, so only a holder of K can have
// computed the proof just now; it covers the session id and the beacon the
// host read, so a proof cannot be lifted from the real companion's session
// onto a forged one, nor the beacon's identity altered. Every request and
// response that follows carries a tag under the message key
// (message_tag.h); the key is fresh per channel because both nonces are,
// so nothing recorded from an earlier channel verifies in a later one, in
// either direction.
#ifndef HAYWIRE_AUTH_HANDSHAKE_H_
#define HAYWIRE_AUTH_HANDSHAKE_H_

#include <array>
#include <cstdint>

#include "absl/types/span.h"
#include "haywire/auth/primitives.h"
#include "haywire/auth/vm_key.h"

namespace haywire::auth {

inline constexpr size_t kNonceBytes = 32;
// The part of the beacon page the proof covers: [0, 512).
inline constexpr size_t kProvenBeaconBytes = 512;

using Nonce = std::array<uint8_t, kNonceBytes>;

// What the two sides agree on for one channel.
struct ChannelParams {
  uint64_t session_id = 0;
  Nonce host_nonce = {};
  Nonce companion_nonce = {};
  uint64_t channel_id = 0;
};

// The companion's proof of `key` for `params` and the beacon bytes
// (exactly kProvenBeaconBytes).
HmacDigest KeyProof(const VmKey& key, const ChannelParams& params,
                    absl::Span<const uint8_t> beacon);

// The channel's message key (message_tag.h).
MessageKey DeriveMessageKey(const VmKey& key, const ChannelParams& params);

// The channel's window key: SipHash128 under it is the digest of a bulk
// window's bytes (docs/PROTOCOL.md 15). A key of its own, so that no
// digest can ever pass for a tag or the other way round.
MessageKey DeriveWindowKey(const VmKey& key, const ChannelParams& params);

// A fresh random nonce.
Nonce NewNonce();

// A name for `key` that reveals nothing about it: the first 8 bytes of
// HMAC-SHA-256(key, "haywire-v1 key id"), little-endian. Hosts remember
// which key a session failed against by it (haywire/host/session_cache.h).
uint64_t KeyId(const VmKey& key);

}  // namespace haywire::auth

#endif  // HAYWIRE_AUTH_HANDSHAKE_H_
