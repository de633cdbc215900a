// Copyright 2026 The Haywire Authors.

#include "haywire/watch/frame_text.h"

#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "haywire/format/process_format.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;

double Mib(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

std::string ClockText(uint64_t unix_ns) {
  const time_t t = static_cast<time_t>(unix_ns / kNsPerSecond);
  struct tm tm;
  localtime_r(&t, &tm);
  char buffer[16];
  strftime(buffer, sizeof(buffer), "%H:%M:%S", &tm);
  return buffer;
}

}  // namespace

std::string UptimeText(uint64_t uptime_ns) {
  const uint64_t seconds = uptime_ns / kNsPerSecond;
  const uint64_t days = seconds / 86400;
  const uint64_t hours = seconds / 3600 % 24;
  const uint64_t minutes = seconds / 60 % 60;
  std::string text = "up ";
  if (days > 0) absl::StrAppend(&text, days, days == 1 ? " day, " : " days, ");
  if (hours > 0) {
    absl::StrAppendFormat(&text, "%2u:%02u", hours, minutes);
  } else {
    absl::StrAppend(&text, minutes, " min");
  }
  return text;
}

std::string TimePlusText(uint64_t cpu_time_ns) {
  const uint64_t hundredths = cpu_time_ns / (kNsPerSecond / 100);
  const uint64_t minutes = hundredths / 6000;
  std::string text = absl::StrFormat("%u:%02u.%02u", minutes,
                                     hundredths / 100 % 60, hundredths % 100);
  if (text.size() <= 9) return text;
  return absl::StrFormat("%u:%02u", minutes / 60, minutes % 60);
}

std::string ScaledKib(uint64_t kib, size_t width) {
  std::string plain = absl::StrCat(kib);
  if (plain.size() <= width) return plain;
  static constexpr char kSuffixes[] = {'m', 'g', 't', 'p', 'e'};
  double value = static_cast<double>(kib);
  for (const char suffix : kSuffixes) {
    value /= 1024;
    std::string text = absl::StrFormat("%.1f%c", value, suffix);
    if (text.size() <= width) return text;
    text = absl::StrFormat("%.0f%c", value, suffix);
    if (text.size() <= width) return text;
  }
  return std::string(width, '+');
}

std::string PriorityText(int32_t priority) {
  if (priority == -100) return "rt";
  return absl::StrCat(priority);
}

std::vector<std::string> TopSummaryLines(const Frame& frame) {
  const SystemSummary& s = frame.summary;
  std::vector<std::string> lines;
  lines.push_back(absl::StrFormat(
      "top - %s %s,  load average: %.2f, %.2f, %.2f", ClockText(s.now_unix_ns),
      UptimeText(s.uptime_ns), s.load_average_milli[0] / 1000.0,
      s.load_average_milli[1] / 1000.0, s.load_average_milli[2] / 1000.0));
  lines.push_back(absl::StrFormat(
      "Tasks: %3u total, %3u running, %3u sleeping, %3u stopped, %3u zombie",
      s.tasks_total, s.tasks_running, s.tasks_sleeping, s.tasks_stopped,
      s.tasks_zombie));
  const CpuSplit& c = frame.cpu;
  lines.push_back(absl::StrFormat(
      "%%Cpu(s): %4.1f us, %4.1f sy, %4.1f ni, %4.1f id, %4.1f wa, %4.1f hi, "
      "%4.1f si, %4.1f st",
      c.user, c.system, c.nice, c.idle, c.iowait, c.irq, c.softirq, c.steal));
  const uint64_t buff_cache = s.buffers_kb + s.cached_kb;
  const uint64_t used =
      s.mem_total_kb - std::min(s.mem_available_kb, s.mem_total_kb);
  lines.push_back(absl::StrFormat(
      "MiB Mem : %8.1f total, %8.1f free, %8.1f used, %8.1f buff/cache",
      Mib(s.mem_total_kb), Mib(s.mem_free_kb), Mib(used), Mib(buff_cache)));
  lines.push_back(absl::StrFormat(
      "MiB Swap: %8.1f total, %8.1f free, %8.1f used. %8.1f avail Mem",
      Mib(s.swap_total_kb), Mib(s.swap_free_kb),
      Mib(s.swap_total_kb - std::min(s.swap_free_kb, s.swap_total_kb)),
      Mib(s.mem_available_kb)));
  return lines;
}

int PidWidth(const Frame& frame) {
  uint32_t largest = 0;
  for (const FrameRow& row : frame.rows) {
    largest = std::max(largest, row.entry.pid);
  }
  return std::max<int>(5, static_cast<int>(absl::StrCat(largest).size()));
}

std::string TopColumnHeading(int pid_width) {
  return absl::StrFormat(
      "%*s USER      PR  NI    VIRT    RES    SHR S  %%CPU  %%MEM     TIME+ "
      "COMMAND",
      pid_width, "PID");
}

std::string TopRow(const FrameRow& row, int pid_width, bool full_command) {
  const ProcessEntry& e = row.entry;
  // Widths in columns, not bytes: guest text may be UTF-8 or escapes.
  const std::string user = PadToWidth(FitToWidth(TerminalSafe(e.user), 8), 8);
  const std::string command =
      full_command ? CommandText(e) : TerminalSafe(e.comm);
  const std::string state = TerminalSafe(std::string(1, e.state));
  const std::string cpu = row.cpu_percent >= 999.95
                              ? absl::StrFormat("%5.0f", row.cpu_percent)
                              : absl::StrFormat("%5.1f", row.cpu_percent);
  return absl::StrFormat("%*u %s %3s %3d %7s %6s %6s %s %s %5.1f %9s %s",
                         pid_width, e.pid, user, PriorityText(e.priority),
                         e.nice, ScaledKib(e.vsz_kb, 7), ScaledKib(e.rss_kb, 6),
                         ScaledKib(e.shr_kb, 6), state, cpu, row.mem_percent,
                         TimePlusText(e.cpu_time_ns), command);
}

std::string TopBatchText(const Frame& frame, const ViewOrder& order) {
  std::string out = absl::StrJoin(TopSummaryLines(frame), "\n");
  const int pid_width = PidWidth(frame);
  absl::StrAppend(&out, "\n\n", TopColumnHeading(pid_width), "\n");
  std::vector<FrameRow> rows;
  for (const FrameRow& row : frame.rows) {
    // Batch output lists the guest's processes, like top -b: exited ones
    // are reported only in JSON (exited_pids).
    if (row.change != ProcessChange::Kind::kExited) rows.push_back(row);
  }
  ApplyViewOrder(order, &rows);
  for (const FrameRow& row : rows) {
    absl::StrAppend(&out, TopRow(row, pid_width, /*full_command=*/false), "\n");
  }
  out += "\n";
  return out;
}

}  // namespace haywire
