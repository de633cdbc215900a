// Copyright 2026 The Haywire Authors.
//
// The fixture of the `haywire ps` / `haywire info` end-to-end tests
// (ps_e2e_test, ps_clients_e2e_test): a `haywire guest-serve --ram-file=...`
// companion in the background (this machine's /proc stands in for the
// guest's), a per-test cache directory, the haywire binary run as client
// processes with this test's host flags, and children the test starts
// itself in one ChildGroup, killed and reaped in TearDown so that neither a
// failed assertion nor a killed test leaves sleep processes behind.
//
// Every wait is bounded: clients by RunCommand's timeout (kRunTimeout), the
// companion's start and stop by CompanionProcess, the children's exec by
// kChildTimeout. Test-only.
#ifndef HAYWIRE_CLI_PS_E2E_FIXTURE_H_
#define HAYWIRE_CLI_PS_E2E_FIXTURE_H_

#include <sys/types.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/testing/child_group.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/ps_reference.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

// Bound on one haywire or procps run (generous for sanitizer builds, where
// the companion and the clients are instrumented too).
inline constexpr absl::Duration kRunTimeout = absl::Seconds(120);
// Bounds on the test's own children: exec'ing, and dying after SIGKILL.
inline constexpr absl::Duration kChildTimeout = absl::Seconds(120);

// Heartbeat watch far longer than the companion's 10 ms tick, so that a
// loaded machine (thousands of processes, dozens of clients, sanitizers)
// cannot make the live companion look stale.
inline constexpr char kLiveWaitFlag[] = "--live-wait-ms=3000";

// How much slower the companion serves in a sanitizer build (the binary is
// built with the test's config): under TSan a chunk of /proc reads takes
// ~20x as long as in a plain build, so 16 queued requests can outlast a
// 3-second response deadline. Client deadlines the test expects to be met
// are scaled by it; it never shortens anything.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
inline constexpr int kSanitizerSlowdown = 5;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
inline constexpr int kSanitizerSlowdown = 5;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

// The short response/busy deadline of the 40-clients test.
inline std::string ShortTimeoutFlag() {
  return absl::StrCat("--timeout-ms=", 3000 * kSanitizerSlowdown);
}

// The fixture: a companion, a per-test cache directory, the test's children.
class PsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ram_ = TestTempPath("ram");
    cache_ = TestTempPath("cache");
  }

  void TearDown() override {
    // Children first (they may be thousands), then the companion (whose
    // destructor expects a clean exit).
    if (absl::Status s = children_.KillAll(); !s.ok()) ADD_FAILURE() << s;
    companion_.reset();
  }

  // Starts the companion on ram_ (fatal on failure: use with
  // ASSERT_NO_FATAL_FAILURE).
  void StartCompanion(absl::string_view log_name = "serve") {
    // No event source: these tests measure listings under load (up to 40
    // clients, 1500 processes), and a PID-diff source scanning /proc every
    // 50 ms besides starves the companion under TSan on 2 cores.
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, log_name, {"--event-source=off"});
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
  }

  // A sleep child with `argv` (argv[0] "sleep" is replaced by the binary's
  // path for the exec, and the command line is awaited as given: for
  // "sleep", the path as exec'd).
  pid_t SpawnAndAwait(std::vector<std::string> argv) {
    absl::StatusOr<pid_t> pid = children_.Spawn(argv);
    EXPECT_TRUE(pid.ok()) << pid.status();
    if (!pid.ok()) return -1;
    const absl::Status exec = ChildGroup::AwaitExec(
        *pid, ExpectedCmdline(argv), absl::Now() + kChildTimeout);
    EXPECT_TRUE(exec.ok()) << exec;
    return *pid;
  }

  // A child sleeping with command line "sleep SECONDS".
  pid_t SpawnSleep(absl::string_view seconds) {
    return SpawnAndAwait({SleepBinary(), std::string(seconds)});
  }

  // What a child spawned with `argv` shows once exec'd: a shell that
  // exec's with `exec -a NAME` shows NAME and the rest of its command.
  static std::vector<std::string> ExpectedCmdline(
      const std::vector<std::string>& argv) {
    if (argv.size() == 3 && argv[1] == "-c" &&
        absl::StartsWith(argv[2], "exec -a ")) {
      // exec -a "NAME" sleep N
      absl::string_view rest = argv[2];
      rest.remove_prefix(std::strlen("exec -a \""));
      const size_t quote = rest.find('"');
      std::vector<std::string> shown = {std::string(rest.substr(0, quote))};
      const std::vector<std::string> tail =
          absl::StrSplit(rest.substr(quote + 1), ' ', absl::SkipEmpty());
      shown.insert(shown.end(), tail.begin() + 1, tail.end());  // drop "sleep"
      return shown;
    }
    return argv;
  }

  // The host flags of this test's client runs.
  std::vector<std::string> HostArgs(
      std::vector<std::string> args,
      const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv = {HaywirePath()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(absl::StrCat("--mem-file=", ram_));
    argv.push_back(absl::StrCat("--cache-dir=", cache_));
    argv.push_back(kLiveWaitFlag);
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  SubprocessResult Haywire(std::vector<std::string> args,
                           const std::vector<std::string>& extra = {}) const {
    SubprocessResult result = RunCommand(HostArgs(std::move(args), extra));
    ExpectEndedByItself(result);
    return result;
  }

  // `haywire ps --json`, expected to succeed and parse.
  PsListing PsJson(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"ps", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const SubprocessResult result = Haywire(args);
    EXPECT_EQ(result.exit_code, 0)
        << result.DebugString()
        << (companion_ != nullptr ? companion_->Output() : "");
    EXPECT_EQ(result.err, "") << result.DebugString();
    absl::StatusOr<PsListing> listing = ParsePsListing(result);
    EXPECT_TRUE(listing.ok()) << listing.status() << "\n"
                              << result.DebugString();
    return listing.ok() ? *std::move(listing) : PsListing();
  }

  std::string ram_;
  std::string cache_;
  std::unique_ptr<CompanionProcess> companion_;
  ChildGroup children_;
};

}  // namespace haywire

#endif  // HAYWIRE_CLI_PS_E2E_FIXTURE_H_
