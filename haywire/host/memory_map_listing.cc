// Copyright 2026 The Haywire Authors.

#include "haywire/host/memory_map_listing.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

absl::Status Broken(absl::string_view what) {
  return MakeFailure(absl::StatusCode::kDataLoss,
                     absl::StrCat("the companion's memory map ", what),
                     Failure::kGuestError);
}

}  // namespace

absl::StatusOr<MemoryMap> ListMemoryMap(Client& client, uint32_t pid,
                                        const MemoryMapLimits& limits) {
  MemoryMap map;
  map.pid = pid;
  uint64_t bytes = 0;
  const absl::Time deadline = absl::Now() + limits.timeout;
  MemoryMapRequest request;
  request.pid = pid;
  for (;;) {
    absl::StatusOr<Reply<MemoryMapChunk>> reply =
        client.Exchange<request::GetMemoryMap>(request);
    if (!reply.ok()) {
      const std::optional<ResponseStatus> status =
          ResponseStatusOf(reply.status());
      if (status == ResponseStatus::kIteratorExpired &&
          request.iterator_id.has_value()) {
        // Evicted: a new listing of what lies above the last mapping (its
        // first chunk must then bring new mappings, like any other).
        const uint64_t after =
            map.mappings.empty() ? 0 : map.mappings.back().end;
        ++map.resumptions;
        request.iterator_id.reset();
        request.after_address = after;
        continue;
      }
      if (FailureOf(reply.status()) == Failure::kNoSuchProcess) {
        // The companion freed the iterator with its answer.
        return MakeFailure(
            absl::StatusCode::kNotFound,
            absl::StrCat(
                "no process with pid ", pid, " in the guest",
                map.chunks > 0 ? " (it exited during the listing)" : ""),
            Failure::kNoSuchProcess);
      }
      if (request.iterator_id.has_value()) {
        client
            .Call<request::CancelIteration>(
                {.iterator_id = *request.iterator_id})
            .IgnoreError();
      }
      return reply.status();
    }
    ++map.chunks;
    const size_t before = map.mappings.size();
    for (MemoryMapping& m : reply->message.mappings) {
      // Within a chunk the decoder checked the order; across chunks (and
      // resumptions) it is checked here.
      if (!map.mappings.empty() && m.start < map.mappings.back().end) {
        return Broken(absl::StrCat("goes back to 0x", absl::Hex(m.start),
                                   " after 0x",
                                   absl::Hex(map.mappings.back().end)));
      }
      bytes += sizeof(MemoryMapping) + m.path.size();
      map.mappings.push_back(std::move(m));
    }
    if (map.mappings.size() > limits.max_mappings) {
      return Broken(absl::StrCat("passed ", limits.max_mappings,
                                 " mappings without ending"));
    }
    if (bytes > limits.max_bytes) {
      return Broken(
          absl::StrCat("passed ", limits.max_bytes, " bytes without ending"));
    }
    const bool more = (reply->flags & kResponseMore) != 0;
    if (!more) return map;
    if (map.mappings.size() == before) {
      return Broken("continues without new mappings");
    }
    if (reply->iterator_id == 0)
      return Broken("continues but names no iterator");
    if (absl::Now() >= deadline) {
      client.Call<request::CancelIteration>({.iterator_id = reply->iterator_id})
          .IgnoreError();
      return Broken(absl::StrCat("did not end within ",
                                 absl::FormatDuration(limits.timeout)));
    }
    request.iterator_id = reply->iterator_id;
  }
}

}  // namespace haywire
