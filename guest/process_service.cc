// Copyright 2026 The Haywire Authors.

#include "guest/process_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/wire_format.h"
#include "haywire/util/clock.h"
#include "haywire/util/trace.h"

namespace haywire {
namespace {

// Most pids read per batch: about half a chunk (a 4 KiB response holds
// some 35 entries), so the deadline is looked at at least twice a chunk.
constexpr size_t kReadBatch = 16;
// The size of an entry before any was encoded (most are 100-150 bytes).
constexpr uint64_t kFirstEntryBytesGuess = 128;

}  // namespace

ProcessService::ProcessService(const ProcFs* procfs, IteratorTablePage* mirror,
                               uint64_t seed, size_t read_helpers)
    : procfs_(procfs),
      reader_(procfs, read_helpers),
      iterators_(mirror, seed) {}

void ProcessService::RegisterWith(RequestRouter* router) {
  router->Handle<request::ListProcesses>(
      [this](const ListProcessesRequest& r, const RequestContext& c) {
        return List(r, c);
      });
  router->Handle<request::ContinueIteration>(
      [this](const IteratorRequest& r, const RequestContext& c) {
        return Continue(r, c);
      });
  router->Handle<request::CancelIteration>(
      [this](const IteratorRequest& r, const RequestContext& c) {
        return Cancel(r, c);
      });
  router->Handle<request::GetProcessInfo>(
      [this](const ProcessInfoRequest& r, const RequestContext& c) {
        return Info(r, c);
      });
}

HandlerResult ProcessService::FillChunk(ListingIterator* it, bool with_header,
                                        absl::Time deadline) {
  WireWriter writer(kResponsePayloadBytes);
  if (with_header && !EncodeListHeader(it->header, &writer)) {
    return ErrorResult(ResponseStatus::kInternalError,
                       "listing header too large");
  }
  size_t entries = 0;
  while (!it->ahead.empty() || it->position < it->pids.size()) {
    // The budget applies once the chunk holds an entry: every chunk but the
    // last carries at least one process (hosts refuse a listing that goes
    // on without new ones), even when the first pids it looks at have
    // exited meanwhile (skipping those costs a failed open each).
    if (entries > 0 && absl::Now() >= deadline) break;  // the rest next chunk
    if (it->ahead.empty()) {
      // As many as should still fit (one when late: the chunk then carries
      // one process).
      const uint64_t average =
          encoded_entries_ == 0
              ? kFirstEntryBytesGuess
              : std::max<uint64_t>(encoded_bytes_ / encoded_entries_, 1);
      const size_t room = kResponsePayloadBytes - writer.size();
      const size_t fit =
          absl::Now() >= deadline
              ? 1
              : std::clamp<size_t>(room / average, 1, kReadBatch);
      const size_t count = std::min(fit, it->pids.size() - it->position);
      const absl::Span<const uint32_t> batch(it->pids.data() + it->position,
                                             count);
      it->position += count;
      EntryFields fields;
      fields.cgroup = it->read_cgroup;
      fields.kernel_threads_from_stat = true;
      for (absl::StatusOr<ProcessEntry>& entry :
           reader_.ReadAll(batch, fields)) {
        it->ahead.push_back(std::move(entry));
      }
      continue;
    }
    if (!it->ahead.front().ok()) {
      // Exited since the snapshot (or unreadable): skipped, not reported.
      ++skipped_;
      it->ahead.pop_front();
      continue;
    }
    const size_t before = writer.size();
    if (!EncodeProcessEntry(*it->ahead.front(), &writer)) {
      if (entries > 0) break;  // the next chunk starts with it
      // Does not fit an empty chunk: impossible within the messages.h
      // bounds, but never loop on it.
      ++skipped_;
      it->ahead.pop_front();
      continue;
    }
    ++entries;
    encoded_bytes_ += writer.size() - before;
    ++encoded_entries_;
    it->ahead.pop_front();
  }
  // What a chunk carries is read for it: of what the batch read beyond
  // this chunk, only the first entry waits for the next one (as one entry
  // always could); the rest is read again then.
  if (it->ahead.size() > 1) {
    it->position -= it->ahead.size() - 1;
    it->ahead.resize(1);
  }
  TraceWith(
      [&] { return absl::StrCat("listing chunk: ", entries, " processes"); });
  HandlerResult result;
  result.payload = writer.data();
  const bool more = !it->ahead.empty() || it->position < it->pids.size();
  if (more) {
    result.flags = kResponseMore;
    result.iterator_id = it->id;
  } else {
    iterators_.Release(it->id, it->owner_pid);
  }
  iterators_.Publish();
  return result;
}

HandlerResult ProcessService::List(const ListProcessesRequest& request,
                                   const RequestContext& context) {
  // /proc/uptime has a 10 ms resolution: only a snapshot stamped strictly
  // later than the listing's first one was certainly taken after it, so it
  // holds every process that lived through the listing so far.
  const bool reuse = request.after_pid.has_value() &&
                     request.listed_since_ns.has_value() &&
                     last_snapshot_.valid &&
                     last_snapshot_.header.uptime_ns > *request.listed_since_ns;
  if (!reuse) {
    // The header first: its time then precedes the directory read.
    absl::StatusOr<ListHeader> header = procfs_->ReadSystem();
    if (!header.ok()) {
      return ErrorResult(ResponseStatus::kInternalError,
                         absl::StrCat("cannot read system information: ",
                                      header.status().message()));
    }
    absl::StatusOr<std::vector<uint32_t>> pids = procfs_->ListPids();
    if (!pids.ok()) {
      return ErrorResult(
          ResponseStatus::kInternalError,
          absl::StrCat("cannot list processes: ", pids.status().message()));
    }
    last_snapshot_ = {*std::move(header), *std::move(pids), true};
  } else {
    ++snapshots_reused_;
  }
  // ListPids is sorted: a resumption takes the pids the host lacks.
  const std::vector<uint32_t>& all = last_snapshot_.pids;
  auto first = all.begin();
  if (request.after_pid.has_value()) {
    first = std::upper_bound(all.begin(), all.end(), *request.after_pid);
  }
  ListingIterator* it = iterators_.Create(
      context.host_pid, std::vector<uint32_t>(first, all.end()),
      MonotonicNowNs());
  it->header = last_snapshot_.header;
  it->header.total_processes = static_cast<uint32_t>(it->pids.size());
  it->read_cgroup = (request.omit.value_or(0) & kListOmitCgroup) == 0;
  return FillChunk(it, /*with_header=*/true, context.deadline);
}

HandlerResult ProcessService::Continue(const IteratorRequest& request,
                                       const RequestContext& context) {
  ListingIterator* it =
      iterators_.Find(request.iterator_id, context.host_pid, MonotonicNowNs());
  if (it == nullptr) {
    return ErrorResult(ResponseStatus::kIteratorExpired,
                       "iterator unknown or evicted; resume or restart the "
                       "listing");
  }
  return FillChunk(it, /*with_header=*/false, context.deadline);
}

HandlerResult ProcessService::Cancel(const IteratorRequest& request,
                                     const RequestContext& context) {
  if (!iterators_.Release(request.iterator_id, context.host_pid)) {
    return ErrorResult(ResponseStatus::kIteratorExpired,
                       "iterator unknown or already finished");
  }
  return HandlerResult{};
}

HandlerResult ProcessService::Info(const ProcessInfoRequest& request,
                                   const RequestContext& context) {
  absl::StatusOr<ProcessInfo> info =
      procfs_->ReadProcessInfo(request.pid, context.deadline);
  if (!info.ok()) {
    if (absl::IsNotFound(info.status())) {
      return ErrorResult(ResponseStatus::kNoSuchProcess,
                         absl::StrCat("no process ", request.pid));
    }
    return ErrorResult(ResponseStatus::kInternalError,
                       absl::StrCat("cannot read process ", request.pid, ": ",
                                    info.status().message()));
  }
  WireWriter writer(kResponsePayloadBytes);
  // Each field is bounded but not all of them together: a full command line
  // plus long exe/cwd paths exceed one page. The command line gives way
  // (args_truncated tells the host); a failed encode writes nothing.
  while (!EncodeMessage(*info, &writer)) {
    if (info->entry.args.empty()) {
      // Still too large (paths at their limits): answer, never overflow.
      return ErrorResult(ResponseStatus::kInternalError,
                         "process info too large");
    }
    info->entry.args.pop_back();
    info->entry.args_truncated = true;
  }
  HandlerResult result;
  result.payload = writer.data();
  return result;
}

}  // namespace haywire
