// Copyright 2026 The Haywire Authors.

#include "haywire/format/process_format.h"

#include <time.h>

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "haywire/format/container.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;

// `line` (terminal-safe) cut to `width` columns; 0: not cut.
std::string Trim(std::string line, size_t width) {
  if (width > 0 && TerminalWidth(line) > width) {
    return TruncateToWidth(line, width);
  }
  return line;
}

}  // namespace

// procps shows per-mille values truncated, not rounded, to one decimal.
double TruncateToTenths(double pct) {
  return static_cast<double>(static_cast<int64_t>(pct * 10)) / 10;
}

double CpuPercent(const ProcessEntry& entry, const ListHeader& system) {
  // procps: pcpu = total CPU time / seconds since the process started.
  if (system.now_unix_ns <= entry.start_time_unix_ns) return 0.0;
  const double elapsed =
      static_cast<double>(system.now_unix_ns - entry.start_time_unix_ns);
  const double pct = 100.0 * static_cast<double>(entry.cpu_time_ns) / elapsed;
  return TruncateToTenths(std::min(pct, 999.9));
}

double MemPercent(const ProcessEntry& entry, const ListHeader& system) {
  if (system.mem_total_kb == 0) return 0.0;
  return TruncateToTenths(std::min(100.0 * static_cast<double>(entry.rss_kb) /
                                       static_cast<double>(system.mem_total_kb),
                                   100.0));
}

std::string StatText(const ProcessEntry& e) {
  std::string stat(1, e.state);
  if (e.nice < 0) stat += '<';
  if (e.nice > 0) stat += 'N';
  if (e.has_locked_memory) stat += 'L';
  if (e.session_leader) stat += 's';
  if (e.multithreaded) stat += 'l';
  if (e.foreground) stat += '+';
  return TerminalSafe(stat);
}

std::string StartText(uint64_t start_unix_ns, uint64_t now_unix_ns) {
  const time_t start = static_cast<time_t>(start_unix_ns / kNsPerSecond);
  const time_t now = static_cast<time_t>(now_unix_ns / kNsPerSecond);
  struct tm start_tm;
  struct tm now_tm;
  localtime_r(&start, &start_tm);
  localtime_r(&now, &now_tm);
  char buf[32];
  if (now - start < 24 * 60 * 60) {
    strftime(buf, sizeof(buf), "%H:%M", &start_tm);
  } else if (start_tm.tm_year == now_tm.tm_year) {
    strftime(buf, sizeof(buf), "%b%d", &start_tm);
  } else {
    strftime(buf, sizeof(buf), "%Y", &start_tm);
  }
  return buf;
}

std::string CpuTimeText(uint64_t cpu_time_ns) {
  const uint64_t seconds = cpu_time_ns / kNsPerSecond;
  return absl::StrFormat("%u:%02u", seconds / 60, seconds % 60);
}

std::string CommandText(const ProcessEntry& entry) {
  if (entry.args.empty())
    return TerminalSafe(absl::StrCat("[", entry.comm, "]"));
  return TerminalSafe(absl::StrJoin(entry.args, " "));
}

absl::Status SortProcesses(absl::string_view key, const ListHeader& system,
                           std::vector<ProcessEntry>* processes) {
  bool descending = false;
  if (!key.empty() && (key[0] == '-' || key[0] == '+')) {
    descending = key[0] == '-';
    key.remove_prefix(1);
  }
  using Less = std::function<bool(const ProcessEntry&, const ProcessEntry&)>;
  Less less;
  if (key == "pid") {
    less = [](const auto& a, const auto& b) { return a.pid < b.pid; };
  } else if (key == "ppid") {
    less = [](const auto& a, const auto& b) { return a.ppid < b.ppid; };
  } else if (key == "uid") {
    less = [](const auto& a, const auto& b) { return a.uid < b.uid; };
  } else if (key == "user") {
    less = [](const auto& a, const auto& b) { return a.user < b.user; };
  } else if (key == "cpu" || key == "pcpu" || key == "%cpu") {
    less = [&system](const auto& a, const auto& b) {
      return CpuPercent(a, system) < CpuPercent(b, system);
    };
  } else if (key == "mem" || key == "pmem" || key == "%mem" || key == "rss") {
    less = [](const auto& a, const auto& b) { return a.rss_kb < b.rss_kb; };
  } else if (key == "vsz") {
    less = [](const auto& a, const auto& b) { return a.vsz_kb < b.vsz_kb; };
  } else if (key == "start" || key == "start_time") {
    less = [](const auto& a, const auto& b) {
      return a.start_time_unix_ns < b.start_time_unix_ns;
    };
  } else if (key == "time" || key == "cputime") {
    less = [](const auto& a, const auto& b) {
      return a.cpu_time_ns < b.cpu_time_ns;
    };
  } else if (key == "comm" || key == "command") {
    less = [](const auto& a, const auto& b) { return a.comm < b.comm; };
  } else if (key == "state" || key == "stat") {
    less = [](const auto& a, const auto& b) { return a.state < b.state; };
  } else if (key == "tty") {
    less = [](const auto& a, const auto& b) { return a.tty < b.tty; };
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown sort key '", key,
        "'; use pid, ppid, uid, user, cpu, mem, rss, vsz, start, time, comm, "
        "state or tty, with - for descending"));
  }
  std::stable_sort(processes->begin(), processes->end(),
                   [&](const ProcessEntry& a, const ProcessEntry& b) {
                     if (less(a, b)) return !descending;
                     if (less(b, a)) return descending;
                     return a.pid < b.pid;
                   });
  return absl::OkStatus();
}

