// Copyright 2026 The Haywire Authors.

#include "guest/process_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

HandlerResult Error(ResponseStatus status, absl::string_view message) {
  HandlerResult result;
  result.status = status;
  result.payload = EncodeErrorMessage(message);
  return result;
}

absl::string_view PayloadOf(const Request& request) {
  return absl::string_view(reinterpret_cast<const char*>(request.payload),
                           request.payload_bytes);
}

}  // namespace

ProcessService::ProcessService(const ProcFs* procfs, IteratorTablePage* mirror,
                               uint64_t seed)
    : procfs_(procfs), iterators_(mirror, seed) {}

void ProcessService::RegisterWith(Companion* companion) {
  companion->Handle(RequestType::kListProcesses,
                    [this](const Request& r) { return List(r); });
  companion->Handle(RequestType::kContinueIteration,
                    [this](const Request& r) { return Continue(r); });
  companion->Handle(RequestType::kCancelIteration,
                    [this](const Request& r) { return Cancel(r); });
  companion->Handle(RequestType::kGetProcessInfo,
                    [this](const Request& r) { return Info(r); });
}

HandlerResult ProcessService::FillChunk(ListingIterator* it, bool with_header) {
  WireWriter writer(kResponsePayloadBytes);
  if (with_header && !EncodeListHeader(it->header, &writer)) {
    return Error(ResponseStatus::kInternalError, "listing header too large");
  }
  size_t entries = 0;
  while (it->pending.has_value() || it->position < it->pids.size()) {
    if (!it->pending.has_value()) {
      absl::StatusOr<ProcessEntry> entry =
          procfs_->ReadProcess(it->pids[it->position++]);
      if (!entry.ok()) {
        // Exited since the snapshot (or unreadable): skipped, not reported.
        ++skipped_;
        continue;
      }
      it->pending = *std::move(entry);
    }
    if (!EncodeProcessEntry(*it->pending, &writer)) {
      if (entries > 0) break;  // the next chunk starts with it
      // Does not fit an empty chunk: impossible within the messages.h
      // bounds, but never loop on it.
      ++skipped_;
      it->pending.reset();
      continue;
    }
    ++entries;
    it->pending.reset();
  }
  HandlerResult result;
  result.payload = writer.data();
  const bool more = it->pending.has_value() || it->position < it->pids.size();
  if (more) {
    result.flags = kResponseMore;
    result.iterator_id = it->id;
  } else {
    iterators_.Release(it->id, it->owner_pid);
  }
  iterators_.Publish();
  return result;
}

HandlerResult ProcessService::List(const Request& request) {
  absl::StatusOr<std::vector<uint32_t>> pids = procfs_->ListPids();
  if (!pids.ok()) {
    return Error(
        ResponseStatus::kInternalError,
        absl::StrCat("cannot list processes: ", pids.status().message()));
  }
  absl::StatusOr<ListHeader> header = procfs_->ReadSystem();
  if (!header.ok()) {
    return Error(ResponseStatus::kInternalError,
                 absl::StrCat("cannot read system information: ",
                              header.status().message()));
  }
  header->total_processes = static_cast<uint32_t>(pids->size());
  ListingIterator* it =
      iterators_.Create(request.host_pid, *std::move(pids), MonotonicNowNs());
  it->header = *header;
  return FillChunk(it, /*with_header=*/true);
}

HandlerResult ProcessService::Continue(const Request& request) {
  absl::StatusOr<IteratorRequest> r = DecodeIteratorRequest(PayloadOf(request));
  if (!r.ok()) {
    return Error(ResponseStatus::kBadRequest,
                 absl::StrCat("CONTINUE_ITERATION: ", r.status().message()));
  }
  ListingIterator* it =
      iterators_.Find(r->iterator_id, request.host_pid, MonotonicNowNs());
  if (it == nullptr) {
    return Error(ResponseStatus::kIteratorExpired,
                 "iterator unknown or evicted; restart the listing");
  }
  return FillChunk(it, /*with_header=*/false);
}

HandlerResult ProcessService::Cancel(const Request& request) {
  absl::StatusOr<IteratorRequest> r = DecodeIteratorRequest(PayloadOf(request));
  if (!r.ok()) {
    return Error(ResponseStatus::kBadRequest,
                 absl::StrCat("CANCEL_ITERATION: ", r.status().message()));
  }
  if (!iterators_.Release(r->iterator_id, request.host_pid)) {
    return Error(ResponseStatus::kIteratorExpired,
                 "iterator unknown or already finished");
  }
  return HandlerResult{};
}

HandlerResult ProcessService::Info(const Request& request) {
  absl::StatusOr<ProcessInfoRequest> r =
      DecodeProcessInfoRequest(PayloadOf(request));
  if (!r.ok()) {
    return Error(ResponseStatus::kBadRequest,
                 absl::StrCat("GET_PROCESS_INFO: ", r.status().message()));
  }
  absl::StatusOr<ProcessInfo> info = procfs_->ReadProcessInfo(r->pid);
  if (!info.ok()) {
    if (absl::IsNotFound(info.status())) {
      return Error(ResponseStatus::kNoSuchProcess,
                   absl::StrCat("no process ", r->pid));
    }
    return Error(ResponseStatus::kInternalError,
                 absl::StrCat("cannot read process ", r->pid, ": ",
                              info.status().message()));
  }
  WireWriter writer(kResponsePayloadBytes);
  // Each field is bounded but not all of them together: a full command line
  // plus long exe/cwd paths exceed one page. The command line gives way
  // (args_truncated tells the host); a failed encode writes nothing.
  while (!EncodeProcessInfo(*info, &writer)) {
    if (info->entry.args.empty()) {
      // Still too large (paths at their limits): answer, never overflow.
      return Error(ResponseStatus::kInternalError, "process info too large");
    }
    info->entry.args.pop_back();
    info->entry.args_truncated = true;
  }
  HandlerResult result;
  result.payload = writer.data();
  return result;
}

}  // namespace haywire
