// Copyright 2026 The Haywire Authors.
//
// Request and response payloads: what travels in a slot's payload bytes.
//
// Payloads are sequences of records in the TLV wire format of wire_format.h,
// so either side can add fields without breaking the other, and a decoder can
// bound-check everything it reads. This file defines the C++ view of each
// message and the Encode/Decode pair for it. Decoders never trust their
// input: every count, length and string is validated, strings are bounded,
// and a malformed payload is an error, never a crash or a partial object
// used as if complete.
//
//   LIST_PROCESSES      request: ListProcessesRequest
//                       response: ListHeader record, then ProcessEntry records
//   CONTINUE_ITERATION  request: IteratorRequest; response as LIST_PROCESSES
//                       (no ListHeader)
//   CANCEL_ITERATION    request: IteratorRequest; response: empty
//   GET_PROCESS_INFO    request: ProcessInfoRequest; response: ProcessInfo
//   GET_SYSTEM_SUMMARY  request empty; response: SystemSummary
//   PING                request and response empty
#ifndef HAYWIRE_PROTOCOL_MESSAGES_H_
#define HAYWIRE_PROTOCOL_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

// Bounds every decoder enforces (and every encoder respects).
inline constexpr size_t kMaxNameBytes = 256;   // comm, user, tty, cgroup...
inline constexpr size_t kMaxPathBytes = 1024;  // exe, cwd
// A command line is cut (args_truncated) to at most kMaxArgs arguments and
// kMaxArgsBytes of encoded fields (each argument costs its length plus an
// 8-byte field header), so the largest entry still fits a response page.
inline constexpr size_t kMaxArgsBytes = 2048;
inline constexpr size_t kMaxArgs = 256;

// One process, as `ps aux` shows it.
struct ProcessEntry {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  // Ids as procps shows them: uid/gid (and USER) are the effective ids,
  // ruid/rgid the real ones.
  uint32_t uid = 0;   // effective
  uint32_t gid = 0;   // effective
  uint32_t ruid = 0;  // real
  uint32_t rgid = 0;  // real
  std::string user;   // name of uid, or the number when unknown
  char state = '?';   // R S D Z T t X I ... from /proc/PID/stat
  uint32_t threads = 0;
  int32_t nice = 0;
  int32_t priority = 0;             // /proc/PID/stat priority field
  uint32_t tty_nr = 0;              // device number; 0 = no terminal
  std::string tty;                  // "pts/0", "tty1", or "?" when none
  uint64_t start_time_unix_ns = 0;  // guest wall clock
  uint64_t cpu_time_ns = 0;         // utime + stime
  uint64_t vsz_kb = 0;
  uint64_t rss_kb = 0;
  // top's SHR: resident shared pages (/proc/PID/statm field 3) in KiB; 0
  // when the companion did not report it (older companions).
  uint64_t shr_kb = 0;
  std::string comm;
  std::vector<std::string> args;   // empty for kernel threads
  bool args_truncated = false;     // cut to fit kMaxArgsBytes / kMaxArgs
  bool session_leader = false;     // for STAT's "s"
  bool foreground = false;         // for STAT's "+"
  bool multithreaded = false;      // for STAT's "l"
  bool has_locked_memory = false;  // for STAT's "L"
};

// Sent once per listing, before the first entry: what a host needs to derive
// ps's %CPU and %MEM and START.
struct ListHeader {
  uint64_t now_unix_ns = 0;        // guest wall clock at the snapshot
  uint64_t boot_time_unix_ns = 0;  // guest boot (from /proc/stat btime)
  uint64_t uptime_ns = 0;          // guest CLOCK_BOOTTIME at the snapshot
  uint64_t mem_total_kb = 0;
  uint32_t total_processes = 0;  // in the snapshot
};

// /proc/PID/status and friends, for `haywire info`.
struct ProcessInfo {
  ProcessEntry entry;
  ListHeader system;  // for %CPU, %MEM, START
  // Memory, in kB (absent when the kernel does not report it).
  std::optional<uint64_t> vm_peak_kb, vm_size_kb, vm_lck_kb, vm_pin_kb,
      vm_hwm_kb, vm_rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb, vm_data_kb,
      vm_stk_kb, vm_exe_kb, vm_lib_kb, vm_pte_kb, vm_swap_kb;
  uint32_t euid = 0, suid = 0, fsuid = 0;
  uint32_t egid = 0, sgid = 0, fsgid = 0;
  std::optional<uint32_t> umask;
  std::string exe;  // readlink /proc/PID/exe ("" when not readable)
  std::string cwd;
  std::string root;
  std::optional<uint32_t> fd_count;  // absent when /proc/PID/fd unreadable
  std::string cgroup;                // /proc/PID/cgroup, first line
  uint64_t sig_pending = 0, sig_shared_pending = 0, sig_blocked = 0,
           sig_ignored = 0, sig_caught = 0;
  uint64_t voluntary_ctxt_switches = 0, nonvoluntary_ctxt_switches = 0;
  uint64_t minor_faults = 0, major_faults = 0;
  std::optional<int32_t> oom_score_adj;
  std::string cpus_allowed_list;
};

