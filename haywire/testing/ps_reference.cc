// Copyright 2026 The Haywire Authors.

#include "haywire/testing/ps_reference.h"

#include <algorithm>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "haywire/testing/command_checks.h"

namespace haywire {

// The args of a JSON process entry.
std::vector<std::string> ArgsOf(const JsonValue& process) {
  std::vector<std::string> args;
  const JsonValue& array = process["args"];
  for (size_t i = 0; i < array.size(); ++i) {
    args.push_back(array.at(i).as_string().value_or("<not a string>"));
  }
  return args;
}

absl::StatusOr<JsonValue> ParseObject(const SubprocessResult& result) {
  absl::StatusOr<JsonValue> json = ParseJson(result.out);
  if (!json.ok()) return json.status();
  if (!json->is_object()) {
    return absl::InvalidArgumentError("output is not a JSON object");
  }
  return json;
}

// `haywire ps --json` output, indexed by pid.
absl::StatusOr<PsListing> ParsePsListing(const SubprocessResult& result) {
  absl::StatusOr<JsonValue> doc = ParseObject(result);
  if (!doc.ok()) return doc.status();
  PsListing listing;
  listing.doc = *std::move(doc);
  const JsonValue& processes = listing.doc["processes"];
  if (!processes.is_array()) {
    return absl::InvalidArgumentError("no \"processes\" array");
  }
  for (size_t i = 0; i < processes.size(); ++i) {
    const std::optional<uint64_t> pid = processes.at(i)["pid"].as_uint();
    if (!pid.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry ", i, " has no pid: ", processes.at(i).ToJson()));
    }
    listing.index[*pid] = i;
    ++listing.count[*pid];
  }
  return listing;
}

// `ps -e -o pid=,ppid=,ruid=,uid=,comm=` (uid is procps's effective uid),
// by pid.
absl::StatusOr<std::map<uint64_t, ProcpsRow>> ProcpsSnapshot() {
  const SubprocessResult result =
      RunCommand({"ps", "-e", "-o", "pid=,ppid=,ruid=,uid=,comm="});
  if (result.timed_out || result.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("procps ps failed: ", result.DebugString()));
  }
  std::map<uint64_t, ProcpsRow> rows;
  for (absl::string_view line : absl::StrSplit(result.out, '\n')) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::string_view rest = line;
    uint64_t fields[4];
    for (uint64_t& field : fields) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const size_t end = std::min(rest.find(' '), rest.size());
      if (!absl::SimpleAtoi(rest.substr(0, end), &field)) {
        return absl::InternalError(absl::StrCat("bad procps line: ", line));
      }
      rest.remove_prefix(end);
    }
    // One separating space, then comm (which may contain spaces) to the end.
    if (!absl::ConsumePrefix(&rest, " ")) {
      return absl::InternalError(absl::StrCat("bad procps line: ", line));
    }
    ProcpsRow row;
    row.ppid = fields[1];
    row.ruid = fields[2];
    row.euid = fields[3];
    row.comm = std::string(rest);
    rows[fields[0]] = std::move(row);
  }
  return rows;
}

// haywire's comm as procps prints it: non-printable bytes as '?'.
std::string PrintableComm(absl::string_view comm) {
  std::string out;
  for (char c : comm) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
  }
  return out;
}

// Whether procps's and haywire's names of a process agree. A kernel
// worker's name carries the work it last ran ("kworker/0:1-events"), which
// changes all the time, so only the part before that suffix is compared;
// a name cut at 15 characters (TASK_COMM_LEN - 1) by one side matches the
// longer one it starts.
bool CommAgrees(absl::string_view procps, absl::string_view haywire) {
  if (absl::StartsWith(procps, "kworker/") &&
      absl::StartsWith(haywire, "kworker/")) {
    procps = procps.substr(0, procps.find('-'));
    haywire = haywire.substr(0, haywire.find('-'));
  }
  if (procps == haywire) return true;
  const absl::string_view shorter =
      procps.size() < haywire.size() ? procps : haywire;
  const absl::string_view longer =
      procps.size() < haywire.size() ? haywire : procps;
  return shorter.size() >= 15 && absl::StartsWith(longer, shorter);
}

// Runs `count` client command lines at once, one thread each (each running
// `rounds` times in a row); returns every result, per client in order.
std::vector<std::vector<SubprocessResult>> RunConcurrently(
    const std::vector<std::vector<std::string>>& argvs, int rounds,
    absl::Duration timeout) {
  std::vector<std::vector<SubprocessResult>> results(argvs.size());
  std::vector<std::thread> threads;
  threads.reserve(argvs.size());
  for (size_t i = 0; i < argvs.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int r = 0; r < rounds; ++r)
        results[i].push_back(RunCommand(argvs[i], timeout));
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace haywire
