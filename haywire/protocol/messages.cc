// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/messages.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

// Field tags. Never reuse a number; add new ones at the end.
namespace tag {
// Top level of payloads.
constexpr uint16_t kListHeader = 1;
constexpr uint16_t kProcessEntry = 2;
constexpr uint16_t kProcessInfo = 3;
constexpr uint16_t kPid = 4;
constexpr uint16_t kIteratorId = 5;
constexpr uint16_t kErrorMessage = 6;
constexpr uint16_t kSystemSummary = 7;

// ListHeader.
constexpr uint16_t kNowUnixNs = 1;
constexpr uint16_t kBootTimeUnixNs = 2;
constexpr uint16_t kUptimeNs = 3;
constexpr uint16_t kMemTotalKb = 4;
constexpr uint16_t kTotalProcesses = 5;

// ProcessEntry.
constexpr uint16_t kEntryPid = 1;
constexpr uint16_t kPpid = 2;
constexpr uint16_t kUid = 3;
constexpr uint16_t kGid = 4;
constexpr uint16_t kUser = 5;
constexpr uint16_t kState = 6;
constexpr uint16_t kThreads = 7;
constexpr uint16_t kNice = 8;
constexpr uint16_t kPriority = 9;
constexpr uint16_t kTtyNr = 10;
constexpr uint16_t kTty = 11;
constexpr uint16_t kStartTimeUnixNs = 12;
constexpr uint16_t kCpuTimeNs = 13;
constexpr uint16_t kVszKb = 14;
constexpr uint16_t kRssKb = 15;
constexpr uint16_t kComm = 16;
constexpr uint16_t kArg = 17;
constexpr uint16_t kEntryFlags = 18;
constexpr uint16_t kRuid = 19;
constexpr uint16_t kRgid = 20;
constexpr uint16_t kShrKb = 21;

// ProcessInfo (besides the nested entry and system records).
constexpr uint16_t kInfoEntry = 1;
constexpr uint16_t kInfoSystem = 2;
constexpr uint16_t kVmPeak = 3;
constexpr uint16_t kVmSize = 4;
constexpr uint16_t kVmLck = 5;
constexpr uint16_t kVmPin = 6;
constexpr uint16_t kVmHwm = 7;
constexpr uint16_t kVmRss = 8;
constexpr uint16_t kRssAnon = 9;
constexpr uint16_t kRssFile = 10;
constexpr uint16_t kRssShmem = 11;
constexpr uint16_t kVmData = 12;
constexpr uint16_t kVmStk = 13;
constexpr uint16_t kVmExe = 14;
constexpr uint16_t kVmLib = 15;
constexpr uint16_t kVmPte = 16;
constexpr uint16_t kVmSwap = 17;
constexpr uint16_t kEuid = 18;
constexpr uint16_t kSuid = 19;
constexpr uint16_t kFsuid = 20;
constexpr uint16_t kEgid = 21;
constexpr uint16_t kSgid = 22;
constexpr uint16_t kFsgid = 23;
constexpr uint16_t kUmask = 24;
constexpr uint16_t kExe = 25;
constexpr uint16_t kCwd = 26;
constexpr uint16_t kRoot = 27;
constexpr uint16_t kFdCount = 28;
constexpr uint16_t kCgroup = 29;
constexpr uint16_t kSigPending = 30;
constexpr uint16_t kSigSharedPending = 31;
constexpr uint16_t kSigBlocked = 32;
constexpr uint16_t kSigIgnored = 33;
constexpr uint16_t kSigCaught = 34;
constexpr uint16_t kVoluntaryCtxt = 35;
constexpr uint16_t kNonvoluntaryCtxt = 36;
constexpr uint16_t kMinorFaults = 37;
constexpr uint16_t kMajorFaults = 38;
constexpr uint16_t kOomScoreAdj = 39;
constexpr uint16_t kCpusAllowed = 40;

// SystemSummary.
constexpr uint16_t kSumHostname = 1;
constexpr uint16_t kSumKernelRelease = 2;
constexpr uint16_t kSumUptimeNs = 3;
constexpr uint16_t kSumLoad1 = 4;
constexpr uint16_t kSumLoad5 = 5;
constexpr uint16_t kSumLoad15 = 6;
constexpr uint16_t kSumTasksTotal = 7;
constexpr uint16_t kSumTasksRunning = 8;
constexpr uint16_t kSumTasksSleeping = 9;
constexpr uint16_t kSumTasksStopped = 10;
constexpr uint16_t kSumTasksZombie = 11;
constexpr uint16_t kSumCpuUser = 12;
constexpr uint16_t kSumCpuNice = 13;
constexpr uint16_t kSumCpuSystem = 14;
constexpr uint16_t kSumCpuIdle = 15;
constexpr uint16_t kSumCpuIowait = 16;
constexpr uint16_t kSumCpuIrq = 17;
constexpr uint16_t kSumCpuSoftirq = 18;
constexpr uint16_t kSumCpuSteal = 19;
constexpr uint16_t kSumClockTicks = 20;
constexpr uint16_t kSumCpuCount = 21;
constexpr uint16_t kSumMemTotal = 22;
constexpr uint16_t kSumMemFree = 23;
constexpr uint16_t kSumMemAvailable = 24;
constexpr uint16_t kSumBuffers = 25;
constexpr uint16_t kSumCached = 26;
constexpr uint16_t kSumSwapTotal = 27;
constexpr uint16_t kSumSwapFree = 28;
constexpr uint16_t kSumNowUnixNs = 29;
constexpr uint16_t kSumMonotonicNs = 30;
constexpr uint16_t kSumBoottimeNs = 31;
}  // namespace tag

