// Copyright 2026 The Haywire Authors.

#include "guest/procfs_parse.h"

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

namespace haywire {
namespace internal {
namespace {
constexpr uint64_t kNsPerSecond = 1'000'000'000;
}  // namespace

// ---------------------------------------------------------------------------
// Strict number parsing. The kernel prints plain decimal (or hex, or octal)
// digits; anything else (signs where none belong, spaces, overflow) means the
// file is not what it claims to be.
// ---------------------------------------------------------------------------

bool ParseDecimal(absl::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return false;
    }
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

bool ParseSignedDecimal(absl::string_view text, int64_t* out) {
  const bool negative = absl::ConsumePrefix(&text, "-");
  uint64_t magnitude = 0;
  if (!ParseDecimal(text, &magnitude)) return false;
  constexpr uint64_t kMaxMagnitude =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (magnitude > kMaxMagnitude) return false;
    *out = static_cast<int64_t>(magnitude);
  } else {
    if (magnitude > kMaxMagnitude + 1) return false;
    // Negate in unsigned arithmetic, which cannot overflow.
    *out = magnitude == kMaxMagnitude + 1 ? std::numeric_limits<int64_t>::min()
                                          : -static_cast<int64_t>(magnitude);
  }
  return true;
}

bool ParseHex64(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t value = 0;
  for (const char c : text) {
    uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return false;
    }
    value = (value << 4) | digit;
  }
  *out = value;
  return true;
}

bool ParseOctalMode(absl::string_view text, uint32_t* out) {
  if (text.empty() || text.size() > 6) return false;
  uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '7') return false;
    value = value * 8 + static_cast<uint32_t>(c - '0');
  }
  if (value > 07777) return false;
  *out = value;
  return true;
}

// A bounded, escaped copy of untrusted text for an error message.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxQuoted = 40;
  std::string quoted =
      absl::StrCat("\"", absl::CHexEscape(text.substr(0, kMaxQuoted)), "\"");
  if (text.size() > kMaxQuoted) quoted += "...";
  return quoted;
}

// At most `max_bytes` of `text`, cut back to the start of a UTF-8 sequence
// when the cut would split one, so bounded names stay valid UTF-8 when they
// were (procfs strings are bytes; most are UTF-8).
std::string CutUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  for (int i = 0; i < 3 && end > 0 &&
                  (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80;
       ++i) {
    --end;
  }
  return std::string(text.substr(0, end));
}

// ---------------------------------------------------------------------------
// /proc/PID/stat
// ---------------------------------------------------------------------------

