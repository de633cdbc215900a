// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire ps` and `haywire info` under client load: as
// many clients as request slots, more clients than slots, and clients killed
// at random points of their requests, against a real companion (the fixture
// of ps_e2e_fixture.h). Every wait is bounded; nothing asserts on timing.

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/protocol/layout.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/ps_reference.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// 5. Many clients at once.
// ---------------------------------------------------------------------------

// Checks one successful `ps --json` (lists `pid` with `args`) or
// `info PID --json` (describes `pid`) result.
void ExpectGoodClientOutput(const SubprocessResult& result, bool is_ps,
                            pid_t pid, const std::vector<std::string>& args) {
  ASSERT_EQ(result.exit_code, 0) << result.DebugString();
  EXPECT_EQ(result.err, "") << result.DebugString();
  if (is_ps) {
    absl::StatusOr<PsListing> listing = ParsePsListing(result);
    ASSERT_TRUE(listing.ok()) << listing.status() << result.DebugString();
    const JsonValue* entry = listing->Find(pid);
    ASSERT_NE(entry, nullptr) << "pid " << pid << " not listed";
    EXPECT_EQ(ArgsOf(*entry), args);
    for (const auto& [p, count] : listing->count) EXPECT_EQ(count, 1) << p;
  } else {
    absl::StatusOr<JsonValue> info = ParseObject(result);
    ASSERT_TRUE(info.ok()) << info.status() << result.DebugString();
    EXPECT_EQ((*info)["pid"].as_uint(), static_cast<uint64_t>(pid));
    EXPECT_EQ(ArgsOf(*info), args);
  }
}

TEST_F(PsE2eTest, SixteenConcurrentClientsAllSucceed) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const pid_t sleeper = SpawnSleep("4242.5");
  ASSERT_GT(sleeper, 0);
  const std::vector<std::string> sleeper_args = {SleepBinary(), "4242.5"};

  // As many clients as request slots; half list (the companion keeps
  // kIteratorCount listings at once), half ask for one process.
  static_assert(kRequestSlotCount == 16 && kIteratorCount >= 8);
  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 16; ++i) {
    argvs.push_back(i % 2 == 0
                        ? HostArgs({"ps", "--json"})
                        : HostArgs({"info", absl::StrCat(sleeper), "--json"}));
  }
  const auto results = RunConcurrently(argvs, /*rounds=*/5);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].size(), 5u);
    for (size_t r = 0; r < results[i].size(); ++r) {
      SCOPED_TRACE(absl::StrCat("client ", i, " round ", r));
      ExpectEndedByItself(results[i][r]);
      ExpectGoodClientOutput(results[i][r], i % 2 == 0, sleeper, sleeper_args);
    }
  }
}

TEST_F(PsE2eTest, FortyConcurrentClientsSucceedOrReportBusy) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const pid_t sleeper = SpawnSleep("4242.5");
  ASSERT_GT(sleeper, 0);
  const std::vector<std::string> sleeper_args = {SleepBinary(), "4242.5"};

  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 40; ++i) {
    argvs.push_back(i % 2 == 0
                        ? HostArgs({"ps", "--json"}, {ShortTimeoutFlag()})
                        : HostArgs({"info", absl::StrCat(sleeper), "--json"},
                                   {ShortTimeoutFlag()}));
  }
  const auto results = RunConcurrently(argvs, /*rounds=*/2);
  int ok = 0;
  int busy = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    for (size_t r = 0; r < results[i].size(); ++r) {
      SCOPED_TRACE(absl::StrCat("client ", i, " round ", r));
      const SubprocessResult& result = results[i][r];
      ExpectEndedByItself(result);
      EXPECT_THAT(result.exit_code, AnyOf(0, 8)) << result.DebugString();
      if (result.exit_code == 0) {
        ++ok;
        ExpectGoodClientOutput(result, i % 2 == 0, sleeper, sleeper_args);
      } else if (result.exit_code == 8) {
        ++busy;
        ExpectOneLineError(result, 8);
        EXPECT_THAT(result.err, HasSubstr("retry later"));
      }
    }
  }
  RecordProperty("ok_clients", ok);
  RecordProperty("busy_clients", busy);
  EXPECT_GT(ok, 0);

  // Whatever happened, the companion is still fine.
  const PsListing after = PsJson();
  EXPECT_NE(after.Find(sleeper), nullptr);
}

