// Copyright 2026 The Haywire Authors.
//
// What end-to-end tests of `haywire ps` compare: its --json output, parsed
// and indexed by pid, and procps `ps` run on the same machine as the
// reference (in simulated mode this machine's /proc is the guest's).
//
//   const SubprocessResult result = RunCommand({..., "ps", "--json"});
//   absl::StatusOr<PsListing> listing = ParsePsListing(result);
//   absl::StatusOr<std::map<uint64_t, ProcpsRow>> procps = ProcpsSnapshot();
//
// Test-only.
#ifndef HAYWIRE_TESTING_PS_REFERENCE_H_
#define HAYWIRE_TESTING_PS_REFERENCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {

// The args of a JSON process entry.
std::vector<std::string> ArgsOf(const JsonValue& process);

// The command's stdout as a JSON object.
absl::StatusOr<JsonValue> ParseObject(const SubprocessResult& result);

// `haywire ps --json` output, indexed by pid.
struct PsListing {
  JsonValue doc;
  // pid -> index into doc["processes"] (the last one if repeated).
  absl::flat_hash_map<uint64_t, size_t> index;
  // pid -> how many entries carry it.
  absl::flat_hash_map<uint64_t, int> count;

  const JsonValue& processes() const { return doc["processes"]; }
  // The entry of `pid`, or nullptr.
  const JsonValue* Find(uint64_t pid) const {
    auto it = index.find(pid);
    return it == index.end() ? nullptr : &processes().at(it->second);
  }
};

absl::StatusOr<PsListing> ParsePsListing(const SubprocessResult& result);

// One process as procps shows it.
struct ProcpsRow {
  uint64_t ppid = 0;
  uint64_t ruid = 0;
  uint64_t euid = 0;
  std::string comm;
  bool operator==(const ProcpsRow& o) const {
    return ppid == o.ppid && ruid == o.ruid && euid == o.euid && comm == o.comm;
  }
};

// `ps -e -o pid=,ppid=,ruid=,uid=,comm=` (uid is procps's effective uid),
// by pid.
absl::StatusOr<std::map<uint64_t, ProcpsRow>> ProcpsSnapshot();

// haywire's comm as procps prints it: non-printable bytes as '?'.
std::string PrintableComm(absl::string_view comm);

// Whether procps's and haywire's names of a process agree (a kernel
// worker's changing suffix aside, and a name cut at 15 characters by one
// side matching the longer one it starts).
bool CommAgrees(absl::string_view procps, absl::string_view haywire);

// Runs the command lines at once, one thread each (each `rounds` times in a
// row); every result, per command line in order.
std::vector<std::vector<SubprocessResult>> RunConcurrently(
    const std::vector<std::vector<std::string>>& argvs, int rounds,
    absl::Duration timeout = absl::Seconds(120));

}  // namespace haywire

#endif  // HAYWIRE_TESTING_PS_REFERENCE_H_
