// Copyright 2026 The Haywire Authors.
//
// Process starts and exits for `haywire watch` to highlight.
//
// A ProcessChangeFeed yields the processes that started or exited since it
// was last asked. Two sources implement it:
//
//   * PidDiffFeed compares the PID lists of successive snapshots (each
//     refresh's LIST_PROCESSES). It needs nothing from the guest beyond the
//     listing, but misses processes that live shorter than one refresh.
//   * ProcessEventFeed turns ProcessEvents (process_event.h), which a reader
//     of the guest's event ring yields, into the same changes; it sees every
//     process, however short-lived, when the companion has an event ring.
//
// The view does not care which one it has: ChangeHighlights keeps the
// changes for a few seconds of guest time, which is what the screen shows
// (started processes bold, exited ones dimmed with their last known values).
//
// Not thread-safe: one feed and one ChangeHighlights per view thread.
#ifndef HAYWIRE_WATCH_PROCESS_CHANGE_FEED_H_
#define HAYWIRE_WATCH_PROCESS_CHANGE_FEED_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

struct ProcessChange {
  enum class Kind { kStarted, kExited };
  Kind kind = Kind::kStarted;
  uint32_t pid = 0;
  // Guest CLOCK_MONOTONIC when the change was observed.
  uint64_t guest_mono_ns = 0;
  // What is known about the process: for a start, its first listing entry
  // (or the event's pid, comm and args); for an exit, its last listing
  // entry, so the view can keep showing it dimmed.
  ProcessEntry entry;
};

// Whether two listing entries are the same process: the same PID and start
// times at most a second apart. The start time is derived from the guest's
// btime, which the kernel may shift by a second when the clock is adjusted,
// while a reused PID starts later by far more than that in practice.
bool SameProcess(const ProcessEntry& a, const ProcessEntry& b);

class ProcessChangeFeed {
 public:
  virtual ~ProcessChangeFeed() = default;
  // The changes observed since the previous call, oldest first.
  virtual std::vector<ProcessChange> TakeChanges() = 0;
};

// Changes from successive PID lists. A PID whose start time changed between
// two lists was reused: its old process exited and a new one started.
class PidDiffFeed : public ProcessChangeFeed {
 public:
  // Records the listing taken at guest time `guest_mono_ns` (`processes` in
  // any order). The first listing after construction or Reset() is the
  // baseline and yields no changes.
  void OnSnapshot(const std::vector<ProcessEntry>& processes,
                  uint64_t guest_mono_ns);

  // Forgets the baseline (a new session: its PIDs are not comparable).
  void Reset();

  std::vector<ProcessChange> TakeChanges() override;

 private:
  bool has_baseline_ = false;
  absl::flat_hash_map<uint32_t, ProcessEntry> last_;
  std::vector<ProcessChange> pending_;
};

// Changes from the guest's event ring: kFork is a start, kExit an exit;
// kExec changes no membership and is ignored.
class ProcessEventFeed : public ProcessChangeFeed {
 public:
  void OnEvent(const ProcessEvent& event);
  std::vector<ProcessChange> TakeChanges() override;

 private:
  std::vector<ProcessChange> pending_;
};

// The recent changes the view highlights, each for `hold_ns` of guest time
// after it was observed.
class ChangeHighlights {
 public:
  explicit ChangeHighlights(uint64_t hold_ns) : hold_ns_(hold_ns) {}

  // Adds `changes`. A start replaces an earlier exit of the same PID and
  // vice versa (the latest change wins).
  void Add(const std::vector<ProcessChange>& changes);

  // Drops the changes observed more than hold_ns before `guest_mono_ns`.
  void Expire(uint64_t guest_mono_ns);

  // Forgets everything (a new session).
  void Clear() { changes_.clear(); }

  // The change held for `pid`, if any.
  std::optional<ProcessChange::Kind> KindOf(uint32_t pid) const;

  // The exited processes held, for the view to show after the live ones.
  std::vector<ProcessEntry> Exited() const;

  size_t size() const { return changes_.size(); }

 private:
  uint64_t hold_ns_;
  absl::flat_hash_map<uint32_t, ProcessChange> changes_;
};

}  // namespace haywire

#endif  // HAYWIRE_WATCH_PROCESS_CHANGE_FEED_H_
