// Copyright 2026 The Haywire Authors.

#include "guest/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "guest/proc_file.h"
#include "guest/procfs_parse.h"
#include "haywire/util/clock.h"

namespace haywire {
namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;

// Caps on what is read from one file. Real files are far smaller (stat is
// under 1 KiB, status a few KiB even with thousands of CPUs); the caps only
// keep a hostile or broken file from exhausting the companion's memory.
constexpr size_t kMaxStatBytes = 16 << 10;
constexpr size_t kMaxStatusBytes = 256 << 10;
constexpr size_t kMaxSmallFileBytes = 4 << 10;    // oom_score_adj, cgroup
constexpr size_t kMaxSystemFileBytes = 16 << 20;  // /proc/stat, meminfo
constexpr size_t kMaxPasswdBytes = 64 << 20;

// How long a btime read from /proc/stat is reused.
constexpr uint64_t kBootTimeCacheNs = kNsPerSecond;

using internal::CutUtf8;
using internal::FileContents;
using internal::ParseDecimal;
using internal::ParseInteger;
using internal::ProcFileError;
using internal::Quote;
using internal::ReadFileAt;
using internal::ReadLinkAt;
using internal::ReadWholeFileAt;
using internal::ScopedFd;

uint64_t SysconfOr(int name, uint64_t fallback) {
  const long value = ::sysconf(name);
  return value > 0 ? static_cast<uint64_t>(value) : fallback;
}

ProcFsConstants ResolveConstants(ProcFsConstants constants) {
  if (constants.clock_ticks_per_second == 0) {
    constants.clock_ticks_per_second = SysconfOr(_SC_CLK_TCK, 100);
  }
  if (constants.page_size == 0) {
    constants.page_size = SysconfOr(_SC_PAGESIZE, 4096);
  }
  return constants;
}

// `status` with "pid N: " in front, keeping its code.
absl::Status ForPid(uint32_t pid, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat("pid ", pid, ": ", status.message()));
}

// An error reading a system-wide file, for a caller about one process: a
// missing <proc_root>/stat must not read as NotFound, which means "this
// process is gone" and makes a listing skip it silently.
absl::Status SystemFileError(const absl::Status& status) {
  if (!absl::IsNotFound(status)) return status;
  return absl::FailedPreconditionError(status.message());
}

// A malformed-contents error for `path`, keeping the parser's detail.
absl::Status Malformed(absl::string_view path, const absl::Status& status) {
  return absl::DataLossError(absl::StrCat(path, ": ", status.message()));
}

}  // namespace

// ---------------------------------------------------------------------------
// ProcFs
// ---------------------------------------------------------------------------

ProcFs::ProcFs(std::string proc_root, std::string passwd_path)
    : ProcFs(std::move(proc_root), std::move(passwd_path), ProcFsConstants()) {}

ProcFs::ProcFs(std::string proc_root, std::string passwd_path,
               ProcFsConstants constants)
    : proc_root_(std::move(proc_root)),
      passwd_path_(std::move(passwd_path)),
      constants_(ResolveConstants(constants)) {}

std::string ProcFs::UserName(uint32_t uid) const {
  std::call_once(users_once_, [this] {
    // No passwd (a minimal guest) just means numeric users, as with ps.
    absl::StatusOr<std::string> passwd = ReadWholeFileAt(
        AT_FDCWD, passwd_path_.c_str(), kMaxPasswdBytes, passwd_path_);
    if (passwd.ok()) users_ = internal::ParsePasswd(*passwd);
  });
  const auto it = users_.find(uid);
  if (it != users_.end()) return it->second;
  return absl::StrCat(uid);
}

absl::StatusOr<std::vector<uint32_t>> ProcFs::ListPids() const {
  DIR* dir = ::opendir(proc_root_.c_str());
  if (dir == nullptr) return absl::ErrnoToStatus(errno, proc_root_);
  std::vector<uint32_t> pids;
  errno = 0;
  while (const struct dirent* entry = ::readdir(dir)) {
    // Pids are printed without leading zeros; "007" is not pid 7.
    uint32_t pid = 0;
    if (entry->d_name[0] != '0' &&
        ParseInteger(absl::string_view(entry->d_name), &pid)) {
      pids.push_back(pid);
    }
  }
  const int error = errno;
  ::closedir(dir);
  if (error != 0) return absl::ErrnoToStatus(error, proc_root_);
  std::sort(pids.begin(), pids.end());
  return pids;
}