std::string PsTable(const std::vector<ProcessEntry>& processes,
                    const ListHeader& system, size_t width,
                    bool with_container) {
  constexpr size_t kContainerWidth = 25;
  std::string out = Trim(
      absl::StrCat(
          "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME ",
          with_container ? PadToWidth("CONTAINER", kContainerWidth) + " " : "",
          "COMMAND"),
      width);
  out += '\n';
  for (const ProcessEntry& e : processes) {
    // Widths in columns, not bytes: guest text may be UTF-8 or escapes.
    const std::string user = PadToWidth(FitToWidth(TerminalSafe(e.user), 8), 8);
    const std::string tty =
        PadToWidth(TerminalSafe(e.tty.empty() ? "?" : e.tty), 8);
    const std::string stat = PadToWidth(StatText(e), 4);
    const std::string container =
        with_container
            ? PadToWidth(FitToWidth(ContainerColumn(e), kContainerWidth),
                         kContainerWidth) +
                  " "
            : "";
    std::string line = absl::StrFormat(
        "%s %7u %4.1f %4.1f %6u %5u %s %s %5s %6s %s%s", user, e.pid,
        CpuPercent(e, system), MemPercent(e, system), e.vsz_kb, e.rss_kb, tty,
        stat, StartText(e.start_time_unix_ns, system.now_unix_ns),
        CpuTimeText(e.cpu_time_ns), container, CommandText(e));
    out += Trim(std::move(line), width);
    out += '\n';
  }
  return out;
}

void WriteProcessJsonFields(const ProcessEntry& e, const ListHeader& system,
                            JsonWriter* json,
                            std::optional<double> cpu_percent) {
  json->Key("pid").Uint(e.pid);
  json->Key("ppid").Uint(e.ppid);
  json->Key("uid").Uint(e.uid);
  json->Key("gid").Uint(e.gid);
  json->Key("ruid").Uint(e.ruid);
  json->Key("rgid").Uint(e.rgid);
  json->Key("user").String(e.user);
  json->Key("state").String(std::string(1, e.state));
  json->Key("stat").String(StatText(e));
  json->Key("comm").String(e.comm);
  json->Key("args").BeginArray();
  for (const std::string& arg : e.args) json->String(arg);
  json->EndArray();
  json->Key("args_truncated").Bool(e.args_truncated);
  json->Key("threads").Uint(e.threads);
  json->Key("nice").Int(e.nice);
  json->Key("priority").Int(e.priority);
  json->Key("tty").String(e.tty);
  json->Key("vsz_kb").Uint(e.vsz_kb);
  json->Key("rss_kb").Uint(e.rss_kb);
  json->Key("shr_kb").Uint(e.shr_kb);
  json->Key("start_time").Uint(e.start_time_unix_ns / kNsPerSecond);
  json->Key("start_time_unix_ns").Uint(e.start_time_unix_ns);
  json->Key("cpu_time_ms").Uint(e.cpu_time_ns / 1'000'000);
  json->Key("cpu_percent")
      .Double(cpu_percent.has_value() ? *cpu_percent : CpuPercent(e, system));
  json->Key("mem_percent").Double(MemPercent(e, system));
  json->Key("cgroup").String(e.cgroup);
  if (const std::optional<Container> c = ContainerOf(e.cgroup)) {
    json->Key("container").BeginObject();
    json->Key("runtime").String(c->runtime);
    json->Key("id").String(c->id);
    if (!c->pod.empty()) json->Key("pod").String(c->pod);
    json->EndObject();
  } else {
    json->Key("container").Null();
  }
  json->Key("ns_pid").Uint(e.ns_pid);
  json->Key("ns_level").Uint(e.ns_level);
}

std::string ContainerColumn(const ProcessEntry& e) {
  const std::optional<Container> c = ContainerOf(e.cgroup);
  return c.has_value() ? TerminalSafe(ContainerText(*c)) : "-";
}

}  // namespace haywire
