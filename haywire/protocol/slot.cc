// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/slot.h"

#include <atomic>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

SlotWord With(const SlotWord& word, SlotState state) {
  SlotWord next = word;
  next.state = state;
  return next;
}

// One CAS of the whole word from `from` to `to`.
bool Transition(RequestSlotPage& slot, const SlotWord& from,
                const SlotWord& to) {
  uint64_t expected = from.Pack();
  return CompareExchange(slot.state, expected, to.Pack());
}

}  // namespace

std::string SlotStateName(SlotState state) {
  switch (state) {
    case SlotState::kFree:
      return "free";
    case SlotState::kClaimed:
      return "claimed";
    case SlotState::kRequestReady:
      return "request-ready";
    case SlotState::kInProgress:
      return "in-progress";
    case SlotState::kResponseReady:
      return "response-ready";
    case SlotState::kAbandoned:
      return "abandoned";
  }
  return absl::StrCat("invalid(", static_cast<int>(state), ")");
}

std::optional<SlotWord> TryClaimSlot(RequestSlotPage& slot, uint32_t pid) {
  CHECK_NE(pid, 0u);
  SlotWord current = LoadSlotWord(slot);
  if (current.state != SlotState::kFree || current.owner_pid != 0) {
    return std::nullopt;
  }
  SlotWord claimed{SlotState::kClaimed, current.NextGeneration(), pid};
  // acq_rel: acquire so the companion's last reads of this slot (it copied
  // the previous request before publishing the previous response) happen
  // before our writes of the new request.
  if (!Transition(slot, current, claimed)) return std::nullopt;
  return claimed;
}

absl::Status PublishRequest(RequestSlotPage& slot, const SlotWord& held,
                            uint64_t ticket, RequestType type,
                            absl::Span<const uint8_t> payload,
                            uint64_t* doorbell, SlotWord* published,
                            const RequestAuth* auth) {
  if (payload.size() > kRequestPayloadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request payload of ", payload.size(),
                     " bytes exceeds the slot's ", kRequestPayloadBytes));
  }
  SlotWord ready = With(held, SlotState::kRequestReady);
  if (held.state == SlotState::kResponseReady) {
    // A kept slot: publishing is also the claim, so it bumps the generation
    // as T1 would. A companion still holding the old word can then never
    // complete the new request with it.
    ready.generation = held.NextGeneration();
  } else if (held.state != SlotState::kClaimed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot publish on a slot held as ", SlotStateName(held.state)));
  }
  // Release stores, word by word (shared_access.h, "Byte ranges"): the
  // slot is ours, but the companion's fast path (ReadPublishedRequest) may
  // still be copying the request this page held before, if that request was
  // withdrawn (AbandonRequest) or its dead owner's slot reclaimed. That copy
  // races with these stores; atomic words make the race defined, and their
  // release order lets the companion's re-check of the state word discard
  // the copy. (A kept slot's page is not read by the companion between its
  // response and this publish.)
  StoreRelease(slot.ticket, ticket);
  StoreRelease(slot.type, static_cast<uint32_t>(type));
  StoreRelease(slot.payload_bytes, static_cast<uint32_t>(payload.size()));
  StoreBytesRelease(slot.payload, payload.data(), payload.size());
  // The AuthWords share the control line with the fields above: no extra
  // cache line, with a key or without.
  AuthWords words = {};
  if (auth != nullptr) {
    words.channel_id = auth->channel_id;
    std::memcpy(words.request_tag, auth->tag.data(), auth->tag.size());
  }
  StoreBytesRelease(&slot.response, &words, sizeof(words));
  // Release (in the acq_rel CAS): publishes the request body above.
  if (!Transition(slot, held, ready)) {
    return absl::FailedPreconditionError(
        "request slot was reclaimed before the request was published");
  }
  if (doorbell != nullptr) {
    // Release, after the slot's release: a companion that acquires the new
    // doorbell value also sees the slot as kRequestReady.
    FetchAddRelease(*doorbell, uint64_t{1});
  }
  *published = ready;
  return absl::OkStatus();
}

RequestProgress PollRequest(RequestSlotPage& slot, const SlotWord& published) {
  SlotWord now = LoadSlotWord(slot);
  if (now.generation != published.generation ||
      now.owner_pid != published.owner_pid) {
    return RequestProgress::kLost;
  }
  switch (now.state) {
    case SlotState::kRequestReady:
    case SlotState::kInProgress:
      return RequestProgress::kWaiting;
    case SlotState::kResponseReady:
      return RequestProgress::kResponseReady;
    default:
      return RequestProgress::kLost;
  }
}