absl::StatusOr<std::string> ProcFs::ReadSystemFile(
    absl::string_view name) const {
  const std::string path = absl::StrCat(proc_root_, "/", name);
  absl::StatusOr<std::string> text =
      ReadWholeFileAt(AT_FDCWD, path.c_str(), kMaxSystemFileBytes, path);
  if (!text.ok()) return SystemFileError(text.status());
  return text;
}

absl::Status ProcFs::MalformedSystemFile(absl::string_view name,
                                         const absl::Status& status) const {
  return Malformed(absl::StrCat(proc_root_, "/", name), status);
}

absl::StatusOr<uint64_t> ProcFs::ReadBootTimeSeconds() const {
  absl::StatusOr<std::string> stat = ReadSystemFile("stat");
  if (!stat.ok()) return stat.status();
  absl::StatusOr<uint64_t> btime = internal::FindStatValue(*stat, "btime");
  if (!btime.ok()) return MalformedSystemFile("stat", btime.status());
  if (*btime > std::numeric_limits<uint64_t>::max() / kNsPerSecond) {
    return MalformedSystemFile("stat",
                               absl::DataLossError("btime out of range"));
  }
  return *btime;
}

absl::StatusOr<uint64_t> ProcFs::BootTimeSeconds() const {
  const uint64_t now = ClockNs(CLOCK_MONOTONIC);
  {
    std::lock_guard<std::mutex> lock(boot_time_mu_);
    if (boot_time_valid_ && now - boot_time_read_at_ns_ < kBootTimeCacheNs) {
      return boot_time_seconds_;
    }
  }
  // Read outside the lock: concurrent readers may both read; either value
  // is as good.
  absl::StatusOr<uint64_t> btime = ReadBootTimeSeconds();
  if (!btime.ok()) return btime.status();
  std::lock_guard<std::mutex> lock(boot_time_mu_);
  boot_time_valid_ = true;
  boot_time_seconds_ = *btime;
  boot_time_read_at_ns_ = now;
  return *btime;
}

absl::StatusOr<ListHeader> ProcFs::ReadSystem() const {
  ListHeader header;
  header.now_unix_ns = ClockNs(CLOCK_REALTIME);

  absl::StatusOr<uint64_t> btime = BootTimeSeconds();
  if (!btime.ok()) return btime.status();
  header.boot_time_unix_ns = *btime * kNsPerSecond;

  const std::string uptime_path = absl::StrCat(proc_root_, "/uptime");
  absl::StatusOr<std::string> uptime = ReadWholeFileAt(
      AT_FDCWD, uptime_path.c_str(), kMaxSmallFileBytes, uptime_path);
  if (!uptime.ok()) return SystemFileError(uptime.status());
  absl::StatusOr<uint64_t> uptime_ns = internal::ParseUptimeNs(*uptime);
  if (!uptime_ns.ok()) return Malformed(uptime_path, uptime_ns.status());
  header.uptime_ns = *uptime_ns;

  absl::StatusOr<std::string> meminfo = ReadSystemFile("meminfo");
  if (!meminfo.ok()) return meminfo.status();
  absl::StatusOr<uint64_t> mem_total =
      internal::FindMeminfoKb(*meminfo, "MemTotal");
  if (!mem_total.ok()) {
    return MalformedSystemFile("meminfo", mem_total.status());
  }
  header.mem_total_kb = *mem_total;
  return header;
}

absl::StatusOr<ProcessTableStamp> ProcFs::ReadProcessTableStamp() const {
  absl::StatusOr<std::string> text = ReadSystemFile("loadavg");
  if (!text.ok()) return text.status();
  absl::StatusOr<ProcessTableStamp> stamp =
      internal::ParseProcessTableStamp(*text);
  if (!stamp.ok()) return MalformedSystemFile("loadavg", stamp.status());
  return stamp;
}

