// Copyright 2026 The Haywire Authors.
//
// The request-slot state machine, for both sides.
//
// Slot i is a RequestSlotPage (state word + request) and a ResponseSlotPage.
// Its one atomic state word packs {state, generation, owner_pid}; every
// transition is a single compare-and-swap of the whole word:
//
//   host   TryClaimSlot     kFree          -> kClaimed       (gen+1, own pid)
//   host   PublishRequest   kClaimed       -> kRequestReady  (release)
//   host   PublishRequest   kResponseReady -> kRequestReady  (gen+1, on a
//                           slot its owner kept after reading the response)
//   guest  TryTakeRequest   kRequestReady  -> kInProgress    (acquire)
//   guest  CompleteRequest  kInProgress    -> kResponseReady (release)
//   guest  ReadPublishedRequest + CompleteRequest:
//                           kRequestReady  -> kResponseReady (answer in place)
//   host   ConsumeResponse  kResponseReady -> kFree          (after reading,
//                           unless the owner keeps the slot for its next
//                           request: then the word stays as it is)
//   host   AbandonRequest   kRequestReady  -> kFree, kInProgress -> kAbandoned
//   guest  CompleteRequest  kAbandoned     -> kFree          (drops response)
//   host   ReclaimSlot      kClaimed/kRequestReady/kResponseReady of a
//                           dead owner -> kFree
//   guest  ResetStuckSlot   any word the companion is not serving that stayed
//                           unchanged for its stuck-slot timeout -> kFree
//                           (guest/stuck_slots.h decides which and when)
//
// Why the generation: a request served late, or a slot reclaimed from a dead
// owner and claimed again, must never let a stale actor move the new owner's
// slot. The companion's completing CAS names the exact word it took, so it
// fails if the slot changed hands. Why the ticket: the response page echoes
// the request's 64-bit ticket, and a host delivers a response only when both
// the word (state, generation, its pid) and the echoed ticket are its own.
//
// Copies: a request and a response cross the boundary as 8-byte atomic
// words (release stores by their writer, acquire loads by their reader;
// shared_access.h), never as plain memcpy, because a page can legitimately
// be rewritten while the other side copies it: the companion's fast path
// (ReadPublishedRequest) reads a published request without taking the slot,
// and if its owner withdraws it meanwhile, the next owner refills the page
// under the copy. The reader then re-checks the state word, seqlock-style,
// and drops any copy made while the word moved; the completing CAS, which
// names the exact word, is the second line of defence.
//
// Neither side trusts the other: copies of requests and responses are
// bounded and validated before use, and no function here dereferences an
// index or length read from the region without a bound check.
#ifndef HAYWIRE_PROTOCOL_SLOT_H_
#define HAYWIRE_PROTOCOL_SLOT_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {

// The unpacked state word of a slot.
struct SlotWord {
  SlotState state = SlotState::kFree;
  uint32_t generation = 0;  // 24 bits; bumped by every claim.
  uint32_t owner_pid = 0;   // host station id; 0 when free.

  static constexpr uint32_t kGenerationMask = (1u << 24) - 1;

  // The generation a claim of this slot takes (24 bits, wrapping).
  uint32_t NextGeneration() const { return (generation + 1) & kGenerationMask; }

  uint64_t Pack() const {
    return uint64_t{static_cast<uint8_t>(state)} |
           (uint64_t{generation & kGenerationMask} << 8) |
           (uint64_t{owner_pid} << 32);
  }
  static SlotWord Unpack(uint64_t word) {
    SlotWord w;
    w.state = static_cast<SlotState>(word & 0xFF);
    w.generation = static_cast<uint32_t>(word >> 8) & kGenerationMask;
    w.owner_pid = static_cast<uint32_t>(word >> 32);
    return w;
  }
  // A word written by a buggy or hostile peer may hold any bits.
  bool IsWellFormed() const {
    return static_cast<uint8_t>(state) <= kMaxSlotState &&
           (state == SlotState::kFree) == (owner_pid == 0);
  }
  friend bool operator==(const SlotWord&, const SlotWord&) = default;
};

std::string SlotStateName(SlotState state);

