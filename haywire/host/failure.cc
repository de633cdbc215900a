// Copyright 2026 The Haywire Authors.

#include "haywire/host/failure.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace haywire {
namespace {

constexpr absl::string_view kPayloadUrl = "haywire.dev/failure";

}  // namespace

absl::Status WithFailure(absl::Status status, Failure failure) {
  status.SetPayload(kPayloadUrl,
                    absl::Cord(absl::StrCat(static_cast<int>(failure))));
  return status;
}

absl::Status MakeFailure(absl::StatusCode code, absl::string_view message,
                         Failure failure) {
  return WithFailure(absl::Status(code, message), failure);
}

std::optional<Failure> FailureOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  int value = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &value) || value < 0 ||
      value > static_cast<int>(Failure::kWriteNotAllowed)) {
    return std::nullopt;
  }
  return static_cast<Failure>(value);
}

}  // namespace haywire
