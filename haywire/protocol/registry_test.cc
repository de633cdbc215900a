// Copyright 2026 The Haywire Authors.
//
// The request registry (requests.h) is complete and consistent: every wire
// number up to kLastRequestType has a descriptor or is reserved, no number
// or name is used twice, and every descriptor's messages round-trip.

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

bool IsReserved(uint32_t raw) {
  return std::any_of(
      kReservedRequestTypes.begin(), kReservedRequestTypes.end(),
      [raw](RequestType t) { return static_cast<uint32_t>(t) == raw; });
}

TEST(RegistryTest, EveryRequestTypeHasADescriptorOrIsReserved) {
  const uint32_t last = static_cast<uint32_t>(kLastRequestType);
  for (uint32_t raw = 1; raw <= last; ++raw) {
    const bool described = FindRequestType(raw) != nullptr;
    EXPECT_NE(described, IsReserved(raw))
        << "request type " << raw
        << (described ? " is both described and reserved"
                      : " has no descriptor in requests.h (AllRequestTypes) "
                        "and is not reserved");
  }
  // Nothing is described or reserved beyond the last number.
  for (const RequestTypeInfo& info : kRequestTypeInfos) {
    EXPECT_LE(static_cast<uint32_t>(info.type), last) << info.name;
  }
  for (RequestType t : kReservedRequestTypes) {
    EXPECT_LE(static_cast<uint32_t>(t), last);
  }
  EXPECT_EQ(FindRequestType(0), nullptr);
  EXPECT_EQ(FindRequestType(last + 1), nullptr);
}

TEST(RegistryTest, NumbersAndNamesAreUnique) {
  std::set<uint32_t> numbers;
  std::set<std::string> names;
  for (const RequestTypeInfo& info : kRequestTypeInfos) {
    EXPECT_TRUE(numbers.insert(static_cast<uint32_t>(info.type)).second)
        << "two descriptors for request type "
        << static_cast<uint32_t>(info.type);
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    // Names are the spec's: upper case words joined by underscores.
    EXPECT_FALSE(info.name.empty());
    for (char c : info.name) {
      EXPECT_TRUE(absl::ascii_isupper(c) || c == '_') << info.name;
    }
    EXPECT_NE(info.capabilities, 0u) << info.name << " advertises nothing";
  }
}

TEST(RegistryTest, NamesComeFromTheRegistry) {
  EXPECT_EQ(RequestTypeName(RequestType::kPing), "PING");
  EXPECT_EQ(RequestTypeName(RequestType::kGetSystemSummary),
            "GET_SYSTEM_SUMMARY");
  EXPECT_EQ(RequestTypeName(RequestType::kGetMemoryMap), "GET_MEMORY_MAP");
  EXPECT_EQ(RequestTypeName(RequestType::kReadMemory), "READ_MEMORY");
  EXPECT_EQ(RequestTypeName(static_cast<RequestType>(99)), "request type 99");
}

// Each descriptor's request and response messages survive the wire, and an
// empty request fits a request slot.
template <RequestDescriptor... D>
void ExpectMessagesRoundTrip(RequestTypeList<D...>) {
  (
      [] {
        SCOPED_TRACE(std::string(D::kName));
        const std::string request = EncodeMessage(typename D::Request{});
        EXPECT_LE(request.size(), kRequestPayloadBytes);
        const std::string response = EncodeMessage(typename D::Response{});
        EXPECT_LE(response.size(), kResponsePayloadBytes);
      }(),
      ...);
}

TEST(RegistryTest, EveryDescriptorsMessagesEncode) {
  ExpectMessagesRoundTrip(AllRequestTypes{});
}

}  // namespace
}  // namespace haywire
