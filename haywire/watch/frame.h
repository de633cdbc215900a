// Copyright 2026 The Haywire Authors.
//
// Frame: what one refresh of `haywire watch` shows, computed from two
// successive snapshots of the guest the way top computes its screen.
//
//   %CPU (per process)  CPU time used between the two snapshots over the
//                       guest time between them, in percent of one CPU
//                       (top's Irix mode: a process spinning on one CPU is
//                       100%, on four CPUs 400%).
//   %Cpu(s) (header)    the /proc/stat tick deltas, in percent of all ticks.
//   %MEM                RES over MemTotal.
//
// Both ends of every interval are guest clocks (the listing's CLOCK_BOOTTIME
// uptime, or the summary's when the listing's does not advance): the host's
// clock says nothing about how much time the guest had (it may have been
// paused, or starved of host CPU).
//
// A frame without a previous snapshot (the first, or the first after the
// companion changed) has no interval: per-process %CPU is 0 and the header's
// CPU split is the average since boot, as top's first screen.
#ifndef HAYWIRE_WATCH_FRAME_H_
#define HAYWIRE_WATCH_FRAME_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "haywire/host/client.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"
#include "haywire/watch/process_change_feed.h"

namespace haywire {

// Everything one refresh reads from the guest.
struct Snapshot {
  uint64_t session_id = 0;
  SystemSummary summary;
  ProcessList list;
  // Process events read from the guest's event ring since the previous
  // snapshot, in order, when the companion's source is the kernel's
  // connector (exact: every start and exit, even between two listings);
  // nullopt when there is no such ring, and starts and exits then come from
  // PID diffs of successive listings.
  std::optional<std::vector<ProcessEvent>> events;
};

// top's %Cpu(s) line, in percent (they add up to 100 when any tick passed).
struct CpuSplit {
  double user = 0, system = 0, nice = 0, idle = 0, iowait = 0, irq = 0,
         softirq = 0, steal = 0;
};

struct FrameRow {
  ProcessEntry entry;
  double cpu_percent = 0;  // top's %CPU over the frame's interval
  double mem_percent = 0;
  // Highlighted as started or exited (exited rows are the process's last
  // known values; it is no longer in the listing).
  std::optional<ProcessChange::Kind> change;
};

struct Frame {
  uint64_t session_id = 0;
  SystemSummary summary;
  ListHeader list_header;
  CpuSplit cpu;
  // Guest nanoseconds between the previous snapshot and this one; 0 when
  // there was none.
  uint64_t interval_ns = 0;
  std::vector<FrameRow> rows;  // live processes, then held exits; by pid
  // Changes first seen in this frame (for JSON and tests).
  std::vector<uint32_t> started_pids;
  std::vector<uint32_t> exited_pids;
};

// Builds the frame of `current`; `previous` (may be null) must be an earlier
// snapshot of the same session, else it is ignored. `highlights` (may be
// null) marks rows and contributes the held exited processes.
Frame BuildFrame(const Snapshot* previous, const Snapshot& current,
                 const ChangeHighlights* highlights);

// top's %Cpu(s) from two cumulative tick counts (`previous` null: since
// boot).
CpuSplit CpuSplitBetween(const CpuTimes* previous, const CpuTimes& current);

// top's %CPU of a process that used `cpu_delta_ns` in `interval_ns`, capped
// at 100 per CPU; 0 when the interval is 0.
double TopCpuPercent(uint64_t cpu_delta_ns, uint64_t interval_ns,
                     uint32_t cpu_count);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FRAME_H_
