// Copyright 2026 The Haywire Authors.

#include "haywire/watch/frame.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace haywire {
namespace {

// Unsigned difference that is 0 when a counter went backwards (a hostile
// or buggy guest; a reused PID is handled by the caller).
uint64_t Delta(uint64_t later, uint64_t earlier) {
  return later > earlier ? later - earlier : 0;
}

}  // namespace

CpuSplit CpuSplitBetween(const CpuTimes* previous, const CpuTimes& current) {
  const CpuTimes zero;
  const CpuTimes& p = previous != nullptr ? *previous : zero;
  const double user = static_cast<double>(Delta(current.user, p.user));
  const double nice = static_cast<double>(Delta(current.nice, p.nice));
  const double system = static_cast<double>(Delta(current.system, p.system));
  const double idle = static_cast<double>(Delta(current.idle, p.idle));
  const double iowait = static_cast<double>(Delta(current.iowait, p.iowait));
  const double irq = static_cast<double>(Delta(current.irq, p.irq));
  const double softirq = static_cast<double>(Delta(current.softirq, p.softirq));
  const double steal = static_cast<double>(Delta(current.steal, p.steal));
  const double total =
      user + nice + system + idle + iowait + irq + softirq + steal;
  CpuSplit split;
  if (total <= 0) {
    split.idle = 100;  // no tick passed: nothing ran
    return split;
  }
  split.user = 100 * user / total;
  split.nice = 100 * nice / total;
  split.system = 100 * system / total;
  split.idle = 100 * idle / total;
  split.iowait = 100 * iowait / total;
  split.irq = 100 * irq / total;
  split.softirq = 100 * softirq / total;
  split.steal = 100 * steal / total;
  return split;
}

double TopCpuPercent(uint64_t cpu_delta_ns, uint64_t interval_ns,
                     uint32_t cpu_count) {
  if (interval_ns == 0) return 0;
  const double percent = 100.0 * static_cast<double>(cpu_delta_ns) /
                         static_cast<double>(interval_ns);
  // CPU time is sampled in ticks and the two ends of the interval are read
  // a little apart, so a process can appear to use a bit more than its
  // CPUs allow; top caps the same way.
  return std::min(percent, 100.0 * std::max<uint32_t>(cpu_count, 1));
}

Frame BuildFrame(const Snapshot* previous, const Snapshot& current,
                 const ChangeHighlights* highlights) {
  if (previous != nullptr && previous->session_id != current.session_id) {
    previous = nullptr;
  }
  Frame frame;
  frame.session_id = current.session_id;
  frame.summary = current.summary;
  frame.list_header = current.list.header;
  frame.cpu = CpuSplitBetween(previous ? &previous->summary.cpu : nullptr,
                              current.summary.cpu);
  if (previous != nullptr) {
    frame.interval_ns =
        Delta(current.list.header.uptime_ns, previous->list.header.uptime_ns);
    if (frame.interval_ns == 0) {
      frame.interval_ns =
          Delta(current.summary.boottime_ns, previous->summary.boottime_ns);
    }
  }

  absl::flat_hash_map<uint32_t, const ProcessEntry*> before;
  if (previous != nullptr) {
    before.reserve(previous->list.processes.size());
    for (const ProcessEntry& e : previous->list.processes) before[e.pid] = &e;
  }
  const uint64_t mem_total = current.summary.mem_total_kb != 0
                                 ? current.summary.mem_total_kb
                                 : current.list.header.mem_total_kb;
  auto mem_percent = [mem_total](const ProcessEntry& e) {
    if (mem_total == 0) return 0.0;
    return std::min(100.0, 100.0 * static_cast<double>(e.rss_kb) /
                               static_cast<double>(mem_total));
  };
  frame.rows.reserve(current.list.processes.size());
  for (const ProcessEntry& e : current.list.processes) {
    FrameRow row;
    row.entry = e;
    uint64_t used = e.cpu_time_ns;  // a process new in this interval
    auto it = before.find(e.pid);
    if (it != before.end() && SameProcess(*it->second, e)) {
      used = Delta(e.cpu_time_ns, it->second->cpu_time_ns);
    }
    row.cpu_percent =
        previous != nullptr
            ? TopCpuPercent(used, frame.interval_ns, current.summary.cpu_count)
            : 0.0;
    row.mem_percent = mem_percent(e);
    if (highlights != nullptr) row.change = highlights->KindOf(e.pid);
    frame.rows.push_back(std::move(row));
  }
  if (highlights != nullptr) {
    absl::flat_hash_map<uint32_t, bool> live;
    for (const ProcessEntry& e : current.list.processes) live[e.pid] = true;
    for (const ProcessEntry& e : highlights->Exited()) {
      if (live.contains(e.pid)) continue;
      FrameRow row;
      row.entry = e;
      row.mem_percent = mem_percent(e);
      row.change = ProcessChange::Kind::kExited;
      frame.rows.push_back(std::move(row));
    }
  }
  return frame;
}

}  // namespace haywire
