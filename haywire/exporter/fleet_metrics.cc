// Copyright 2026 The Haywire Authors.

#include "haywire/exporter/fleet_metrics.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/format/container.h"
#include "haywire/util/terminal_text.h"
#include "prometheus/metric_type.h"

namespace haywire {
namespace {

constexpr size_t kMaxLabelBytes = 64;
constexpr double kKib = 1024.0;

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Builds the families in a fixed order, whatever order values arrive in.
class Families {
 public:
  MetricFamily& Get(const std::string& name, const std::string& help,
                    MetricType type) {
    for (MetricFamily& family : families_) {
      if (family.name == name) return family;
    }
    families_.push_back(MetricFamily{name, help, type, {}});
    return families_.back();
  }

  void Gauge(const std::string& name, const std::string& help,
             std::vector<ClientMetric::Label> labels, double value) {
    ClientMetric metric;
    metric.label = std::move(labels);
    metric.gauge.value = value;
    Get(name, help, MetricType::Gauge).metric.push_back(std::move(metric));
  }

  void Counter(const std::string& name, const std::string& help,
               std::vector<ClientMetric::Label> labels, double value) {
    ClientMetric metric;
    metric.label = std::move(labels);
    metric.counter.value = value;
    Get(name, help, MetricType::Counter).metric.push_back(std::move(metric));
  }

  std::vector<MetricFamily> Take() && { return std::move(families_); }

 private:
  std::vector<MetricFamily> families_;
};

// pid, comm and container ("docker:0123456789ab", a systemd unit, "" for
// none) of a top-N process, after the VM's own labels.
template <typename VmLabels>
std::vector<ClientMetric::Label> ProcessLabels(const ProcessEntry& entry,
                                               const VmLabels& labels) {
  const std::optional<Container> container = ContainerOf(entry.cgroup);
  return labels({{"pid", absl::StrCat(entry.pid)},
                 {"comm", GuestLabelValue(entry.comm)},
                 {"container", container.has_value()
                                   ? GuestLabelValue(ContainerText(*container))
                                   : ""}});
}

void AddVm(const VmState& vm, size_t top_n, Families* out) {
  const std::string name = GuestLabelValue(vm.name);
  auto labels = [&name](std::vector<ClientMetric::Label> more = {}) {
    std::vector<ClientMetric::Label> all = {{"vm", name}};
    for (ClientMetric::Label& label : more) all.push_back(std::move(label));
    return all;
  };
  out->Gauge("haywire_vm_up",
             "1 when the VM's companion answered the last refresh.", labels(),
             vm.live ? 1 : 0);
  if (vm.auth.has_value()) {
    out->Gauge("haywire_vm_authenticated",
               "1 when the VM's companion proved the VM key.", labels(),
               *vm.auth == AuthOutcome::kAuthenticated ? 1 : 0);
  }
  out->Counter("haywire_guest_process_starts_total",
               "Process starts seen in the guest since the exporter started.",
               labels(), static_cast<double>(vm.starts_total));
  out->Counter("haywire_guest_process_exits_total",
               "Process exits seen in the guest since the exporter started.",
               labels(), static_cast<double>(vm.exits_total));
  if (!vm.live || !vm.frame.has_value()) return;
  const Frame& f = *vm.frame;
  const SystemSummary& s = f.summary;
  out->Gauge("haywire_vm_snapshot_seconds",
             "How long the last refresh's requests to the companion took.",
             labels(), absl::ToDoubleSeconds(vm.snapshot_time));
  out->Gauge("haywire_guest_uptime_seconds", "Guest uptime (/proc/uptime).",
             labels(), static_cast<double>(s.uptime_ns) / 1e9);
  const char* kLoadNames[] = {"haywire_guest_load1", "haywire_guest_load5",
                              "haywire_guest_load15"};
  const char* kLoadHelp[] = {"Guest 1-minute load average.",
                             "Guest 5-minute load average.",
                             "Guest 15-minute load average."};
  for (int i = 0; i < 3; ++i) {
    out->Gauge(kLoadNames[i], kLoadHelp[i], labels(),
               static_cast<double>(s.load_average_milli[i]) / 1000.0);
  }
  out->Gauge("haywire_guest_cpus", "Guest CPUs.", labels(), s.cpu_count);
  const std::pair<const char*, double> modes[] = {
      {"user", f.cpu.user},       {"nice", f.cpu.nice},
      {"system", f.cpu.system},   {"idle", f.cpu.idle},
      {"iowait", f.cpu.iowait},   {"irq", f.cpu.irq},
      {"softirq", f.cpu.softirq}, {"steal", f.cpu.steal}};
  for (const auto& [mode, percent] : modes) {
    out->Gauge("haywire_guest_cpu_ratio",
               "Share of guest CPU time in each mode over the last refresh "
               "interval (0..1).",
               labels({{"mode", mode}}), percent / 100.0);
  }
  const std::pair<const char*, uint64_t> memory[] = {
      {"haywire_guest_memory_total_bytes", s.mem_total_kb},
      {"haywire_guest_memory_available_bytes", s.mem_available_kb},
      {"haywire_guest_memory_free_bytes", s.mem_free_kb},
      {"haywire_guest_memory_buffers_cached_bytes", s.buffers_kb + s.cached_kb},
      {"haywire_guest_swap_total_bytes", s.swap_total_kb},
      {"haywire_guest_swap_free_bytes", s.swap_free_kb}};
  for (const auto& [metric, kb] : memory) {
    out->Gauge(metric, "Guest memory from /proc/meminfo.", labels(),
               static_cast<double>(kb) * kKib);
  }
  out->Gauge("haywire_guest_processes", "Guest processes (not threads).",
             labels(), s.tasks_total);
  const std::pair<const char*, uint32_t> states[] = {
      {"running", s.tasks_running},
      {"sleeping", s.tasks_sleeping},
      {"stopped", s.tasks_stopped},
      {"zombie", s.tasks_zombie}};
  for (const auto& [state, count] : states) {
    out->Gauge("haywire_guest_processes_state", "Guest processes by state.",
               labels({{"state", state}}), count);
  }
  for (const FrameRow* row : TopProcesses(f, TopBy::kCpu, top_n)) {
    out->Gauge("haywire_guest_process_cpu_ratio",
               "CPU time of the guest's busiest processes over the last "
               "refresh interval (1 = one CPU busy); top N by CPU.",
               ProcessLabels(row->entry, labels), row->cpu_percent / 100.0);
  }
  for (const FrameRow* row : TopProcesses(f, TopBy::kRss, top_n)) {
    out->Gauge("haywire_guest_process_resident_bytes",
               "Resident memory of the guest's largest processes; top N by "
               "RSS.",
               ProcessLabels(row->entry, labels),
               static_cast<double>(row->entry.rss_kb) * kKib);
  }
}

}  // namespace

std::string GuestLabelValue(absl::string_view text) {
  std::string safe = TerminalSafe(text);
  if (safe.size() <= kMaxLabelBytes) return safe;
  size_t cut = kMaxLabelBytes;
  // Back up to the start of a UTF-8 character.
  while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  safe.resize(cut);
  return safe;
}

std::vector<prometheus::MetricFamily> FleetMetricFamilies(
    const std::vector<VmState>& vms, size_t top_n) {
  Families families;
  families.Gauge("haywire_exporter_vms", "VMs the exporter watches.", {},
                 static_cast<double>(vms.size()));
  for (const VmState& vm : vms) AddVm(vm, top_n, &families);
  return std::move(families).Take();
}

}  // namespace haywire