namespace {

template <typename T>
absl::Status ParseStatField(const std::vector<absl::string_view>& fields,
                            int number, absl::string_view name, T* out) {
  // fields[0] is field 3 (state): fields 1 and 2 precede the split.
  const absl::string_view text = fields[static_cast<size_t>(number - 3)];
  if (!ParseInteger(text, out)) {
    return absl::DataLossError(
        absl::StrCat("field ", number, " (", name,
                     ") is not a valid number: ", Quote(text)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StatFields> ParseStat(absl::string_view contents) {
  // "PID (COMM) STATE PPID ...": COMM is not escaped, so it ends at the last
  // ')' in the file; no later field can contain one.
  const size_t open = contents.find('(');
  const size_t close = contents.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos ||
      close < open) {
    return absl::DataLossError("no \"(comm)\" field");
  }
  StatFields stat;
  absl::string_view pid_text = contents.substr(0, open);
  if (!absl::ConsumeSuffix(&pid_text, " ") ||
      !ParseInteger(pid_text, &stat.pid)) {
    return absl::DataLossError(
        absl::StrCat("field 1 (pid) is not a valid number: ", Quote(pid_text)));
  }
  stat.comm =
      CutUtf8(contents.substr(open + 1, close - open - 1), kMaxNameBytes);

  absl::string_view rest = contents.substr(close + 1);
  if (!absl::ConsumePrefix(&rest, " ")) {
    return absl::DataLossError("no space after the comm field");
  }
  rest = absl::StripTrailingAsciiWhitespace(rest);
  const std::vector<absl::string_view> fields = absl::StrSplit(rest, ' ');
  constexpr int kLastField = 24;  // rss
  if (fields.size() < static_cast<size_t>(kLastField - 2)) {
    return absl::DataLossError(
        absl::StrCat("only ", fields.size() + 2, " fields, need ", kLastField));
  }
  const absl::string_view state = fields[0];
  if (state.size() != 1 || !absl::ascii_isalpha(state[0])) {
    return absl::DataLossError(
        absl::StrCat("field 3 (state) is not a letter: ", Quote(state)));
  }
  stat.state = state[0];

  // tty_nr is printed with %d although it is a 32-bit dev_t, so a large
  // minor number prints negative; take it modulo 2^32.
  int64_t tty_nr = 0;
  if (!ParseSignedDecimal(fields[7 - 3], &tty_nr) ||
      tty_nr < std::numeric_limits<int32_t>::min() ||
      tty_nr > std::numeric_limits<uint32_t>::max()) {
    return absl::DataLossError(absl::StrCat(
        "field 7 (tty_nr) is not a valid number: ", Quote(fields[7 - 3])));
  }
  stat.tty_nr = static_cast<uint32_t>(tty_nr);

  for (absl::Status status : {
           ParseStatField(fields, 4, "ppid", &stat.ppid),
           ParseStatField(fields, 5, "pgrp", &stat.pgrp),
           ParseStatField(fields, 6, "session", &stat.session),
           ParseStatField(fields, 8, "tpgid", &stat.tpgid),
           ParseStatField(fields, 10, "minflt", &stat.minflt),
           ParseStatField(fields, 12, "majflt", &stat.majflt),
           ParseStatField(fields, 14, "utime", &stat.utime),
           ParseStatField(fields, 15, "stime", &stat.stime),
           ParseStatField(fields, 18, "priority", &stat.priority),
           ParseStatField(fields, 19, "nice", &stat.nice),
           ParseStatField(fields, 20, "num_threads", &stat.num_threads),
           ParseStatField(fields, 22, "starttime", &stat.starttime),
           ParseStatField(fields, 23, "vsize", &stat.vsize),
           ParseStatField(fields, 24, "rss", &stat.rss),
       }) {
    if (!status.ok()) return status;
  }
  return stat;
}

// ---------------------------------------------------------------------------
// /proc/PID/status
// ---------------------------------------------------------------------------

namespace {

struct KbField {
  absl::string_view key;
  std::optional<uint64_t> StatusFields::*member;
};
constexpr KbField kKbFields[] = {
    {"VmPeak", &StatusFields::vm_peak_kb},
    {"VmSize", &StatusFields::vm_size_kb},
    {"VmLck", &StatusFields::vm_lck_kb},
    {"VmPin", &StatusFields::vm_pin_kb},
    {"VmHWM", &StatusFields::vm_hwm_kb},
    {"VmRSS", &StatusFields::vm_rss_kb},
    {"RssAnon", &StatusFields::rss_anon_kb},
    {"RssFile", &StatusFields::rss_file_kb},
    {"RssShmem", &StatusFields::rss_shmem_kb},
    {"VmData", &StatusFields::vm_data_kb},
    {"VmStk", &StatusFields::vm_stk_kb},
    {"VmExe", &StatusFields::vm_exe_kb},
    {"VmLib", &StatusFields::vm_lib_kb},
    {"VmPTE", &StatusFields::vm_pte_kb},
    {"VmSwap", &StatusFields::vm_swap_kb},
};

struct U64Field {
  absl::string_view key;
  uint64_t StatusFields::*member;
};
constexpr U64Field kSignalFields[] = {
    {"SigPnd", &StatusFields::sig_pending},
    {"ShdPnd", &StatusFields::sig_shared_pending},
    {"SigBlk", &StatusFields::sig_blocked},
    {"SigIgn", &StatusFields::sig_ignored},
    {"SigCgt", &StatusFields::sig_caught},
};
constexpr U64Field kCountFields[] = {
    {"voluntary_ctxt_switches", &StatusFields::voluntary_ctxt_switches},
    {"nonvoluntary_ctxt_switches", &StatusFields::nonvoluntary_ctxt_switches},
};

absl::Status BadStatusValue(absl::string_view key, absl::string_view value) {
  return absl::DataLossError(
      absl::StrCat("bad value for ", key, ": ", Quote(value)));
}

// "1000\t1000\t1000\t1000": real, effective, saved, filesystem.
absl::Status ParseIds(absl::string_view key, absl::string_view value,
                      std::array<uint32_t, 4>* ids) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(value, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (parts.size() != ids->size()) return BadStatusValue(key, value);
  for (size_t i = 0; i < ids->size(); ++i) {
    if (!ParseInteger(parts[i], &(*ids)[i])) return BadStatusValue(key, value);
  }
  return absl::OkStatus();
}

// "123 kB".
bool ParseKb(absl::string_view value, uint64_t* kb) {
  if (!absl::ConsumeSuffix(&value, " kB")) return false;
  return ParseDecimal(absl::StripTrailingAsciiWhitespace(value), kb);
}

}  // namespace

absl::StatusOr<StatusFields> ParseStatusFields(absl::string_view contents) {
  StatusFields status;
  bool have_uid = false;
  bool have_gid = false;
  for (const absl::string_view line : absl::StrSplit(contents, '\n')) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const absl::string_view key = line.substr(0, colon);
    const absl::string_view value =
        absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (key == "Uid") {
      if (absl::Status s = ParseIds(key, value, &status.uid); !s.ok()) return s;
      have_uid = true;
    } else if (key == "Gid") {
      if (absl::Status s = ParseIds(key, value, &status.gid); !s.ok()) return s;
      have_gid = true;
    } else if (key == "Umask") {
      uint32_t umask = 0;
      if (!ParseOctalMode(value, &umask)) return BadStatusValue(key, value);
      status.umask = umask;
    } else if (key == "Cpus_allowed_list") {
      status.cpus_allowed_list = CutUtf8(value, kMaxNameBytes);
    } else {
      for (const KbField& field : kKbFields) {
        if (key != field.key) continue;
        uint64_t kb = 0;
        if (!ParseKb(value, &kb)) return BadStatusValue(key, value);
        status.*field.member = kb;
      }
      for (const U64Field& field : kSignalFields) {
        if (key != field.key) continue;
        if (!ParseHex64(value, &(status.*field.member))) {
          return BadStatusValue(key, value);
        }
      }
      for (const U64Field& field : kCountFields) {
        if (key != field.key) continue;
        if (!ParseDecimal(value, &(status.*field.member))) {
          return BadStatusValue(key, value);
        }
      }
    }
  }
  if (!have_uid || !have_gid) {
    return absl::DataLossError("no Uid: or Gid: line");
  }
  return status;
}

// ---------------------------------------------------------------------------
// Terminals, command lines, users, system files.
// ---------------------------------------------------------------------------

std::string TtyName(uint32_t tty_nr) {
  if (tty_nr == 0) return "?";
  // The kernel's new_encode_dev(): 12 bits of major, 20 bits of minor.
  const uint32_t major = (tty_nr >> 8) & 0xfff;
  const uint32_t minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
  // Unix98 pty slaves: major 136 with a 20-bit minor on current kernels;
  // 2.4-era kernels spread pts numbers over majors 136..143, 256 each.
  if (major >= 136 && major <= 143) {
    return absl::StrCat("pts/", (major - 136) * 256 + minor);
  }
  if (major == 4) {  // virtual consoles, then 8250 serial ports
    if (minor < 64) return absl::StrCat("tty", minor);
    if (minor < 256) return absl::StrCat("ttyS", minor - 64);
  }
  if (major == 5 && minor == 1) return "console";
  // The consoles a VM guest most often runs a getty on: virtio / Xen / KVM
  // hypervisor consoles, and the PL011 UART of arm64 "virt" machines.
  if (major == 229) return absl::StrCat("hvc", minor);
  if (major == 204 && minor >= 64 && minor < 64 + 14) {
    return absl::StrCat("ttyAMA", minor - 64);
  }
  // procps would search /dev for other devices; the host has no /dev of the
  // guest to fall back on, and "?" is what ps prints when that fails too.
  return "?";
}

Cmdline SplitCmdline(absl::string_view contents) {
  Cmdline cmdline;
  if (contents.empty()) return cmdline;
  absl::string_view body = contents;
  // Each arg ends in a NUL, so the piece after the last one is not an arg.
  // A process that rewrote its argv may leave no final NUL; then the last
  // piece is an arg.
  absl::ConsumeSuffix(&body, absl::string_view("\0", 1));
  size_t used = 0;  // bytes of kept args, each with its NUL
  for (const absl::string_view arg : absl::StrSplit(body, '\0')) {
    if (cmdline.args.size() == kMaxArgs) {
      cmdline.truncated = true;
      break;
    }
    const size_t room = kMaxArgsBytes - used;
    if (arg.size() + 1 > room) {
      // Keep what fits of this arg: the start of a long argument (a script
      // or a JSON blob) says more than nothing.
      if (room > 1) cmdline.args.push_back(CutUtf8(arg, room - 1));
      cmdline.truncated = true;
      break;
    }
    cmdline.args.emplace_back(arg);
    used += arg.size() + 1;
  }
  return cmdline;
}

absl::flat_hash_map<uint32_t, std::string> ParsePasswd(
    absl::string_view contents) {
  absl::flat_hash_map<uint32_t, std::string> users;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    absl::ConsumeSuffix(&line, "\r");
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') {
      continue;
    }
    // name:password:uid:gid:gecos:home:shell
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(':', 3));
    uint32_t uid = 0;
    if (fields.size() < 4 || fields[0].empty() ||
        !ParseInteger(fields[2], &uid)) {
      continue;
    }
    users.try_emplace(uid, CutUtf8(fields[0], kMaxNameBytes));
  }
  return users;
}