absl::Status ConsumeResponse(RequestSlotPage& slot, ResponseSlotPage& response,
                             const SlotWord& published, uint64_t ticket,
                             Response* out, AfterResponse after,
                             MessageTag* response_tag) {
  SlotWord ready = With(published, SlotState::kResponseReady);
  // Acquire: pairs with the companion's release CAS to kResponseReady, so the
  // response page below is complete.
  if (LoadSlotWord(slot) != ready) {
    return absl::FailedPreconditionError("slot holds no response of ours");
  }
  // Copy every field once; validate the copy, never re-read the page. Atomic
  // words, acquire (shared_access.h): only the companion writes these, and
  // only for the slot's current owner, but a host that wrongly took us for
  // dead could make the slot someone else's while we copy.
  ResponseHeader header;
  LoadBytesAcquire(&header, &slot.response, sizeof(header));
  Response r;
  r.ticket = header.ticket;
  if (response_tag != nullptr &&
      ResponseCarriesTag(header.type, header.status)) {
    // The tag stands in for the echo; the caller checks it against
    // `ticket`.
    static_assert(sizeof(header.ticket) == kMessageTagBytes);
    std::memcpy(response_tag->data(), &header.ticket, response_tag->size());
    r.ticket = ticket;
  }
  r.raw_status = header.status;
  r.type = header.type;
  const uint32_t payload_bytes = header.payload_bytes;
  r.flags = header.flags;
  r.iterator_id = header.iterator_id;
  r.guest_mono_ns = header.guest_mono_ns;
  absl::Status verdict;
  if (r.ticket != ticket) {
    verdict = absl::DataLossError(absl::StrCat(
        "response ticket ", r.ticket, " does not match request ticket ", ticket,
        "; the response was not ours and is discarded"));
  } else if (payload_bytes > kResponsePayloadBytes) {
    verdict = absl::DataLossError(absl::StrCat(
        "response claims ", payload_bytes, " payload bytes, more than the ",
        kResponsePayloadBytes, " a response page holds"));
  } else {
    r.payload.resize(payload_bytes);
    LoadBytesAcquire(r.payload.data(), response.payload, payload_bytes);
    r.status = static_cast<ResponseStatus>(r.raw_status);
  }
  bool still_ours;
  if (after == AfterResponse::kKeep) {
    // Nobody may legitimately move a slot we hold in kResponseReady, but a
    // confused host could reclaim it: check, seqlock-style, that the word
    // did not change while we copied. Relaxed is enough: had a copied word
    // come from a companion serving the slot's next owner, its release store
    // (read by our acquire load) would make that owner's claim visible here.
    still_ours = SlotWord::Unpack(LoadRelaxed(slot.state)) == ready;
  } else {
    // Release: our reads of the response happen before the slot is reused.
    SlotWord free_word{SlotState::kFree, published.generation, 0};
    still_ours = Transition(slot, ready, free_word);
  }
  if (!still_ours) {
    return absl::FailedPreconditionError(
        "slot changed hands while the response was read");
  }
  if (!verdict.ok()) return verdict;
  *out = std::move(r);
  return absl::OkStatus();
}

bool AbandonRequest(RequestSlotPage& slot, const SlotWord& published) {
  for (;;) {
    SlotWord now = LoadSlotWord(slot);
    if (now.generation != published.generation ||
        now.owner_pid != published.owner_pid) {
      return false;
    }
    SlotWord next;
    switch (now.state) {
      case SlotState::kClaimed:
      case SlotState::kRequestReady:
      case SlotState::kResponseReady:
        next = SlotWord{SlotState::kFree, now.generation, 0};
        break;
      case SlotState::kInProgress:
        next = With(now, SlotState::kAbandoned);
        break;
      case SlotState::kAbandoned:
        return true;
      default:
        return false;
    }
    if (Transition(slot, now, next)) return true;
    // The companion moved the slot meanwhile (took or completed it): retry.
  }
}

