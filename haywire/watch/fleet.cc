// Copyright 2026 The Haywire Authors.

#include "haywire/watch/fleet.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/time/clock.h"
#include "haywire/watch/frame_maker.h"
#include "haywire/watch/guest_poller.h"

namespace haywire {

struct FleetWatcher::Vm {
  FleetTarget target;
  std::unique_ptr<GuestPoller> poller;  // null when unwatchable
  FrameMaker maker{/*highlight_hold_ns=*/0};
  uint64_t starts_total = 0;
  uint64_t exits_total = 0;

  VmState Poll() {
    VmState state;
    state.name = target.name;
    state.qemu_pid = target.qemu_pid;
    state.mem_file = target.connect.mem_file;
    if (poller == nullptr) {
      state.why_not = target.unwatchable;
      return state;
    }
    const absl::Time start = absl::Now();
    absl::StatusOr<Snapshot> snapshot = poller->Take();
    state.snapshot_time = absl::Now() - start;
    if (!snapshot.ok()) {
      // The next live session starts over: no deltas across companions.
      maker.Reset();
      state.why_not = GoneReason(snapshot.status());
      return state;
    }
    state.auth = poller->auth();
    Frame frame = maker.Next(*std::move(snapshot));
    starts_total += frame.started_pids.size();
    exits_total += frame.exited_pids.size();
    state.live = true;
    state.frame = std::move(frame);
    return state;
  }
};

FleetWatcher::FleetWatcher(std::vector<FleetTarget> targets) {
  for (FleetTarget& target : targets) {
    auto vm = std::make_unique<Vm>();
    vm->target = std::move(target);
    if (vm->target.unwatchable.empty()) {
      vm->poller =
          std::make_unique<GuestPoller>(vm->target.connect, vm->target.client);
    }
    vms_.push_back(std::move(vm));
  }
}

FleetWatcher::~FleetWatcher() = default;

std::vector<VmState> FleetWatcher::Refresh() {
  std::vector<VmState> states(vms_.size());
  std::vector<std::thread> threads;
  threads.reserve(vms_.size());
  for (size_t i = 0; i < vms_.size(); ++i) {
    if (vms_[i]->poller == nullptr) {
      states[i] = vms_[i]->Poll();
      continue;
    }
    // Each thread writes only its own VM and its own state; join() orders
    // those writes before the reads below.
    threads.emplace_back([this, i, &states] { states[i] = vms_[i]->Poll(); });
  }
  for (std::thread& thread : threads) thread.join();
  return states;
}

namespace {

bool Live(const FrameRow& row) {
  return row.change != ProcessChange::Kind::kExited;
}

}  // namespace

const FrameRow* BusiestProcess(const Frame& frame) {
  std::vector<const FrameRow*> top = TopProcesses(frame, TopBy::kCpu, 1);
  return top.empty() ? nullptr : top.front();
}

std::vector<const FrameRow*> TopProcesses(const Frame& frame, TopBy by,
                                          size_t n) {
  std::vector<const FrameRow*> rows;
  for (const FrameRow& row : frame.rows) {
    if (Live(row)) rows.push_back(&row);
  }
  auto higher = [by](const FrameRow* a, const FrameRow* b) {
    if (by == TopBy::kCpu) {
      if (a->cpu_percent != b->cpu_percent) {
        return a->cpu_percent > b->cpu_percent;
      }
    } else if (a->entry.rss_kb != b->entry.rss_kb) {
      return a->entry.rss_kb > b->entry.rss_kb;
    }
    return a->entry.pid < b->entry.pid;
  };
  const size_t keep = std::min(n, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + keep, rows.end(), higher);
  rows.resize(keep);
  return rows;
}

}  // namespace haywire
