// Copyright 2026 The Haywire Authors.

#include "guest/system_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

SystemService::SystemService(const ProcFs* procfs, std::string hostname,
                             std::string kernel_release)
    : procfs_(procfs),
      hostname_(std::move(hostname)),
      kernel_release_(std::move(kernel_release)) {}

void SystemService::RegisterWith(Companion* companion) {
  companion->Handle(RequestType::kGetSystemSummary,
                    [this](const Request& r) { return Summary(r); });
}

HandlerResult SystemService::Summary(const Request&) {
  HandlerResult result;
  absl::StatusOr<SystemSummary> summary = procfs_->ReadSystemSummary();
  if (!summary.ok()) {
    result.status = ResponseStatus::kInternalError;
    result.payload = EncodeErrorMessage(absl::StrCat(
        "cannot read the system summary: ", summary.status().message()));
    return result;
  }
  summary->hostname = hostname_;
  summary->kernel_release = kernel_release_;
  WireWriter writer(kResponsePayloadBytes);
  if (!EncodeSystemSummary(*summary, &writer)) {
    // Impossible within the messages.h bounds (two short strings and a few
    // dozen numbers), but never answer with a partial record.
    result.status = ResponseStatus::kInternalError;
    result.payload = EncodeErrorMessage("system summary too large");
    return result;
  }
  result.payload = writer.data();
  return result;
}

}  // namespace haywire
