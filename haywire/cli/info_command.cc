// Copyright 2026 The Haywire Authors.

#include "haywire/cli/info_command.h"

#include <cstdio>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/process_format.h"
#include "haywire/host/whole_command_line.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

struct MemoryField {
  const char* json_name;
  const char* label;
  std::optional<uint64_t> ProcessInfo::*field;
};

constexpr MemoryField kMemoryFields[] = {
    {"vm_peak_kb", "VmPeak", &ProcessInfo::vm_peak_kb},
    {"vm_size_kb", "VmSize", &ProcessInfo::vm_size_kb},
    {"vm_lck_kb", "VmLck", &ProcessInfo::vm_lck_kb},
    {"vm_pin_kb", "VmPin", &ProcessInfo::vm_pin_kb},
    {"vm_hwm_kb", "VmHWM", &ProcessInfo::vm_hwm_kb},
    {"vm_rss_kb", "VmRSS", &ProcessInfo::vm_rss_kb},
    {"rss_anon_kb", "RssAnon", &ProcessInfo::rss_anon_kb},
    {"rss_file_kb", "RssFile", &ProcessInfo::rss_file_kb},
    {"rss_shmem_kb", "RssShmem", &ProcessInfo::rss_shmem_kb},
    {"vm_data_kb", "VmData", &ProcessInfo::vm_data_kb},
    {"vm_stk_kb", "VmStk", &ProcessInfo::vm_stk_kb},
    {"vm_exe_kb", "VmExe", &ProcessInfo::vm_exe_kb},
    {"vm_lib_kb", "VmLib", &ProcessInfo::vm_lib_kb},
    {"vm_pte_kb", "VmPTE", &ProcessInfo::vm_pte_kb},
    {"vm_swap_kb", "VmSwap", &ProcessInfo::vm_swap_kb},
};

std::string Hex16(uint64_t v) {
  return absl::StrCat(absl::Hex(v, absl::kZeroPad16));
}

void Line(const char* label, const std::string& value) {
  std::printf("%-22s %s\n", label, value.c_str());
}

void WriteJson(const ProcessInfo& info) {
  JsonWriter json(JsonWriter::Style::kPretty);
  json.BeginObject();
  WriteProcessJsonFields(info.entry, info.system, &json);
  for (const MemoryField& f : kMemoryFields) {
    const std::optional<uint64_t>& v = info.*(f.field);
    json.Key(f.json_name);
    if (v.has_value()) {
      json.Uint(*v);
    } else {
      json.Null();
    }
  }
  json.Key("euid").Uint(info.euid);
  json.Key("suid").Uint(info.suid);
  json.Key("fsuid").Uint(info.fsuid);
  json.Key("egid").Uint(info.egid);
  json.Key("sgid").Uint(info.sgid);
  json.Key("fsgid").Uint(info.fsgid);
  json.Key("umask");
  if (info.umask.has_value()) {
    json.String(absl::StrFormat("%04o", *info.umask));
  } else {
    json.Null();
  }
  json.Key("exe").String(info.exe);
  json.Key("cwd").String(info.cwd);
  json.Key("root").String(info.root);
  json.Key("fd_count");
  if (info.fd_count.has_value()) {
    json.Uint(*info.fd_count);
  } else {
    json.Null();
  }
  // "cgroup" (the path), "container" and "ns_pid" come with the process
  // fields above; the file's first line as it reads:
  json.Key("cgroup_line").String(info.cgroup);
  json.Key("sig_pending").String(Hex16(info.sig_pending));
  json.Key("sig_shared_pending").String(Hex16(info.sig_shared_pending));
  json.Key("sig_blocked").String(Hex16(info.sig_blocked));
  json.Key("sig_ignored").String(Hex16(info.sig_ignored));
  json.Key("sig_caught").String(Hex16(info.sig_caught));
  json.Key("voluntary_ctxt_switches").Uint(info.voluntary_ctxt_switches);
  json.Key("nonvoluntary_ctxt_switches").Uint(info.nonvoluntary_ctxt_switches);
  json.Key("minor_faults").Uint(info.minor_faults);
  json.Key("major_faults").Uint(info.major_faults);
  json.Key("oom_score_adj");
  if (info.oom_score_adj.has_value()) {
    json.Int(*info.oom_score_adj);
  } else {
    json.Null();
  }
  json.Key("cpus_allowed_list").String(info.cpus_allowed_list);
  json.EndObject();
  absl::StatusOr<std::string> out = std::move(json).Finish();
  std::printf("%s\n", out.ok() ? out->c_str() : "{}");
}

