// Copyright 2026 The Haywire Authors.
//
// How guest processes are shown: the columns of `ps aux` and their meanings
// (procps), computed from what the companion reports, plus the JSON fields
// `ps --json` and `info --json` share.
//
// Ids as procps shows them: USER is the name of the effective uid, and
// ProcessEntry's uid/gid (JSON "uid", "gid", sort key uid) are the effective
// ids; ruid/rgid (JSON "ruid", "rgid") are the real ones.
//
// Everything shown comes from the guest and may be hostile: text output
// goes through TerminalSafe (haywire/util/terminal_text.h: control
// characters, bidi controls and invalid UTF-8 shown as escapes, so a process
// name cannot move the cursor or clear the screen) and columns are counted
// in terminal columns; JSON escapes them (haywire/util/json_writer.h).
#ifndef HAYWIRE_FORMAT_PROCESS_FORMAT_H_
#define HAYWIRE_FORMAT_PROCESS_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/messages.h"
#include "haywire/util/json_writer.h"

namespace haywire {

// ps's %CPU: CPU time over the time since the process started, in percent.
double CpuPercent(const ProcessEntry& entry, const ListHeader& system);
// ps's %MEM: resident set over physical memory, in percent.
double MemPercent(const ProcessEntry& entry, const ListHeader& system);
// ps's STAT: state letter plus <, N, L, s, l, + as procps derives them.
std::string StatText(const ProcessEntry& entry);
// ps's START: HH:MM within 24 hours, MonDD within the year, else the year,
// in the host's local time zone.
std::string StartText(uint64_t start_unix_ns, uint64_t now_unix_ns);
// ps aux's TIME: cumulative CPU time as M:SS.
std::string CpuTimeText(uint64_t cpu_time_ns);
// The command line as ps prints it ("[comm]" for kernel threads),
// terminal-safe.
std::string CommandText(const ProcessEntry& entry);

// Sort keys of `ps --sort`: pid ppid user uid cpu mem vsz rss start time comm
// state tty, each optionally prefixed with '-' for descending or '+'.
absl::Status SortProcesses(absl::string_view key, const ListHeader& system,
                           std::vector<ProcessEntry>* processes);

// The `ps aux` table (header and one line per process). `width` 0 means do
// not cut lines (not a terminal). `with_container` adds a CONTAINER column
// before COMMAND (ContainerColumn).
std::string PsTable(const std::vector<ProcessEntry>& processes,
                    const ListHeader& system, size_t width,
                    bool with_container = false);

// The process's container as ps shows it ("docker:0123456789ab",
// "nginx.service"; haywire/format/container.h), "-" for none; terminal-safe.
std::string ContainerColumn(const ProcessEntry& entry);

// The JSON fields of one process (inside an object the caller opened),
// including "cgroup", "container" ({"runtime","id","pod"} or null) and
// "ns_pid"/"ns_level".
// `cpu_percent`, when given, replaces ps's lifetime %CPU (watch passes
// top's %CPU over the last interval) so both commands share field names.
void WriteProcessJsonFields(const ProcessEntry& entry, const ListHeader& system,
                            JsonWriter* json,
                            std::optional<double> cpu_percent = std::nullopt);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_PROCESS_FORMAT_H_
