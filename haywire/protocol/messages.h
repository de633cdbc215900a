// Copyright 2026 The Haywire Authors.
//
// Request and response payloads: what travels in a slot's payload bytes.
//
// Payloads are sequences of fields in the TLV wire format of wire_format.h,
// so either side can add fields without breaking the other, and a decoder can
// bound-check everything it reads. This file defines the C++ view of each
// message together with its wire form: each struct's WireFields() lists its
// fields (tag, member, bounds) once, and EncodeMessage / DecodeMessage
// (message_codec.h) derive both directions from that list. Decoders never
// trust their input: every count, length and string is validated, strings
// are bounded, and a malformed payload is an error, never a crash or a
// partial object used as if complete. Which request carries which message
// is said once, in requests.h.
//
// Tags are per message and part of the protocol: never reuse a number, add
// new fields with new tags. wire_golden_test pins the bytes of every message.
#ifndef HAYWIRE_PROTOCOL_MESSAGES_H_
#define HAYWIRE_PROTOCOL_MESSAGES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/message_codec.h"

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
  // The process's cgroup (the cgroup v2 path of /proc/PID/cgroup's "0::"
  // line; on cgroup v1 or hybrid hosts where that is "/" or missing, the
  // first controller's path that is not "/"), from which the host derives
  // its container (haywire/format/container.h). "" when unreadable.
  std::string cgroup;
  // Its pid in its own (innermost) PID namespace, and how many namespaces
  // below the companion's that is (status's NSpid: line; 0 levels: the
  // companion's namespace, ns_pid == pid). 0/0 when the kernel does not
  // say.
  uint32_t ns_pid = 0;
  uint32_t ns_level = 0;

  static constexpr absl::string_view kWireName = "ProcessEntry";
  static constexpr auto WireFields() {
    using E = ProcessEntry;
    using namespace wire;
    return std::tuple(
        Int(1, &E::pid), Int(2, &E::ppid), Int(3, &E::uid), Int(4, &E::gid),
        Int(19, &E::ruid), Int(20, &E::rgid), Str(5, &E::user, kMaxNameBytes),
        Char(6, &E::state), Int(7, &E::threads), Int(8, &E::nice),
        Int(9, &E::priority), Int(10, &E::tty_nr),
        Str(11, &E::tty, kMaxNameBytes), Int(12, &E::start_time_unix_ns),
        Int(13, &E::cpu_time_ns), Int(14, &E::vsz_kb), Int(15, &E::rss_kb),
        Int(21, &E::shr_kb), Str(16, &E::comm, kMaxNameBytes),
        StrList(17, &E::args, kMaxArgs, kMaxArgsBytes),
        Flags(18, TruncatedBit(&E::args_truncated), Bit(&E::session_leader),
              Bit(&E::foreground), Bit(&E::multithreaded),
              Bit(&E::has_locked_memory)),
        Str(22, &E::cgroup, kMaxNameBytes), Int(23, &E::ns_pid),
        Int(24, &E::ns_level));
  }
  // A pid is required and nonzero.
  static absl::Status WireValidate(const ProcessEntry& e);
};

// Sent once per listing, before the first entry: what a host needs to derive
// ps's %CPU and %MEM and START.
struct ListHeader {
  uint64_t now_unix_ns = 0;        // guest wall clock at the snapshot
  uint64_t boot_time_unix_ns = 0;  // guest boot (from /proc/stat btime)
  uint64_t uptime_ns = 0;          // guest CLOCK_BOOTTIME at the snapshot
  uint64_t mem_total_kb = 0;
  uint32_t total_processes = 0;  // in the snapshot

  static constexpr absl::string_view kWireName = "ListHeader";
  static constexpr auto WireFields() {
    using H = ListHeader;
    using namespace wire;
    return std::tuple(Int(1, &H::now_unix_ns), Int(2, &H::boot_time_unix_ns),
                      Int(3, &H::uptime_ns), Int(4, &H::mem_total_kb),
                      Int(5, &H::total_processes));
  }
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

