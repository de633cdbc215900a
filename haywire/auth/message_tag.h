// Copyright 2026 The Haywire Authors.
//
// The tag every request and response of an authenticated channel carries.
//
// A tag is SipHash-2-4 (64 bits) under the channel's message key (handshake.h) of
// the message's fields, encoded little-endian in this order:
//
//   request:  "HWRQ" channel_id:u64 slot:u32 generation:u32 ticket:u64
//             type:u32 payload_bytes:u32 payload
//   response: "HWRS" channel_id:u64 slot:u32 generation:u32 ticket:u64
//             type:u32 status:u32 flags:u32 iterator_id:u64
//             guest_mono_ns:u64 payload_bytes:u32 payload
//
// The labels keep a request's tag from ever verifying as a response's. The
// slot and its generation (the one the request is published with, which
// the response is published under too) tie a message to one use of one
// slot, so a message copied into another slot, or left behind for the
// slot's next use, does not verify. The ticket is the channel's sequence
// number: the host sends strictly increasing tickets and the companion
// accepts each ticket once, in order (guest/channel_table.h), so a replayed
// or reordered request is refused; the host accepts a response only for the
// ticket it is waiting for, so an old response cannot be passed off as the
// answer to a new request. See docs/PROTOCOL.md "Authentication".
#ifndef HAYWIRE_AUTH_MESSAGE_TAG_H_
#define HAYWIRE_AUTH_MESSAGE_TAG_H_

#include <cstdint>

#include "absl/types/span.h"
#include "haywire/auth/primitives.h"

namespace haywire::auth {

struct RequestTagFields {
  uint64_t channel_id = 0;
  uint32_t slot = 0;
  uint32_t generation = 0;
  uint64_t ticket = 0;
  uint32_t type = 0;
  absl::Span<const uint8_t> payload;
};

struct ResponseTagFields {
  uint64_t channel_id = 0;
  uint32_t slot = 0;
  uint32_t generation = 0;
  uint64_t ticket = 0;
  uint32_t type = 0;
  uint32_t status = 0;
  uint32_t flags = 0;
  uint64_t iterator_id = 0;
  uint64_t guest_mono_ns = 0;
  absl::Span<const uint8_t> payload;
};

// Payloads are at most a page: longer ones CHECK-fail (a caller bug; the
// slot code bounds every length before it gets here).
Tag RequestTag(const MessageKey& key, const RequestTagFields& fields);
Tag ResponseTag(const MessageKey& key, const ResponseTagFields& fields);

}  // namespace haywire::auth

#endif  // HAYWIRE_AUTH_MESSAGE_TAG_H_