absl::StatusOr<uint64_t> TicksToNs(uint64_t ticks, uint64_t ticks_per_second) {
  if (ticks_per_second == 0) {
    return absl::InvalidArgumentError("zero clock ticks per second");
  }
  const absl::uint128 ns =
      absl::uint128(ticks) * kNsPerSecond / ticks_per_second;
  if (ns > std::numeric_limits<uint64_t>::max()) {
    return absl::OutOfRangeError(
        absl::StrCat(ticks, " clock ticks overflow 64-bit nanoseconds"));
  }
  return absl::Uint128Low64(ns);
}

absl::StatusOr<uint64_t> ParseUptimeNs(absl::string_view contents) {
  const absl::string_view first =
      contents.substr(0, contents.find_first_of(" \t\n"));
  const size_t dot = first.find('.');
  const absl::string_view whole = first.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos
                                         ? absl::string_view()
                                         : first.substr(dot + 1);
  uint64_t seconds = 0;
  uint64_t fraction_ns = 0;
  if (!ParseDecimal(whole, &seconds) || fraction.size() > 9 ||
      (dot != absl::string_view::npos &&
       !ParseDecimal(fraction, &fraction_ns)) ||
      seconds > (std::numeric_limits<uint64_t>::max() - kNsPerSecond) /
                    kNsPerSecond) {
    return absl::DataLossError(
        absl::StrCat("not an uptime in seconds: ", Quote(first)));
  }
  for (size_t i = fraction.size(); i < 9; ++i) fraction_ns *= 10;
  return seconds * kNsPerSecond + fraction_ns;
}