absl::StatusOr<SystemSummary> ProcFs::ReadSystemSummary() const {
  SystemSummary summary;
  // The clocks first and together: they date the counters read below.
  summary.now_unix_ns = ClockNs(CLOCK_REALTIME);
  summary.monotonic_ns = ClockNs(CLOCK_MONOTONIC);
  summary.boottime_ns = ClockNs(CLOCK_BOOTTIME);
  summary.clock_ticks_per_second = constants_.clock_ticks_per_second;

  absl::StatusOr<std::string> stat = ReadSystemFile("stat");
  if (!stat.ok()) return stat.status();
  absl::StatusOr<internal::StatCpu> cpu = internal::ParseStatCpu(*stat);
  if (!cpu.ok()) return MalformedSystemFile("stat", cpu.status());
  summary.cpu = cpu->total;
  summary.cpu_count = cpu->cpu_count;

  absl::StatusOr<std::string> loadavg = ReadSystemFile("loadavg");
  if (!loadavg.ok()) return loadavg.status();
  absl::StatusOr<std::array<uint64_t, 3>> load =
      internal::ParseLoadAverage(*loadavg);
  if (!load.ok()) return MalformedSystemFile("loadavg", load.status());
  for (size_t i = 0; i < 3; ++i) summary.load_average_milli[i] = (*load)[i];

  absl::StatusOr<std::string> meminfo = ReadSystemFile("meminfo");
  if (!meminfo.ok()) return meminfo.status();
  if (absl::Status s = internal::ParseMeminfoSummary(*meminfo, &summary);
      !s.ok()) {
    return MalformedSystemFile("meminfo", s);
  }

  absl::StatusOr<std::string> uptime = ReadSystemFile("uptime");
  if (!uptime.ok()) return uptime.status();
  absl::StatusOr<uint64_t> uptime_ns = internal::ParseUptimeNs(*uptime);
  if (!uptime_ns.ok()) return MalformedSystemFile("uptime", uptime_ns.status());
  summary.uptime_ns = *uptime_ns;

  // Tasks, as top counts them. A process that exits meanwhile, or whose
  // stat is malformed, is not counted (top skips those too).
  absl::StatusOr<std::vector<uint32_t>> pids = ListPids();
  if (!pids.ok()) return pids.status();
  for (const uint32_t pid : *pids) {
    const std::string name = absl::StrCat(pid, "/stat");
    const std::string path = absl::StrCat(proc_root_, "/", name);
    absl::StatusOr<std::string> text =
        ReadWholeFileAt(AT_FDCWD, path.c_str(), kMaxStatBytes, path);
    if (!text.ok()) continue;
    absl::StatusOr<char> state = internal::ParseStatState(*text);
    if (!state.ok()) continue;
    ++summary.tasks_total;
    switch (*state) {
      case 'R':
        ++summary.tasks_running;
        break;
      case 'S':
      case 'D':
      case 'I':
        ++summary.tasks_sleeping;
        break;
      case 'T':
      case 't':
        ++summary.tasks_stopped;
        break;
      case 'Z':
        ++summary.tasks_zombie;
        break;
      default:
        break;  // X (dead) and unknown letters: in the total only, as top
    }
  }
  return summary;
}

