// Copyright 2026 The Haywire Authors.
//
// The handshake's proof and message key, and message tags: each is the
// documented construction over the documented encoding (recomputed here
// from the primitives, whose own vectors are in primitives_test), and every
// field it covers changes it.

#include "haywire/auth/handshake.h"

#include <cstring>
#include <string>
#include <vector>

#include "absl/base/internal/endian.h"
#include "gtest/gtest.h"
#include "haywire/auth/message_tag.h"
#include "haywire/auth/primitives.h"
#include "haywire/auth/vm_key.h"

namespace haywire::auth {
namespace {

VmKey TestKey(uint8_t seed) {
  std::array<uint8_t, kVmKeyBytes> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(seed + i);
  }
  return VmKey(bytes);
}

ChannelParams TestParams() {
  ChannelParams p;
  p.session_id = 0x1122334455667788;
  for (size_t i = 0; i < kNonceBytes; ++i) {
    p.host_nonce[i] = static_cast<uint8_t>(i);
    p.companion_nonce[i] = static_cast<uint8_t>(0x80 + i);
  }
  p.channel_id = 0x0102030405060708;
  return p;
}

std::vector<uint8_t> EncodedParams(const ChannelParams& p) {
  std::vector<uint8_t> out(8 + 2 * kNonceBytes + 8);
  absl::little_endian::Store64(out.data(), p.session_id);
  std::memcpy(out.data() + 8, p.host_nonce.data(), kNonceBytes);
  std::memcpy(out.data() + 8 + kNonceBytes, p.companion_nonce.data(),
              kNonceBytes);
  absl::little_endian::Store64(out.data() + 8 + 2 * kNonceBytes, p.channel_id);
  return out;
}

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

TEST(HandshakeTest, ProofIsTheDocumentedHmac) {
  const VmKey key = TestKey(1);
  const ChannelParams params = TestParams();
  std::vector<uint8_t> beacon(kProvenBeaconBytes, 0x5a);
  const std::vector<uint8_t> encoded = EncodedParams(params);
  EXPECT_EQ(
      KeyProof(key, params, beacon),
      HmacSha256(key.bytes(), {Bytes("haywire-v1 proof"), encoded, beacon}));
}

TEST(HandshakeTest, MessageKeyIsTheDocumentedHmacPrefix) {
  const VmKey key = TestKey(1);
  const ChannelParams params = TestParams();
  const std::vector<uint8_t> encoded = EncodedParams(params);
  const HmacDigest full =
      HmacSha256(key.bytes(), {Bytes("haywire-v1 channel"), encoded});
  const MessageKey derived = DeriveMessageKey(key, params);
  EXPECT_TRUE(std::equal(derived.begin(), derived.end(), full.begin()));
}

TEST(HandshakeTest, WindowKeyIsTheDocumentedHmacPrefixAndNotTheMessageKey) {
  const VmKey key = TestKey(1);
  const ChannelParams params = TestParams();
  const HmacDigest full = HmacSha256(
      key.bytes(), {Bytes("haywire-v1 window"), EncodedParams(params)});
  const MessageKey window_key = DeriveWindowKey(key, params);
  EXPECT_TRUE(std::equal(window_key.begin(), window_key.end(), full.begin()));
  EXPECT_NE(window_key, DeriveMessageKey(key, params));
  ChannelParams other = params;
  other.channel_id ^= 1;
  EXPECT_NE(DeriveWindowKey(key, other), window_key);
}

TEST(HandshakeTest, KeyIdIsTheDocumentedHmacPrefixAndNamesOneKey) {
  const VmKey key = TestKey(1);
  const HmacDigest full = HmacSha256(key.bytes(), {Bytes("haywire-v1 key id")});
  EXPECT_EQ(KeyId(key), absl::little_endian::Load64(full.data()));
  EXPECT_EQ(KeyId(key), KeyId(TestKey(1)));
  EXPECT_NE(KeyId(key), KeyId(TestKey(2)));
}

TEST(HandshakeTest, EveryInputChangesProofAndKey) {
  const VmKey key = TestKey(1);
  const ChannelParams params = TestParams();
  std::vector<uint8_t> beacon(kProvenBeaconBytes, 0x5a);
  const HmacDigest proof = KeyProof(key, params, beacon);
  const MessageKey message_key = DeriveMessageKey(key, params);

  std::vector<ChannelParams> variants(4, params);
  variants[0].session_id ^= 1;
  variants[1].host_nonce[31] ^= 1;
  variants[2].companion_nonce[0] ^= 1;
  variants[3].channel_id ^= 1ull << 63;
  for (const ChannelParams& v : variants) {
    EXPECT_NE(KeyProof(key, v, beacon), proof);
    EXPECT_NE(DeriveMessageKey(key, v), message_key);
  }
  EXPECT_NE(KeyProof(TestKey(2), params, beacon), proof);
  EXPECT_NE(DeriveMessageKey(TestKey(2), params), message_key);
  // The hostname, boot id... anywhere in the beacon's first 512 bytes.
  for (size_t at : {size_t{0}, size_t{16}, size_t{130}, size_t{511}}) {
    std::vector<uint8_t> altered = beacon;
    altered[at] ^= 0x40;
    EXPECT_NE(KeyProof(key, params, altered), proof) << "byte " << at;
  }
}

TEST(HandshakeTest, NoncesAreFresh) { EXPECT_NE(NewNonce(), NewNonce()); }

TEST(MessageTagTest, RequestTagIsSipHashOfTheDocumentedEncoding) {
  const MessageKey key = DeriveMessageKey(TestKey(3), TestParams());
  const std::string payload = "payload bytes";
  RequestTagFields f;
  f.channel_id = 0xAABBCCDD00112233;
  f.slot = 5;
  f.generation = 0x123456;
  f.ticket = 0x0F0E0D0C0B0A0908;
  f.type = 2;
  f.payload = Bytes(payload);
  std::vector<uint8_t> encoded = {'H', 'W', 'R', 'Q'};
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) encoded.push_back(v >> (8 * i));
  };
  put(f.channel_id, 8);
  put(f.slot, 4);
  put(f.generation, 4);
  put(f.ticket, 8);
  put(f.type, 4);
  put(payload.size(), 4);
  encoded.insert(encoded.end(), payload.begin(), payload.end());
  EXPECT_EQ(RequestTag(key, f), SipHash64(key, encoded));
}