  // GET_PROCESS_INFO's response: one record, tag 3.
  static constexpr uint16_t kWireRecordTag = 3;
  static constexpr absl::string_view kWireName = "ProcessInfo";
  static constexpr auto WireFields() {
    using I = ProcessInfo;
    using namespace wire;
    return std::tuple(
        Msg(1, &I::entry), MsgOrDefault(2, &I::system),
        OptInt(3, &I::vm_peak_kb), OptInt(4, &I::vm_size_kb),
        OptInt(5, &I::vm_lck_kb), OptInt(6, &I::vm_pin_kb),
        OptInt(7, &I::vm_hwm_kb), OptInt(8, &I::vm_rss_kb),
        OptInt(9, &I::rss_anon_kb), OptInt(10, &I::rss_file_kb),
        OptInt(11, &I::rss_shmem_kb), OptInt(12, &I::vm_data_kb),
        OptInt(13, &I::vm_stk_kb), OptInt(14, &I::vm_exe_kb),
        OptInt(15, &I::vm_lib_kb), OptInt(16, &I::vm_pte_kb),
        OptInt(17, &I::vm_swap_kb), Int(18, &I::euid), Int(19, &I::suid),
        Int(20, &I::fsuid), Int(21, &I::egid), Int(22, &I::sgid),
        Int(23, &I::fsgid), OptInt(24, &I::umask),
        Str(25, &I::exe, kMaxPathBytes), Str(26, &I::cwd, kMaxPathBytes),
        Str(27, &I::root, kMaxPathBytes), OptInt(28, &I::fd_count),
        Str(29, &I::cgroup, kMaxNameBytes), Int(30, &I::sig_pending),
        Int(31, &I::sig_shared_pending), Int(32, &I::sig_blocked),
        Int(33, &I::sig_ignored), Int(34, &I::sig_caught),
        Int(35, &I::voluntary_ctxt_switches),
        Int(36, &I::nonvoluntary_ctxt_switches), Int(37, &I::minor_faults),
        Int(38, &I::major_faults), OptInt(39, &I::oom_score_adj),
        Str(40, &I::cpus_allowed_list, kMaxNameBytes));
  }
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
  std::array<uint64_t, 3> load_average_milli = {0, 0, 0};
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

  // GET_SYSTEM_SUMMARY's response: one record, tag 7.
  static constexpr uint16_t kWireRecordTag = 7;
  static constexpr absl::string_view kWireName = "SystemSummary";
  static constexpr auto WireFields() {
    using S = SystemSummary;
    using C = CpuTimes;
    using namespace wire;
    return std::tuple(
        Str(1, &S::hostname, kMaxNameBytes),
        Str(2, &S::kernel_release, kMaxNameBytes), Int(3, &S::uptime_ns),
        Int(4, Element(&S::load_average_milli, 0)),
        Int(5, Element(&S::load_average_milli, 1)),
        Int(6, Element(&S::load_average_milli, 2)), Int(7, &S::tasks_total),
        Int(8, &S::tasks_running), Int(9, &S::tasks_sleeping),
        Int(10, &S::tasks_stopped), Int(11, &S::tasks_zombie),
        Int(12, Sub(&S::cpu, &C::user)), Int(13, Sub(&S::cpu, &C::nice)),
        Int(14, Sub(&S::cpu, &C::system)), Int(15, Sub(&S::cpu, &C::idle)),
        Int(16, Sub(&S::cpu, &C::iowait)), Int(17, Sub(&S::cpu, &C::irq)),
        Int(18, Sub(&S::cpu, &C::softirq)), Int(19, Sub(&S::cpu, &C::steal)),
        Int(20, &S::clock_ticks_per_second), Int(21, &S::cpu_count),
        Int(22, &S::mem_total_kb), Int(23, &S::mem_free_kb),
        Int(24, &S::mem_available_kb), Int(25, &S::buffers_kb),
        Int(26, &S::cached_kb), Int(27, &S::swap_total_kb),
        Int(28, &S::swap_free_kb), Int(29, &S::now_unix_ns),
        Int(30, &S::monotonic_ns), Int(31, &S::boottime_ns));
  }
  // Fields within the bounds below and consistent (free <= total, task
  // counts within the total, a nonzero tick rate and CPU count).
  static absl::Status WireValidate(const SystemSummary& s);
};

// Bounds SystemSummary's decoder enforces beyond the string limits.
inline constexpr uint64_t kMaxLoadAverageMilli = 1'000'000'000;
inline constexpr uint64_t kMaxClockTicksPerSecond = 1'000'000;
inline constexpr uint32_t kMaxCpus = 1u << 16;

// ---- Requests ---------------------------------------------------------------

// No fields: PING and GET_SYSTEM_SUMMARY requests, PING and
// CANCEL_ITERATION responses.
struct EmptyMessage {
  static constexpr auto WireFields() { return std::tuple<>(); }
};