// What `top` shows above its process table, read by the companion at one
// moment: GET_SYSTEM_SUMMARY's answer. Cumulative counters (cpu) are
// meaningful as differences between two summaries of one boot; the clocks
// say how far apart two summaries are in guest time, which the host must
// use instead of its own clock (the guest may be paused or slowed).
struct CpuTimes {
  // /proc/stat's first "cpu" line, in clock ticks (see clock_ticks_per_second),
  // summed over all CPUs. Fields an older kernel does not print are 0.
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
           softirq = 0, steal = 0;
};

struct SystemSummary {
  std::string hostname;        // uname nodename, at most kMaxNameBytes
  std::string kernel_release;  // uname release, at most kMaxNameBytes
  uint64_t uptime_ns = 0;      // /proc/uptime (first number)
  // /proc/loadavg's 1, 5 and 15 minute averages, in thousandths (0.52 ->
  // 520); at most kMaxLoadAverageMilli.
  uint64_t load_average_milli[3] = {0, 0, 0};
  // Processes (not threads) by state, as top's "Tasks:" line counts them:
  // running R; sleeping S, D and I; stopped T and t; zombie Z. The four
  // never add up to more than total.
  uint32_t tasks_total = 0;
  uint32_t tasks_running = 0;
  uint32_t tasks_sleeping = 0;
  uint32_t tasks_stopped = 0;
  uint32_t tasks_zombie = 0;
  CpuTimes cpu;
  uint64_t clock_ticks_per_second = 0;  // in [1, kMaxClockTicksPerSecond]
  uint32_t cpu_count = 0;               // "cpuN" lines; in [1, kMaxCpus]
  // /proc/meminfo, in kB. cached_kb is Cached + SReclaimable, which top
  // adds to Buffers for its "buff/cache". mem_available_kb is MemFree on
  // kernels without MemAvailable.
  uint64_t mem_total_kb = 0;
  uint64_t mem_free_kb = 0;
  uint64_t mem_available_kb = 0;
  uint64_t buffers_kb = 0;
  uint64_t cached_kb = 0;
  uint64_t swap_total_kb = 0;
  uint64_t swap_free_kb = 0;
  // Guest clocks when the summary was read.
  uint64_t now_unix_ns = 0;   // CLOCK_REALTIME
  uint64_t monotonic_ns = 0;  // CLOCK_MONOTONIC
  uint64_t boottime_ns = 0;   // CLOCK_BOOTTIME (counts suspend)
};

// Bounds SystemSummary's decoder enforces beyond the string limits.
inline constexpr uint64_t kMaxLoadAverageMilli = 1'000'000'000;
inline constexpr uint64_t kMaxClockTicksPerSecond = 1'000'000;
inline constexpr uint32_t kMaxCpus = 1u << 16;

// ---- Requests ---------------------------------------------------------------

struct ProcessInfoRequest {
  uint32_t pid = 0;
};

struct IteratorRequest {
  uint64_t iterator_id = 0;
};

std::string EncodeProcessInfoRequest(const ProcessInfoRequest& request);
absl::StatusOr<ProcessInfoRequest> DecodeProcessInfoRequest(
    absl::string_view payload);

std::string EncodeIteratorRequest(const IteratorRequest& request);
absl::StatusOr<IteratorRequest> DecodeIteratorRequest(
    absl::string_view payload);

// ---- Responses --------------------------------------------------------------

class WireWriter;

// Appends a record to `writer`; returns false, writing nothing, if it does
// not fit.
bool EncodeListHeader(const ListHeader& header, WireWriter* writer);
bool EncodeProcessEntry(const ProcessEntry& entry, WireWriter* writer);

// One response of a listing: the header (first chunk only) and entries.
struct ListChunk {
  std::optional<ListHeader> header;
  std::vector<ProcessEntry> entries;
};
absl::StatusOr<ListChunk> DecodeListChunk(absl::string_view payload);

bool EncodeProcessInfo(const ProcessInfo& info, WireWriter* writer);
absl::StatusOr<ProcessInfo> DecodeProcessInfo(absl::string_view payload);

bool EncodeSystemSummary(const SystemSummary& summary, WireWriter* writer);
// Fails (DataLoss) unless the payload holds exactly one summary whose
// fields are within the bounds above and consistent (free <= total, task
// counts within the total, a nonzero tick rate and CPU count).
absl::StatusOr<SystemSummary> DecodeSystemSummary(absl::string_view payload);

// Error responses (status != kOk) may carry one human-readable line.
inline constexpr size_t kMaxErrorMessageBytes = 256;
std::string EncodeErrorMessage(absl::string_view message);
// The message, or "" if the payload holds none (or is malformed).
std::string DecodeErrorMessage(absl::string_view payload);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGES_H_