absl::StatusOr<uint64_t> FindStatValue(absl::string_view contents,
                                       absl::string_view key) {
  for (const absl::string_view line : absl::StrSplit(contents, '\n')) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, " ")) {
      continue;
    }
    uint64_t value = 0;
    if (!ParseDecimal(absl::StripAsciiWhitespace(rest), &value)) {
      return absl::DataLossError(
          absl::StrCat("bad value for ", key, ": ", Quote(rest)));
    }
    return value;
  }
  return absl::NotFoundError(absl::StrCat("no ", key, " line"));
}

absl::StatusOr<char> ParseStatState(absl::string_view contents) {
  const size_t close = contents.rfind(')');
  if (close == absl::string_view::npos || close + 2 >= contents.size() ||
      contents[close + 1] != ' ' || !absl::ascii_isalpha(contents[close + 2])) {
    return absl::DataLossError("no state letter after \"(comm)\"");
  }
  return contents[close + 2];
}

absl::StatusOr<uint64_t> ParseStatmSharedPages(absl::string_view contents) {
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::StripAsciiWhitespace(contents), ' ', absl::SkipEmpty());
  uint64_t shared = 0;
  if (fields.size() < 3 || !ParseDecimal(fields[2], &shared)) {
    return absl::DataLossError(
        absl::StrCat("no shared page count in field 3: ", Quote(contents)));
  }
  return shared;
}

