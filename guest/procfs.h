// Copyright 2026 The Haywire Authors.
//
// ProcFs: the guest's processes, read from procfs, as the companion reports
// them to the host.
//
// The host turns a ProcessEntry into the columns of `ps aux` (USER PID %CPU
// %MEM VSZ RSS TTY STAT START TIME COMMAND) and a ProcessInfo into `haywire
// info`, so every field here carries the meaning procps gives it: VSZ and RSS
// in KiB, START and TIME from the start time and utime+stime, the STAT
// modifiers from the flags of ProcessEntry, USER and ProcessEntry::uid/gid
// the effective ids (the second column of status's Uid:/Gid: lines) and
// ruid/rgid the real ones (the first column). The companion is linked
// statically, so nothing here uses NSS: user names come from parsing the
// passwd file directly.
//
// Consistency. Processes exit while they are being read, and their pids are
// reused. ProcFs opens /proc/PID once and reads every file relative to that
// directory, which the kernel ties to the process rather than to the number:
// once the process is reaped every read through it fails with ENOENT or ESRCH,
// and a new process with the same pid is never mixed in. Any such failure of
// a file that a process always has (stat, status, cmdline) makes the whole
// read NotFound; an entry is never assembled from a partial read.
//
// Distrust. The files are parsed as untrusted input (a fake proc_root, a
// hostile guest kernel module, a test fixture): sizes are capped, every
// number is range-checked, and a malformed file makes that one process
// unreadable (DataLoss naming the pid and file) instead of producing garbage.
// Strings are cut to the bounds of haywire/protocol/messages.h.
//
// Example:
//
//   haywire::ProcFs procfs("/proc", "/etc/passwd");
//   absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
//   if (!pids.ok()) return pids.status();
//   for (uint32_t pid : *pids) {
//     absl::StatusOr<haywire::ProcessEntry> entry = procfs.ReadProcess(pid);
//     if (absl::IsNotFound(entry.status())) continue;  // exited meanwhile
//     ...
//   }
//
// Thread-safe: all methods are const and may be called concurrently. The
// passwd file is read once, on first use, and kept for the ProcFs's
// lifetime; users added later show as numbers until a new ProcFs is made.
#ifndef GUEST_PROCFS_H_
#define GUEST_PROCFS_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace internal {
struct StatFields;
struct StatusFields;
}  // namespace internal

// Kernel constants that turn procfs units into ProcessEntry units. Tests set
// them so fixtures do not depend on the machine running the test.
struct ProcFsConstants {
  uint64_t clock_ticks_per_second = 0;  // sysconf(_SC_CLK_TCK) when 0
  uint64_t page_size = 0;               // sysconf(_SC_PAGESIZE) when 0
};

// What ProcFs::ReadProcessTableStamp() returns: the kernel's thread count
// and the last pid it handed out.
struct ProcessTableStamp {
  uint64_t threads = 0;
  uint64_t last_pid = 0;
  friend bool operator==(const ProcessTableStamp&,
                         const ProcessTableStamp&) = default;
};

class ProcFs {
 public:
  // `proc_root` is where procfs is mounted ("/proc"); `passwd_path` is the
  // passwd file for user names ("/etc/passwd"). Neither is touched here.
  ProcFs(std::string proc_root, std::string passwd_path);
  ProcFs(std::string proc_root, std::string passwd_path,
         ProcFsConstants constants);

  ProcFs(const ProcFs&) = delete;
  ProcFs& operator=(const ProcFs&) = delete;

  // The pids of all processes (thread group leaders): the numeric entries of
  // proc_root, ascending.
  absl::StatusOr<std::vector<uint32_t>> ListPids() const;

  // One process, from /proc/PID/{stat,status,cmdline} and, when present,
  // statm (for shr_kb).
  //
  // Errors: NotFound when the process does not exist or vanished while being
  // read; PermissionDenied when procfs hides it (hidepid); DataLoss when a
  // file is malformed (the message names the pid and the file);
  // FailedPrecondition when <proc_root>/stat (for btime) is missing.
  absl::StatusOr<ProcessEntry> ReadProcess(uint32_t pid) const;

  // ReadProcess() plus the rest of status, the exe/cwd/root links, the open
  // file descriptor count (entries of /proc/PID/fd), cgroup, fault counts,
  // oom_score_adj, and ReadSystem().
  // Links and files that cannot be read (kernel threads have no exe, other
  // users' links need privileges) are left empty; the process is checked to
  // be still alive after they were read, so a vanished process is NotFound
  // rather than an entry with empty fields. Errors as ReadProcess().
  absl::StatusOr<ProcessInfo> ReadProcessInfo(uint32_t pid) const;

