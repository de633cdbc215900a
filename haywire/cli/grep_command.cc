// Copyright 2026 The Haywire Authors.

#include "haywire/cli/grep_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/search_hit_format.h"
#include "haywire/host/direct_search.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/memory_search.h"
#include "haywire/util/hex_bytes.h"

DEFINE_bool(hex, false,
            "PATTERN is bytes in hex ('de ad be ef', 'deadbeef') rather than "
            "text; the context is shown in hex too.");
DEFINE_uint64(max_count, 0,
              "Stop after this many hits, like grep -m (0: every hit).");
DECLARE_bool(direct);  // read_command.cc

namespace haywire {
namespace {

bool WriteAll(absl::string_view data) {
  return std::fwrite(data.data(), 1, data.size(), stdout) == data.size();
}

int RunGrep(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  std::string pattern = args[1];
  if (FLAGS_hex) {
    absl::StatusOr<std::string> bytes = ParseHexBytes(args[1]);
    if (!bytes.ok()) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("--hex PATTERN: ", bytes.status().message()));
    }
    pattern = *std::move(bytes);
  }
  if (pattern.empty() || pattern.size() > kMaxSearchPatternBytes) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("PATTERN must be 1 to ", kMaxSearchPatternBytes,
                             " bytes long, not ", pattern.size()));
  }

  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  Client& client = *(*connection)->client;

  const bool color = !FLAGS_json && ::isatty(STDOUT_FILENO);
  bool output_ok = true;
  if (FLAGS_json) {
    output_ok = WriteAll(absl::StrCat("{\"pid\":", pid, ",\"pattern\":\"",
                                      HexBytesText(pattern), "\",\"hits\":["));
  }
  MemorySearchOptions options;
  options.max_hits = FLAGS_max_count;
  bool first = true;
  auto on_hit = [&](const MemorySearchHit& hit) {
    const SearchHitView view{hit.address, hit.mapping, hit.before, pattern,
                             hit.after};
    if (FLAGS_json) {
      output_ok =
          WriteAll(absl::StrCat(first ? "\n" : ",\n", SearchHitJson(view)));
    } else {
      output_ok = WriteAll(SearchHitLine(view, FLAGS_hex, color));
    }
    first = false;
    return output_ok;  // a closed pipe ends the search
  };
  absl::StatusOr<MemorySearchSummary> summary;
  if (FLAGS_direct) {
    absl::StatusOr<DirectReader> reader =
        DirectReader::Create(client, (*connection)->session, pid);
    summary = reader.ok()
                  ? SearchMemoryDirect(*reader, pattern, options, on_hit)
                  : reader.status();
  } else {
    summary = SearchMemory(client, pid, pattern, options, on_hit);
  }
  if (!summary.ok()) {
    std::fflush(stdout);
    return FailWith(summary.status());
  }
  if (FLAGS_json && output_ok) {
    output_ok = WriteAll(absl::StrCat(
        "\n],\"hit_count\":", summary->hits,
        ",\"scanned_bytes\":", summary->scanned_bytes,
        ",\"unreadable_bytes\":", summary->unreadable_bytes,
        ",\"max_count_reached\":", summary->max_hits_reached ? "true" : "false",
        "}\n"));
  }
  if (std::fflush(stdout) != 0 || !output_ok) {
    return Fail(ExitCode::kFailure, absl::StrCat("cannot write the output: ",
                                                 std::strerror(errno)));
  }
  return ExitCodeValue(summary->hits > 0 ? ExitCode::kOk : ExitCode::kNoMatch);
}

}  // namespace

Command GrepCommand() {
  Command command;
  command.name = "grep";
  command.summary =
      "Find a string or bytes in a guest process's memory (like grep -boa)";
  command.usage =
      "[--mem-file=PATH] [--hex] [--max-count=N] [--direct] [--json] PID "
      "PATTERN";
  command.help =
      "Searches every readable mapping of a guest process for PATTERN (text "
      "as given, or with --hex bytes such as 'de ad be ef'; 1 to 256 "
      "bytes) and prints one line per hit: the guest address, the mapping "
      "and the offset into it, then up to 16 bytes of context on each side "
      "(printable ASCII as it is, other bytes as '.'; with --hex, all of it "
      "in hex with the match in brackets). The companion searches in the "
      "guest and sends only the hits, so the host never copies the address "
      "space. Hits do not overlap and lie within one mapping each; memory "
      "the kernel will not let the companion read is skipped (counted in "
      "--json's unreadable_bytes).\n\n"
      "--direct searches the RAM file instead: the companion only lists the "
      "mappings and translates their pages to guest-physical frames, and "
      "the host reads and searches the pages that are in guest RAM itself "
      "(the guest does almost no work). Pages not in guest RAM (never "
      "touched, swapped out) are skipped and counted as unreadable, and "
      "mappings with nothing resident are not searched; without --direct "
      "the companion also reads swapped pages. Not in a simulated guest.\n\n"
      "--json prints {\"pid\": N, \"pattern\": \"hex\", \"hits\": "
      "[{\"address\": \"0x...\", \"mapping\": \"[heap]\", "
      "\"mapping_start\": \"0x...\", \"mapping_offset\": N, \"perms\": "
      "\"rw-p\", \"before\": \"hex\", \"match\": \"hex\", \"after\": "
      "\"hex\"}], \"hit_count\": N, \"scanned_bytes\": N, "
      "\"unreadable_bytes\": N, \"max_count_reached\": false}.\n\n"
      "Exit status 0 when something was found and 17 (no-match) when "
      "nothing was (grep's 1 means an internal error here).\n\n"
      "Examples:\n"
      "  haywire grep 4242 'BEGIN RSA PRIVATE KEY'\n"
      "  haywire grep --hex --max-count=1 4242 'ce fa 42 31'";
  command.flags = HostFlagNames();
  command.flags.push_back("hex");
  command.flags.push_back("max_count");
  command.flags.push_back("direct");
  command.exit_codes = {ExitCode::kOk,
                        ExitCode::kNoMatch,
                        ExitCode::kUsage,
                        ExitCode::kNoSuchProcess,
                        ExitCode::kVersionMismatch,
                        ExitCode::kTimeout,
                        ExitCode::kGuestError};
  command.min_args = 2;
  command.max_args = 2;
  command.run = RunGrep;
  return command;
}

}  // namespace haywire
