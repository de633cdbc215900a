// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/requests.h"

#include "absl/strings/str_cat.h"

namespace haywire {

const RequestTypeInfo* FindRequestType(uint32_t raw) {
  for (const RequestTypeInfo& info : kRequestTypeInfos) {
    if (static_cast<uint32_t>(info.type) == raw) return &info;
  }
  return nullptr;
}

std::string RequestTypeName(RequestType type) {
  const uint32_t raw = static_cast<uint32_t>(type);
  if (const RequestTypeInfo* info = FindRequestType(raw)) {
    return std::string(info->name);
  }
  return absl::StrCat("request type ", raw);
}

}  // namespace haywire