  // The system-wide numbers for a listing, from <proc_root>/{stat,uptime,
  // meminfo} and CLOCK_REALTIME. total_processes is left 0 for the caller.
  // Errors: FailedPrecondition when a file is missing, DataLoss when one is
  // malformed.
  absl::StatusOr<ListHeader> ReadSystem() const;

  // top's header: <proc_root>/{stat,loadavg,meminfo,uptime}, the state of
  // every process (for the "Tasks:" counts; processes that vanish while
  // being counted are left out), and the guest's clocks. hostname and
  // kernel_release are left empty for the caller (they come from uname,
  // not procfs). Errors: FailedPrecondition when a file is missing,
  // DataLoss when one is malformed.
  absl::StatusOr<SystemSummary> ReadSystemSummary() const;

  // What changes whenever a thread or process starts or is reaped, from
  // <proc_root>/loadavg: the kernel's thread count and the last pid it
  // handed out. One small read instead of listing every pid: an unchanged
  // stamp means no pid came or went (a start moves last_pid, a reap without
  // a start lowers the count). Errors: FailedPrecondition when the file is
  // missing, DataLoss when it is malformed.
  absl::StatusOr<ProcessTableStamp> ReadProcessTableStamp() const;

 private:
  // <proc_root>/<name> whole (at most kMaxSystemFileBytes). A missing file
  // is FailedPrecondition, not NotFound (which means "this process is
  // gone").
  absl::StatusOr<std::string> ReadSystemFile(absl::string_view name) const;
  // DataLoss for malformed contents of <proc_root>/<name>, with `status`'s
  // detail.
  absl::Status MalformedSystemFile(absl::string_view name,
                                   const absl::Status& status) const;

  // The name of `uid`, or its decimal number when passwd does not have it.
  std::string UserName(uint32_t uid) const;

  // /proc/stat's btime, re-read when the cached value is older than a
  // second: reading /proc/stat for each of a thousand processes would cost
  // more than the rest of a listing, but btime does move when the guest's
  // clock is stepped (NTP, resume), so it is not cached for good.
  absl::StatusOr<uint64_t> BootTimeSeconds() const;
  absl::StatusOr<uint64_t> ReadBootTimeSeconds() const;

  // The entry of the process whose /proc/PID directory is open as `dir_fd`,
  // and the parsed stat and status it came from (for ReadProcessInfo).
  absl::StatusOr<ProcessEntry> ReadEntryAt(
      int dir_fd, uint32_t pid, internal::StatFields* stat,
      internal::StatusFields* status) const;

  const std::string proc_root_;
  const std::string passwd_path_;
  const ProcFsConstants constants_;

  // uid → name, filled on first use (std::call_once rather than a lock held
  // on every lookup; the map is read-only afterwards).
  mutable std::once_flag users_once_;
  mutable absl::flat_hash_map<uint32_t, std::string> users_;

  mutable std::mutex boot_time_mu_;
  mutable bool boot_time_valid_ = false;       // guarded by boot_time_mu_
  mutable uint64_t boot_time_seconds_ = 0;     // guarded by boot_time_mu_
  mutable uint64_t boot_time_read_at_ns_ = 0;  // CLOCK_MONOTONIC; ditto
};