// Current word of a slot (acquire, so what its writer published is visible;
// pairs with the release half of whichever CAS wrote the word). Inline: both
// sides call it in their polling loops.
inline SlotWord LoadSlotWord(RequestSlotPage& slot) {
  return SlotWord::Unpack(LoadAcquire(slot.state));
}

// ---- Host side -------------------------------------------------------------

// Claims a free slot for `pid` (nonzero). Returns the claimed word, or
// nullopt if the slot is not free (or the CAS lost a race).
std::optional<SlotWord> TryClaimSlot(RequestSlotPage& slot, uint32_t pid);

// An authenticated message's tag (haywire/auth/message_tag.h).
using MessageTag = std::array<uint8_t, kMessageTagBytes>;

// An authenticated request's AuthWords (layout.h): its channel and tag
// (haywire/auth/message_tag.h), which covers the generation the request is
// published with (PublishGeneration).
struct RequestAuth {
  uint64_t channel_id = 0;
  MessageTag tag = {};
};

// The generation PublishRequest publishes a request held as `held` with:
// the claim's for a claimed slot, the next one for a kept slot.
inline uint32_t PublishGeneration(const SlotWord& held) {
  return held.state == SlotState::kResponseReady ? held.NextGeneration()
                                                 : held.generation;
}

// Writes the request into a slot held as `held` and publishes it. `held` is
// either the kClaimed word TryClaimSlot returned, or the kResponseReady word
// of a slot its owner kept after consuming its last response
// (AfterResponse::kKeep): a kept slot goes straight to kRequestReady with the
// next generation, one CAS that stands for release, claim and publish, so a
// client sending requests back to back moves the state line between the
// cores twice per round trip instead of four times.
// Fails with FailedPrecondition if the slot is no longer `held` (it was
// reclaimed), InvalidArgument if the payload is too large or `held` is in
// another state. On success returns the kRequestReady word to wait on. Also
// rings the beacon's doorbell when `doorbell` is not null. Writes the
// request's AuthWords from `auth`, or zeros (no channel) when it is null.
absl::Status PublishRequest(RequestSlotPage& slot, const SlotWord& held,
                            uint64_t ticket, RequestType type,
                            absl::Span<const uint8_t> payload,
                            uint64_t* doorbell, SlotWord* published,
                            const RequestAuth* auth = nullptr);

// Where a published request stands, from its owner's point of view.
enum class RequestProgress {
  kWaiting,        // kRequestReady or kInProgress with our generation.
  kResponseReady,  // our response is published.
  kLost,           // the slot is not ours any more (reclaimed).
};
RequestProgress PollRequest(RequestSlotPage& slot, const SlotWord& published);

// A response copied out of a ResponseSlotPage and bounds-checked.
struct Response {
  uint64_t ticket = 0;
  ResponseStatus status = ResponseStatus::kOk;
  uint32_t raw_status = 0;
  uint32_t type = 0;
  uint32_t flags = 0;
  uint64_t iterator_id = 0;
  uint64_t guest_mono_ns = 0;
  std::string payload;
};

// What the owner does with its slot once the response is copied out.
enum class AfterResponse {
  kFree,  // hand it back (kFree): the usual end of a request.
  kKeep,  // keep it in kResponseReady for the next PublishRequest; release
          // it later with ReleaseKeptSlot.
};

// Copies the response of slot `published` (after PollRequest returned
// kResponseReady), then frees or keeps the slot. Returns DataLoss if the
// echoed ticket is not `ticket` or a length is out of range: such a response
// is never delivered. Returns FailedPrecondition if the slot was not ours any
// more, before or while the response was copied (the slot is then left
// alone). With `response_tag` not null (an authenticated channel), a
// response that carries a tag (ResponseCarriesTag) has it copied there and
// its ticket is not compared: the caller must check the tag, which covers
// `ticket`; `out->ticket` is then `ticket`.
absl::Status ConsumeResponse(RequestSlotPage& slot, ResponseSlotPage& response,
                             const SlotWord& published, uint64_t ticket,
                             Response* out,
                             AfterResponse after = AfterResponse::kFree,
                             MessageTag* response_tag = nullptr);

// Frees a slot kept after its response (kResponseReady of `kept`). Returns
// false if it was not kept any more (reclaimed by a host that thought its
// owner dead).
bool ReleaseKeptSlot(RequestSlotPage& slot, const SlotWord& kept);

