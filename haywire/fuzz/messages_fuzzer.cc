// Copyright 2026 The Haywire Authors.
//
// Fuzz target: every payload decoder of messages.h, memory_messages.h and
// process_event_codec.h (the request and response message of every
// descriptor of the request registry, requests.h, so a new request type is
// fuzzed as soon as it is registered), on bytes a companion (responses,
// events) or a host (requests) wrote into a slot or the event ring. Each
// decoder gets the whole input. What a decoder accepts must be within the bounds of
// messages.h (message_bounds.h), and must survive a round trip: encoding
// the decoded message and decoding that again gives a message that encodes
// to the same bytes (the decoder produced nothing the encoder would cut or
// change).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/fuzz/check.h"
#include "haywire/protocol/message_bounds.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event_codec.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

// Room for any message a decoder accepts (encoders write every field, so a
// message can grow past the payload it came from, but not by much).
constexpr size_t kEncodeCapacity = 1 << 20;

// Decodes `payload` as M; if it is accepted, checks it with `bounds` and
// checks the round trip. Returns whether M accepted the payload.
template <typename M, typename Bounds>
bool DecodeAndCheck(absl::string_view payload, Bounds bounds) {
  absl::StatusOr<M> m = DecodeMessage<M>(payload);
  if (!m.ok()) return false;
  FUZZ_CHECK_NO_VIOLATION(bounds(*m));
  std::optional<std::string> encoded = EncodeMessage(*m, kEncodeCapacity);
  FUZZ_CHECK(encoded.has_value());
  absl::StatusOr<M> again = DecodeMessage<M>(*encoded);
  FUZZ_CHECK(again.ok());
  std::optional<std::string> reencoded = EncodeMessage(*again, kEncodeCapacity);
  FUZZ_CHECK(reencoded.has_value());
  FUZZ_CHECK(*reencoded == *encoded);
  return true;
}

std::string NoBounds(const auto&) { return ""; }

std::string ChunkBounds(const ListChunk& chunk) {
  for (const ProcessEntry& e : chunk.entries) {
    if (std::string v = EntryViolation(e); !v.empty()) return v;
  }
  return "";
}

// The request and response of every registered request type, with no
// bounds beyond their decoders' own (WireValidate): the round trip is the
// check.
template <RequestDescriptor... D>
void DecodeEveryRegistered(absl::string_view payload, RequestTypeList<D...>) {
  const auto none = [](const auto&) { return std::string(); };
  (DecodeAndCheck<typename D::Request>(payload, none), ...);
  (DecodeAndCheck<typename D::Response>(payload, none), ...);
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace haywire;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);

  // Requests (the companion decodes what any host wrote).
  DecodeAndCheck<EmptyMessage>(payload, NoBounds<EmptyMessage>);
  DecodeAndCheck<ListProcessesRequest>(payload, NoBounds<ListProcessesRequest>);
  DecodeAndCheck<ProcessInfoRequest>(
      payload, [](const ProcessInfoRequest& r) -> std::string {
        return r.pid == 0 ? "pid 0" : "";
      });
  DecodeAndCheck<IteratorRequest>(
      payload, [](const IteratorRequest& r) -> std::string {
        return r.iterator_id == 0 ? "iterator 0" : "";
      });

  // Responses (a host decodes what the guest wrote).
  DecodeAndCheck<ListChunk>(payload, ChunkBounds);
  DecodeAndCheck<ProcessInfo>(payload, InfoViolation);
  DecodeAndCheck<SystemSummary>(payload, SummaryViolation);
  DecodeEveryRegistered(payload, AllRequestTypes{});
  const std::string message = DecodeErrorMessage(payload);
  FUZZ_CHECK(message.size() <= kMaxErrorMessageBytes);
  if (!message.empty()) {
    FUZZ_CHECK(DecodeErrorMessage(EncodeErrorMessage(message)) == message);
  }

  // Event payloads (a host decodes what the guest put in the ring).
  absl::StatusOr<ProcessEvent> event = DecodeProcessEvent(payload);
  if (event.ok()) {
    FUZZ_CHECK_NO_VIOLATION(EventViolation(*event));
    const std::string encoded = EncodeProcessEvent(*event);
    FUZZ_CHECK(encoded.size() <= kMaxProcessEventPayloadBytes);
    absl::StatusOr<ProcessEvent> again = DecodeProcessEvent(encoded);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(EncodeProcessEvent(*again) == encoded);
  }
  return 0;
}
