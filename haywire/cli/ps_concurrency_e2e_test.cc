// Copyright 2026 The Haywire Authors.
//
// Listings never fail under concurrency: 16, then 40, `haywire ps --json`
// clients run at once against a companion (simulated guest: this machine's
// /proc) while 5000 sleeping children of the test exist. The companion keeps
// 8 listing iterators, so most listings have theirs evicted, some many
// times; each must still complete and agree with procps: every child listed
// exactly once with its command line, every process that procps saw both
// before and after the run listed, no pid twice.
//
// Every wait is bounded (RunCommand's timeout, the children's exec and
// reap); nothing asserts on timing.

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guest/procfs_parse.h"
#include "haywire/testing/child_group.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/ps_reference.h"
#include "haywire/testing/subprocess.h"

namespace haywire {
namespace {

// 5000 children in the plain build. A sanitizer build's companion reads
// /proc many times slower (40 listings of 1500 took 10 minutes under TSan):
// there 1500 (ASan) or 600 (TSan), still dozens of chunks per listing and
// far more listings than iterators.
#if defined(__SANITIZE_THREAD__)
constexpr int kChildren = 600;
#elif defined(__SANITIZE_ADDRESS__)
constexpr int kChildren = 1500;
#else
constexpr int kChildren = 5000;
#endif
constexpr absl::Duration kChildTimeout = absl::Seconds(300);
// Bound on one client's run: far above what 40 listings take here.
constexpr absl::Duration kClientTimeout = absl::Seconds(900);
// Clients wait for a slot and for each answer this long: the test is about
// listings completing, not about how fast 40 of them share one companion
// (under a sanitizer the companion serves many times slower).
constexpr char kPatientFlag[] = "--timeout-ms=600000";

class PsConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ram_ = TestTempPath("ram");
    cache_ = TestTempPath("cache");
  }

  void TearDown() override {
    if (absl::Status s = children_.KillAll(); !s.ok()) ADD_FAILURE() << s;
    companion_.reset();
  }

  // The children's command lines: "sleep 7000.<i>", distinct, so each is
  // recognisable in a listing.
  static std::vector<std::string> ChildArgs(int i) {
    return {SleepBinary(), absl::StrCat("7000.", i)};
  }

  void SpawnChildren() {
    for (int i = 0; i < kChildren; ++i) {
      absl::StatusOr<pid_t> pid = children_.Spawn(ChildArgs(i));
      ASSERT_TRUE(pid.ok()) << "child " << i << ": " << pid.status();
    }
    const absl::Time deadline = absl::Now() + kChildTimeout;
    for (int i = 0; i < kChildren; ++i) {
      const absl::Status exec =
          ChildGroup::AwaitExec(children_.pids()[i], ChildArgs(i), deadline);
      ASSERT_TRUE(exec.ok()) << exec;
    }
  }

  std::vector<std::string> PsArgs() const {
    return {HaywirePath(), "ps", "--json", absl::StrCat("--mem-file=", ram_),
            absl::StrCat("--cache-dir=", cache_),
            // Proof of life under 40 clients and a loaded machine (other
            // tests run alongside): generous, as the listings are the point.
            "--live-wait-ms=30000", kPatientFlag};
  }

