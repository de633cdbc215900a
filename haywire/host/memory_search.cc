// Copyright 2026 The Haywire Authors.

#include "haywire/host/memory_search.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

absl::Status Broken(absl::string_view what) {
  return MakeFailure(absl::StatusCode::kDataLoss,
                     absl::StrCat("the companion's memory search ", what),
                     Failure::kGuestError);
}

}  // namespace

absl::StatusOr<MemorySearchSummary> SearchMemory(
    Client& client, uint32_t pid, absl::string_view pattern,
    const MemorySearchOptions& options,
    absl::FunctionRef<bool(const MemorySearchHit&)> on_hit) {
  if (pattern.empty() || pattern.size() > kMaxSearchPatternBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a search pattern has 1 to ", kMaxSearchPatternBytes,
                     " bytes, not ", pattern.size()));
  }
  MemorySearchSummary summary;
  const absl::Time deadline = absl::Now() + options.timeout;
  SearchMemoryRequest request;
  request.pid = pid;
  request.pattern = std::string(pattern);
  request.max_hits = options.max_hits;
  // Every hit below `reached` has been received; none may start before
  // `free_from` (the end of the last hit).
  uint64_t reached = 0;
  uint64_t free_from = 0;
  auto cancel = [&](uint64_t iterator_id) {
    if (iterator_id != 0) {
      client.Call<request::CancelIteration>({.iterator_id = iterator_id})
          .IgnoreError();
    }
  };
  for (;;) {
    absl::StatusOr<Reply<SearchChunk>> reply =
        client.Exchange<request::SearchMemory>(request);
    if (!reply.ok()) {
      const std::optional<ResponseStatus> status =
          ResponseStatusOf(reply.status());
      if (status == ResponseStatus::kIteratorExpired &&
          request.iterator_id.has_value()) {
        // Evicted: a new search from where this one had come, for the hits
        // still wanted.
        ++summary.resumptions;
        request.iterator_id.reset();
        request.from_address = std::max(reached, free_from);
        if (options.max_hits != 0) {
          request.max_hits = options.max_hits - summary.hits;
        }
        continue;
      }
      if (FailureOf(reply.status()) == Failure::kNoSuchProcess) {
        return MakeFailure(
            absl::StatusCode::kNotFound,
            absl::StrCat(
                "no process with pid ", pid, " in the guest",
                summary.chunks > 0 ? " (it exited during the search)" : ""),
            Failure::kNoSuchProcess);
      }
      if (request.iterator_id.has_value()) cancel(*request.iterator_id);
      return reply.status();
    }
    ++summary.chunks;
    const SearchChunk& chunk = reply->message;
    const bool more = (reply->flags & kResponseMore) != 0;
    auto fail = [&](absl::string_view what) {
      if (more) cancel(reply->iterator_id);
      return Broken(what);
    };
    // The decoder checked that hits ascend, each in one of the chunk's
    // mappings; what follows needs the pattern and the chunks before.
    size_t m = 0;
    for (const SearchHit& hit : chunk.hits) {
      while (chunk.mappings[m].end <= hit.address) ++m;
      const MemoryMapping& mapping = chunk.mappings[m];
      if (hit.address < reached || hit.address < free_from) {
        return fail(absl::StrCat("goes back to 0x", absl::Hex(hit.address),
                                 " after 0x",
                                 absl::Hex(std::max(reached, free_from))));
      }
      if (mapping.end - hit.address < pattern.size()) {
        return fail(absl::StrCat("puts a hit at 0x", absl::Hex(hit.address),
                                 " that runs past its mapping's end"));
      }
      if (options.max_hits != 0 && summary.hits == options.max_hits) {
        return fail(absl::StrCat("sends more than the ", options.max_hits,
                                 " hits asked for"));
      }
      if (summary.hits == options.hit_limit) {
        return fail(absl::StrCat("passes ", options.hit_limit, " hits"));
      }
      ++summary.hits;
      free_from = hit.address + pattern.size();
      MemorySearchHit out{hit.address, &mapping, hit.before, hit.after};
      if (!on_hit(out)) {
        if (more) cancel(reply->iterator_id);
        summary.stopped = true;
        return summary;
      }
    }
    summary.scanned_bytes += chunk.scanned_bytes;
    summary.unreadable_bytes += chunk.unreadable_bytes;
    if (options.max_hits != 0 && summary.hits == options.max_hits) {
      if (more) cancel(reply->iterator_id);
      summary.max_hits_reached = true;
      return summary;
    }
    if (!more) return summary;
    if (reply->iterator_id == 0) {
      return fail("continues but names no iterator");
    }
    // Every hit below next_address has been sent; a chunk that continues
    // must have moved the search on.
    if (chunk.next_address < free_from ||
        (chunk.next_address <= reached && chunk.hits.empty())) {
      return fail(absl::StrCat("continues without progress (at 0x",
                               absl::Hex(chunk.next_address), ")"));
    }
    reached = std::max(reached, chunk.next_address);
    if (absl::Now() >= deadline) {
      cancel(reply->iterator_id);
      return Broken(absl::StrCat("did not end within ",
                                 absl::FormatDuration(options.timeout)));
    }
    request.iterator_id = reply->iterator_id;
  }
}

}  // namespace haywire
