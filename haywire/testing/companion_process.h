// Copyright 2026 The Haywire Authors.
//
// `CompanionProcess` runs `haywire guest-serve --ram-file=...` (the simulated
// guest companion) as a real background process for the duration of an
// end-to-end test:
//
//   absl::StatusOr<std::unique_ptr<haywire::CompanionProcess>> serve =
//       haywire::CompanionProcess::Start(haywire::TestTempPath("ram"),
//                                        "serve");
//   ASSERT_TRUE(serve.ok()) << serve.status();
//   // ... run `haywire discover --mem-file=...` etc. against the file ...
//   EXPECT_NE((*serve)->session_id(), 0u);
//   // The destructor stops it (SIGTERM) and expects a clean exit.
//
// `Start()` spawns the binary with stdin from /dev/null and stdout/stderr
// going to files, then waits (bounded) for guest-serve's
// "guest-serve: session 0x..., N pages in ..., pid N" line and parses it. The
// companion gets default dispositions for SIGTERM/SIGINT/SIGHUP/SIGPIPE and an
// empty signal mask whatever the test runner set, and stays in the test's
// process group, so a test killed on timeout takes it along.
//
// Every wait is bounded: the start by `start_timeout`, a stop by
// `stop_timeout` (after which SIGKILL is sent). Nothing here asserts on
// timing.
//
// Test-only (the target is testonly; failures in the destructor are reported
// with gtest's ADD_FAILURE/EXPECT). Not thread-safe: use one object from one
// thread (several objects may run at once).

#ifndef HAYWIRE_TESTING_COMPANION_PROCESS_H_
#define HAYWIRE_TESTING_COMPANION_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

// $TEST_TMPDIR (or /tmp when unset).
std::string TestTmpDir();

// A path in TEST_TMPDIR unique to the running gtest test:
// "$TEST_TMPDIR/<Suite>.<Test>.<name>" ('/' in parameterized names becomes
// '_'). Outside a test, "$TEST_TMPDIR/<name>".
std::string TestTempPath(absl::string_view name);

// "0x" and 16 lower-case hex digits, as haywire prints session ids.
std::string SessionIdHex(uint64_t id);

struct CompanionOptions {
  // The simulated RAM file (created by guest-serve if missing). Required.
  std::string ram_file;
  // --ram-size and --region-size: 256 MiB of RAM, a 4 MiB (1024-page)
  // region.
  std::string ram_size = "256M";
  std::string region_size = "4M";
  // Appended to guest-serve's command line (e.g. "--proc-root=...").
  std::vector<std::string> extra_args;
  // stdout and stderr go to LOG_PREFIX.stdout and LOG_PREFIX.stderr. Empty:
  // TestTempPath("guest-serve").
  std::string log_prefix;
  // The haywire binary. Empty: RunfilePath("haywire/haywire").
  std::string haywire_path;
  // Run as this user and group id (through setpriv, with no supplementary
  // groups), as an unprivileged guest user would run their own companion.
  // The binary, the RAM file and the log directory must be reachable by it.
  std::optional<uint32_t> run_as_uid;
  // Bounds on the start (until the session line) and on each stop step.
  absl::Duration start_timeout = absl::Seconds(30);
  absl::Duration stop_timeout = absl::Seconds(20);
};

class CompanionProcess {
 public:
  // How the companion ended.
  using Exit = ChildExit;

  // Starts guest-serve and waits for its session line. Fails if it cannot be
  // spawned, exits first, prints something unexpected, or is too slow (it is
  // then killed).
  static absl::StatusOr<std::unique_ptr<CompanionProcess>> Start(
      CompanionOptions options);

  // Shorthand: the default sizes, logs at TestTempPath("<log_name>.stdout")
  // and TestTempPath("<log_name>.stderr"), `extra_args` appended.
  static absl::StatusOr<std::unique_ptr<CompanionProcess>> Start(
      const std::string& ram_file, absl::string_view log_name,
      const std::vector<std::string>& extra_args = {});

  CompanionProcess(const CompanionProcess&) = delete;
  CompanionProcess& operator=(const CompanionProcess&) = delete;

  // Stops the companion if it is still running and expects a clean exit
  // (status 0, no signal), so a crash or a sanitizer report at shutdown
  // fails the test.
  ~CompanionProcess();

  // The child's pid; -1 once it has been reaped (after Terminate()/Kill()).
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  uint64_t session_id() const { return session_id_; }
  // session_id() as haywire prints it ("0x%016x").
  std::string session_text() const { return SessionIdHex(session_id_); }
  uint32_t page_count() const { return page_count_; }
  // The pid guest-serve printed (its own getpid()).
  uint64_t printed_pid() const { return printed_pid_; }
  // The command line it was started with (argv[0] is the binary's path).
  const std::vector<std::string>& argv() const { return argv_; }

  // Everything it printed so far, for failure messages.
  std::string Output() const;
  std::string Stdout() const;

  // Clean stop: SIGTERM, then waits up to stop_timeout for the exit; SIGKILL
  // if it does not come (the returned Exit then says so). Error if it is not
  // running or cannot be reaped.
  absl::StatusOr<Exit> Terminate();

  // Crash: SIGKILL (no chance to wipe the region), then reaps it. Error if
  // it was not running, could not be reaped, or had already exited by
  // itself.
  absl::Status Kill();

 private:
  explicit CompanionProcess(CompanionOptions options);

  std::optional<Exit> WaitBounded(absl::Duration timeout);
  absl::Status AwaitSessionLine();
  absl::Status ParseSessionLine(absl::string_view line);

  CompanionOptions options_;
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  std::string stdout_path_;
  std::string stderr_path_;
  uint64_t session_id_ = 0;
  uint32_t page_count_ = 0;
  uint64_t printed_pid_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_TESTING_COMPANION_PROCESS_H_