bool ReclaimSlot(RequestSlotPage& slot, const SlotWord& observed) {
  switch (observed.state) {
    case SlotState::kClaimed:
    case SlotState::kRequestReady:
    case SlotState::kResponseReady:
      break;
    default:
      return false;
  }
  SlotWord free_word{SlotState::kFree, observed.generation, 0};
  return Transition(slot, observed, free_word);
}

bool ReleaseKeptSlot(RequestSlotPage& slot, const SlotWord& kept) {
  if (kept.state != SlotState::kResponseReady) return false;
  // Release: our reads of the last response happen before the slot is
  // claimed again.
  SlotWord free_word{SlotState::kFree, kept.generation, 0};
  return Transition(slot, kept, free_word);
}

bool ReleaseClaim(RequestSlotPage& slot, const SlotWord& claimed) {
  SlotWord free_word{SlotState::kFree, claimed.generation, 0};
  return Transition(slot, claimed, free_word);
}

std::optional<SlotWord> TryTakeRequest(RequestSlotPage& slot, Request* out,
                                       bool* malformed, WithAuth with_auth) {
  SlotWord now = LoadSlotWord(slot);
  if (now.state != SlotState::kRequestReady || !now.IsWellFormed()) {
    return std::nullopt;
  }
  SlotWord taken = With(now, SlotState::kInProgress);
  // Acquire (in the CAS): pairs with the host's release to kRequestReady.
  if (!Transition(slot, now, taken)) return std::nullopt;
  slot_internal::CopyRequest(slot, taken, out, malformed, with_auth, [] {});
  return taken;
}

std::optional<SlotWord> ReadPublishedRequest(RequestSlotPage& slot,
                                             Request* out, bool* malformed,
                                             WithAuth with_auth) {
  return slot_internal::ReadPublishedRequest(slot, out, malformed, with_auth,
                                             [] {});
}

std::optional<SlotWord> TakeCopiedRequest(RequestSlotPage& slot,
                                          const SlotWord& copied) {
  if (copied.state != SlotState::kRequestReady) return std::nullopt;
  const SlotWord taken = With(copied, SlotState::kInProgress);
  // acq_rel like every transition: the acquire half pairs again with the
  // host's release to kRequestReady; the copy was already ordered by the
  // fast path's own acquire loads and re-check.
  if (!Transition(slot, copied, taken)) return std::nullopt;
  return taken;
}

bool ResetStuckSlot(RequestSlotPage& slot, uint64_t observed) {
  const SlotWord stuck = SlotWord::Unpack(observed);
  const SlotWord free_word{SlotState::kFree, stuck.generation, 0};
  // acq_rel like every transition (CompareExchange), though neither half
  // carries data here: the companion wrote nothing to the slot it frees, and
  // the next owner's claim (acquire) orders its writes after this CAS.
  uint64_t expected = observed;
  return CompareExchange(slot.state, expected, free_word.Pack());
}

Completion CompleteRequest(RequestSlotPage& slot, ResponseSlotPage& response,
                           const SlotWord& taken, const ResponseFields& fields,
                           absl::Span<const uint8_t> payload) {
  CHECK_LE(payload.size(), kResponsePayloadBytes);
  // Release stores, word by word (shared_access.h): the host reads them
  // only after our release CAS below, and a host that gave up (kAbandoned)
  // or lost the slot never reads them, but a host that wrongly reclaimed a
  // kept slot may be copying the page's previous response meanwhile.
  ResponseHeader header = {};
  header.ticket = fields.ticket;
  header.status = static_cast<uint32_t>(fields.status);
  header.type = fields.type;
  header.payload_bytes = static_cast<uint32_t>(payload.size());
  header.flags = fields.flags;
  header.iterator_id = fields.iterator_id;
  header.guest_mono_ns = fields.guest_mono_ns;
  if (fields.response_tag != nullptr) {
    std::memcpy(&header.ticket, fields.response_tag->data(),
                fields.response_tag->size());
  }
  StoreBytesRelease(&slot.response, &header, sizeof(header));
  StoreBytesRelease(response.payload, payload.data(), payload.size());
  SlotWord ready = With(taken, SlotState::kResponseReady);
  if (Transition(slot, taken, ready)) return Completion::kDelivered;
  SlotWord abandoned = With(taken, SlotState::kAbandoned);
  SlotWord free_word{SlotState::kFree, taken.generation, 0};
  if (Transition(slot, abandoned, free_word)) return Completion::kDropped;
  return Completion::kLost;
}

}  // namespace haywire
