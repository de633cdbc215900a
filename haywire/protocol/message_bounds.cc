// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/message_bounds.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

std::string ArgsViolation(const std::vector<std::string>& args) {
  if (args.size() > kMaxArgs) return "too many args";
  size_t bytes = 0;
  for (const std::string& arg : args)
    bytes += kWireFieldHeaderBytes + arg.size();
  if (bytes > kMaxArgsBytes) return absl::StrCat("args of ", bytes, " bytes");
  return "";
}

}  // namespace

std::string EntryViolation(const ProcessEntry& e) {
  if (e.pid == 0) return "pid 0";
  if (e.state < 0x21 || e.state > 0x7E) {
    return absl::StrCat("state ", static_cast<int>(e.state));
  }
  if (e.user.size() > kMaxNameBytes) return "user too long";
  if (e.tty.size() > kMaxNameBytes) return "tty too long";
  if (e.comm.size() > kMaxNameBytes) return "comm too long";
  if (e.cgroup.size() > kMaxNameBytes) return "cgroup too long";
  return ArgsViolation(e.args);
}

std::string InfoViolation(const ProcessInfo& info) {
  if (std::string v = EntryViolation(info.entry); !v.empty()) return v;
  if (info.exe.size() > kMaxPathBytes) return "exe too long";
  if (info.cwd.size() > kMaxPathBytes) return "cwd too long";
  if (info.root.size() > kMaxPathBytes) return "root too long";
  // messages.h: cgroup is a name (kMaxNameBytes), like comm and user.
  if (info.cgroup.size() > kMaxNameBytes) return "cgroup too long";
  if (info.cpus_allowed_list.size() > kMaxNameBytes) return "cpus too long";
  return "";
}

std::string SummaryViolation(const SystemSummary& s) {
  if (s.hostname.size() > kMaxNameBytes) return "hostname too long";
  if (s.kernel_release.size() > kMaxNameBytes) return "kernel too long";
  for (uint64_t load : s.load_average_milli) {
    if (load > kMaxLoadAverageMilli) return absl::StrCat("load ", load);
  }
  if (uint64_t{s.tasks_running} + s.tasks_sleeping + s.tasks_stopped +
          s.tasks_zombie >
      s.tasks_total) {
    return "task counts exceed the total";
  }
  if (s.clock_ticks_per_second == 0 ||
      s.clock_ticks_per_second > kMaxClockTicksPerSecond) {
    return absl::StrCat("tick rate ", s.clock_ticks_per_second);
  }
  if (s.cpu_count == 0 || s.cpu_count > kMaxCpus) {
    return absl::StrCat("cpu count ", s.cpu_count);
  }
  if (s.mem_free_kb > s.mem_total_kb) return "free memory above the total";
  if (s.mem_available_kb > s.mem_total_kb) {
    return "available memory above the total";
  }
  if (s.swap_free_kb > s.swap_total_kb) return "free swap above the total";
  return "";
}

std::string EventViolation(const ProcessEvent& e) {
  if (e.kind != ProcessEventKind::kFork && e.kind != ProcessEventKind::kExec &&
      e.kind != ProcessEventKind::kExit) {
    return absl::StrCat("kind ", static_cast<int>(e.kind));
  }
  if (e.comm.size() > kMaxNameBytes) return "comm too long";
  if (e.has_exit_status && (e.exit_signal < 0 || e.exit_signal > 127)) {
    return absl::StrCat("exit signal ", e.exit_signal);
  }
  return ArgsViolation(e.args);
}

}  // namespace haywire