// Gives up on a published request (deadline passed). Frees the slot if the
// companion has not taken it, marks it kAbandoned if the companion is
// serving it (the companion frees it), frees it if the response is ready.
// Returns false if the slot was not ours any more.
bool AbandonRequest(RequestSlotPage& slot, const SlotWord& published);

// Frees a slot whose owner the caller has determined to be dead, if the slot
// still holds exactly `observed`. Returns true if it did. Slots the companion
// is serving (kInProgress, kAbandoned) are left alone: the companion finishes
// them soon and the slot becomes reclaimable (or free), whereas freeing one
// now would let a new owner write the request page while the companion is
// still copying the old request out of it.
bool ReclaimSlot(RequestSlotPage& slot, const SlotWord& observed);

// Releases a slot claimed but never published.
bool ReleaseClaim(RequestSlotPage& slot, const SlotWord& claimed);

// ---- Guest side -------------------------------------------------------------

// A request copied out of a RequestSlotPage. The copy is what the companion
// acts on: the page may be rewritten after the copy (or, on the fast path,
// during it; see ReadPublishedRequest), so nothing is read twice.
struct Request {
  uint64_t ticket = 0;
  uint32_t type = 0;  // raw; the companion validates it.
  uint32_t host_pid = 0;
  uint32_t generation = 0;  // of the word the request was published with
  uint32_t payload_bytes = 0;
  // The slot it was read from: set by the companion after the copy (the
  // copy functions do not know it), for handlers that fill the slot's bulk
  // window.
  uint32_t slot = 0;
  // The request's AuthWords, copied only when asked for (a companion with a
  // key); else zero.
  uint64_t channel_id = 0;
  MessageTag request_tag = {};
  uint8_t payload[kRequestPayloadBytes];
};

// Whether a request copy includes the request's AuthWords.
enum class WithAuth : bool { kNo = false, kYes = true };

// If the slot holds a published request, moves it to kInProgress and copies
// the request to `out`. Returns the kInProgress word, or nullopt.
// A request whose payload_bytes is out of range is still taken (so it can be
// answered with an error); `out->payload_bytes` is then clamped to zero and
// `*malformed` set.
std::optional<SlotWord> TryTakeRequest(RequestSlotPage& slot, Request* out,
                                       bool* malformed,
                                       WithAuth with_auth = WithAuth::kNo);

// The fast path the reference companion uses: copies a published request
// WITHOUT taking the slot, so the answer is one CAS (kRequestReady ->
// kResponseReady by CompleteRequest with the word returned here) instead of
// two. Each CAS moves the state line between the cores, so this saves two
// cache-line transfers per round trip (docs/PERFORMANCE.md).
//
// Without kInProgress, the owner may withdraw the request (AbandonRequest:
// kRequestReady -> kFree) while it is being copied, and a new owner may
// claim the slot and write its own request into the page at the same time.
// The copy is therefore made of atomic words, and the state word is loaded
// again after it: if it moved, the copy may be torn and nullopt is returned
// (the new request, once published, is read on a later pass). If the word
// moves only after the re-check, the copy was whole, and CompleteRequest,
// whose CAS names the word returned here, publishes nothing. Either way the
// new owner never sees an answer to someone else's request. What is lost is
// only the "companion is working on it" signal of kInProgress, which a
// companion serving slow requests may still give with TryTakeRequest.
std::optional<SlotWord> ReadPublishedRequest(
    RequestSlotPage& slot, Request* out, bool* malformed,
    WithAuth with_auth = WithAuth::kNo);

// Takes a request the fast path copied: one CAS from exactly `copied` (the
// word ReadPublishedRequest returned) to kInProgress. Returns the
// kInProgress word, or nullopt if the word moved since the copy (the owner
// withdrew the request, or the slot changed hands): the copy must then be
// dropped without acting on it. Success proves the copy is the request
// published under `copied` (every publish moves the generation), so a
// request with a side effect (WRITE_MEMORY) is performed only after it:
// a torn or withdrawn request can never act. CompleteRequest then answers
// from the returned word.
std::optional<SlotWord> TakeCopiedRequest(RequestSlotPage& slot,
                                          const SlotWord& copied);

