// Copyright 2026 The Haywire Authors.

#include "guest/request_router.h"

namespace haywire {

HandlerResult ErrorResult(ResponseStatus status, absl::string_view message) {
  HandlerResult result;
  result.status = status;
  result.payload = EncodeErrorMessage(message);
  return result;
}

bool RequestRouter::RunsHandler(const Request& request, bool malformed) const {
  return !malformed &&
         request.type != static_cast<uint32_t>(RequestType::kPing) &&
         request.type < kMaxRequestTypes && handlers_[request.type];
}

std::string WindowDigestOf(const RequestContext& context, const char* bytes,
                           size_t length) {
  if (context.window_key == nullptr) return "";
  const auth::WindowDigest digest = auth::SipHash128(
      *context.window_key,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes), length));
  return std::string(reinterpret_cast<const char*>(digest.data()),
                     digest.size());
}

HandlerResult RequestRouter::Dispatch(
    const Request& request, bool malformed, bool* handler_ran,
    absl::Time deadline, const auth::MessageKey* window_key) const {
  *handler_ran = false;
  if (malformed) {
    return ErrorResult(ResponseStatus::kBadRequest,
                       "request payload length out of range");
  }
  if (request.type == static_cast<uint32_t>(RequestType::kPing)) {
    return HandlerResult{};  // OK, empty payload.
  }
  if (request.type >= kMaxRequestTypes || !handlers_[request.type]) {
    return ErrorResult(ResponseStatus::kUnknownRequest,
                       absl::StrCat("this companion does not serve request "
                                    "type ",
                                    request.type));
  }
  *handler_ran = true;
  HandlerResult result = handlers_[request.type](request, deadline, window_key);
  if (result.payload.size() > kResponsePayloadBytes) {
    // A handler bug must not overflow the response page.
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat(RequestTypeName(static_cast<RequestType>(request.type)),
                     " answer exceeds a response page"));
  }
  return result;
}

}  // namespace haywire
