// Copyright 2026 The Haywire Authors.
//
// RequestRouter: the companion's handlers, one per request type.
//
// A service registers a typed handler for a descriptor of the request
// registry (haywire/protocol/requests.h):
//
//   router.Handle<request::GetProcessInfo>(
//       [this](const ProcessInfoRequest& r, const RequestContext& context) {
//         return Info(r, context);
//       });
//
// The router decodes the request payload into the descriptor's Request
// message before the handler runs (a payload that does not decode, or fails
// the message's validation, is answered kBadRequest with a one-line message
// naming the request), and answers PING itself. The capability bits the
// companion advertises in its beacon are `capabilities()`: exactly the bits
// of the descriptors that have a handler, so the two cannot drift apart.
#ifndef HAYWIRE_GUEST_REQUEST_ROUTER_H_
#define HAYWIRE_GUEST_REQUEST_ROUTER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/auth/primitives.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/slot.h"

namespace haywire {

// What a handler returns for one request.
struct HandlerResult {
  ResponseStatus status = ResponseStatus::kOk;
  uint32_t flags = 0;
  uint64_t iterator_id = 0;
  std::string payload;  // at most kResponsePayloadBytes.
};

// An OK answer carrying `response`, the response message of descriptor D
// (kInternalError if it does not fit a response page).
template <RequestDescriptor D>
HandlerResult Respond(const typename D::Response& response) {
  HandlerResult result;
  WireWriter writer(kResponsePayloadBytes);
  if (!EncodeMessage(response, &writer)) {
    result.status = ResponseStatus::kInternalError;
    result.payload = EncodeErrorMessage(
        absl::StrCat(D::kName, " response does not fit a page"));
    return result;
  }
  result.payload = writer.data();
  return result;
}

// An error answer with one human-readable line.
HandlerResult ErrorResult(ResponseStatus status, absl::string_view message);

// Who asked, and by when the handler must answer.
struct RequestContext {
  // The station id of the slot's owner (the host client's PID).
  uint32_t host_pid = 0;
  // The slot the request came in (its bulk window is the handler's to fill).
  uint32_t slot = 0;
  // The handler's time budget ends here (CompanionOptions::handler_budget):
  // a handler whose work grows with the guest (processes, open files)
  // checks it and answers with what it has by then. Tests and direct calls
  // have no budget.
  absl::Time deadline = absl::InfiniteFuture();
  // The channel's window key when the request came on an authenticated
  // channel (request_authenticator.h), else null: what WindowDigestOf
  // digests a bulk window's bytes with.
  const auth::MessageKey* window_key = nullptr;
};

// The digest a response on `context`'s channel carries for the `length`
// bytes at `bytes` it put in its bulk window (auth::SipHash128 under the
// window key; docs/PROTOCOL.md 15), or an empty string off a channel.
std::string WindowDigestOf(const RequestContext& context, const char* bytes,
                           size_t length);

class RequestRouter {
 public:
  RequestRouter() = default;
  RequestRouter(const RequestRouter&) = delete;
  RequestRouter& operator=(const RequestRouter&) = delete;

  // Registers the handler of request type D, replacing any earlier one.
  // `handler` is called as HandlerResult(const D::Request&, const
  // RequestContext&).
  template <RequestDescriptor D, typename F>
  void Handle(F handler) {
    static_assert(D::kType != RequestType::kPing,
                  "PING is answered by the router itself");
    static_assert(static_cast<size_t>(D::kType) < kMaxRequestTypes);
    handlers_[Index(D::kType)] = [handler = std::move(handler)](
                                     const Request& request,
                                     absl::Time deadline,
                                     const auth::MessageKey* window_key) {
      absl::StatusOr<typename D::Request> decoded =
          DecodeMessage<typename D::Request>(
              absl::string_view(reinterpret_cast<const char*>(request.payload),
                                request.payload_bytes));
      if (!decoded.ok()) {
        return ErrorResult(
            ResponseStatus::kBadRequest,
            absl::StrCat(D::kName, ": ", decoded.status().message()));
      }
      return handler(*decoded, RequestContext{.host_pid = request.host_pid,
                                              .slot = request.slot,
                                              .deadline = deadline,
                                              .window_key = window_key});
    };
    capabilities_ |= D::kCapabilities;
    takes_slot_[Index(D::kType)] = haywire::TakesSlot<D>();
  }

  // Whether a request of wire type `type` must be taken (the slot moved
  // to kInProgress by the CAS of TakeCopiedRequest) before Dispatch() acts
  // on it: a request with side effects (requests.h kTakesSlot), which the
  // companion must never perform from a copy whose owner may withdraw it.
  bool TakesSlot(uint32_t type) const {
    return type < kMaxRequestTypes && takes_slot_[type];
  }

  // kCapPing plus the capability bit of every request type with a handler.
  uint64_t capabilities() const { return capabilities_; }

  // The answer to `request` (copied out of its slot). `malformed`: its
  // length was out of range. Sets `*handler_ran` when a handler ran (not for
  // PING or errors the router answers itself in nanoseconds).
  // `deadline` and `window_key` are passed to the handler in its
  // RequestContext.
  HandlerResult Dispatch(const Request& request, bool malformed,
                         bool* handler_ran,
                         absl::Time deadline = absl::InfiniteFuture(),
                         const auth::MessageKey* window_key = nullptr) const;

  // Whether Dispatch() would run a handler for `request` (and not answer it
  // by itself: PING, malformed or unknown requests).
  bool RunsHandler(const Request& request, bool malformed) const;

 private:
  // Wire numbers are small: one table entry each, up to kMaxRequestTypes.
  static constexpr size_t kMaxRequestTypes = 64;
  static constexpr size_t Index(RequestType type) {
    return static_cast<size_t>(type);
  }

  std::array<std::function<HandlerResult(const Request&, absl::Time,
                                         const auth::MessageKey*)>,
             kMaxRequestTypes>
      handlers_;
  std::array<bool, kMaxRequestTypes> takes_slot_{};
  uint64_t capabilities_ = kCapPing;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_REQUEST_ROUTER_H_
