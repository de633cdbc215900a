// Copyright 2026 The Haywire Authors.
//
// Running a command from a test, and the contract every haywire command's
// result is checked against: it ends by itself (no timeout, no signal), and
// a failure is exactly one line on stderr, "haywire: ...", with a
// documented exit code.
//
//   const SubprocessResult result = RunCommand({HaywirePath(), "ps", ...});
//   ExpectEndedByItself(result);
//   ExpectOneLineError(result, 5);
//
// Test-only. RunCommand is safe to call from several threads at once (the
// checks report through gtest, which is too).
#ifndef HAYWIRE_TESTING_COMMAND_CHECKS_H_
#define HAYWIRE_TESTING_COMMAND_CHECKS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

// The haywire binary of the test's runfiles (tests list "//haywire" in
// data).
std::string HaywirePath();

// Runs `argv` with RunSubprocess. A process that could not be started is
// returned as a timed-out, signal-less result with the error in `err`, so
// callers on other threads need no gtest assertions.
SubprocessResult RunCommand(const std::vector<std::string>& argv,
                            absl::Duration timeout = absl::Seconds(120));

// The command ran and ended by itself: a crash or a hang is always a
// failure.
void ExpectEndedByItself(const SubprocessResult& result);

// Exit `code`, and exactly one line on stderr starting with "haywire: ".
void ExpectOneLineError(const SubprocessResult& result, int code);

}  // namespace haywire

#endif  // HAYWIRE_TESTING_COMMAND_CHECKS_H_
