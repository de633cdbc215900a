// Copyright 2026 The Haywire Authors.
//
// `haywire watch --all`'s text and JSON: one line (or object) per VM, the
// columns of top's summary condensed:
//
//   VM        the VM's name (QEMU -name, or the RAM file's path)
//   UP        guest uptime, as top's header ("3 days, 2:01", "17 min")
//   LOAD      the 1, 5 and 15 minute load averages
//   %US %SY %ID  the CPU split over the refresh interval (user+nice,
//             system+irq+softirq, idle+iowait), guest ticks
//   MEM       memory used (MemTotal - MemAvailable) over MemTotal, in
//             MiB/GiB as free -h writes them, and in percent
//   TASKS     processes
//   PID %CPU COMMAND  the busiest process over the interval
//
// A VM without a live companion shows its reason after its name instead.
// Guest text (names, commands, reasons) goes through TerminalSafe.
#ifndef HAYWIRE_WATCH_FLEET_TEXT_H_
#define HAYWIRE_WATCH_FLEET_TEXT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/watch/fleet.h"

namespace haywire {

// The heading line and one line per VM, each ending in '\n'.
std::string FleetText(const std::vector<VmState>& vms);

// One JSON object (a single line, no newline) for a refresh:
// {"vms":[{"name","qemu_pid","mem_file","live","why_not","authenticated",
// "session_id","uptime_ns","load_average":[..],"cpu":{"user",...},
// "mem_kb":{"total","used","available"},"tasks","busiest":{"pid","comm",
// "cpu_percent"},"snapshot_ms"}]}; keys of what a VM does not have are
// absent ("why_not" only when not live).
absl::StatusOr<std::string> FleetJson(const std::vector<VmState>& vms);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FLEET_TEXT_H_