void WriteText(const ProcessInfo& info) {
  const ProcessEntry& e = info.entry;
  const ListHeader& sys = info.system;
  Line("PID", absl::StrCat(e.pid));
  Line("PPID", absl::StrCat(e.ppid));
  Line("Command", CommandText(e) + (e.args_truncated ? " ..." : ""));
  Line("Name", TerminalSafe(e.comm));
  Line("Executable", TerminalSafe(info.exe.empty() ? "-" : info.exe));
  Line("Working directory", TerminalSafe(info.cwd.empty() ? "-" : info.cwd));
  Line("Root", TerminalSafe(info.root.empty() ? "-" : info.root));
  Line("State", absl::StrCat(StatText(e), " (",
                             TerminalSafe(std::string(1, e.state)), ")"));
  Line("User",
       absl::StrCat(TerminalSafe(e.user), " (euid ", e.uid, ", ruid ", e.ruid,
                    ", suid ", info.suid, ", fsuid ", info.fsuid, ")"));
  Line("Group", absl::StrCat("egid ", e.gid, ", rgid ", e.rgid, ", sgid ",
                             info.sgid, ", fsgid ", info.fsgid));
  Line("TTY", TerminalSafe(e.tty.empty() ? "?" : e.tty));
  Line("Threads", absl::StrCat(e.threads));
  Line("Nice / priority", absl::StrCat(e.nice, " / ", e.priority));
  Line("Started",
       absl::StrCat(StartText(e.start_time_unix_ns, sys.now_unix_ns), " (unix ",
                    e.start_time_unix_ns / 1'000'000'000, ")"));
  Line("CPU time",
       absl::StrFormat("%s (%.1f%% CPU)", CpuTimeText(e.cpu_time_ns),
                       CpuPercent(e, sys)));
  Line("Memory", absl::StrFormat("VSZ %u kB, RSS %u kB (%.1f%% MEM)", e.vsz_kb,
                                 e.rss_kb, MemPercent(e, sys)));
  for (const MemoryField& f : kMemoryFields) {
    const std::optional<uint64_t>& v = info.*(f.field);
    if (v.has_value()) {
      Line(absl::StrCat("  ", f.label).c_str(), absl::StrCat(*v, " kB"));
    }
  }
  Line("Open files",
       info.fd_count.has_value() ? absl::StrCat(*info.fd_count) : "-");
  Line("Cgroup", TerminalSafe(info.cgroup.empty() ? "-" : info.cgroup));
  Line("Container", ContainerColumn(info.entry));
  if (info.entry.ns_level > 0) {
    Line("PID in namespace",
         absl::StrCat(
             info.entry.ns_pid, " (", info.entry.ns_level,
             info.entry.ns_level == 1 ? " level down)" : " levels down)"));
  }
  Line("Signals pending", Hex16(info.sig_pending));
  Line("Signals shared pend.", Hex16(info.sig_shared_pending));
  Line("Signals blocked", Hex16(info.sig_blocked));
  Line("Signals ignored", Hex16(info.sig_ignored));
  Line("Signals caught", Hex16(info.sig_caught));
  Line("Context switches",
       absl::StrCat(info.voluntary_ctxt_switches, " voluntary, ",
                    info.nonvoluntary_ctxt_switches, " involuntary"));
  Line("Page faults", absl::StrCat(info.minor_faults, " minor, ",
                                   info.major_faults, " major"));
  if (info.umask.has_value()) {
    Line("Umask", absl::StrFormat("%04o", *info.umask));
  }
  if (info.oom_score_adj.has_value()) {
    Line("OOM score adj", absl::StrCat(*info.oom_score_adj));
  }
  if (!info.cpus_allowed_list.empty()) {
    Line("CPUs allowed", TerminalSafe(info.cpus_allowed_list));
  }
}

int RunInfo(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  absl::StatusOr<ProcessInfo> info = (*connection)->client->GetProcessInfo(pid);
  if (!info.ok()) return FailWith(info.status());
  uint64_t budget = kMaxCommandLineBytes;
  if (absl::Status s =
          CompleteCommandLine(*(*connection)->client, &info->entry, &budget);
      !s.ok()) {
    return FailWith(s);
  }
  if (FLAGS_json) {
    WriteJson(*info);
  } else {
    WriteText(*info);
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command InfoCommand() {
  Command command;
  command.name = "info";
  command.summary = "Show one guest process in detail";
  command.usage = "[--mem-file=PATH] [--json] PID";
  command.help =
      "Shows everything the companion reports about one guest process: its "
      "ps columns plus /proc/PID/status memory fields (VmPeak, VmSize, "
      "VmRSS, VmSwap...), user and group ids, executable, working directory, "
      "open file count, cgroup, signal masks, context switches and page "
      "faults, and the whole command line (up to 1 MiB; a longer one is cut "
      "there and marked). --json uses the field names of `ps --json` plus "
      "the extra ones.\n\n"
      "Examples:\n"
      "  haywire info 1\n"
      "  haywire info --json 4242";
  command.flags = HostFlagNames();
  command.min_args = 1;
  command.max_args = 1;
  command.run = RunInfo;
  return command;
}

}  // namespace haywire
