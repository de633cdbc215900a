// Copyright 2026 The Haywire Authors.
//
// Failure kinds of host operations, carried inside absl::Status.
//
// Host code reports errors as absl::Status with a one-line message for the
// user. The CLI also needs to know *which* documented failure happened to pick
// the exit code (`haywire help` lists them), and canonical status codes are
// too coarse for that (a missing RAM file and a RAM file with no beacon are
// both "not found"). A Failure is attached as a status payload.
#ifndef HAYWIRE_HOST_FAILURE_H_
#define HAYWIRE_HOST_FAILURE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace haywire {

enum class Failure {
  kMemFileUnusable,    // missing, a directory, empty, not whole pages...
  kNoBeacon,           // no valid Haywire page in the RAM file.
  kNoLiveSession,      // sessions found, but no heartbeat advances.
  kSessionIncomplete,  // the live session has pages missing.
  kVersionMismatch,    // pages of a protocol version we do not speak.
  kBusy,               // every request slot stayed busy until the deadline.
  kTimeout,            // no response before the deadline.
  kNoSuchProcess,      // the guest has no such process.
  kGuestError,         // the companion answered with an error or garbage.
  kAmbiguousSession,   // several live sessions; the host will not guess.
  kUnauthenticated,    // with a key: no session proved it, or a message
                       // failed its tag; without: the companion wants one.
  kKeyFileUnusable,    // --key-file missing, wrong size, mode or owner.
  kWriteNotAllowed,    // the companion does not serve memory writes.
  // Add new kinds above this line and update FailureOf's range check.
};

// `status` (must not be OK) tagged with `failure`.
absl::Status WithFailure(absl::Status status, Failure failure);

// A new status of `code` with `message`, tagged with `failure`.
absl::Status MakeFailure(absl::StatusCode code, absl::string_view message,
                         Failure failure);

// The failure attached to `status`, if any.
std::optional<Failure> FailureOf(const absl::Status& status);

}  // namespace haywire

#endif  // HAYWIRE_HOST_FAILURE_H_