absl::StatusOr<ProcessEntry> ProcFs::ReadEntryAt(
    int dir_fd, uint32_t pid, const EntryFields& fields,
    internal::StatFields* stat, internal::StatusFields* status) const {
  const std::string dir = absl::StrCat(proc_root_, "/", pid);

  // stat
  const std::string stat_path = absl::StrCat(dir, "/stat");
  absl::StatusOr<std::string> stat_text =
      ReadWholeFileAt(dir_fd, "stat", kMaxStatBytes, stat_path);
  if (!stat_text.ok()) return stat_text.status();
  if (stat_text->empty()) {
    // What a read races with the final teardown of a task can return.
    return absl::NotFoundError(absl::StrCat(stat_path, ": empty"));
  }
  absl::StatusOr<internal::StatFields> parsed_stat =
      internal::ParseStat(*stat_text);
  if (!parsed_stat.ok()) return Malformed(stat_path, parsed_stat.status());
  if (parsed_stat->pid != pid) {
    return absl::DataLossError(
        absl::StrCat(stat_path, ": names pid ", parsed_stat->pid));
  }
  *stat = *std::move(parsed_stat);
  // What status and cmdline would say of a kernel thread (EntryFields).
  const bool kernel_thread =
      fields.kernel_threads_from_stat &&
      (stat->flags & internal::kStatFlagKernelThread) != 0;

  // status
  internal::Cmdline cmdline;
  if (kernel_thread) {
    *status = internal::StatusFields();  // root
    status->ns_pids = {pid};
    status->rss_file_kb = 0;  // no memory: SHR 0 (statm is all zeros)
    status->rss_shmem_kb = 0;
  } else {
    const std::string status_path = absl::StrCat(dir, "/status");
    absl::StatusOr<std::string> status_text =
        ReadWholeFileAt(dir_fd, "status", kMaxStatusBytes, status_path);
    if (!status_text.ok()) return status_text.status();
    absl::StatusOr<internal::StatusFields> parsed_status =
        internal::ParseStatusFields(*status_text);
    if (!parsed_status.ok()) {
      return Malformed(status_path, parsed_status.status());
    }
    *status = *std::move(parsed_status);

    // cmdline: only as much as can be kept, plus one byte to tell whether
    // there was more.
    const std::string cmdline_path = absl::StrCat(dir, "/cmdline");
    absl::StatusOr<FileContents> cmdline_text =
        ReadFileAt(dir_fd, "cmdline", kMaxArgsBytes + 1, cmdline_path);
    if (!cmdline_text.ok()) return cmdline_text.status();
    cmdline = internal::SplitCmdline(cmdline_text->data);
  }

  // Units. Each conversion is checked: the values are untrusted, and an
  // overflow would be a garbage START or TIME rather than an error.
  absl::StatusOr<uint64_t> btime = BootTimeSeconds();
  if (!btime.ok()) return SystemFileError(btime.status());
  absl::StatusOr<uint64_t> since_boot_ns =
      internal::TicksToNs(stat->starttime, constants_.clock_ticks_per_second);
  const uint64_t boot_ns = *btime * kNsPerSecond;  // checked when read
  if (!since_boot_ns.ok() ||
      *since_boot_ns > std::numeric_limits<uint64_t>::max() - boot_ns) {
    return absl::DataLossError(
        absl::StrCat(stat_path, ": starttime out of range"));
  }
  absl::StatusOr<uint64_t> cpu_ns =
      stat->utime > std::numeric_limits<uint64_t>::max() - stat->stime
          ? absl::OutOfRangeError("utime + stime")
          : internal::TicksToNs(stat->utime + stat->stime,
                                constants_.clock_ticks_per_second);
  if (!cpu_ns.ok()) {
    return absl::DataLossError(
        absl::StrCat(stat_path, ": utime + stime out of range"));
  }
  const absl::uint128 rss_bytes =
      absl::uint128(stat->rss) * constants_.page_size;
  if (rss_bytes / 1024 > std::numeric_limits<uint64_t>::max()) {
    return absl::DataLossError(absl::StrCat(stat_path, ": rss out of range"));
  }

  // top's SHR: statm's "shared", which the kernel computes as file pages
  // plus shmem pages, the same two counters status reports as RssFile and
  // RssShmem (Linux 4.5 and later): one file fewer to read per process.
  // Older kernels (and older fixtures): statm itself; without it SHR is 0,
  // but a statm that exists and is malformed is an error like any other
  // file's.
  uint64_t shr_kb = 0;
  if (status->rss_file_kb.has_value() && status->rss_shmem_kb.has_value() &&
      *status->rss_file_kb <=
          std::numeric_limits<uint64_t>::max() - *status->rss_shmem_kb) {
    shr_kb = *status->rss_file_kb + *status->rss_shmem_kb;
  } else {
    const std::string statm_path = absl::StrCat(dir, "/statm");
    absl::StatusOr<std::string> statm_text =
        ReadWholeFileAt(dir_fd, "statm", kMaxSmallFileBytes, statm_path);
    if (statm_text.ok()) {
      absl::StatusOr<uint64_t> shared =
          internal::ParseStatmSharedPages(*statm_text);
      if (!shared.ok()) return Malformed(statm_path, shared.status());
      const absl::uint128 shared_bytes =
          absl::uint128(*shared) * constants_.page_size;
      if (shared_bytes / 1024 > std::numeric_limits<uint64_t>::max()) {
        return absl::DataLossError(
            absl::StrCat(statm_path, ": shared out of range"));
      }
      shr_kb = absl::Uint128Low64(shared_bytes / 1024);
    } else if (!absl::IsNotFound(statm_text.status())) {
      return statm_text.status();
    }
  }

  // cgroup, for the host's container column: optional (a kernel without
  // cgroups has no such file); unreadable means unknown; not read at all
  // when the caller does not want it.
  std::string cgroup;
  if (fields.cgroup) {
    absl::StatusOr<FileContents> cgroup_text = ReadFileAt(
        dir_fd, "cgroup", kMaxSmallFileBytes, absl::StrCat(dir, "/cgroup"));
    if (cgroup_text.ok()) cgroup = internal::CgroupPathOf(cgroup_text->data);
  }

  ProcessEntry entry;
  entry.pid = pid;
  entry.shr_kb = shr_kb;
  entry.cgroup = std::move(cgroup);
  if (!status->ns_pids.empty()) {
    entry.ns_pid = status->ns_pids.back();
    entry.ns_level = static_cast<uint32_t>(status->ns_pids.size() - 1);
  }
  entry.ppid = stat->ppid;
  // procps's uid, gid and USER are the effective ids.
  entry.uid = status->uid[1];
  entry.gid = status->gid[1];
  entry.ruid = status->uid[0];
  entry.rgid = status->gid[0];
  entry.user = UserName(entry.uid);
  entry.state = stat->state;
  entry.threads = stat->num_threads;
  entry.nice = stat->nice;
  entry.priority = stat->priority;
  entry.tty_nr = stat->tty_nr;
  entry.tty = internal::TtyName(stat->tty_nr);
  entry.start_time_unix_ns = boot_ns + *since_boot_ns;
  entry.cpu_time_ns = *cpu_ns;
  entry.vsz_kb = stat->vsize / 1024;
  entry.rss_kb = absl::Uint128Low64(rss_bytes / 1024);
  entry.comm = stat->comm;
  entry.args = std::move(cmdline.args);
  entry.args_truncated = cmdline.truncated;
  // The STAT modifiers, as procps derives them (ps/output.c, pr_stat):
  // "s" when the process leads its session, "+" when its process group is
  // the terminal's foreground group, "l" when it has more than one thread,
  // "L" when it has locked pages. "<" and "N" follow from nice.
  entry.session_leader = stat->session == static_cast<int64_t>(pid);
  entry.foreground = stat->tty_nr != 0 && stat->tpgid == stat->pgrp;
  entry.multithreaded = stat->num_threads > 1;
  entry.has_locked_memory = status->vm_lck_kb.value_or(0) > 0;
  return entry;
}

