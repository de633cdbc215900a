// Copyright 2026 The Haywire Authors.
//
// The request registry: everything about a request type, in one place.
//
// Each request type is one descriptor struct below: its wire number, its
// name (as errors, `bench` and the docs print it), the capability bits a
// companion that serves it advertises in its beacon (the type's own bit,
// and the bits of optional features of it that this build implements), and
// the messages
// (messages.h) its request and response payloads carry. Everything else
// derives from the descriptor:
//   * the companion's dispatch and capability bits: guest/request_router.h
//     registers a handler per descriptor, decodes the request payload into
//     D::Request before the handler sees it, and advertises exactly the bits
//     of the descriptors it has handlers for;
//   * the host's typed call: Client::Call<D>(D::Request) publishes the
//     request, checks the response status and decodes D::Response once
//     (haywire/host/client.h);
//   * names: RequestTypeName() for every message that mentions a request.
// registry_test fails when a RequestType has no descriptor (or is not
// listed as reserved), when two descriptors share a number or a name, and
// when AllRequestTypes misses one. docs/ARCHITECTURE.md walks through
// adding a request type.
#ifndef HAYWIRE_PROTOCOL_REQUESTS_H_
#define HAYWIRE_PROTOCOL_REQUESTS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// What a descriptor provides.
template <typename D>
concept RequestDescriptor = requires {
  { D::kType } -> std::convertible_to<RequestType>;
  { D::kName } -> std::convertible_to<absl::string_view>;
  { D::kCapabilities } -> std::convertible_to<uint64_t>;
  typename D::Request;
  typename D::Response;
}
&&WireMessage<typename D::Request>&& WireMessage<typename D::Response>;

namespace request {

// The cheapest round trip: the transport alone. The companion answers it
// itself, without a handler, a clock read or a decode.
struct Ping {
  static constexpr RequestType kType = RequestType::kPing;
  static constexpr absl::string_view kName = "PING";
  static constexpr uint64_t kCapabilities = kCapPing;
  using Request = EmptyMessage;
  using Response = EmptyMessage;
};

// Snapshot the guest's processes and answer with the first chunk (a
// ListHeader and as many entries as fit); kResponseMore and an iterator id
// while entries remain.
struct ListProcesses {
  static constexpr RequestType kType = RequestType::kListProcesses;
  static constexpr absl::string_view kName = "LIST_PROCESSES";
  // kCapListResume: the request's after_pid is honoured.
  static constexpr uint64_t kCapabilities = kCapListProcesses | kCapListResume;
  using Request = ListProcessesRequest;
  using Response = ListChunk;
};

// One process in detail.
struct GetProcessInfo {
  static constexpr RequestType kType = RequestType::kGetProcessInfo;
  static constexpr absl::string_view kName = "GET_PROCESS_INFO";
  static constexpr uint64_t kCapabilities = kCapProcessInfo;
  using Request = ProcessInfoRequest;
  using Response = ProcessInfo;
};

// The next chunk of a listing (no ListHeader).
struct ContinueIteration {
  static constexpr RequestType kType = RequestType::kContinueIteration;
  static constexpr absl::string_view kName = "CONTINUE_ITERATION";
  static constexpr uint64_t kCapabilities = kCapListProcesses;
  using Request = IteratorRequest;
  using Response = ListChunk;
};

// Give a listing's iterator back before its end.
struct CancelIteration {
  static constexpr RequestType kType = RequestType::kCancelIteration;
  static constexpr absl::string_view kName = "CANCEL_ITERATION";
  static constexpr uint64_t kCapabilities = kCapListProcesses;
  using Request = IteratorRequest;
  using Response = EmptyMessage;
};

// What `top` shows above its process table, and the guest clocks.
struct GetSystemSummary {
  static constexpr RequestType kType = RequestType::kGetSystemSummary;
  static constexpr absl::string_view kName = "GET_SYSTEM_SUMMARY";
  static constexpr uint64_t kCapabilities = kCapSystemSummary;
  using Request = EmptyMessage;
  using Response = SystemSummary;
};

// A process's mappings, chunked like a process listing: the first request
// names the pid, the next ones the iterator (memory_messages.h).
struct GetMemoryMap {
  static constexpr RequestType kType = RequestType::kGetMemoryMap;
  static constexpr absl::string_view kName = "GET_MEMORY_MAP";
  static constexpr uint64_t kCapabilities = kCapMemoryMap;
  using Request = MemoryMapRequest;
  using Response = MemoryMapChunk;
};

// Bytes of a process's memory, into the slot's bulk window
// (bulk_window.h). Served only by a companion with bulk windows.
struct ReadMemory {
  static constexpr RequestType kType = RequestType::kReadMemory;
  static constexpr absl::string_view kName = "READ_MEMORY";
  static constexpr uint64_t kCapabilities = kCapReadMemory;
  using Request = ReadMemoryRequest;
  using Response = ReadMemoryResponse;
};

// Hits of a byte pattern in a process's readable memory, found by the
// companion and sent in chunks like a map listing (memory_messages.h).
struct SearchMemory {
  static constexpr RequestType kType = RequestType::kSearchMemory;
  static constexpr absl::string_view kName = "SEARCH_MEMORY";
  static constexpr uint64_t kCapabilities = kCapSearchMemory;
  using Request = SearchMemoryRequest;
  using Response = SearchChunk;
};

// Bytes written into a process's memory. A write has a side effect that no
// failed completion can undo, so the companion acts on it only once it has
// taken the slot (kTakesSlot; guest/request_router.h), never on the fast
// path's untaken copy.
struct WriteMemory {
  static constexpr RequestType kType = RequestType::kWriteMemory;
  static constexpr absl::string_view kName = "WRITE_MEMORY";
  static constexpr uint64_t kCapabilities = kCapWriteMemory;
  static constexpr bool kTakesSlot = true;
  using Request = WriteMemoryRequest;
  using Response = WriteMemoryResponse;
};

// A process's whole command line, read from an offset into the slot's bulk
// window (bulk_window.h). Served only by a companion with bulk windows.
struct GetCommandLine {
  static constexpr RequestType kType = RequestType::kGetCommandLine;
  static constexpr absl::string_view kName = "GET_COMMAND_LINE";
  static constexpr uint64_t kCapabilities = kCapCommandLine;
  using Request = CommandLineRequest;
  using Response = CommandLineResponse;
};

// Pagemap entries of a process's pages (or of the region's own pages) into
// the slot's bulk window. Served only by a companion with bulk windows.
struct GetPageMap {
  static constexpr RequestType kType = RequestType::kGetPageMap;
  static constexpr absl::string_view kName = "GET_PAGE_MAP";
  static constexpr uint64_t kCapabilities = kCapPageMap;
  using Request = PageMapRequest;
  using Response = PageMapResponse;
};

// Prove the VM key and open an authenticated channel
// (haywire/auth/handshake.h). Served only by a companion that has a key.
struct AuthChallenge {
  static constexpr RequestType kType = RequestType::kAuthChallenge;
  static constexpr absl::string_view kName = "AUTH_CHALLENGE";
  static constexpr uint64_t kCapabilities = kCapAuthentication;
  using Request = AuthChallengeRequest;
  using Response = AuthChallengeResponse;
};

}  // namespace request