// LIST_PROCESSES: the whole process list, or, with after_pid, the rest of a
// listing whose iterator was evicted: only the processes whose pid is
// greater (a companion advertising kCapListResume honours it).
// listed_since_ns is the uptime_ns of the resumed listing's first
// ListHeader: the companion may answer from a PID snapshot it took strictly
// later instead of reading /proc's directory again.
// omit names fields the host will not show (kListOmit* bits): the companion
// need not read the files behind them, and leaves them empty. Unknown bits
// are ignored, and a companion that does not know the field sends every
// field, so the host must not rely on their absence.
struct ListProcessesRequest {
  std::optional<uint32_t> after_pid;
  std::optional<uint64_t> listed_since_ns;
  std::optional<uint32_t> omit;

  static constexpr auto WireFields() {
    using R = ListProcessesRequest;
    return std::tuple(wire::OptInt(8, &R::after_pid),
                      wire::OptInt(9, &R::listed_since_ns),
                      wire::OptInt(10, &R::omit));
  }
};

// ListProcessesRequest::omit: ProcessEntry::cgroup (/proc/PID/cgroup, a
// fifth of a listed process's /proc cost; ps shows it only with
// --containers or --json).
inline constexpr uint32_t kListOmitCgroup = 1u << 0;

struct ProcessInfoRequest {
  uint32_t pid = 0;

  static constexpr auto WireFields() {
    return std::tuple(wire::Int(4, &ProcessInfoRequest::pid));
  }
  // InvalidArgument unless a nonzero pid is named.
  static absl::Status WireValidate(const ProcessInfoRequest& r);
};

struct IteratorRequest {
  uint64_t iterator_id = 0;

  static constexpr auto WireFields() {
    return std::tuple(wire::Int(5, &IteratorRequest::iterator_id));
  }
  // InvalidArgument unless a nonzero iterator id is named.
  static absl::Status WireValidate(const IteratorRequest& r);
};

// AUTH_CHALLENGE: the host's fresh nonce (haywire/auth/handshake.h).
struct AuthChallengeRequest {
  static constexpr size_t kNonceBytes = 32;
  std::string host_nonce;

  static constexpr auto WireFields() {
    return std::tuple(
        wire::Str(1, &AuthChallengeRequest::host_nonce, kNonceBytes));
  }
  // InvalidArgument unless the nonce has exactly kNonceBytes.
  static absl::Status WireValidate(const AuthChallengeRequest& r);
};

// ---- Responses --------------------------------------------------------------

// AUTH_CHALLENGE's answer: the companion's nonce, the channel it opened,
// and its proof of the key (haywire/auth/handshake.h).
struct AuthChallengeResponse {
  static constexpr size_t kNonceBytes = 32;
  static constexpr size_t kProofBytes = 32;
  std::string companion_nonce;
  uint64_t channel_id = 0;
  std::string proof;

  static constexpr auto WireFields() {
    using R = AuthChallengeResponse;
    return std::tuple(wire::Str(1, &R::companion_nonce, kNonceBytes),
                      wire::Int(2, &R::channel_id),
                      wire::Str(3, &R::proof, kProofBytes));
  }
  // InvalidArgument unless nonce and proof have their sizes and the
  // channel id is nonzero.
  static absl::Status WireValidate(const AuthChallengeResponse& r);
};

// One response of a listing: the header (first chunk only) and entries.
// The companion appends the records one at a time while they fit a
// response page (EncodeListHeader, EncodeProcessEntry).
struct ListChunk {
  static constexpr uint16_t kHeaderTag = 1;
  static constexpr uint16_t kEntryTag = 2;

  std::optional<ListHeader> header;
  std::vector<ProcessEntry> entries;

  static constexpr absl::string_view kWireName = "ListChunk";
  static constexpr auto WireFields() {
    return std::tuple(wire::OptMsg(kHeaderTag, &ListChunk::header),
                      wire::Msgs(kEntryTag, &ListChunk::entries));
  }
};

// Append one record of a ListChunk to `writer`; false, writing nothing, if
// it does not fit.
bool EncodeListHeader(const ListHeader& header, WireWriter* writer);
bool EncodeProcessEntry(const ProcessEntry& entry, WireWriter* writer);

// Error responses (status != kOk) may carry one human-readable line.
inline constexpr size_t kMaxErrorMessageBytes = 256;
struct ErrorMessage {
  std::string message;

  static constexpr auto WireFields() {
    return std::tuple(
        wire::Str(6, &ErrorMessage::message, kMaxErrorMessageBytes));
  }
};
std::string EncodeErrorMessage(absl::string_view message);
// The message, or "" if the payload holds none (or is malformed).
std::string DecodeErrorMessage(absl::string_view payload);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGES_H_
