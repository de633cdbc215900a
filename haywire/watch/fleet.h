// Copyright 2026 The Haywire Authors.
//
// FleetWatcher: the state of many VMs at once, for `haywire watch --all`
// (one line per VM) and `haywire exporter` (Prometheus gauges per VM).
//
// Each VM (a FleetTarget: a name and its RAM file) gets its own GuestPoller
// and FrameMaker, exactly what `haywire watch` uses for one VM, so a fleet
// line says what `watch` would: %CPU over the interval between two
// refreshes, measured by the guest's clocks. Refresh() takes one snapshot
// of every VM in parallel (a thread per watchable VM), so one dead or
// hostile VM costs the refresh at most its own connect and request
// deadlines, never the sum over VMs. A VM that cannot be watched (its RAM
// is not a shared file) is listed with the reason and never polled.
//
// Everything in a VmState came from the guest and is hostile text: callers
// escape names before they print or export them.
//
// Not thread-safe: call Refresh() from one thread at a time.
#ifndef HAYWIRE_WATCH_FLEET_H_
#define HAYWIRE_WATCH_FLEET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "haywire/host/client.h"
#include "haywire/host/live_session.h"
#include "haywire/watch/frame.h"

namespace haywire {

struct FleetTarget {
  std::string name;       // the VM's -name, else its RAM file's path
  uint32_t qemu_pid = 0;  // 0: not known (a target given by its RAM file)
  // How to reach the VM's companion (RAM file, key, cache); unused when
  // `unwatchable` is set.
  ConnectOptions connect;
  ClientOptions client;  // with the VM's key, when it has one
  // Why the VM cannot be watched ("RAM is not a shared file: add ..."), or
  // "" when it can.
  std::string unwatchable;
};

// One VM after a refresh.
struct VmState {
  std::string name;
  uint32_t qemu_pid = 0;
  std::string mem_file;
  // The companion answered this refresh; `frame` is then set.
  bool live = false;
  // When not live: why, in a few words ("RAM is not a shared file...",
  // "no live session in the RAM file", "heartbeat stale for 2.0 s").
  std::string why_not;
  // With a key: what the challenge found; nullopt without a key.
  std::optional<AuthOutcome> auth;
  // How long this refresh's snapshot of the VM took (summary and listing,
  // and connecting when it had to).
  absl::Duration snapshot_time;
  // This refresh's frame; its interval_ns is 0 on the first refresh of a
  // session (per-process %CPU is then 0).
  std::optional<Frame> frame;
  // Process starts and exits seen since the watcher began (across
  // companion restarts), for counters.
  uint64_t starts_total = 0;
  uint64_t exits_total = 0;
};

class FleetWatcher {
 public:
  explicit FleetWatcher(std::vector<FleetTarget> targets);
  ~FleetWatcher();

  // One snapshot of every watchable VM, in parallel; the states in target
  // order.
  std::vector<VmState> Refresh();

  size_t size() const { return vms_.size(); }

 private:
  struct Vm;
  std::vector<std::unique_ptr<Vm>> vms_;
};

// The live process of `frame` with the highest %CPU (ties: the lowest
// pid); null when there is none.
const FrameRow* BusiestProcess(const Frame& frame);

// At most `n` live processes of `frame`, highest first by %CPU or by RSS
// (ties: the lowest pid).
enum class TopBy { kCpu, kRss };
std::vector<const FrameRow*> TopProcesses(const Frame& frame, TopBy by,
                                          size_t n);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FLEET_H_
