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

void SystemService::RegisterWith(RequestRouter* router) {
  router->Handle<request::GetSystemSummary>(
      [this](const EmptyMessage&, const RequestContext&) { return Summary(); });
}

HandlerResult SystemService::Summary() {
  absl::StatusOr<SystemSummary> summary = procfs_->ReadSystemSummary();
  if (!summary.ok()) {
    return ErrorResult(ResponseStatus::kInternalError,
                       absl::StrCat("cannot read the system summary: ",
                                    summary.status().message()));
  }
  summary->hostname = hostname_;
  summary->kernel_release = kernel_release_;
  return Respond<request::GetSystemSummary>(*summary);
}

}  // namespace haywire
