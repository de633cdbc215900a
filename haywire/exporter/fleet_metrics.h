// Copyright 2026 The Haywire Authors.
//
// What `haywire exporter` tells Prometheus about a fleet refresh
// (haywire/watch/fleet.h): one metric family per measure, one series per
// VM, labelled `vm`. Names follow Prometheus's conventions (base units,
// `_total` for counters, node_exporter's load1/load5/load15):
//
//   haywire_vm_up{vm}                       1: the companion answered
//   haywire_vm_authenticated{vm}            1: it proved the VM key (only
//                                           VMs with a key)
//   haywire_vm_snapshot_seconds{vm}         the refresh's request time
//   haywire_guest_uptime_seconds{vm}
//   haywire_guest_load1|load5|load15{vm}
//   haywire_guest_cpus{vm}
//   haywire_guest_cpu_ratio{vm,mode}        CPU split over the refresh
//                                           interval, 0..1 per mode
//   haywire_guest_memory_{total,available,free,buffers_cached}_bytes{vm}
//   haywire_guest_swap_{total,free}_bytes{vm}
//   haywire_guest_processes{vm}             processes (not threads)
//   haywire_guest_processes_state{vm,state} running, sleeping, stopped,
//                                           zombie
//   haywire_guest_process_cpu_ratio{vm,pid,comm,container}  top N by CPU: CPU
//                                           time over the interval, 1 = one
//                                           CPU busy
//   haywire_guest_process_resident_bytes{vm,pid,comm,container}  top N by
//                                           RSS (container: docker:<12 hex>,
//                                           a systemd unit, "" for none)
//   haywire_guest_process_starts_total{vm}  process starts and exits seen
//   haywire_guest_process_exits_total{vm}   since the exporter started
//
// Cardinality is bounded: per VM, a fixed number of series plus at most N
// per top-N family, whatever the guest runs. Label values that come from
// the guest (`comm`) are hostile: they go through TerminalSafe (valid
// UTF-8, no control character), and the text format's own escaping then
// takes care of quotes, backslashes and newlines; names are cut at 64
// bytes.
#ifndef HAYWIRE_EXPORTER_FLEET_METRICS_H_
#define HAYWIRE_EXPORTER_FLEET_METRICS_H_

#include <cstddef>
#include <vector>

#include "haywire/watch/fleet.h"
#include "prometheus/metric_family.h"

namespace haywire {

// The families for `vms`, with at most `top_n` processes per VM in each
// top-N family.
std::vector<prometheus::MetricFamily> FleetMetricFamilies(
    const std::vector<VmState>& vms, size_t top_n);

// A guest string as a label value: TerminalSafe, at most 64 bytes (never
// cutting a character).
std::string GuestLabelValue(absl::string_view text);

}  // namespace haywire

#endif  // HAYWIRE_EXPORTER_FLEET_METRICS_H_