// ProcessEntry flag bits (tag::kEntryFlags).
constexpr uint64_t kFlagArgsTruncated = 1 << 0;
constexpr uint64_t kFlagSessionLeader = 1 << 1;
constexpr uint64_t kFlagForeground = 1 << 2;
constexpr uint64_t kFlagMultithreaded = 1 << 3;
constexpr uint64_t kFlagLockedMemory = 1 << 4;

// Decoding helpers: assign a checked value or return the error.
#define HW_ASSIGN_OR_RETURN(lhs, expr)            \
  do {                                            \
    auto hw_value = (expr);                       \
    if (!hw_value.ok()) return hw_value.status(); \
    lhs = *std::move(hw_value);                   \
  } while (0)

absl::StatusOr<uint32_t> WireU32(const WireField& field) {
  absl::StatusOr<uint64_t> v = WireU64(field);
  if (!v.ok()) return v.status();
  if (*v > std::numeric_limits<uint32_t>::max()) {
    return absl::DataLossError(
        absl::StrCat("field ", field.tag, " value ", *v, " exceeds 32 bits"));
  }
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<int32_t> WireI32(const WireField& field) {
  absl::StatusOr<int64_t> v = WireI64(field);
  if (!v.ok()) return v.status();
  if (*v < std::numeric_limits<int32_t>::min() ||
      *v > std::numeric_limits<int32_t>::max()) {
    return absl::DataLossError(
        absl::StrCat("field ", field.tag, " value ", *v, " exceeds 32 bits"));
  }
  return static_cast<int32_t>(*v);
}

// Runs `on_field` for every field of `payload`.
template <typename OnField>
absl::Status ForEachField(absl::string_view payload, OnField on_field) {
  WireReader reader(payload);
  WireField field;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&field);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (absl::Status s = on_field(field); !s.ok()) return s;
  }
}

// ---- ListHeader ----

void PutListHeaderFields(const ListHeader& h, WireWriter* w) {
  w->PutU64(tag::kNowUnixNs, h.now_unix_ns);
  w->PutU64(tag::kBootTimeUnixNs, h.boot_time_unix_ns);
  w->PutU64(tag::kUptimeNs, h.uptime_ns);
  w->PutU64(tag::kMemTotalKb, h.mem_total_kb);
  w->PutU64(tag::kTotalProcesses, h.total_processes);
}