absl::StatusOr<StatCpu> ParseStatCpu(absl::string_view contents) {
  StatCpu result;
  bool found = false;
  for (const absl::string_view line : absl::StrSplit(contents, '\n')) {
    if (!absl::StartsWith(line, "cpu")) continue;
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields[0] != "cpu") {
      uint32_t index = 0;
      if (ParseInteger(fields[0].substr(3), &index)) {
        if (result.cpu_count == kMaxCpus) {
          return absl::DataLossError("more CPUs than Haywire supports");
        }
        ++result.cpu_count;
      }
      continue;
    }
    if (found) return absl::DataLossError("two aggregate \"cpu\" lines");
    found = true;
    uint64_t* const targets[] = {&result.total.user,    &result.total.nice,
                                 &result.total.system,  &result.total.idle,
                                 &result.total.iowait,  &result.total.irq,
                                 &result.total.softirq, &result.total.steal};
    constexpr size_t kRequired = 4;  // user nice system idle: every kernel
    if (fields.size() < 1 + kRequired) {
      return absl::DataLossError(
          absl::StrCat("\"cpu\" line has ", fields.size() - 1,
                       " numbers, need at least ", kRequired));
    }
    for (size_t i = 0; i < std::size(targets) && i + 1 < fields.size(); ++i) {
      if (!ParseDecimal(fields[i + 1], targets[i])) {
        return absl::DataLossError(
            absl::StrCat("\"cpu\" field ", i + 1,
                         " is not a number: ", Quote(fields[i + 1])));
      }
    }
  }
  if (!found) return absl::DataLossError("no aggregate \"cpu\" line");
  // A single-CPU kernel built without SMP may print no cpuN line.
  if (result.cpu_count == 0) result.cpu_count = 1;
  return result;
}

