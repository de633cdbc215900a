// Copyright 2026 The Haywire Authors.

#include "guest/memory_service.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "guest/smaps_reader.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/wire_format.h"
#include "haywire/util/clock.h"

namespace haywire {

MemoryService::MemoryService(std::string proc_root, IteratorTable* iterators)
    : proc_root_(std::move(proc_root)), iterators_(iterators) {}

void MemoryService::RegisterWith(RequestRouter* router) {
  router->Handle<request::GetMemoryMap>(
      [this](const MemoryMapRequest& r, const RequestContext& c) {
        return Map(r, c);
      });
}

HandlerResult MemoryService::Map(const MemoryMapRequest& request,
                                 const RequestContext& context) {
  if (request.iterator_id.has_value()) {
    ListingIterator* it =
        iterators_->Find(*request.iterator_id, context.host_pid,
                         MonotonicNowNs(), RequestType::kGetMemoryMap);
    if (it == nullptr || it->map_pid != request.pid) {
      return ErrorResult(ResponseStatus::kIteratorExpired,
                         "iterator unknown or evicted; resume the map listing "
                         "after its last address");
    }
    return FillMapChunk(it, context.deadline);
  }
  absl::StatusOr<std::unique_ptr<SmapsReader>> smaps =
      SmapsReader::Open(proc_root_, request.pid);
  if (!smaps.ok()) {
    if (absl::IsNotFound(smaps.status())) {
      return ErrorResult(ResponseStatus::kNoSuchProcess,
                         absl::StrCat("no process ", request.pid));
    }
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat("cannot read the mappings of process ", request.pid, ": ",
                     smaps.status().message()));
  }
  ListingIterator* it = iterators_->Create(
      context.host_pid, RequestType::kGetMemoryMap, MonotonicNowNs());
  it->map_pid = request.pid;
  it->map_after = request.after_address.value_or(0);
  it->smaps = *std::move(smaps);
  return FillMapChunk(it, context.deadline);
}

HandlerResult MemoryService::FillMapChunk(ListingIterator* it,
                                          absl::Time deadline) {
  WireWriter writer(kResponsePayloadBytes);
  size_t entries = 0;
  bool ended = false;
  for (;;) {
    // Every chunk that is not the last carries a mapping: the budget
    // applies only once this one holds one.
    if (entries > 0 && absl::Now() >= deadline) break;
    if (!it->pending_mapping.has_value()) {
      absl::StatusOr<std::optional<MemoryMapping>> next = it->smaps->Next();
      if (!next.ok()) {
        const uint32_t pid = it->map_pid;
        iterators_->Release(it->id, it->owner_pid);
        if (absl::IsNotFound(next.status())) {
          return ErrorResult(
              ResponseStatus::kNoSuchProcess,
              absl::StrCat("process ", pid, " exited during the listing"));
        }
        return ErrorResult(ResponseStatus::kInternalError,
                           absl::StrCat("cannot read the mappings of process ",
                                        pid, ": ", next.status().message()));
      }
      if (!next->has_value()) {
        ended = true;
        break;
      }
      if ((*next)->end <= it->map_after) continue;  // a resumption's past
      it->pending_mapping = **std::move(next);
    }
    if (!EncodeMemoryMapping(*it->pending_mapping, &writer)) {
      if (entries > 0) break;  // the next chunk starts with it
      // Cannot happen within memory_messages.h's bounds; never loop on it.
      it->pending_mapping.reset();
      continue;
    }
    ++entries;
    ++it->position;
    it->pending_mapping.reset();
  }
  HandlerResult result;
  result.payload = writer.data();
  if (ended) {
    iterators_->Release(it->id, it->owner_pid);
  } else {
    result.flags = kResponseMore;
    result.iterator_id = it->id;
    iterators_->Publish();
  }
  return result;
}

}  // namespace haywire
