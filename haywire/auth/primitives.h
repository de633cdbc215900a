// Copyright 2026 The Haywire Authors.
//
// The two cryptographic primitives Haywire's authentication is built from,
// both from libsodium (Debian's libsodium-dev, linked statically):
//
//   * HMAC-SHA-256 (RFC 2104, FIPS 180-4; libsodium crypto_auth_hmacsha256)
//     with the long-term VM key: once per channel, for the companion's
//     proof of the key and for deriving the channel's message key. Slow
//     next to a round trip (a few hundred ns), conservative, and checked
//     against RFC 4231's test vectors.
//   * SipHash-2-4 (Aumasson and Bernstein; libsodium
//     crypto_shorthash_siphash24), 64-bit output, with a channel's 16-byte
//     message key: one tag per request and per response. A pseudo-random
//     function designed to authenticate short messages, about 30 ns for a
//     PING's fields here, against 185-365 ns for HMAC-SHA-256
//     (docs/PERFORMANCE.md "Choosing the MAC"); checked against the
//     reference implementation's vectors_sip64. 64 bits suffice because
//     tags are only ever checked online, one guess per round trip, and a
//     host gives a session up at its first bad tag (docs/SECURITY.md).
//     With a 128-bit output (crypto_shorthash_siphashx24), under a second
//     per-channel key, it is also the digest of a bulk window's bytes:
//     a response carries it and the response's tag covers it. Kilobytes
//     to megabytes per response: SipHash runs at a few GB/s here, and
//     unlike BLAKE2b (which it replaced; 20x slower in a TCG guest) needs
//     no vector unit (checked against vectors_sip128).
//
// Tags are compared in constant time. Nothing here allocates or fails once
// Initialize() has run (every entry point calls it).
#ifndef HAYWIRE_AUTH_PRIMITIVES_H_
#define HAYWIRE_AUTH_PRIMITIVES_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace haywire::auth {

inline constexpr size_t kVmKeyBytes = 32;
inline constexpr size_t kHmacBytes = 32;
inline constexpr size_t kMessageKeyBytes = 16;
inline constexpr size_t kTagBytes = 8;
inline constexpr size_t kWindowDigestBytes = 16;

using HmacDigest = std::array<uint8_t, kHmacBytes>;
using MessageKey = std::array<uint8_t, kMessageKeyBytes>;
using Tag = std::array<uint8_t, kTagBytes>;
using WindowDigest = std::array<uint8_t, kWindowDigestBytes>;

// Initialises libsodium once (thread-safe, idempotent); CHECK-fails if the
// library cannot start (no usable randomness).
void Initialize();

// HMAC-SHA-256 of the concatenation of `parts` under `key` (any length).
HmacDigest HmacSha256(absl::Span<const uint8_t> key,
                      std::initializer_list<absl::Span<const uint8_t>> parts);

// SipHash-2-4 (64-bit output) of `message` under `key`.
Tag SipHash64(const MessageKey& key, absl::Span<const uint8_t> message);

// SipHash-2-4 with a 128-bit output of `message` under `key`.
WindowDigest SipHash128(const MessageKey& key,
                        absl::Span<const uint8_t> message);

// Equality of two byte strings of the same length, in time that depends
// only on the length.
bool ConstantTimeEqual(absl::Span<const uint8_t> a,
                       absl::Span<const uint8_t> b);

// Fills `out` from the kernel's CSPRNG (getrandom).
void RandomBytes(absl::Span<uint8_t> out);

// Overwrites `bytes` with zeros in a way the compiler keeps.
void Wipe(absl::Span<uint8_t> bytes);

}  // namespace haywire::auth

#endif  // HAYWIRE_AUTH_PRIMITIVES_H_
