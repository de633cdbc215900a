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

HandlerResult RequestRouter::Dispatch(const Request& request, bool malformed,
                                      bool* handler_ran,
                                      absl::Time deadline) const {
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
  HandlerResult result = handlers_[request.type](request, deadline);
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