// ---------------------------------------------------------------------------
// 6. Clients killed mid-request.
// ---------------------------------------------------------------------------

TEST_F(PsE2eTest, ClientsKilledMidRequestWedgeNothing) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const pid_t sleeper = SpawnSleep("4242.5");
  ASSERT_GT(sleeper, 0);
  const std::vector<std::string> sleeper_args = {SleepBinary(), "4242.5"};

  // How long one listing takes here, to kill clients at random points of
  // theirs (not a timing assertion: it only spreads the kills). The first
  // command scans the file and waits out the stale session's heartbeat;
  // the clients below connect through the session cache, so time one that
  // does too.
  PsJson();
  const absl::Time start = absl::Now();
  PsJson();
  const absl::Duration one_run = absl::Now() - start;
  const int64_t max_delay_us =
      std::max<int64_t>(absl::ToInt64Microseconds(one_run * 1.2), 1000);

  std::mt19937_64 random(std::random_device{}());
  int killed = 0;
  int finished = 0;
  for (int round = 0; round < 25; ++round) {
    // Four clients at once, each killed at its own random point of a run.
    std::vector<std::unique_ptr<BackgroundProcess>> clients;
    std::vector<std::pair<absl::Time, pid_t>> kills;
    for (int i = 0; i < 4; ++i) {
      clients.push_back(StartInBackground(
          i % 2 == 0 ? HostArgs({"ps", "--json"})
                     : HostArgs({"info", absl::StrCat(sleeper), "--json"}),
          absl::StrCat("client-", round, "-", i)));
      ASSERT_NE(clients.back(), nullptr);
      kills.emplace_back(
          absl::Now() +
              absl::Microseconds(std::uniform_int_distribution<int64_t>(
                  0, max_delay_us)(random)),
          clients.back()->pid());
    }
    std::sort(kills.begin(), kills.end());
    for (const auto& [when, pid] : kills) {
      absl::SleepFor(when - absl::Now());
      kill(pid, SIGKILL);
    }
    for (const std::unique_ptr<BackgroundProcess>& client : clients) {
      const std::optional<int> code = client->WaitExit(kRunTimeout);
      ASSERT_TRUE(code.has_value())
          << "client " << client->pid() << " not reaped";
      if (client->term_signal() == SIGKILL) {
        ++killed;
      } else {
        ++finished;
        EXPECT_EQ(*code, 0) << "client " << client->pid() << " signal "
                            << client->term_signal() << "\n"
                            << client->Stderr();
      }
    }
  }
  RecordProperty("killed_clients", killed);
  RecordProperty("finished_clients", finished);
  EXPECT_GT(killed, 0);

  // Slots and iterators left behind by dead clients are reclaimed: a full
  // house of fresh clients all succeed.
  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 16; ++i) {
    argvs.push_back(i % 2 == 0
                        ? HostArgs({"ps", "--json"})
                        : HostArgs({"info", absl::StrCat(sleeper), "--json"}));
  }
  const auto results = RunConcurrently(argvs, /*rounds=*/2);
  for (size_t i = 0; i < results.size(); ++i) {
    for (size_t r = 0; r < results[i].size(); ++r) {
      SCOPED_TRACE(absl::StrCat("fresh client ", i, " round ", r));
      ExpectEndedByItself(results[i][r]);
      ExpectGoodClientOutput(results[i][r], i % 2 == 0, sleeper, sleeper_args);
    }
  }
}

}  // namespace
}  // namespace haywire
