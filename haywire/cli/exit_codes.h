// Copyright 2026 The Haywire Authors.
//
// The process exit status of every `haywire` subcommand. The values are part
// of the command-line interface: scripts branch on them, the help text lists
// them (see `ExitCodeHelp()`), and they never change meaning once released.
// New codes are appended; numbers are never reused.
//
// Each code names the first thing that went wrong on the way from the RAM file
// to an answer, in the order the checks happen: the file itself, the beacon
// page, the session, the protocol version, the request slots, the response.
//
// Commands return `int` (see `haywire/cli/command.h`); convert with
// `ExitCodeValue()` or report an error with `Fail(code, message)`.

#ifndef HAYWIRE_CLI_EXIT_CODES_H_
#define HAYWIRE_CLI_EXIT_CODES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace haywire {

enum class ExitCode : int {
  // Success.
  kOk = 0,
  // Unexpected internal error (a bug, or a system call failing in a way the
  // command does not anticipate).
  kFailure = 1,
  // Bad command line: unknown command or flag, a flag the command does not
  // accept, an invalid flag value, wrong number of arguments.
  kUsage = 2,
  // The RAM file (--mem-file) cannot be used: missing, a directory, empty,
  // size not a multiple of 4 KiB, or unreadable.
  kMemFileUnusable = 3,
  // The RAM file contains no haywire beacon page.
  kNoBeacon = 4,
  // Beacon pages exist but belong only to stale sessions: no session's
  // heartbeat is advancing.
  kNoLiveSession = 5,
  // A live session was found but some of its pages are missing.
  kSessionIncomplete = 6,
  // The guest companion speaks a protocol version this binary does not
  // support.
  kVersionMismatch = 7,
  // Every request slot stayed busy until the deadline.
  kBusy = 8,
  // A request was posted but no response arrived before the deadline.
  kTimeout = 9,
  // The requested process does not exist in the guest.
  kNoSuchProcess = 10,
  // The guest companion answered with an error or a malformed response.
  kGuestError = 11,
  // guest-serve could not create its shared region.
  kGuestSetup = 12,
  // More than one live, complete session: the host does not guess which is
  // the real companion (any guest user can run one); pick with --session.
  kAmbiguousSession = 13,
  // With a key: no live session proved it, or a message failed its
  // authentication tag. Without one: the companion has a key and refuses
  // unauthenticated requests.
  kUnauthenticated = 14,
  // The key file (--key-file, or the default <mem-file>.key) cannot be
  // used: missing (when named), wrong size, readable by others, or owned by
  // another user.
  kKeyFileUnusable = 15,
  // Part of the guest memory asked for is not mapped or not readable (`read`
  // names the first such address); the bytes before it were written.
  kMemoryFault = 16,
  // `grep` searched the whole of what it was asked to and found nothing
  // (grep itself says so with 1, which here means an internal error).
  kNoMatch = 17,
  // `write`: the companion does not allow memory writes (guest-serve was
  // started without --allow-memory-write); nothing was written.
  kWriteNotAllowed = 18,
};

// The numeric exit status, for returning from `main()`.
constexpr int ExitCodeValue(ExitCode code) { return static_cast<int>(code); }

// One row of the exit-code table.
struct ExitCodeInfo {
  ExitCode code;
  // Stable lower-case, dash-separated name, e.g. "mem-file-unusable". Used in
  // help text and machine-readable (JSON) error reports.
  absl::string_view name;
  // One-sentence description for help text.
  absl::string_view description;
};

// Every exit code, in numeric order.
absl::Span<const ExitCodeInfo> AllExitCodes();

// The stable name of `code` (see `ExitCodeInfo::name`), or "unknown" for a
// value outside the enum.
absl::string_view ExitCodeName(ExitCode code);

// The one-sentence description of `code`, or "" for a value outside the enum.
absl::string_view ExitCodeDescription(ExitCode code);

// The "Exit codes:" section of help text: a heading line followed by one
// aligned line per code, e.g.
//
//   Exit codes:
//      0  ok                  Success.
//      2  usage               Bad command line: ...
//
// The first overload lists every code; the second only `codes`, in the
// order given. Long descriptions are wrapped to 80 columns.
std::string ExitCodeHelp();
std::string ExitCodeHelp(absl::Span<const ExitCode> codes);

}  // namespace haywire

#endif  // HAYWIRE_CLI_EXIT_CODES_H_