TEST(MessageTagTest, ResponseTagIsSipHashOfTheDocumentedEncoding) {
  const MessageKey key = DeriveMessageKey(TestKey(3), TestParams());
  const std::string payload(4032, 'x');
  ResponseTagFields f;
  f.channel_id = 7;
  f.slot = 15;
  f.generation = 0xFFFFFF;
  f.ticket = 99;
  f.type = 8;
  f.status = 3;
  f.flags = 1;
  f.iterator_id = 0x1234;
  f.guest_mono_ns = 0x5678;
  f.payload = Bytes(payload);
  std::vector<uint8_t> encoded = {'H', 'W', 'R', 'S'};
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) encoded.push_back(v >> (8 * i));
  };
  put(f.channel_id, 8);
  put(f.slot, 4);
  put(f.generation, 4);
  put(f.ticket, 8);
  put(f.type, 4);
  put(f.status, 4);
  put(f.flags, 4);
  put(f.iterator_id, 8);
  put(f.guest_mono_ns, 8);
  put(payload.size(), 4);
  encoded.insert(encoded.end(), payload.begin(), payload.end());
  EXPECT_EQ(ResponseTag(key, f), SipHash64(key, encoded));
}

TEST(MessageTagTest, EveryFieldChangesTheTag) {
  const MessageKey key = DeriveMessageKey(TestKey(3), TestParams());
  const std::string payload = "abc";
  const std::string other_payload = "abd";
  ResponseTagFields base;
  base.channel_id = 1;
  base.slot = 2;
  base.generation = 3;
  base.ticket = 4;
  base.type = 5;
  base.status = 0;
  base.flags = 0;
  base.iterator_id = 6;
  base.guest_mono_ns = 7;
  base.payload = Bytes(payload);
  const Tag tag = ResponseTag(key, base);
  std::vector<ResponseTagFields> variants(10, base);
  variants[0].channel_id ^= 1;
  variants[1].slot ^= 1;
  variants[2].generation ^= 1;
  variants[3].ticket ^= 1;
  variants[4].type ^= 1;
  variants[5].status ^= 1;
  variants[6].flags ^= 1;
  variants[7].iterator_id ^= 1;
  variants[8].guest_mono_ns ^= 1;
  variants[9].payload = Bytes(other_payload);
  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(ResponseTag(key, variants[i]), tag) << "field " << i;
  }
  // A request with the same numbers never verifies as a response.
  RequestTagFields request;
  request.channel_id = base.channel_id;
  request.slot = base.slot;
  request.generation = base.generation;
  request.ticket = base.ticket;
  request.type = base.type;
  request.payload = base.payload;
  EXPECT_NE(RequestTag(key, request), tag);
}

}  // namespace
}  // namespace haywire::auth