// Parsing, exposed for tests. Each function takes a file's whole contents
// and returns DataLoss, with a message naming the field, when they are
// malformed; callers add the pid and the file name.
namespace internal {

// The fields of /proc/PID/stat that ProcessEntry and ProcessInfo need. Field
// numbers are those of proc(5).
struct StatFields {
  uint32_t pid = 0;          // (1)
  std::string comm;          // (2) raw: may hold spaces, ')' and '\n'
  char state = '?';          // (3)
  uint32_t ppid = 0;         // (4)
  int32_t pgrp = 0;          // (5)
  int32_t session = 0;       // (6)
  uint32_t tty_nr = 0;       // (7) as the kernel encodes dev_t
  int32_t tpgid = -1;        // (8) -1 without a controlling terminal
  uint64_t minflt = 0;       // (10)
  uint64_t majflt = 0;       // (12)
  uint64_t utime = 0;        // (14) clock ticks
  uint64_t stime = 0;        // (15) clock ticks
  int32_t priority = 0;      // (18)
  int32_t nice = 0;          // (19)
  uint32_t num_threads = 0;  // (20)
  uint64_t starttime = 0;    // (22) clock ticks after boot
  uint64_t vsize = 0;        // (23) bytes
  uint64_t rss = 0;          // (24) pages
};

// The state letter of a /proc/PID/stat (the first field after the last
// ')'); cheaper than ParseStat for counting tasks.
absl::StatusOr<char> ParseStatState(absl::string_view contents);

// /proc/PID/statm's third field (resident shared pages).
absl::StatusOr<uint64_t> ParseStatmSharedPages(absl::string_view contents);

// /proc/stat's aggregate "cpu" line (at least user nice system idle; later
// fields an older kernel lacks are 0) and the number of "cpuN" lines.
struct StatCpu {
  CpuTimes total;
  uint32_t cpu_count = 0;
};
absl::StatusOr<StatCpu> ParseStatCpu(absl::string_view contents);

// /proc/loadavg ("0.52 1.58 12.59 1/467 12345") -> the three averages in
// thousandths, each at most kMaxLoadAverageMilli.
absl::StatusOr<std::array<uint64_t, 3>> ParseLoadAverage(
    absl::string_view contents);

// The fourth and fifth fields of /proc/loadavg ("0.52 1.58 12.59 1/467
// 12345"): 467 threads, last pid 12345.
absl::StatusOr<ProcessTableStamp> ParseProcessTableStamp(
    absl::string_view contents);

// /proc/meminfo -> SystemSummary's memory fields. MemTotal and MemFree are
// required; MemAvailable falls back to MemFree (kernels before 3.14); the
// others default to 0. Fails when free or available exceeds the total.
absl::Status ParseMeminfoSummary(absl::string_view contents,
                                 SystemSummary* summary);

// Parses /proc/PID/stat. comm is everything between the first '(' and the
// LAST ')', because comm itself may contain ") (" or a newline and the
// kernel does not escape it.
absl::StatusOr<StatFields> ParseStat(absl::string_view contents);

// The fields of /proc/PID/status that ProcessEntry and ProcessInfo need.
// Memory in kB; optional fields are those the kernel omits (zombies and
// kernel threads have no Vm* lines; Umask and the Rss* split are newer).
struct StatusFields {
  std::array<uint32_t, 4> uid = {};  // real, effective, saved, filesystem
  std::array<uint32_t, 4> gid = {};
  std::optional<uint32_t> umask;
  std::optional<uint64_t> vm_peak_kb, vm_size_kb, vm_lck_kb, vm_pin_kb,
      vm_hwm_kb, vm_rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb, vm_data_kb,
      vm_stk_kb, vm_exe_kb, vm_lib_kb, vm_pte_kb, vm_swap_kb;
  uint64_t sig_pending = 0, sig_shared_pending = 0, sig_blocked = 0,
           sig_ignored = 0, sig_caught = 0;
  uint64_t voluntary_ctxt_switches = 0, nonvoluntary_ctxt_switches = 0;
  std::string cpus_allowed_list;  // cut to kMaxNameBytes
};

// Parses /proc/PID/status. Uid: and Gid: are required (every process has
// them); the fields above are validated when present; other lines, including
// ones this code does not know, are ignored.
absl::StatusOr<StatusFields> ParseStatusFields(absl::string_view contents);

// The name ps shows for a controlling terminal, from stat's tty_nr (a dev_t
// encoded as (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)):
// "pts/N", "ttyN", "ttySN", "console", "hvcN", "ttyAMAN", or "?" for none and
// for devices it does not know.
std::string TtyName(uint32_t tty_nr);

// /proc/PID/cmdline split at its NULs, with the empty piece after the final
// NUL dropped, so an empty file gives no args. The args are cut to at most
// kMaxArgs and to kMaxArgsBytes counted as cmdline does (each arg plus its
// NUL); the last kept arg may be cut short.
struct Cmdline {
  std::vector<std::string> args;
  bool truncated = false;
};
Cmdline SplitCmdline(absl::string_view contents);

// uid → user name from the contents of a passwd file. The first entry for a
// uid wins, as with getpwuid(); comments, NIS "+"/"-" lines and malformed
// lines are skipped. Names are cut to kMaxNameBytes.
absl::flat_hash_map<uint32_t, std::string> ParsePasswd(
    absl::string_view contents);

// Nanoseconds in `ticks` clock ticks at `ticks_per_second`; OutOfRange when
// that does not fit in 64 bits.
absl::StatusOr<uint64_t> TicksToNs(uint64_t ticks, uint64_t ticks_per_second);

// "12345.67 8910.11" (/proc/uptime) → the first number in nanoseconds.
absl::StatusOr<uint64_t> ParseUptimeNs(absl::string_view contents);

// The value of the line "<key> <number>" (/proc/stat's "btime") or
// "<key>: <number> kB" (/proc/meminfo's "MemTotal"); NotFound when no line
// has the key.
absl::StatusOr<uint64_t> FindStatValue(absl::string_view contents,
                                       absl::string_view key);
absl::StatusOr<uint64_t> FindMeminfoKb(absl::string_view contents,
                                       absl::string_view key);

}  // namespace internal
}  // namespace haywire

#endif  // GUEST_PROCFS_H_
