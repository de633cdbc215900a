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

bool ParseKb(absl::string_view value, uint64_t* kb) {
  if (!absl::ConsumeSuffix(&value, " kB")) return false;
  return ParseDecimal(absl::StripTrailingAsciiWhitespace(value), kb);
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
           ParseStatField(fields, 9, "flags", &stat.flags),
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

}  // namespace

std::string CgroupPathOf(absl::string_view contents) {
  std::string unified;
  std::string first_v1;
  bool any = false;
  // Lines are "hierarchy-ID:controller-list:cgroup-path"; the path may
  // itself hold colons.
  for (const absl::string_view line : absl::StrSplit(contents, '\n')) {
    const size_t first = line.find(':');
    if (first == absl::string_view::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == absl::string_view::npos) continue;
    const absl::string_view id = line.substr(0, first);
    const absl::string_view controllers =
        line.substr(first + 1, second - first - 1);
    const absl::string_view path = line.substr(second + 1);
    any = true;
    if (id == "0" && controllers.empty()) {
      unified = std::string(path);
    } else if (first_v1.empty() && path != "/") {
      first_v1 = std::string(path);
    }
  }
  if (!unified.empty() && unified != "/")
    return CutUtf8(unified, kMaxNameBytes);
  if (!first_v1.empty()) return CutUtf8(first_v1, kMaxNameBytes);
  return any ? "/" : "";
}

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
    } else if (key == "NSpid") {
      for (const absl::string_view word :
           absl::StrSplit(value, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
        uint32_t pid = 0;
        if (status.ns_pids.size() == kMaxPidNamespaceLevels ||
            !absl::SimpleAtoi(word, &pid) || pid == 0) {
          return BadStatusValue(key, value);
        }
        status.ns_pids.push_back(pid);
      }
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
// Terminals, command lines, users.
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

}  // namespace internal

}  // namespace haywire
