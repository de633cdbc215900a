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
// File access.
// ---------------------------------------------------------------------------

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// ENOENT and ESRCH both mean "no such process" in procfs: ENOENT from a
// lookup in a reaped process's directory, ESRCH from a read of a file opened
// before it was reaped.
absl::Status ErrnoError(int error, absl::string_view what) {
  if (error == ENOENT || error == ESRCH) {
    return absl::NotFoundError(absl::StrCat(what, ": ", std::strerror(error)));
  }
  return absl::ErrnoToStatus(error, what);
}

struct FileContents {
  std::string data;
  bool truncated = false;  // the file had more than max_bytes
};

// Reads `name` relative to `dir_fd` (AT_FDCWD for a plain path), at most
// `max_bytes`. `path` is for messages.
absl::StatusOr<FileContents> ReadFileAt(int dir_fd, const char* name,
                                        size_t max_bytes,
                                        absl::string_view path) {
  const Fd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError(errno, path);
  FileContents contents;
  // procfs files report size 0, so read until EOF; one byte beyond the cap
  // tells whether there was more.
  const size_t limit = max_bytes + 1;
  size_t used = 0;
  while (used < limit) {
    const size_t want = std::min<size_t>(limit - used, 64 << 10);
    contents.data.resize(used + want);
    const ssize_t n = ::read(fd.get(), contents.data.data() + used, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, path);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  contents.data.resize(std::min(used, max_bytes));
  contents.truncated = used > max_bytes;
  return contents;
}

// A file that must be read whole: too large is malformed.
absl::StatusOr<std::string> ReadWholeFileAt(int dir_fd, const char* name,
                                            size_t max_bytes,
                                            absl::string_view path) {
  absl::StatusOr<FileContents> contents =
      ReadFileAt(dir_fd, name, max_bytes, path);
  if (!contents.ok()) return contents.status();
  if (contents->truncated) {
    return absl::DataLossError(
        absl::StrCat(path, ": larger than ", max_bytes, " bytes"));
  }
  return std::move(contents->data);
}

// readlink relative to `dir_fd`, cut to kMaxPathBytes; "" when unreadable
// (kernel threads have no exe; other users' links need ptrace rights).
std::string ReadLinkAt(int dir_fd, const char* name) {
  char buffer[4096 + 1];
  const ssize_t n = ::readlinkat(dir_fd, name, buffer, sizeof(buffer));
  if (n <= 0) return "";
  return CutUtf8(absl::string_view(buffer, static_cast<size_t>(n)),
                 kMaxPathBytes);
}

// The number of entries of `name` (a directory) under `dir_fd`, without "."
// and "..", or nullopt when it cannot be listed.
std::optional<uint32_t> CountEntriesAt(int dir_fd, const char* name) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return std::nullopt;
  }
  uint32_t count = 0;
  errno = 0;
  bool failed = false;
  while (const struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 ||
        std::strcmp(entry->d_name, "..") == 0) {
      continue;
    }
    ++count;
  }
  if (errno != 0) failed = true;
  ::closedir(dir);  // also closes fd
  if (failed) return std::nullopt;
  return count;
}

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

namespace internal {

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
    int dir_fd, uint32_t pid, internal::StatFields* stat,
    internal::StatusFields* status) const {
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

  // status
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
  internal::Cmdline cmdline = internal::SplitCmdline(cmdline_text->data);

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

  // statm for top's SHR. Older fixtures and odd kernels may lack it: then
  // SHR is 0, but a statm that exists and is malformed is an error like
  // any other file's.
  uint64_t shr_kb = 0;
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

  ProcessEntry entry;
  entry.pid = pid;
  entry.shr_kb = shr_kb;
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

absl::StatusOr<ProcessEntry> ProcFs::ReadProcess(uint32_t pid) const {
  const std::string dir = absl::StrCat(proc_root_, "/", pid);
  // Every file is read through this one directory, so they all describe the
  // same process even if the pid is reused meanwhile (see the header).
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return ForPid(pid, ErrnoError(errno, dir));
  internal::StatFields stat;
  internal::StatusFields status;
  absl::StatusOr<ProcessEntry> entry =
      ReadEntryAt(dir_fd.get(), pid, &stat, &status);
  if (!entry.ok()) return ForPid(pid, entry.status());
  return entry;
}

absl::StatusOr<ProcessInfo> ProcFs::ReadProcessInfo(uint32_t pid) const {
  const std::string dir = absl::StrCat(proc_root_, "/", pid);
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return ForPid(pid, ErrnoError(errno, dir));

  ProcessInfo info;
  internal::StatFields stat;
  internal::StatusFields status;
  absl::StatusOr<ProcessEntry> entry =
      ReadEntryAt(dir_fd.get(), pid, &stat, &status);
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
  info.fd_count = CountEntriesAt(dir_fd.get(), "fd");

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