absl::StatusOr<ListHeader> ParseListHeader(absl::string_view record) {
  ListHeader h;
  absl::Status s =
      ForEachField(record, [&h](const WireField& f) -> absl::Status {
        switch (f.tag) {
          case tag::kNowUnixNs:
            HW_ASSIGN_OR_RETURN(h.now_unix_ns, WireU64(f));
            break;
          case tag::kBootTimeUnixNs:
            HW_ASSIGN_OR_RETURN(h.boot_time_unix_ns, WireU64(f));
            break;
          case tag::kUptimeNs:
            HW_ASSIGN_OR_RETURN(h.uptime_ns, WireU64(f));
            break;
          case tag::kMemTotalKb:
            HW_ASSIGN_OR_RETURN(h.mem_total_kb, WireU64(f));
            break;
          case tag::kTotalProcesses:
            HW_ASSIGN_OR_RETURN(h.total_processes, WireU32(f));
            break;
          default:
            break;  // a newer companion's field
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return h;
}

// ---- ProcessEntry ----

void PutProcessEntryFields(const ProcessEntry& e, WireWriter* w) {
  w->PutU64(tag::kEntryPid, e.pid);
  w->PutU64(tag::kPpid, e.ppid);
  w->PutU64(tag::kUid, e.uid);
  w->PutU64(tag::kGid, e.gid);
  w->PutU64(tag::kRuid, e.ruid);
  w->PutU64(tag::kRgid, e.rgid);
  w->PutString(tag::kUser, e.user.substr(0, kMaxNameBytes));
  w->PutU64(tag::kState, static_cast<uint8_t>(e.state));
  w->PutU64(tag::kThreads, e.threads);
  w->PutI64(tag::kNice, e.nice);
  w->PutI64(tag::kPriority, e.priority);
  w->PutU64(tag::kTtyNr, e.tty_nr);
  w->PutString(tag::kTty, e.tty.substr(0, kMaxNameBytes));
  w->PutU64(tag::kStartTimeUnixNs, e.start_time_unix_ns);
  w->PutU64(tag::kCpuTimeNs, e.cpu_time_ns);
  w->PutU64(tag::kVszKb, e.vsz_kb);
  w->PutU64(tag::kRssKb, e.rss_kb);
  w->PutU64(tag::kShrKb, e.shr_kb);
  w->PutString(tag::kComm, e.comm.substr(0, kMaxNameBytes));
  // The command line is bounded here too, whatever the caller passed.
  bool truncated = e.args_truncated;
  size_t bytes = 0;
  size_t count = 0;
  for (const std::string& arg : e.args) {
    if (count == kMaxArgs) {
      truncated = true;
      break;
    }
    const size_t encoded = kWireFieldHeaderBytes + arg.size();
    if (bytes + encoded > kMaxArgsBytes) {
      // Keep what fits of the argument that crosses the limit, so one very
      // long argument is cut rather than dropped.
      if (bytes + kWireFieldHeaderBytes < kMaxArgsBytes) {
        w->PutString(tag::kArg,
                     absl::string_view(arg).substr(
                         0, kMaxArgsBytes - bytes - kWireFieldHeaderBytes));
      }
      truncated = true;
      break;
    }
    w->PutString(tag::kArg, arg);
    bytes += encoded;
    ++count;
  }
  uint64_t flags = 0;
  if (truncated) flags |= kFlagArgsTruncated;
  if (e.session_leader) flags |= kFlagSessionLeader;
  if (e.foreground) flags |= kFlagForeground;
  if (e.multithreaded) flags |= kFlagMultithreaded;
  if (e.has_locked_memory) flags |= kFlagLockedMemory;
  w->PutU64(tag::kEntryFlags, flags);
}

absl::StatusOr<ProcessEntry> ParseProcessEntry(absl::string_view record) {
  ProcessEntry e;
  bool has_pid = false;
  size_t arg_bytes = 0;
  absl::Status s =
      ForEachField(record, [&](const WireField& f) -> absl::Status {
        switch (f.tag) {
          case tag::kEntryPid:
            HW_ASSIGN_OR_RETURN(e.pid, WireU32(f));
            has_pid = true;
            break;
          case tag::kPpid:
            HW_ASSIGN_OR_RETURN(e.ppid, WireU32(f));
            break;
          case tag::kUid:
            HW_ASSIGN_OR_RETURN(e.uid, WireU32(f));
            break;
          case tag::kGid:
            HW_ASSIGN_OR_RETURN(e.gid, WireU32(f));
            break;
          case tag::kRuid:
            HW_ASSIGN_OR_RETURN(e.ruid, WireU32(f));
            break;
          case tag::kRgid:
            HW_ASSIGN_OR_RETURN(e.rgid, WireU32(f));
            break;
          case tag::kUser:
            HW_ASSIGN_OR_RETURN(e.user, WireString(f, kMaxNameBytes));
            break;
          case tag::kState: {
            uint32_t state;
            HW_ASSIGN_OR_RETURN(state, WireU32(f));
            if (state < 0x21 || state > 0x7E) {
              return absl::DataLossError(
                  absl::StrCat("process state ", state, " is not a letter"));
            }
            e.state = static_cast<char>(state);
            break;
          }
          case tag::kThreads:
            HW_ASSIGN_OR_RETURN(e.threads, WireU32(f));
            break;
          case tag::kNice:
            HW_ASSIGN_OR_RETURN(e.nice, WireI32(f));
            break;
          case tag::kPriority:
            HW_ASSIGN_OR_RETURN(e.priority, WireI32(f));
            break;
          case tag::kTtyNr:
            HW_ASSIGN_OR_RETURN(e.tty_nr, WireU32(f));
            break;
          case tag::kTty:
            HW_ASSIGN_OR_RETURN(e.tty, WireString(f, kMaxNameBytes));
            break;
          case tag::kStartTimeUnixNs:
            HW_ASSIGN_OR_RETURN(e.start_time_unix_ns, WireU64(f));
            break;
          case tag::kCpuTimeNs:
            HW_ASSIGN_OR_RETURN(e.cpu_time_ns, WireU64(f));
            break;
          case tag::kVszKb:
            HW_ASSIGN_OR_RETURN(e.vsz_kb, WireU64(f));
            break;
          case tag::kRssKb:
            HW_ASSIGN_OR_RETURN(e.rss_kb, WireU64(f));
            break;
          case tag::kShrKb:
            HW_ASSIGN_OR_RETURN(e.shr_kb, WireU64(f));
            break;
          case tag::kComm:
            HW_ASSIGN_OR_RETURN(e.comm, WireString(f, kMaxNameBytes));
            break;
          case tag::kArg: {
            std::string arg;
            HW_ASSIGN_OR_RETURN(arg, WireString(f, kMaxArgsBytes));
            arg_bytes += kWireFieldHeaderBytes + arg.size();
            if (e.args.size() >= kMaxArgs || arg_bytes > kMaxArgsBytes) {
              return absl::DataLossError("command line exceeds its limits");
            }
            e.args.push_back(std::move(arg));
            break;
          }
          case tag::kEntryFlags: {
            uint64_t flags;
            HW_ASSIGN_OR_RETURN(flags, WireU64(f));
            e.args_truncated = flags & kFlagArgsTruncated;
            e.session_leader = flags & kFlagSessionLeader;
            e.foreground = flags & kFlagForeground;
            e.multithreaded = flags & kFlagMultithreaded;
            e.has_locked_memory = flags & kFlagLockedMemory;
            break;
          }
          default:
            break;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!has_pid || e.pid == 0) {
    return absl::DataLossError("process entry without a pid");
  }
  return e;
}

// Appends a nested record built by `put`; all or nothing.
template <typename Put>
bool PutRecord(uint16_t record_tag, WireWriter* w, Put put) {
  const size_t mark = w->Mark();
  const size_t record = w->BeginRecord(record_tag);
  if (record == SIZE_MAX) {
    w->Rollback(mark);
    return false;
  }
  put(w);
  if (w->overflowed()) {
    w->Rollback(mark);
    return false;
  }
  w->EndRecord(record);
  return true;
}

void PutOptional(WireWriter* w, uint16_t t, const std::optional<uint64_t>& v) {
  if (v.has_value()) w->PutU64(t, *v);
}

}  // namespace

std::string EncodeProcessInfoRequest(const ProcessInfoRequest& request) {
  WireWriter w(64);
  w.PutU64(tag::kPid, request.pid);
  return w.data();
}

absl::StatusOr<ProcessInfoRequest> DecodeProcessInfoRequest(
    absl::string_view payload) {
  ProcessInfoRequest request;
  bool has_pid = false;
  absl::Status s =
      ForEachField(payload, [&](const WireField& f) -> absl::Status {
        if (f.tag == tag::kPid) {
          HW_ASSIGN_OR_RETURN(request.pid, WireU32(f));
          has_pid = true;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!has_pid || request.pid == 0) {
    return absl::InvalidArgumentError("request names no pid");
  }
  return request;
}

std::string EncodeIteratorRequest(const IteratorRequest& request) {
  WireWriter w(64);
  w.PutU64(tag::kIteratorId, request.iterator_id);
  return w.data();
}

absl::StatusOr<IteratorRequest> DecodeIteratorRequest(
    absl::string_view payload) {
  IteratorRequest request;
  bool has_id = false;
  absl::Status s =
      ForEachField(payload, [&](const WireField& f) -> absl::Status {
        if (f.tag == tag::kIteratorId) {
          HW_ASSIGN_OR_RETURN(request.iterator_id, WireU64(f));
          has_id = true;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!has_id || request.iterator_id == 0) {
    return absl::InvalidArgumentError("request names no iterator");
  }
  return request;
}

bool EncodeListHeader(const ListHeader& header, WireWriter* writer) {
  return PutRecord(tag::kListHeader, writer,
                   [&](WireWriter* w) { PutListHeaderFields(header, w); });
}

bool EncodeProcessEntry(const ProcessEntry& entry, WireWriter* writer) {
  return PutRecord(tag::kProcessEntry, writer,
                   [&](WireWriter* w) { PutProcessEntryFields(entry, w); });
}

absl::StatusOr<ListChunk> DecodeListChunk(absl::string_view payload) {
  ListChunk chunk;
  absl::Status s =
      ForEachField(payload, [&](const WireField& f) -> absl::Status {
        if (f.tag == tag::kListHeader) {
          if (chunk.header.has_value()) {
            return absl::DataLossError("listing has two headers");
          }
          HW_ASSIGN_OR_RETURN(chunk.header, ParseListHeader(f.value));
        } else if (f.tag == tag::kProcessEntry) {
          ProcessEntry entry;
          HW_ASSIGN_OR_RETURN(entry, ParseProcessEntry(f.value));
          chunk.entries.push_back(std::move(entry));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return chunk;
}

bool EncodeProcessInfo(const ProcessInfo& info, WireWriter* writer) {
  return PutRecord(tag::kProcessInfo, writer, [&](WireWriter* w) {
    const size_t entry = w->BeginRecord(tag::kInfoEntry);
    PutProcessEntryFields(info.entry, w);
    w->EndRecord(entry);
    const size_t system = w->BeginRecord(tag::kInfoSystem);
    PutListHeaderFields(info.system, w);
    w->EndRecord(system);
    PutOptional(w, tag::kVmPeak, info.vm_peak_kb);
    PutOptional(w, tag::kVmSize, info.vm_size_kb);
    PutOptional(w, tag::kVmLck, info.vm_lck_kb);
    PutOptional(w, tag::kVmPin, info.vm_pin_kb);
    PutOptional(w, tag::kVmHwm, info.vm_hwm_kb);
    PutOptional(w, tag::kVmRss, info.vm_rss_kb);
    PutOptional(w, tag::kRssAnon, info.rss_anon_kb);
    PutOptional(w, tag::kRssFile, info.rss_file_kb);
    PutOptional(w, tag::kRssShmem, info.rss_shmem_kb);
    PutOptional(w, tag::kVmData, info.vm_data_kb);
    PutOptional(w, tag::kVmStk, info.vm_stk_kb);
    PutOptional(w, tag::kVmExe, info.vm_exe_kb);
    PutOptional(w, tag::kVmLib, info.vm_lib_kb);
    PutOptional(w, tag::kVmPte, info.vm_pte_kb);
    PutOptional(w, tag::kVmSwap, info.vm_swap_kb);
    w->PutU64(tag::kEuid, info.euid);
    w->PutU64(tag::kSuid, info.suid);
    w->PutU64(tag::kFsuid, info.fsuid);
    w->PutU64(tag::kEgid, info.egid);
    w->PutU64(tag::kSgid, info.sgid);
    w->PutU64(tag::kFsgid, info.fsgid);
    if (info.umask.has_value()) w->PutU64(tag::kUmask, *info.umask);
    w->PutString(tag::kExe, info.exe.substr(0, kMaxPathBytes));
    w->PutString(tag::kCwd, info.cwd.substr(0, kMaxPathBytes));
    w->PutString(tag::kRoot, info.root.substr(0, kMaxPathBytes));
    if (info.fd_count.has_value()) w->PutU64(tag::kFdCount, *info.fd_count);
    w->PutString(tag::kCgroup, info.cgroup.substr(0, kMaxNameBytes));
    w->PutU64(tag::kSigPending, info.sig_pending);
    w->PutU64(tag::kSigSharedPending, info.sig_shared_pending);
    w->PutU64(tag::kSigBlocked, info.sig_blocked);
    w->PutU64(tag::kSigIgnored, info.sig_ignored);
    w->PutU64(tag::kSigCaught, info.sig_caught);
    w->PutU64(tag::kVoluntaryCtxt, info.voluntary_ctxt_switches);
    w->PutU64(tag::kNonvoluntaryCtxt, info.nonvoluntary_ctxt_switches);
    w->PutU64(tag::kMinorFaults, info.minor_faults);
    w->PutU64(tag::kMajorFaults, info.major_faults);
    if (info.oom_score_adj.has_value()) {
      w->PutI64(tag::kOomScoreAdj, *info.oom_score_adj);
    }
    w->PutString(tag::kCpusAllowed,
                 info.cpus_allowed_list.substr(0, kMaxNameBytes));
  });
}

absl::StatusOr<ProcessInfo> DecodeProcessInfo(absl::string_view payload) {
  ProcessInfo info;
  bool found = false;
  bool has_entry = false;
  auto optional_u64 = [](const WireField& f,
                         std::optional<uint64_t>* out) -> absl::Status {
    absl::StatusOr<uint64_t> v = WireU64(f);
    if (!v.ok()) return v.status();
    *out = *v;
    return absl::OkStatus();
  };
  auto parse_info = [&](const WireField& f) -> absl::Status {
    switch (f.tag) {
      case tag::kInfoEntry:
        HW_ASSIGN_OR_RETURN(info.entry, ParseProcessEntry(f.value));
        has_entry = true;
        return absl::OkStatus();
      case tag::kInfoSystem:
        HW_ASSIGN_OR_RETURN(info.system, ParseListHeader(f.value));
        return absl::OkStatus();
      case tag::kVmPeak:
        return optional_u64(f, &info.vm_peak_kb);
      case tag::kVmSize:
        return optional_u64(f, &info.vm_size_kb);
      case tag::kVmLck:
        return optional_u64(f, &info.vm_lck_kb);
      case tag::kVmPin:
        return optional_u64(f, &info.vm_pin_kb);
      case tag::kVmHwm:
        return optional_u64(f, &info.vm_hwm_kb);
      case tag::kVmRss:
        return optional_u64(f, &info.vm_rss_kb);
      case tag::kRssAnon:
        return optional_u64(f, &info.rss_anon_kb);
      case tag::kRssFile:
        return optional_u64(f, &info.rss_file_kb);
      case tag::kRssShmem:
        return optional_u64(f, &info.rss_shmem_kb);
      case tag::kVmData:
        return optional_u64(f, &info.vm_data_kb);
      case tag::kVmStk:
        return optional_u64(f, &info.vm_stk_kb);
      case tag::kVmExe:
        return optional_u64(f, &info.vm_exe_kb);
      case tag::kVmLib:
        return optional_u64(f, &info.vm_lib_kb);
      case tag::kVmPte:
        return optional_u64(f, &info.vm_pte_kb);
      case tag::kVmSwap:
        return optional_u64(f, &info.vm_swap_kb);
      case tag::kEuid:
        HW_ASSIGN_OR_RETURN(info.euid, WireU32(f));
        break;
      case tag::kSuid:
        HW_ASSIGN_OR_RETURN(info.suid, WireU32(f));
        break;
      case tag::kFsuid:
        HW_ASSIGN_OR_RETURN(info.fsuid, WireU32(f));
        break;
      case tag::kEgid:
        HW_ASSIGN_OR_RETURN(info.egid, WireU32(f));
        break;
      case tag::kSgid:
        HW_ASSIGN_OR_RETURN(info.sgid, WireU32(f));
        break;
      case tag::kFsgid:
        HW_ASSIGN_OR_RETURN(info.fsgid, WireU32(f));
        break;
      case tag::kUmask:
        HW_ASSIGN_OR_RETURN(info.umask, WireU32(f));
        break;
      case tag::kExe:
        HW_ASSIGN_OR_RETURN(info.exe, WireString(f, kMaxPathBytes));
        break;
      case tag::kCwd:
        HW_ASSIGN_OR_RETURN(info.cwd, WireString(f, kMaxPathBytes));
        break;
      case tag::kRoot:
        HW_ASSIGN_OR_RETURN(info.root, WireString(f, kMaxPathBytes));
        break;
      case tag::kFdCount:
        HW_ASSIGN_OR_RETURN(info.fd_count, WireU32(f));
        break;
      case tag::kCgroup:
        HW_ASSIGN_OR_RETURN(info.cgroup, WireString(f, kMaxNameBytes));
        break;
      case tag::kSigPending:
        HW_ASSIGN_OR_RETURN(info.sig_pending, WireU64(f));
        break;
      case tag::kSigSharedPending:
        HW_ASSIGN_OR_RETURN(info.sig_shared_pending, WireU64(f));
        break;
      case tag::kSigBlocked:
        HW_ASSIGN_OR_RETURN(info.sig_blocked, WireU64(f));
        break;
      case tag::kSigIgnored:
        HW_ASSIGN_OR_RETURN(info.sig_ignored, WireU64(f));
        break;
      case tag::kSigCaught:
        HW_ASSIGN_OR_RETURN(info.sig_caught, WireU64(f));
        break;
      case tag::kVoluntaryCtxt:
        HW_ASSIGN_OR_RETURN(info.voluntary_ctxt_switches, WireU64(f));
        break;
      case tag::kNonvoluntaryCtxt:
        HW_ASSIGN_OR_RETURN(info.nonvoluntary_ctxt_switches, WireU64(f));
        break;
      case tag::kMinorFaults:
        HW_ASSIGN_OR_RETURN(info.minor_faults, WireU64(f));
        break;
      case tag::kMajorFaults:
        HW_ASSIGN_OR_RETURN(info.major_faults, WireU64(f));
        break;
      case tag::kOomScoreAdj:
        HW_ASSIGN_OR_RETURN(info.oom_score_adj, WireI32(f));
        break;
      case tag::kCpusAllowed:
        HW_ASSIGN_OR_RETURN(info.cpus_allowed_list,
                            WireString(f, kMaxNameBytes));
        break;
      default:
        break;
    }
    return absl::OkStatus();
  };
  absl::Status s =
      ForEachField(payload, [&](const WireField& f) -> absl::Status {
        if (f.tag != tag::kProcessInfo) return absl::OkStatus();
        if (found)
          return absl::DataLossError("response holds two process infos");
        found = true;
        return ForEachField(f.value, parse_info);
      });
  if (!s.ok()) return s;
  if (!found || !has_entry) {
    return absl::DataLossError("response holds no process info");
  }
  return info;
}

bool EncodeSystemSummary(const SystemSummary& s, WireWriter* writer) {
  return PutRecord(tag::kSystemSummary, writer, [&](WireWriter* w) {
    w->PutString(tag::kSumHostname, s.hostname.substr(0, kMaxNameBytes));
    w->PutString(tag::kSumKernelRelease,
                 s.kernel_release.substr(0, kMaxNameBytes));
    w->PutU64(tag::kSumUptimeNs, s.uptime_ns);
    w->PutU64(tag::kSumLoad1, s.load_average_milli[0]);
    w->PutU64(tag::kSumLoad5, s.load_average_milli[1]);
    w->PutU64(tag::kSumLoad15, s.load_average_milli[2]);
    w->PutU64(tag::kSumTasksTotal, s.tasks_total);
    w->PutU64(tag::kSumTasksRunning, s.tasks_running);
    w->PutU64(tag::kSumTasksSleeping, s.tasks_sleeping);
    w->PutU64(tag::kSumTasksStopped, s.tasks_stopped);
    w->PutU64(tag::kSumTasksZombie, s.tasks_zombie);
    w->PutU64(tag::kSumCpuUser, s.cpu.user);
    w->PutU64(tag::kSumCpuNice, s.cpu.nice);
    w->PutU64(tag::kSumCpuSystem, s.cpu.system);
    w->PutU64(tag::kSumCpuIdle, s.cpu.idle);
    w->PutU64(tag::kSumCpuIowait, s.cpu.iowait);
    w->PutU64(tag::kSumCpuIrq, s.cpu.irq);
    w->PutU64(tag::kSumCpuSoftirq, s.cpu.softirq);
    w->PutU64(tag::kSumCpuSteal, s.cpu.steal);
    w->PutU64(tag::kSumClockTicks, s.clock_ticks_per_second);
    w->PutU64(tag::kSumCpuCount, s.cpu_count);
    w->PutU64(tag::kSumMemTotal, s.mem_total_kb);
    w->PutU64(tag::kSumMemFree, s.mem_free_kb);
    w->PutU64(tag::kSumMemAvailable, s.mem_available_kb);
    w->PutU64(tag::kSumBuffers, s.buffers_kb);
    w->PutU64(tag::kSumCached, s.cached_kb);
    w->PutU64(tag::kSumSwapTotal, s.swap_total_kb);
    w->PutU64(tag::kSumSwapFree, s.swap_free_kb);
    w->PutU64(tag::kSumNowUnixNs, s.now_unix_ns);
    w->PutU64(tag::kSumMonotonicNs, s.monotonic_ns);
    w->PutU64(tag::kSumBoottimeNs, s.boottime_ns);
  });
}

namespace {

absl::StatusOr<SystemSummary> ParseSystemSummary(absl::string_view record) {
  SystemSummary s;
  absl::Status status =
      ForEachField(record, [&s](const WireField& f) -> absl::Status {
        switch (f.tag) {
          case tag::kSumHostname:
            HW_ASSIGN_OR_RETURN(s.hostname, WireString(f, kMaxNameBytes));
            break;
          case tag::kSumKernelRelease:
            HW_ASSIGN_OR_RETURN(s.kernel_release, WireString(f, kMaxNameBytes));
            break;
          case tag::kSumUptimeNs:
            HW_ASSIGN_OR_RETURN(s.uptime_ns, WireU64(f));
            break;
          case tag::kSumLoad1:
            HW_ASSIGN_OR_RETURN(s.load_average_milli[0], WireU64(f));
            break;
          case tag::kSumLoad5:
            HW_ASSIGN_OR_RETURN(s.load_average_milli[1], WireU64(f));
            break;
          case tag::kSumLoad15:
            HW_ASSIGN_OR_RETURN(s.load_average_milli[2], WireU64(f));
            break;
          case tag::kSumTasksTotal:
            HW_ASSIGN_OR_RETURN(s.tasks_total, WireU32(f));
            break;
          case tag::kSumTasksRunning:
            HW_ASSIGN_OR_RETURN(s.tasks_running, WireU32(f));
            break;
          case tag::kSumTasksSleeping:
            HW_ASSIGN_OR_RETURN(s.tasks_sleeping, WireU32(f));
            break;
          case tag::kSumTasksStopped:
            HW_ASSIGN_OR_RETURN(s.tasks_stopped, WireU32(f));
            break;
          case tag::kSumTasksZombie:
            HW_ASSIGN_OR_RETURN(s.tasks_zombie, WireU32(f));
            break;
          case tag::kSumCpuUser:
            HW_ASSIGN_OR_RETURN(s.cpu.user, WireU64(f));
            break;
          case tag::kSumCpuNice:
            HW_ASSIGN_OR_RETURN(s.cpu.nice, WireU64(f));
            break;
          case tag::kSumCpuSystem:
            HW_ASSIGN_OR_RETURN(s.cpu.system, WireU64(f));
            break;
          case tag::kSumCpuIdle:
            HW_ASSIGN_OR_RETURN(s.cpu.idle, WireU64(f));
            break;
          case tag::kSumCpuIowait:
            HW_ASSIGN_OR_RETURN(s.cpu.iowait, WireU64(f));
            break;
          case tag::kSumCpuIrq:
            HW_ASSIGN_OR_RETURN(s.cpu.irq, WireU64(f));
            break;
          case tag::kSumCpuSoftirq:
            HW_ASSIGN_OR_RETURN(s.cpu.softirq, WireU64(f));
            break;
          case tag::kSumCpuSteal:
            HW_ASSIGN_OR_RETURN(s.cpu.steal, WireU64(f));
            break;
          case tag::kSumClockTicks:
            HW_ASSIGN_OR_RETURN(s.clock_ticks_per_second, WireU64(f));
            break;
          case tag::kSumCpuCount:
            HW_ASSIGN_OR_RETURN(s.cpu_count, WireU32(f));
            break;
          case tag::kSumMemTotal:
            HW_ASSIGN_OR_RETURN(s.mem_total_kb, WireU64(f));
            break;
          case tag::kSumMemFree:
            HW_ASSIGN_OR_RETURN(s.mem_free_kb, WireU64(f));
            break;
          case tag::kSumMemAvailable:
            HW_ASSIGN_OR_RETURN(s.mem_available_kb, WireU64(f));
            break;
          case tag::kSumBuffers:
            HW_ASSIGN_OR_RETURN(s.buffers_kb, WireU64(f));
            break;
          case tag::kSumCached:
            HW_ASSIGN_OR_RETURN(s.cached_kb, WireU64(f));
            break;
          case tag::kSumSwapTotal:
            HW_ASSIGN_OR_RETURN(s.swap_total_kb, WireU64(f));
            break;
          case tag::kSumSwapFree:
            HW_ASSIGN_OR_RETURN(s.swap_free_kb, WireU64(f));
            break;
          case tag::kSumNowUnixNs:
            HW_ASSIGN_OR_RETURN(s.now_unix_ns, WireU64(f));
            break;
          case tag::kSumMonotonicNs:
            HW_ASSIGN_OR_RETURN(s.monotonic_ns, WireU64(f));
            break;
          case tag::kSumBoottimeNs:
            HW_ASSIGN_OR_RETURN(s.boottime_ns, WireU64(f));
            break;
          default:
            break;  // a newer companion's field
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  // Consistency: values a real kernel cannot produce would make the host
  // divide by zero or show negative "used" memory.
  for (const uint64_t load : s.load_average_milli) {
    if (load > kMaxLoadAverageMilli) {
      return absl::DataLossError(
          absl::StrCat("load average ", load, "/1000 out of range"));
    }
  }
  const uint64_t counted = uint64_t{s.tasks_running} + s.tasks_sleeping +
                           s.tasks_stopped + s.tasks_zombie;
  if (counted > s.tasks_total) {
    return absl::DataLossError(absl::StrCat("task counts add up to ", counted,
                                            ", more than the total ",
                                            s.tasks_total));
  }
  if (s.clock_ticks_per_second == 0 ||
      s.clock_ticks_per_second > kMaxClockTicksPerSecond) {
    return absl::DataLossError(absl::StrCat(
        "clock tick rate ", s.clock_ticks_per_second, " out of range"));
  }
  if (s.cpu_count == 0 || s.cpu_count > kMaxCpus) {
    return absl::DataLossError(
        absl::StrCat("CPU count ", s.cpu_count, " out of range"));
  }
  if (s.mem_free_kb > s.mem_total_kb || s.mem_available_kb > s.mem_total_kb) {
    return absl::DataLossError("free memory exceeds total memory");
  }
  if (s.swap_free_kb > s.swap_total_kb) {
    return absl::DataLossError("free swap exceeds total swap");
  }
  return s;
}

}  // namespace

absl::StatusOr<SystemSummary> DecodeSystemSummary(absl::string_view payload) {
  std::optional<SystemSummary> summary;
  absl::Status s =
      ForEachField(payload, [&](const WireField& f) -> absl::Status {
        if (f.tag != tag::kSystemSummary) return absl::OkStatus();
        if (summary.has_value()) {
          return absl::DataLossError("response holds two system summaries");
        }
        HW_ASSIGN_OR_RETURN(summary, ParseSystemSummary(f.value));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (!summary.has_value()) {
    return absl::DataLossError("response holds no system summary");
  }
  return *std::move(summary);
}

std::string EncodeErrorMessage(absl::string_view message) {
  WireWriter w(kMaxErrorMessageBytes + kWireFieldHeaderBytes);
  w.PutString(tag::kErrorMessage, message.substr(0, kMaxErrorMessageBytes));
  return w.data();
}

std::string DecodeErrorMessage(absl::string_view payload) {
  std::string message;
  ForEachField(payload, [&](const WireField& f) -> absl::Status {
    if (f.tag == tag::kErrorMessage) {
      absl::StatusOr<std::string> s = WireString(f, kMaxErrorMessageBytes);
      if (s.ok()) message = *std::move(s);
    }
    return absl::OkStatus();
  }).IgnoreError();
  return message;
}

#undef HW_ASSIGN_OR_RETURN

}  // namespace haywire
