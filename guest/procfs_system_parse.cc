// Copyright 2026 The Haywire Authors.
//
// The parsers of procfs_parse.h for clock ticks, uptime and the files behind
// the system summary (/proc/stat, loadavg, meminfo, a process's stat state
// and statm); the per-process parsers are in procfs_parse.cc.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "guest/procfs_parse.h"

namespace haywire {
namespace internal {
namespace {
constexpr uint64_t kNsPerSecond = 1'000'000'000;
}  // namespace

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