absl::StatusOr<std::array<uint64_t, 3>> ParseLoadAverage(
    absl::string_view contents) {
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::StripAsciiWhitespace(contents), ' ', absl::SkipEmpty());
  if (fields.size() < 3) {
    return absl::DataLossError(
        absl::StrCat("fewer than three load averages: ", Quote(contents)));
  }
  std::array<uint64_t, 3> milli = {};
  for (size_t i = 0; i < 3; ++i) {
    // "12.59": the kernel prints two decimals; accept one to three.
    const absl::string_view text = fields[i];
    const size_t dot = text.find('.');
    uint64_t whole = 0;
    uint64_t fraction = 0;
    const absl::string_view fraction_text =
        dot == absl::string_view::npos ? "" : text.substr(dot + 1);
    if (!ParseDecimal(text.substr(0, dot), &whole) ||
        (dot != absl::string_view::npos &&
         (fraction_text.empty() || fraction_text.size() > 3 ||
          !ParseDecimal(fraction_text, &fraction))) ||
        whole > kMaxLoadAverageMilli / 1000) {
      return absl::DataLossError(
          absl::StrCat("not a load average: ", Quote(text)));
    }
    for (size_t d = fraction_text.size(); d < 3; ++d) fraction *= 10;
    milli[i] = std::min(whole * 1000 + fraction, kMaxLoadAverageMilli);
  }
  return milli;
}

absl::StatusOr<ProcessTableStamp> ParseProcessTableStamp(
    absl::string_view contents) {
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::StripAsciiWhitespace(contents), ' ', absl::SkipEmpty());
  if (fields.size() < 5) {
    return absl::DataLossError(
        absl::StrCat("no thread count and last pid: ", Quote(contents)));
  }
  const size_t slash = fields[3].find('/');
  ProcessTableStamp stamp;
  if (slash == absl::string_view::npos ||
      !ParseDecimal(fields[3].substr(slash + 1), &stamp.threads) ||
      !ParseDecimal(fields[4], &stamp.last_pid)) {
    return absl::DataLossError(
        absl::StrCat("not \"running/threads last_pid\": ", Quote(contents)));
  }
  return stamp;
}

absl::Status ParseMeminfoSummary(absl::string_view contents,
                                 SystemSummary* summary) {
  struct Field {
    absl::string_view key;
    bool required;
    uint64_t value = 0;
    bool present = false;
  };
  Field fields[] = {{"MemTotal", true},      {"MemFree", true},
                    {"MemAvailable", false}, {"Buffers", false},
                    {"Cached", false},       {"SReclaimable", false},
                    {"SwapTotal", false},    {"SwapFree", false}};
  for (Field& field : fields) {
    absl::StatusOr<uint64_t> kb = FindMeminfoKb(contents, field.key);
    if (kb.ok()) {
      field.value = *kb;
      field.present = true;
    } else if (!absl::IsNotFound(kb.status()) || field.required) {
      return kb.status();
    }
  }
  summary->mem_total_kb = fields[0].value;
  summary->mem_free_kb = fields[1].value;
  summary->mem_available_kb =
      fields[2].present ? fields[2].value : fields[1].value;
  summary->buffers_kb = fields[3].value;
  if (fields[4].value >
      std::numeric_limits<uint64_t>::max() - fields[5].value) {
    return absl::DataLossError("Cached + SReclaimable out of range");
  }
  summary->cached_kb = fields[4].value + fields[5].value;
  summary->swap_total_kb = fields[6].value;
  summary->swap_free_kb = fields[7].value;
  if (summary->mem_free_kb > summary->mem_total_kb ||
      summary->mem_available_kb > summary->mem_total_kb) {
    return absl::DataLossError("MemFree or MemAvailable exceeds MemTotal");
  }
  if (summary->swap_free_kb > summary->swap_total_kb) {
    return absl::DataLossError("SwapFree exceeds SwapTotal");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FindMeminfoKb(absl::string_view contents,
                                       absl::string_view key) {
  for (const absl::string_view line : absl::StrSplit(contents, '\n')) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, ":")) {
      continue;
    }
    uint64_t kb = 0;
    if (!ParseKb(absl::StripAsciiWhitespace(rest), &kb)) {
      return absl::DataLossError(
          absl::StrCat("bad value for ", key, ": ", Quote(rest)));
    }
    return kb;
  }
  return absl::NotFoundError(absl::StrCat("no ", key, " line"));
}

}  // namespace internal

}  // namespace haywire
