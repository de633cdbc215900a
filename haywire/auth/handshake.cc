// Copyright 2026 The Haywire Authors.

#include "haywire/auth/handshake.h"

#include <cstring>

#include "absl/base/internal/endian.h"
#include "absl/strings/string_view.h"
#include "glog/logging.h"

namespace haywire::auth {
namespace {

constexpr absl::string_view kProofLabel = "haywire-v1 proof";
constexpr absl::string_view kChannelLabel = "haywire-v1 channel";
constexpr absl::string_view kKeyIdLabel = "haywire-v1 key id";
constexpr absl::string_view kWindowLabel = "haywire-v1 window";

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

// params, encoded as the header comment says.
using EncodedParams =
    std::array<uint8_t, sizeof(uint64_t) + 2 * kNonceBytes + sizeof(uint64_t)>;

EncodedParams Encode(const ChannelParams& params) {
  EncodedParams out;
  uint8_t* p = out.data();
  absl::little_endian::Store64(p, params.session_id);
  p += sizeof(uint64_t);
  std::memcpy(p, params.host_nonce.data(), kNonceBytes);
  p += kNonceBytes;
  std::memcpy(p, params.companion_nonce.data(), kNonceBytes);
  p += kNonceBytes;
  absl::little_endian::Store64(p, params.channel_id);
  return out;
}

}  // namespace

HmacDigest KeyProof(const VmKey& key, const ChannelParams& params,
                    absl::Span<const uint8_t> beacon) {
  CHECK_EQ(beacon.size(), kProvenBeaconBytes);
  const EncodedParams encoded = Encode(params);
  return HmacSha256(key.bytes(), {Bytes(kProofLabel), encoded, beacon});
}

namespace {

MessageKey DeriveKey(const VmKey& key, absl::string_view label,
                     const ChannelParams& params) {
  const EncodedParams encoded = Encode(params);
  HmacDigest digest = HmacSha256(key.bytes(), {Bytes(label), encoded});
  MessageKey out;
  std::memcpy(out.data(), digest.data(), out.size());
  Wipe(absl::MakeSpan(digest));
  return out;
}

}  // namespace

MessageKey DeriveMessageKey(const VmKey& key, const ChannelParams& params) {
  return DeriveKey(key, kChannelLabel, params);
}

MessageKey DeriveWindowKey(const VmKey& key, const ChannelParams& params) {
  return DeriveKey(key, kWindowLabel, params);
}

uint64_t KeyId(const VmKey& key) {
  const HmacDigest digest = HmacSha256(key.bytes(), {Bytes(kKeyIdLabel)});
  uint64_t id = 0;
  for (int i = 7; i >= 0; --i) id = id << 8 | digest[i];
  return id;
}

Nonce NewNonce() {
  Nonce nonce;
  RandomBytes(absl::MakeSpan(nonce));
  return nonce;
}

}  // namespace haywire::auth
