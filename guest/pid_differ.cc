// Copyright 2026 The Haywire Authors.

#include "guest/pid_differ.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"

namespace haywire {
namespace {

// The kernel's thread creator: its children are kernel threads.
constexpr uint32_t kKthreaddPid = 2;

}  // namespace

std::optional<ProcessTableStamp> PidDiffer::ReadStamp() const {
  absl::StatusOr<ProcessTableStamp> stamp = procfs_->ReadProcessTableStamp();
  if (!stamp.ok()) return std::nullopt;
  return *stamp;
}

absl::Status PidDiffer::Prime() {
  // Before the list: a change after this read moves the next stamp, so the
  // next poll lists again.
  std::optional<ProcessTableStamp> stamp = ReadStamp();
  absl::StatusOr<std::vector<uint32_t>> pids = procfs_->ListPids();
  if (!pids.ok()) return pids.status();
  stamp_ = stamp;
  known_.clear();
  for (uint32_t pid : *pids) {
    absl::StatusOr<ProcessEntry> entry = procfs_->ReadProcess(pid);
    KnownProcess& known = known_[pid];
    if (entry.ok()) known = {entry->comm, entry->ppid, entry->uid, true};
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessEntry> PidDiffer::ReadSettled(uint32_t pid) const {
  absl::StatusOr<ProcessEntry> entry = procfs_->ReadProcess(pid);
  for (int i = 0; i < 2 && entry.ok(); ++i) {
    absl::StatusOr<ProcessEntry> again = procfs_->ReadProcess(pid);
    if (!again.ok()) return again;
    const bool same = again->comm == entry->comm && again->args == entry->args;
    entry = std::move(again);
    if (same) break;
  }
  return entry;
}

absl::StatusOr<std::vector<ProcessEvent>> PidDiffer::Poll() {
  std::optional<ProcessTableStamp> stamp = ReadStamp();
  if (stamp.has_value() && stamp == stamp_ && deferred_.empty() &&
      ++unlisted_polls_ < kPidDifferListEvery) {
    return std::vector<ProcessEvent>{};  // no pid came or went
  }
  unlisted_polls_ = 0;
  absl::StatusOr<std::vector<uint32_t>> pids = procfs_->ListPids();
  if (!pids.ok()) return pids.status();
  stamp_ = stamp;
  const absl::flat_hash_set<uint32_t> now(pids->begin(), pids->end());
  std::vector<ProcessEvent> events;

  std::vector<uint32_t> gone;
  for (const auto& [pid, process] : known_) {
    if (!now.contains(pid)) gone.push_back(pid);
  }
  std::sort(gone.begin(), gone.end());
  for (uint32_t pid : gone) {
    ProcessEvent e;
    e.kind = ProcessEventKind::kExit;
    e.pid = pid;
    const KnownProcess& known = known_[pid];
    e.comm = known.comm;
    e.ppid = known.ppid;
    e.uid = known.uid;
    e.has_uid = known.has_uid;
    known_.erase(pid);
    events.push_back(std::move(e));
  }

  absl::flat_hash_map<uint32_t, int> deferred;
  for (uint32_t pid : *pids) {  // ascending
    if (known_.contains(pid)) continue;
    absl::StatusOr<ProcessEntry> entry = ReadSettled(pid);
    if (absl::IsNotFound(entry.status())) continue;  // came and went
    if (entry.ok()) {
      // Still its parent's program (probably between fork and exec), or in
      // the middle of an exec (the new program's command line is not set up
      // yet: only kernel threads, children of kthreadd, have none).
      auto parent = known_.find(entry->ppid);
      const bool pre_exec =
          parent != known_.end() && parent->second.comm == entry->comm;
      const bool mid_exec = entry->args.empty() &&
                            entry->ppid != kKthreaddPid && pid != kKthreaddPid;
      auto held = deferred_.find(pid);
      const int polls = held == deferred_.end() ? 0 : held->second;
      if ((pre_exec || mid_exec) && polls < kPidDifferMaxDeferrals) {
        deferred[pid] = polls + 1;
        continue;
      }
    }
    ProcessEvent e;
    e.kind = ProcessEventKind::kExec;
    e.pid = pid;
    if (entry.ok()) {
      e.ppid = entry->ppid;
      e.uid = entry->uid;
      e.has_uid = true;
      e.comm = entry->comm;
      e.args = entry->args;
      e.args_truncated = entry->args_truncated;
    }
    known_[pid] = {e.comm, e.ppid, e.uid, e.has_uid};
    events.push_back(std::move(e));
  }
  // Held-back pids that vanished are forgotten with the old map.
  deferred_ = std::move(deferred);
  return events;
}

}  // namespace haywire
