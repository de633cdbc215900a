// Copyright 2026 The Haywire Authors.

#include "haywire/auth/primitives.h"

#include <sodium.h>

#include "glog/logging.h"

namespace haywire::auth {

static_assert(crypto_auth_hmacsha256_BYTES == kHmacBytes);
static_assert(crypto_shorthash_siphash24_BYTES == kTagBytes);
static_assert(crypto_shorthash_siphash24_KEYBYTES == kMessageKeyBytes);

void Initialize() {
  // sodium_init() is thread-safe and returns 1 once already initialised.
  static const bool ready = [] {
    CHECK_GE(sodium_init(), 0) << "libsodium failed to initialise";
    return true;
  }();
  (void)ready;
}

HmacDigest HmacSha256(absl::Span<const uint8_t> key,
                      std::initializer_list<absl::Span<const uint8_t>> parts) {
  Initialize();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  for (absl::Span<const uint8_t> part : parts) {
    crypto_auth_hmacsha256_update(&state, part.data(), part.size());
  }
  HmacDigest digest;
  crypto_auth_hmacsha256_final(&state, digest.data());
  sodium_memzero(&state, sizeof(state));
  return digest;
}

Tag SipHash64(const MessageKey& key, absl::Span<const uint8_t> message) {
  Tag tag;
  crypto_shorthash_siphash24(tag.data(), message.data(), message.size(),
                             key.data());
  return tag;
}

WindowDigest SipHash128(const MessageKey& key,
                        absl::Span<const uint8_t> message) {
  static_assert(crypto_shorthash_siphashx24_BYTES == kWindowDigestBytes);
  static_assert(crypto_shorthash_siphashx24_KEYBYTES == kMessageKeyBytes);
  WindowDigest digest;
  crypto_shorthash_siphashx24(digest.data(), message.data(), message.size(),
                              key.data());
  return digest;
}

bool ConstantTimeEqual(absl::Span<const uint8_t> a,
                       absl::Span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void RandomBytes(absl::Span<uint8_t> out) {
  Initialize();
  randombytes_buf(out.data(), out.size());
}

void Wipe(absl::Span<uint8_t> bytes) {
  sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace haywire::auth
