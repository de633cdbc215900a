// Copyright 2026 The Haywire Authors.

#include "haywire/cli/exit_codes.h"

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "haywire/cli/text_wrap.h"

namespace haywire {
namespace {

constexpr ExitCodeInfo kExitCodes[] = {
    {ExitCode::kOk, "ok", "Success."},
    {ExitCode::kFailure, "failure", "Unexpected internal error."},
    {ExitCode::kUsage, "usage",
     "Bad command line: unknown command or flag, a flag the command does not "
     "accept, an invalid value or wrong arguments."},
    {ExitCode::kMemFileUnusable, "mem-file-unusable",
     "The RAM file is missing, a directory, empty, not a multiple of 4 KiB in "
     "size, or unreadable."},
    {ExitCode::kNoBeacon, "no-beacon",
     "No haywire page was found in the RAM file."},
    {ExitCode::kNoLiveSession, "no-live-session",
     "Only stale sessions were found: no heartbeat is advancing."},
    {ExitCode::kSessionIncomplete, "session-incomplete",
     "A live session was found but some of its pages are missing."},
    {ExitCode::kVersionMismatch, "version-mismatch",
     "The guest companion's protocol version is not supported."},
    {ExitCode::kBusy, "busy",
     "All request slots stayed busy until the deadline."},
    {ExitCode::kTimeout, "timeout", "No response arrived before the deadline."},
    {ExitCode::kNoSuchProcess, "no-such-process",
     "The requested process does not exist in the guest."},
    {ExitCode::kGuestError, "guest-error",
     "The guest companion answered with an error or a malformed response."},
    {ExitCode::kGuestSetup, "guest-setup",
     "guest-serve could not create its shared region."},
    {ExitCode::kAmbiguousSession, "ambiguous-session",
     "Several live sessions were found; pick one with --session=ID."},
    {ExitCode::kUnauthenticated, "unauthenticated",
     "No live session proved the VM key, or a message failed its "
     "authentication; without --key-file: the companion requires a key."},
    {ExitCode::kKeyFileUnusable, "key-file-unusable",
     "The key file cannot be used (missing, wrong size, readable by others "
     "or owned by another user)."},
    {ExitCode::kMemoryFault, "memory-fault",
     "Part of the guest memory asked for is not mapped or not readable; the "
     "bytes before it were written."},
    {ExitCode::kNoMatch, "no-match",
     "The search found no occurrence of the pattern."},
    {ExitCode::kWriteNotAllowed, "write-not-allowed",
     "The companion does not allow memory writes; nothing was written."},
};

// Every enumerator has exactly one row, at the index of its value.
constexpr bool TableMatchesEnum() {
  for (int i = 0; i < static_cast<int>(std::size(kExitCodes)); ++i) {
    if (static_cast<int>(kExitCodes[i].code) != i) return false;
  }
  return static_cast<int>(std::size(kExitCodes)) ==
         ExitCodeValue(ExitCode::kWriteNotAllowed) + 1;
}
static_assert(TableMatchesEnum(),
              "kExitCodes must list every ExitCode in order");

const ExitCodeInfo* Find(ExitCode code) {
  const int value = ExitCodeValue(code);
  if (value < 0 || value >= static_cast<int>(std::size(kExitCodes))) {
    return nullptr;
  }
  return &kExitCodes[value];
}

constexpr size_t kHelpWidth = 80;
constexpr size_t kNameColumn = 6;          // "  12  "
constexpr size_t kDescriptionColumn = 26;  // name padded to 20 columns

}  // namespace

absl::Span<const ExitCodeInfo> AllExitCodes() { return kExitCodes; }

absl::string_view ExitCodeName(ExitCode code) {
  const ExitCodeInfo* info = Find(code);
  return info == nullptr ? "unknown" : info->name;
}

absl::string_view ExitCodeDescription(ExitCode code) {
  const ExitCodeInfo* info = Find(code);
  return info == nullptr ? "" : info->description;
}

std::string ExitCodeHelp(absl::Span<const ExitCode> codes) {
  std::string out = "Exit codes:\n";
  for (ExitCode code : codes) {
    std::string row = absl::StrFormat(
        "  %2d  %-*s", ExitCodeValue(code),
        static_cast<int>(kDescriptionColumn - kNameColumn), ExitCodeName(code));
    std::string wrapped = internal::WrapAndIndent(
        ExitCodeDescription(code), kHelpWidth, kDescriptionColumn);
    // The first line of the description goes after the name column.
    if (wrapped.size() >= kDescriptionColumn &&
        row.size() == kDescriptionColumn) {
      wrapped.replace(0, kDescriptionColumn, row);
    } else {
      wrapped.insert(0, row + "\n");
    }
    out.append(wrapped);
  }
  return out;
}

std::string ExitCodeHelp() {
  std::vector<ExitCode> codes;
  for (const ExitCodeInfo& info : AllExitCodes()) codes.push_back(info.code);
  return ExitCodeHelp(codes);
}

}  // namespace haywire