absl::StatusOr<ProcessEntry> ProcFs::ReadProcess(
    uint32_t pid, const EntryFields& fields) const {
  const std::string dir = absl::StrCat(proc_root_, "/", pid);
  // Every file is read through this one directory, so they all describe the
  // same process even if the pid is reused meanwhile (see the header).
  const ScopedFd dir_fd(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return ForPid(pid, ProcFileError(errno, dir));
  internal::StatFields stat;
  internal::StatusFields status;
  absl::StatusOr<ProcessEntry> entry =
      ReadEntryAt(dir_fd.get(), pid, fields, &stat, &status);
  if (!entry.ok()) return ForPid(pid, entry.status());
  return entry;
}

absl::StatusOr<ProcessInfo> ProcFs::ReadProcessInfo(uint32_t pid,
                                                    absl::Time deadline) const {
  const std::string dir = absl::StrCat(proc_root_, "/", pid);
  const ScopedFd dir_fd(
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return ForPid(pid, ProcFileError(errno, dir));

  ProcessInfo info;
  internal::StatFields stat;
  internal::StatusFields status;
  absl::StatusOr<ProcessEntry> entry =
      ReadEntryAt(dir_fd.get(), pid, EntryFields{}, &stat, &status);
  if (!entry.ok()) return ForPid(pid, entry.status());
  info.entry = *std::move(entry);

  info.vm_peak_kb = status.vm_peak_kb;
  info.vm_size_kb = status.vm_size_kb;
  info.vm_lck_kb = status.vm_lck_kb;
  info.vm_pin_kb = status.vm_pin_kb;
  info.vm_hwm_kb = status.vm_hwm_kb;
  info.vm_rss_kb = status.vm_rss_kb;
  info.rss_anon_kb = status.rss_anon_kb;
  info.rss_file_kb = status.rss_file_kb;
  info.rss_shmem_kb = status.rss_shmem_kb;
  info.vm_data_kb = status.vm_data_kb;
  info.vm_stk_kb = status.vm_stk_kb;
  info.vm_exe_kb = status.vm_exe_kb;
  info.vm_lib_kb = status.vm_lib_kb;
  info.vm_pte_kb = status.vm_pte_kb;
  info.vm_swap_kb = status.vm_swap_kb;
  info.euid = status.uid[1];
  info.suid = status.uid[2];
  info.fsuid = status.uid[3];
  info.egid = status.gid[1];
  info.sgid = status.gid[2];
  info.fsgid = status.gid[3];
  info.umask = status.umask;
  info.sig_pending = status.sig_pending;
  info.sig_shared_pending = status.sig_shared_pending;
  info.sig_blocked = status.sig_blocked;
  info.sig_ignored = status.sig_ignored;
  info.sig_caught = status.sig_caught;
  info.voluntary_ctxt_switches = status.voluntary_ctxt_switches;
  info.nonvoluntary_ctxt_switches = status.nonvoluntary_ctxt_switches;
  info.cpus_allowed_list = std::move(status.cpus_allowed_list);
  info.minor_faults = stat.minflt;
  info.major_faults = stat.majflt;

  // Optional extras: unreadable means empty, not an error. A process that
  // vanished meanwhile also makes them unreadable; the check at the end
  // turns that into NotFound.
  info.exe = ReadLinkAt(dir_fd.get(), "exe");
  info.cwd = ReadLinkAt(dir_fd.get(), "cwd");
  info.root = ReadLinkAt(dir_fd.get(), "root");
  info.fd_count = internal::CountOpenFdsAt(dir_fd.get(), deadline);

  absl::StatusOr<FileContents> cgroup = ReadFileAt(
      dir_fd.get(), "cgroup", kMaxSmallFileBytes, absl::StrCat(dir, "/cgroup"));
  if (cgroup.ok()) {
    const absl::string_view text = cgroup->data;
    info.cgroup = CutUtf8(text.substr(0, text.find('\n')), kMaxNameBytes);
  }

  const std::string oom_path = absl::StrCat(dir, "/oom_score_adj");
  absl::StatusOr<std::string> oom = ReadWholeFileAt(
      dir_fd.get(), "oom_score_adj", kMaxSmallFileBytes, oom_path);
  if (oom.ok()) {
    int32_t oom_score_adj = 0;
    if (!ParseInteger(absl::StripAsciiWhitespace(*oom), &oom_score_adj)) {
      return ForPid(pid, absl::DataLossError(absl::StrCat(
                             oom_path, ": not a number: ", Quote(*oom))));
    }
    info.oom_score_adj = oom_score_adj;
  } else if (oom.status().code() == absl::StatusCode::kDataLoss) {
    return ForPid(pid, oom.status());
  }

  absl::StatusOr<ListHeader> system = ReadSystem();
  if (!system.ok()) return SystemFileError(system.status());
  info.system = *system;

  // Still alive? Otherwise the empty extras above may be the process's
  // exit rather than its state.
  const std::string stat_path = absl::StrCat(dir, "/stat");
  absl::StatusOr<std::string> again =
      ReadWholeFileAt(dir_fd.get(), "stat", kMaxStatBytes, stat_path);
  if (!again.ok()) return ForPid(pid, again.status());
  if (again->empty()) {
    return ForPid(pid, absl::NotFoundError(absl::StrCat(stat_path, ": empty")));
  }
  return info;
}

}  // namespace haywire