// Whether the companion must take D's slot (kRequestReady -> kInProgress)
// before it acts on a request: true for requests with side effects, which
// declare `static constexpr bool kTakesSlot = true`.
template <RequestDescriptor D>
constexpr bool TakesSlot() {
  if constexpr (requires { D::kTakesSlot; }) {
    return D::kTakesSlot;
  } else {
    return false;
  }
}

template <RequestDescriptor... D>
struct RequestTypeList {};

// Every descriptor above. A descriptor missing here has no dispatch and no
// name; registry_test catches it.
using AllRequestTypes = RequestTypeList<
    request::Ping, request::ListProcesses, request::GetProcessInfo,
    request::ContinueIteration, request::CancelIteration,
    request::GetSystemSummary, request::AuthChallenge, request::GetMemoryMap,
    request::ReadMemory, request::SearchMemory, request::WriteMemory,
    request::GetCommandLine, request::GetPageMap>;

// Wire numbers the spec reserves for requests not built yet.
inline constexpr std::array<RequestType, 0> kReservedRequestTypes = {};

// A descriptor's facts, for code that has only a number.
struct RequestTypeInfo {
  RequestType type;
  absl::string_view name;
  uint64_t capabilities;
};

namespace requests_internal {
template <RequestDescriptor... D>
constexpr auto MakeInfos(RequestTypeList<D...>) {
  return std::array<RequestTypeInfo, sizeof...(D)>{
      RequestTypeInfo{D::kType, D::kName, D::kCapabilities}...};
}
}  // namespace requests_internal

// One entry per descriptor of AllRequestTypes, in its order.
inline constexpr auto kRequestTypeInfos =
    requests_internal::MakeInfos(AllRequestTypes{});

// The descriptor facts of wire number `raw`, or null.
const RequestTypeInfo* FindRequestType(uint32_t raw);

// "PING", "LIST_PROCESSES", ...; a reserved or unknown number is named
// "request type N".
std::string RequestTypeName(RequestType type);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_REQUESTS_H_
