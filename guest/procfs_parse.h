// Copyright 2026 The Haywire Authors.
//
// Parsers of procfs text: /proc/PID/stat, status, cmdline and statm, the
// system files (stat, uptime, loadavg, meminfo) and the passwd file. Pure
// functions of the bytes they are given (no file access: ProcFs in procfs.h
// reads the files), so tests feed them any text, and every one treats its
// input as hostile: numbers are parsed strictly (no signs, spaces or
// overflow where the kernel prints none), every field is bounded, and
// anything unexpected is an error naming the file's problem, never a crash.
#ifndef HAYWIRE_GUEST_PROCFS_PARSE_H_
#define HAYWIRE_GUEST_PROCFS_PARSE_H_

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// What ProcFs::ReadProcessTableStamp() returns: the kernel's thread count
// and the last pid it handed out.
struct ProcessTableStamp {
  uint64_t threads = 0;
  uint64_t last_pid = 0;
  friend bool operator==(const ProcessTableStamp&,
                         const ProcessTableStamp&) = default;
};

namespace internal {

// ---- Strict numbers and bounded text ------------------------------------------

// Plain decimal digits (no sign, no spaces) that fit 64 bits.
bool ParseDecimal(absl::string_view text, uint64_t* out);
// The same with an optional leading '-'.
bool ParseSignedDecimal(absl::string_view text, int64_t* out);
// Hex digits (no prefix) that fit 64 bits.
bool ParseHex64(absl::string_view text, uint64_t* out);
// Octal digits of a file mode (umask).
bool ParseOctalMode(absl::string_view text, uint32_t* out);
// A "123 kB" value (status and meminfo lines), in kB.
bool ParseKb(absl::string_view value, uint64_t* kb);
// A bounded, escaped copy of untrusted text for an error message.
std::string Quote(absl::string_view text);
// At most `max_bytes` of `text`, cut back to the start of a UTF-8 sequence.
std::string CutUtf8(absl::string_view text, size_t max_bytes);

// Decimal text into T, rejecting values outside T's range.
template <typename T>
bool ParseInteger(absl::string_view text, T* out) {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::is_signed_v<T>) {
    int64_t value = 0;
    if (!ParseSignedDecimal(text, &value) ||
        value < std::numeric_limits<T>::min() ||
        value > std::numeric_limits<T>::max()) {
      return false;
    }
    *out = static_cast<T>(value);
  } else {
    uint64_t value = 0;
    if (!ParseDecimal(text, &value) || value > std::numeric_limits<T>::max()) {
      return false;
    }
    *out = static_cast<T>(value);
  }
  return true;
}

// ---- Files --------------------------------------------------------------------

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
  uint32_t flags = 0;        // (9) the kernel's PF_* bits
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

// PF_KTHREAD, the stat flags bit of a kernel thread (include/linux/sched.h).
inline constexpr uint32_t kStatFlagKernelThread = 0x00200000;

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
  // NSpid: the pid in each PID namespace from the reader's down to the
  // process's own (one entry when they are the same); empty when absent
  // (kernels before 4.1). At most kMaxPidNamespaceLevels entries.
  std::vector<uint32_t> ns_pids;
};

// The kernel nests PID namespaces at most 32 deep.
inline constexpr size_t kMaxPidNamespaceLevels = 33;

// Parses /proc/PID/status. Uid: and Gid: are required (every process has
// them); the fields above are validated when present; other lines, including
// ones this code does not know, are ignored.
absl::StatusOr<StatusFields> ParseStatusFields(absl::string_view contents);

// The cgroup a process's /proc/PID/cgroup names: the cgroup v2 ("0::")
// path unless it is missing or "/", else the first cgroup v1 path that is
// not "/" (Docker and Kubernetes with cgroupfs on v1 and hybrid hosts put
// containers there), else "/" (or "" for an empty file). Cut to
// kMaxNameBytes.
std::string CgroupPathOf(absl::string_view contents);

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

#endif  // HAYWIRE_GUEST_PROCFS_PARSE_H_