  // Each process's start time (/proc/PID/stat field 22, parsed by the
  // companion's own parser), by pid: with other tests starting and killing
  // thousands of processes alongside, a pid can be reused by a process that
  // looks the same to procps.
  static std::map<uint64_t, uint64_t> StartTimes() {
    std::map<uint64_t, uint64_t> out;
    for (const std::filesystem::directory_entry& entry :
         std::filesystem::directory_iterator("/proc")) {
      uint64_t pid = 0;
      if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
      std::ifstream in(entry.path() / "stat");
      const std::string stat((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      absl::StatusOr<internal::StatFields> fields = internal::ParseStat(stat);
      if (fields.ok()) out[pid] = fields->starttime;
    }
    return out;
  }

  // Runs `clients` listings at once and checks each one.
  void ListConcurrently(int clients) {
    const std::map<uint64_t, uint64_t> started_before = StartTimes();
    std::map<uint64_t, ProcpsRow> before = *Procps();
    const std::vector<std::vector<std::string>> argvs(clients, PsArgs());
    const auto results = RunConcurrently(argvs, /*rounds=*/1, kClientTimeout);
    const std::map<uint64_t, ProcpsRow> after = *Procps();
    // Only processes that kept their start time lived through the run.
    const std::map<uint64_t, uint64_t> started_after = StartTimes();
    for (auto it = before.begin(); it != before.end();) {
      auto b = started_before.find(it->first);
      auto a = started_after.find(it->first);
      const bool same = b != started_before.end() && a != started_after.end() &&
                        a->second == b->second;
      it = same ? std::next(it) : before.erase(it);
    }
    for (int c = 0; c < clients; ++c) {
      SCOPED_TRACE(absl::StrCat("client ", c, " of ", clients));
      const SubprocessResult& result = results[c][0];
      ExpectEndedByItself(result);
      ASSERT_EQ(result.exit_code, 0) << result.DebugString();
      EXPECT_EQ(result.err, "") << result.DebugString();
      absl::StatusOr<PsListing> listing = ParsePsListing(result);
      ASSERT_TRUE(listing.ok()) << listing.status();
      ExpectAgreesWithProcps(*listing, before, after);
    }
  }

  absl::StatusOr<std::map<uint64_t, ProcpsRow>> Procps() {
    absl::StatusOr<std::map<uint64_t, ProcpsRow>> rows = ProcpsSnapshot();
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows;
  }

  void ExpectAgreesWithProcps(const PsListing& listing,
                              const std::map<uint64_t, ProcpsRow>& before,
                              const std::map<uint64_t, ProcpsRow>& after) {
    // No pid twice.
    int repeated = 0;
    for (const auto& [pid, count] : listing.count) {
      if (count != 1 && ++repeated <= 5) {
        ADD_FAILURE() << "pid " << pid << " listed " << count << " times";
      }
    }
    // Every child, once, with its command line and parent.
    int missing = 0;
    for (int i = 0; i < kChildren; ++i) {
      const pid_t pid = children_.pids()[i];
      const JsonValue* entry = listing.Find(static_cast<uint64_t>(pid));
      if (entry == nullptr) {
        if (++missing <= 5) ADD_FAILURE() << "child " << i << " pid " << pid;
        continue;
      }
      EXPECT_EQ(ArgsOf(*entry), ChildArgs(i)) << entry->ToJson();
      EXPECT_EQ((*entry)["ppid"].as_uint(), static_cast<uint64_t>(getpid()));
    }
    EXPECT_EQ(missing, 0) << "children missing from the listing";
    // Every process procps saw before and after the run (so it lived
    // through the whole listing) is listed, with procps's parent and name.
    int stable_missing = 0;
    for (const auto& [pid, row] : before) {
      auto later = after.find(pid);
      if (later == after.end() || !(later->second == row)) continue;
      const JsonValue* entry = listing.Find(pid);
      if (entry == nullptr) {
        if (++stable_missing <= 5) {
          ADD_FAILURE() << "pid " << pid << " (" << row.comm
                        << ") lived through the listing but is not in it";
        }
        continue;
      }
      EXPECT_EQ((*entry)["ppid"].as_uint(), row.ppid) << entry->ToJson();
      EXPECT_TRUE(CommAgrees(
          row.comm, PrintableComm((*entry)["comm"].as_string().value_or(""))))
          << row.comm << " vs " << entry->ToJson();
    }
    EXPECT_EQ(stable_missing, 0);
  }

  std::string ram_;
  std::string cache_;
  ChildGroup children_;
  std::unique_ptr<CompanionProcess> companion_;
};

TEST_F(PsConcurrencyTest, SixteenThenFortyListingsOfFiveThousandComplete) {
  ASSERT_NO_FATAL_FAILURE(SpawnChildren());
  // No event source: a PID-diff source rescanning 5000 processes besides
  // would only slow the companion down.
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram_, "serve", {"--event-source=off"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  companion_ = *std::move(serve);

  {
    SCOPED_TRACE("16 clients");
    ListConcurrently(16);
  }
  {
    SCOPED_TRACE("40 clients");
    ListConcurrently(40);
  }
}

}  // namespace
}  // namespace haywire
