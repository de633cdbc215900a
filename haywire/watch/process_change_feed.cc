// Copyright 2026 The Haywire Authors.

#include "haywire/watch/process_change_feed.h"

#include <algorithm>
#include <utility>

namespace haywire {

bool SameProcess(const ProcessEntry& a, const ProcessEntry& b) {
  constexpr uint64_t kTolerance = 1'000'000'000;
  const uint64_t d = a.start_time_unix_ns > b.start_time_unix_ns
                         ? a.start_time_unix_ns - b.start_time_unix_ns
                         : b.start_time_unix_ns - a.start_time_unix_ns;
  return a.pid == b.pid && d <= kTolerance;
}

void PidDiffFeed::OnSnapshot(const std::vector<ProcessEntry>& processes,
                             uint64_t guest_mono_ns) {
  absl::flat_hash_map<uint32_t, ProcessEntry> current;
  current.reserve(processes.size());
  for (const ProcessEntry& e : processes) current.emplace(e.pid, e);
  if (has_baseline_) {
    // Exits first, then starts, each in PID order, so a reused PID reads as
    // "old one exited, new one started".
    std::vector<ProcessChange> exits;
    std::vector<ProcessChange> starts;
    for (const auto& [pid, old] : last_) {
      auto it = current.find(pid);
      if (it == current.end() || !SameProcess(it->second, old)) {
        exits.push_back(
            {ProcessChange::Kind::kExited, pid, guest_mono_ns, old});
      }
    }
    for (const auto& [pid, now] : current) {
      auto it = last_.find(pid);
      if (it == last_.end() || !SameProcess(it->second, now)) {
        starts.push_back(
            {ProcessChange::Kind::kStarted, pid, guest_mono_ns, now});
      }
    }
    auto by_pid = [](const ProcessChange& a, const ProcessChange& b) {
      return a.pid < b.pid;
    };
    std::sort(exits.begin(), exits.end(), by_pid);
    std::sort(starts.begin(), starts.end(), by_pid);
    for (ProcessChange& c : exits) pending_.push_back(std::move(c));
    for (ProcessChange& c : starts) pending_.push_back(std::move(c));
  }
  last_ = std::move(current);
  has_baseline_ = true;
}

void PidDiffFeed::Reset() {
  has_baseline_ = false;
  last_.clear();
  pending_.clear();
}

std::vector<ProcessChange> PidDiffFeed::TakeChanges() {
  return std::exchange(pending_, {});
}

void ProcessEventFeed::OnEvent(const ProcessEvent& event) {
  ProcessChange change;
  switch (event.kind) {
    case ProcessEventKind::kFork:
      change.kind = ProcessChange::Kind::kStarted;
      break;
    case ProcessEventKind::kExit:
      change.kind = ProcessChange::Kind::kExited;
      break;
    case ProcessEventKind::kExec:
      return;
  }
  change.pid = event.pid;
  change.guest_mono_ns = event.guest_mono_ns;
  change.entry.pid = event.pid;
  change.entry.ppid = event.ppid;
  if (event.has_uid) change.entry.uid = event.uid;
  change.entry.comm = event.comm;
  change.entry.args = event.args;
  change.entry.args_truncated = event.args_truncated;
  change.entry.state = change.kind == ProcessChange::Kind::kExited ? 'X' : 'R';
  pending_.push_back(std::move(change));
}

std::vector<ProcessChange> ProcessEventFeed::TakeChanges() {
  return std::exchange(pending_, {});
}

void ChangeHighlights::Add(const std::vector<ProcessChange>& changes) {
  for (const ProcessChange& c : changes) {
    auto it = changes_.find(c.pid);
    if (it != changes_.end() && c.kind == ProcessChange::Kind::kExited &&
        it->second.kind == ProcessChange::Kind::kExited) {
      continue;  // already shown as exited, with its earlier last values
    }
    changes_.insert_or_assign(c.pid, c);
  }
}

void ChangeHighlights::Expire(uint64_t guest_mono_ns) {
  absl::erase_if(changes_, [&](const auto& item) {
    const uint64_t seen = item.second.guest_mono_ns;
    return guest_mono_ns > seen && guest_mono_ns - seen > hold_ns_;
  });
}

std::optional<ProcessChange::Kind> ChangeHighlights::KindOf(
    uint32_t pid) const {
  auto it = changes_.find(pid);
  if (it == changes_.end()) return std::nullopt;
  return it->second.kind;
}

std::vector<ProcessEntry> ChangeHighlights::Exited() const {
  std::vector<ProcessEntry> exited;
  for (const auto& [pid, c] : changes_) {
    if (c.kind == ProcessChange::Kind::kExited) exited.push_back(c.entry);
  }
  std::sort(exited.begin(), exited.end(),
            [](const ProcessEntry& a, const ProcessEntry& b) {
              return a.pid < b.pid;
            });
  return exited;
}

}  // namespace haywire
