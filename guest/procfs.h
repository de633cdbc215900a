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
#include "absl/time/time.h"
#include "guest/procfs_parse.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// Kernel constants that turn procfs units into ProcessEntry units. Tests set
// them so fixtures do not depend on the machine running the test.
struct ProcFsConstants {
  uint64_t clock_ticks_per_second = 0;  // sysconf(_SC_CLK_TCK) when 0
  uint64_t page_size = 0;               // sysconf(_SC_PAGESIZE) when 0
};

// Which of a process entry's optional files ProcFs::ReadProcess reads.
struct EntryFields {
  bool cgroup = true;  // ProcessEntry::cgroup, from /proc/PID/cgroup
  // A kernel thread's entry (PF_KTHREAD in its stat flags) from stat alone:
  // kernel threads run with the kernel's credentials (root), in the initial
  // PID namespace, without memory of their own and with an empty command
  // line, so their status and cmdline add nothing to an entry. In a small
  // guest most processes are kernel threads (52 of 60 in the VM test's).
  bool kernel_threads_from_stat = false;
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
  // Only `fields` of the optional files are read; the others' fields stay
  // empty.
  absl::StatusOr<ProcessEntry> ReadProcess(
      uint32_t pid, const EntryFields& fields = {}) const;

  // ReadProcess() plus the rest of status, the exe/cwd/root links, the open
  // file descriptor count (entries of /proc/PID/fd), cgroup, fault counts,
  // oom_score_adj, and ReadSystem().
  // Links and files that cannot be read (kernel threads have no exe, other
  // users' links need privileges) are left empty; the process is checked to
  // be still alive after they were read, so a vanished process is NotFound
  // rather than an entry with empty fields. The open file count is left out
  // when it cannot be had by `deadline` (internal::CountOpenFdsAt: a
  // process may hold a million descriptors). Errors as ReadProcess().
  absl::StatusOr<ProcessInfo> ReadProcessInfo(
      uint32_t pid, absl::Time deadline = absl::InfiniteFuture()) const;

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
      int dir_fd, uint32_t pid, const EntryFields& fields,
      internal::StatFields* stat, internal::StatusFields* status) const;

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
}  // namespace haywire

#endif  // GUEST_PROCFS_H_