// Frees a slot whose word the companion found stuck: one CAS from exactly
// `observed` (the raw 64 bits, which need not be well-formed: a hostile or
// buggy writer may have put any bits there) to kFree with the same
// generation and owner 0. Returns true if it did; false if the word moved
// meanwhile (then it was not stuck). The caller must not be serving the
// slot. Any actor that still holds the old word fails its next CAS, as after
// ReclaimSlot.
bool ResetStuckSlot(RequestSlotPage& slot, uint64_t observed);

namespace slot_internal {

// Copies the request of `slot` into `out` (the only copy the companion acts
// on; a hostile host could still scribble on the page). Atomic words,
// acquire: the host that owns the page writes them with release
// (PublishRequest), and a new owner may be doing so during the copy (see
// ReadPublishedRequest). `between` runs after the fixed fields are copied
// and before the payload is: nothing in production, a withdrawal and refill
// in the test that proves a torn copy is caught.
template <typename Between>
void CopyRequest(RequestSlotPage& slot, const SlotWord& word, Request* out,
                 bool* malformed, WithAuth with_auth, Between between) {
  out->ticket = LoadAcquire(slot.ticket);
  out->type = LoadAcquire(slot.type);
  out->host_pid = word.owner_pid;
  out->generation = word.generation;
  if (with_auth == WithAuth::kYes) {
    AuthWords auth;
    LoadBytesAcquire(&auth, &slot.response, sizeof(auth));
    out->channel_id = auth.channel_id;
    std::memcpy(out->request_tag.data(), auth.request_tag,
                out->request_tag.size());
  } else {
    out->channel_id = 0;
    out->request_tag = {};
  }
  const uint32_t bytes = LoadAcquire(slot.payload_bytes);
  *malformed = bytes > kRequestPayloadBytes;
  out->payload_bytes = *malformed ? 0 : bytes;
  between();
  LoadBytesAcquire(out->payload, slot.payload, out->payload_bytes);
}

template <typename Between>
std::optional<SlotWord> ReadPublishedRequest(RequestSlotPage& slot,
                                             Request* out, bool* malformed,
                                             WithAuth with_auth,
                                             Between between) {
  // Acquire (in LoadSlotWord): pairs with the host's release to
  // kRequestReady, so the request body copied below is the published one,
  // unless the host withdraws it meanwhile and a new owner refills the page.
  const SlotWord now = LoadSlotWord(slot);
  if (now.state != SlotState::kRequestReady || !now.IsWellFormed()) {
    return std::nullopt;
  }
  CopyRequest(slot, now, out, malformed, with_auth, between);
  // Seqlock-style re-check: a new owner moves the word (abandon, then claim)
  // before it writes the page, and any word of the copy that came from its
  // release stores makes that move visible to this relaxed load (acquire
  // loads in CopyRequest). An unchanged word therefore means the copy is
  // the published request, whole.
  if (LoadRelaxed(slot.state) != now.Pack()) return std::nullopt;
  return now;
}

}  // namespace slot_internal

// What became of a completed request.
enum class Completion {
  kDelivered,  // response published (kResponseReady).
  kDropped,    // the owner had abandoned it; the slot is now free.
  kLost,       // the slot changed hands; nothing was published.
};

// Fields of a response, written by the companion.
struct ResponseFields {
  uint64_t ticket = 0;
  ResponseStatus status = ResponseStatus::kOk;
  uint32_t type = 0;
  uint32_t flags = 0;
  uint64_t iterator_id = 0;
  uint64_t guest_mono_ns = 0;
  // Written in place of the ticket echo when not null (a tagged response on
  // an authenticated channel; ResponseHeader, haywire/auth/message_tag.h).
  const MessageTag* response_tag = nullptr;
};

// Writes the response (payload truncated is a caller bug: it must fit
// kResponsePayloadBytes; checked) and publishes it for the slot taken as
// `taken`.
Completion CompleteRequest(RequestSlotPage& slot, ResponseSlotPage& response,
                           const SlotWord& taken, const ResponseFields& fields,
                           absl::Span<const uint8_t> payload);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_SLOT_H_
