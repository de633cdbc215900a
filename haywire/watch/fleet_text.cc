// Copyright 2026 The Haywire Authors.

#include "haywire/watch/fleet_text.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "haywire/host/discovery.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"
#include "haywire/watch/frame_json.h"
#include "haywire/watch/frame_text.h"

namespace haywire {
namespace {

constexpr size_t kMinNameWidth = 2;
constexpr size_t kMaxNameWidth = 32;
constexpr size_t kUpWidth = 14;

uint64_t UsedKb(const SystemSummary& s) {
  return s.mem_total_kb - std::min(s.mem_available_kb, s.mem_total_kb);
}

// free -h's units: 1.2G, 512M.
std::string HumanKib(uint64_t kib) {
  if (kib >= (uint64_t{1} << 20)) {
    return absl::StrFormat("%.1fG", static_cast<double>(kib) / (1 << 20));
  }
  return absl::StrFormat("%.0fM", static_cast<double>(kib) / 1024);
}

std::string AuthText(const VmState& vm) {
  if (!vm.auth.has_value()) return "";
  return std::string(AuthOutcomeName(*vm.auth));
}

}  // namespace

std::string FleetText(const std::vector<VmState>& vms) {
  size_t name_width = kMinNameWidth;
  for (const VmState& vm : vms) {
    name_width = std::max(name_width, TerminalWidth(TerminalSafe(vm.name)));
  }
  name_width = std::min(name_width, kMaxNameWidth);
  std::string text = absl::StrFormat(
      "%-*s %-*s %-14s %5s %5s %5s %-18s %5s %7s %5s %s\n",
      static_cast<int>(name_width), "VM", static_cast<int>(kUpWidth), "UP",
      "LOAD", "%US", "%SY", "%ID", "MEM", "TASKS", "PID", "%CPU", "COMMAND");
  for (const VmState& vm : vms) {
    const std::string name =
        PadToWidth(FitToWidth(TerminalSafe(vm.name), name_width), name_width);
    if (!vm.live || !vm.frame.has_value()) {
      absl::StrAppend(&text, name, " -- ", TerminalSafe(vm.why_not), "\n");
      continue;
    }
    const Frame& f = *vm.frame;
    const SystemSummary& s = f.summary;
    std::string up = UptimeText(s.uptime_ns);
    if (absl::StartsWith(up, "up ")) up = up.substr(3);
    const std::string load = absl::StrFormat(
        "%.2f %.2f %.2f", s.load_average_milli[0] / 1000.0,
        s.load_average_milli[1] / 1000.0, s.load_average_milli[2] / 1000.0);
    const double user = f.cpu.user + f.cpu.nice;
    const double system = f.cpu.system + f.cpu.irq + f.cpu.softirq;
    const double idle = f.cpu.idle + f.cpu.iowait;
    const double mem_percent = s.mem_total_kb == 0
                                   ? 0.0
                                   : 100.0 * static_cast<double>(UsedKb(s)) /
                                         static_cast<double>(s.mem_total_kb);
    const std::string mem =
        absl::StrFormat("%s/%s %3.0f%%", HumanKib(UsedKb(s)),
                        HumanKib(s.mem_total_kb), mem_percent);
    std::string busiest = absl::StrFormat("%7s %5s %s", "-", "-", "-");
    if (const FrameRow* top = BusiestProcess(f)) {
      busiest =
          absl::StrFormat("%7u %5.1f %s", top->entry.pid, top->cpu_percent,
                          TerminalSafe(top->entry.comm));
    }
    absl::StrAppendFormat(&text, "%s %-*s %-14s %5.1f %5.1f %5.1f %-18s %5u %s",
                          name, static_cast<int>(kUpWidth), up, load, user,
                          system, idle, mem, s.tasks_total, busiest);
    if (vm.auth.has_value() && *vm.auth != AuthOutcome::kAuthenticated) {
      absl::StrAppend(&text, " (", AuthText(vm), ")");
    }
    absl::StrAppend(&text, "\n");
  }
  return text;
}

absl::StatusOr<std::string> FleetJson(const std::vector<VmState>& vms) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("vms").BeginArray();
  for (const VmState& vm : vms) {
    json.BeginObject();
    json.Key("name").String(vm.name);
    if (vm.qemu_pid != 0) json.Key("qemu_pid").Uint(vm.qemu_pid);
    json.Key("mem_file").String(vm.mem_file);
    json.Key("live").Bool(vm.live);
    if (vm.auth.has_value()) json.Key("authenticated").String(AuthText(vm));
    if (!vm.live || !vm.frame.has_value()) {
      json.Key("why_not").String(vm.why_not);
      json.EndObject();
      continue;
    }
    const Frame& f = *vm.frame;
    const SystemSummary& s = f.summary;
    json.Key("session_id").String(SessionIdText(f.session_id));
    json.Key("hostname").String(s.hostname);
    json.Key("snapshot_ms")
        .Double(absl::ToDoubleMilliseconds(vm.snapshot_time));
    json.Key("uptime_ns").Uint(s.uptime_ns);
    json.Key("interval_ns").Uint(f.interval_ns);
    WriteLoadAndCpuJson(f, &json);
    json.Key("mem_kb").BeginObject();
    json.Key("total").Uint(s.mem_total_kb);
    json.Key("used").Uint(UsedKb(s));
    json.Key("available").Uint(s.mem_available_kb);
    json.EndObject();
    json.Key("tasks").Uint(s.tasks_total);
    if (const FrameRow* top = BusiestProcess(f)) {
      json.Key("busiest").BeginObject();
      json.Key("pid").Uint(top->entry.pid);
      json.Key("comm").String(top->entry.comm);
      json.Key("cpu_percent").Double(top->cpu_percent);
      json.EndObject();
    }
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Finish();
}

}  // namespace haywire
