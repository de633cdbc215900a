// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire ps` and `haywire info` with real processes
// only: a `haywire guest-serve --ram-file=...` companion in the background
// (simulated guest: this machine's /proc stands in for the guest's), the
// haywire binary run as separate client processes, procps `ps` as the
// reference, and children the test starts itself (sleep processes with
// recognisable command lines, up to kManyChildren of them).
//
// The fixture (ps_e2e_fixture.h) bounds every wait; nothing asserts on
// timing. Many clients at once and clients killed mid-request are in
// ps_clients_e2e_test.cc.

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/protocol/layout.h"
#include "haywire/testing/child_group.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/ps_reference.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// How many sleeping children the many-processes test lists. Far more than
// one response chunk holds (see ManyProcessesAreListedExactlyOnce), and
// moderate enough for the TSan build.
constexpr int kManyChildren = 1500;

// ps aux's columns (procps).
const std::vector<std::string> kPsAuxColumns = {
    "USER", "PID",  "%CPU",  "%MEM", "VSZ",    "RSS",
    "TTY",  "STAT", "START", "TIME", "COMMAND"};

std::string Cwd() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : "";
}

// ---------------------------------------------------------------------------
// 1. Agreement with procps.
// ---------------------------------------------------------------------------

TEST_F(PsE2eTest, AgreesWithProcps) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());

  absl::StatusOr<std::map<uint64_t, ProcpsRow>> before = ProcpsSnapshot();
  ASSERT_TRUE(before.ok()) << before.status();
  const PsListing listing = PsJson();
  absl::StatusOr<std::map<uint64_t, ProcpsRow>> after = ProcpsSnapshot();
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_GT(listing.processes().size(), 0u);

  // Every pid is listed once, in ascending order (the default --sort=pid).
  for (const auto& [pid, count] : listing.count) {
    EXPECT_EQ(count, 1) << "pid " << pid << " listed " << count << " times";
  }
  for (size_t i = 1; i < listing.processes().size(); ++i) {
    EXPECT_LT(listing.processes().at(i - 1)["pid"].as_uint(),
              listing.processes().at(i)["pid"].as_uint());
  }

  // Processes present, and unchanged, in both procps snapshots existed
  // unchanged throughout haywire's listing.
  size_t stable = 0;
  size_t stable_listed = 0;
  size_t compared = 0;
  std::vector<uint64_t> missing;
  for (const auto& [pid, row] : *before) {
    auto it = after->find(pid);
    if (it == after->end()) continue;
    ++stable;
    const JsonValue* entry = listing.Find(pid);
    if (entry == nullptr) {
      missing.push_back(pid);
      continue;
    }
    ++stable_listed;
    if (!(it->second == row)) continue;  // changed meanwhile (exec, reparent)
    ++compared;
    SCOPED_TRACE(absl::StrCat("pid ", pid, ", procps comm '", row.comm, "'"));
    EXPECT_EQ((*entry)["ppid"].as_uint(), row.ppid) << *entry;
    // haywire's uid is the effective uid, as procps's uid=; ruid the real.
    EXPECT_EQ((*entry)["uid"].as_uint(), row.euid) << *entry;
    EXPECT_EQ((*entry)["ruid"].as_uint(), row.ruid) << *entry;
    const std::string comm =
        PrintableComm((*entry)["comm"].as_string().value_or(""));
    EXPECT_TRUE(CommAgrees(row.comm, comm))
        << "procps '" << row.comm << "' vs haywire '" << comm << "'";
  }
  EXPECT_GT(compared, 0u);
  // At least 90% of the stable processes are listed (in practice all of
  // them).
  EXPECT_GE(stable_listed * 10, stable * 9)
      << stable_listed << " of " << stable
      << " processes present in both procps snapshots are listed; missing "
         "e.g. "
      << absl::StrJoin(missing.begin(),
                       missing.begin() + std::min<size_t>(missing.size(), 20),
                       ", ");

  // The companion and this test, with their command lines.
  const JsonValue* serve = listing.Find(companion_->pid());
  ASSERT_NE(serve, nullptr) << "guest-serve pid " << companion_->pid();
  EXPECT_EQ(ArgsOf(*serve), companion_->argv()) << *serve;
  EXPECT_EQ((*serve)["ppid"].as_uint(), static_cast<uint64_t>(getpid()));
  EXPECT_EQ((*serve)["comm"].as_string(), "haywire") << *serve;
  EXPECT_EQ(listing.doc["session_id"].as_string(), companion_->session_text());

  const JsonValue* self = listing.Find(getpid());
  ASSERT_NE(self, nullptr) << "test pid " << getpid();
  const std::vector<std::string> self_args = CmdlineOf(getpid());
  ASSERT_FALSE(self_args.empty());
  EXPECT_THAT(self_args[0], EndsWith("ps_e2e_test"));
  EXPECT_EQ(ArgsOf(*self), self_args) << *self;
  EXPECT_EQ((*self)["ppid"].as_uint(), static_cast<uint64_t>(getppid()));
  EXPECT_EQ((*self)["uid"].as_uint(), static_cast<uint64_t>(getuid()));
  EXPECT_EQ((*self)["state"].as_string(), "S") << "the test waits for ps";
}

// ---------------------------------------------------------------------------
// 2. Text output and sorting.
// ---------------------------------------------------------------------------

// The line of `table` whose PID column is `pid`, split into columns (the
// command's words last).
std::vector<std::string> RowOf(const std::string& table, pid_t pid,
                               std::string* line_out = nullptr) {
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    std::vector<std::string> columns =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (columns.size() >= 11 && columns[1] == absl::StrCat(pid)) {
      if (line_out != nullptr) *line_out = std::string(line);
      return columns;
    }
  }
  return {};
}

TEST_F(PsE2eTest, TextOutputMatchesPsAux) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const pid_t sleeper = SpawnSleep("4242.5");
  const pid_t spaced = SpawnAndAwait(
      {"/bin/bash", "-c", "exec -a \"name with spaces\" sleep 4243"});
  ASSERT_GT(sleeper, 0);
  ASSERT_GT(spaced, 0);

  const SubprocessResult procps = RunCommand({"ps", "auxww"});
  ASSERT_EQ(procps.exit_code, 0) << procps.DebugString();
  const SubprocessResult result = Haywire({"ps"});
  ASSERT_EQ(result.exit_code, 0)
      << result.DebugString() << companion_->Output();
  EXPECT_EQ(result.err, "") << result.DebugString();

  // The header: exactly ps aux's columns.
  const std::string header = result.out.substr(0, result.out.find('\n'));
  const std::string procps_header = procps.out.substr(0, procps.out.find('\n'));
  const std::vector<std::string> columns =
      absl::StrSplit(header, ' ', absl::SkipEmpty());
  EXPECT_EQ(columns, kPsAuxColumns) << header;
  EXPECT_EQ(columns, std::vector<std::string>(
                         absl::StrSplit(procps_header, ' ', absl::SkipEmpty())))
      << "haywire: " << header << "\nprocps:  " << procps_header;

  // The sleeper's line: its command line last, and the columns procps shows
  // for it (stable ones: a sleeping `sleep` does not change its size).
  std::string line;
  const std::vector<std::string> row = RowOf(result.out, sleeper, &line);
  ASSERT_EQ(row.size(), 12u) << result.out;
  EXPECT_THAT(line, EndsWith(absl::StrCat(" ", SleepBinary(), " 4242.5")));
  std::string procps_line;
  const std::vector<std::string> procps_row =
      RowOf(procps.out, sleeper, &procps_line);
  ASSERT_EQ(procps_row.size(), 12u) << procps.out;
  EXPECT_EQ(row[0], procps_row[0]) << "USER\n" << line << "\n" << procps_line;
  EXPECT_EQ(row[4], procps_row[4]) << "VSZ\n" << line << "\n" << procps_line;
  EXPECT_EQ(row[6], procps_row[6]) << "TTY\n" << line << "\n" << procps_line;
  EXPECT_EQ(row[7], procps_row[7]) << "STAT\n" << line << "\n" << procps_line;
  EXPECT_EQ(row[7], "S") << line;
  EXPECT_EQ(row[10], procps_row[10]) << line << "\n" << procps_line;
  EXPECT_EQ(row[11], "4242.5") << line;

  // A command line with spaces in one argument, not the comm.
  std::string spaced_line;
  const std::vector<std::string> spaced_row =
      RowOf(result.out, spaced, &spaced_line);
  ASSERT_FALSE(spaced_row.empty()) << result.out;
  EXPECT_THAT(spaced_line, EndsWith(" name with spaces 4243"));
  EXPECT_THAT(procps.out, HasSubstr(" name with spaces 4243\n"));

  // JSON keeps the arguments apart.
  const PsListing listing = PsJson();
  const JsonValue* entry = listing.Find(spaced);
  ASSERT_NE(entry, nullptr);
  EXPECT_THAT(ArgsOf(*entry), ElementsAre("name with spaces", "4243"));
  EXPECT_EQ((*entry)["comm"].as_string(), "sleep");
  EXPECT_EQ((*entry)["ppid"].as_uint(), static_cast<uint64_t>(getpid()));
}

TEST_F(PsE2eTest, SortByRssDescending) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const PsListing listing = PsJson({"--sort=-rss"});
  const JsonValue& processes = listing.processes();
  ASSERT_GT(processes.size(), 2u);
  for (size_t i = 1; i < processes.size(); ++i) {
    const JsonValue& a = processes.at(i - 1);
    const JsonValue& b = processes.at(i);
    ASSERT_TRUE(a["rss_kb"].as_uint().has_value()) << a;
    ASSERT_TRUE(b["rss_kb"].as_uint().has_value()) << b;
    EXPECT_GE(*a["rss_kb"].as_uint(), *b["rss_kb"].as_uint())
        << "entry " << i << "\n"
        << a << "\n"
        << b;
    if (a["rss_kb"].as_uint() == b["rss_kb"].as_uint()) {
      EXPECT_LT(a["pid"].as_uint(), b["pid"].as_uint()) << "ties by pid";
    }
  }
  // Not trivially sorted: the largest resident set is not zero.
  EXPECT_GT(processes.at(0)["rss_kb"].as_uint().value_or(0), 0u);

  // Ascending and the default are pid order.
  const PsListing by_pid = PsJson({"--sort=pid"});
  for (size_t i = 1; i < by_pid.processes().size(); ++i) {
    EXPECT_LT(by_pid.processes().at(i - 1)["pid"].as_uint(),
              by_pid.processes().at(i)["pid"].as_uint());
  }
}

TEST_F(PsE2eTest, BadSortKeyIsAUsageError) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  for (const char* key : {"bogus", "-", "-nosuch", "rss,pid"}) {
    SCOPED_TRACE(key);
    const SubprocessResult result =
        Haywire({"ps", absl::StrCat("--sort=", key)});
    ExpectOneLineError(result, 2);
    EXPECT_THAT(result.err, HasSubstr("sort key")) << result.DebugString();
    EXPECT_EQ(result.out, "") << result.DebugString();
  }
  // A bad command line is reported as such before the RAM file is even
  // looked at (exit 2, not 3).
  const SubprocessResult no_file =
      RunCommand({HaywirePath(), "ps", "--sort=bogus",
                  absl::StrCat("--mem-file=", TestTempPath("missing")),
                  absl::StrCat("--cache-dir=", cache_)});
  ExpectEndedByItself(no_file);
  ExpectOneLineError(no_file, 2);
  EXPECT_THAT(no_file.err, HasSubstr("bogus"));
}

// HAYWIRE_TRACE=1: one "haywire-trace <monotonic ns> <pid> <step>" line
// per step on stderr, in time order, from main to exit, with each request's
// sending and answer; without it, nothing of the kind.
TEST_F(PsE2eTest, TraceTimestampsEachStep) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  ASSERT_EQ(Haywire({"ps"}).exit_code, 0);  // the session is now cached
  const SubprocessResult plain = Haywire({"ps"});
  ASSERT_EQ(plain.exit_code, 0) << plain.DebugString();
  EXPECT_THAT(plain.err, Not(HasSubstr("haywire-trace")));

  absl::StatusOr<SubprocessResult> run =
      RunSubprocess(HostArgs({"ps"}), kRunTimeout, {"HAYWIRE_TRACE=1"});
  ASSERT_TRUE(run.ok()) << run.status();
  const SubprocessResult& traced = *run;
  ASSERT_EQ(traced.exit_code, 0) << traced.DebugString();
  EXPECT_THAT(traced.out, StartsWith("USER ")) << "stdout is the listing";
  std::vector<std::string> steps;
  uint64_t previous_ns = 0;
  for (absl::string_view line : absl::StrSplit(traced.err, '\n')) {
    if (line.empty()) continue;
    const std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::MaxSplits(' ', 3));
    ASSERT_EQ(words.size(), 4u) << line;
    EXPECT_EQ(words[0], "haywire-trace") << line;
    uint64_t ns = 0;
    ASSERT_TRUE(absl::SimpleAtoi(words[1], &ns)) << line;
    EXPECT_GE(ns, previous_ns) << line;
    previous_ns = ns;
    steps.emplace_back(words[3]);
  }
  ASSERT_FALSE(steps.empty()) << traced.DebugString();
  EXPECT_EQ(steps.front(), "main");
  EXPECT_EQ(steps.back(), "exit 0");
  EXPECT_THAT(steps, Contains("flags parsed: ps"));
  EXPECT_THAT(steps, Contains("cached session's pages verified"));
  EXPECT_THAT(steps, Contains("heartbeat watched: live"));
  EXPECT_THAT(steps, Contains("sent LIST_PROCESSES"));
  EXPECT_THAT(steps, Contains("answered LIST_PROCESSES"));
}

// ---------------------------------------------------------------------------
// 3. info.
// ---------------------------------------------------------------------------

TEST_F(PsE2eTest, InfoOfASleepingChild) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const pid_t sleeper = SpawnSleep("4242.5");
  ASSERT_GT(sleeper, 0);

  const SubprocessResult json =
      Haywire({"info", absl::StrCat(sleeper), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.DebugString() << companion_->Output();
  EXPECT_EQ(json.err, "") << json.DebugString();
  absl::StatusOr<JsonValue> doc = ParseObject(json);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << json.DebugString();
  const JsonValue& info = *doc;
  EXPECT_EQ(info["pid"].as_uint(), static_cast<uint64_t>(sleeper)) << info;
  EXPECT_EQ(info["ppid"].as_uint(), static_cast<uint64_t>(getpid())) << info;
  EXPECT_EQ(info["state"].as_string(), "S") << info;
  EXPECT_EQ(info["comm"].as_string(), "sleep") << info;
  EXPECT_THAT(ArgsOf(info), ElementsAre(SleepBinary(), "4242.5")) << info;
  EXPECT_EQ(info["args_truncated"].as_bool(), false) << info;
  EXPECT_EQ(info["uid"].as_uint(), static_cast<uint64_t>(getuid())) << info;
  EXPECT_EQ(info["euid"].as_uint(), static_cast<uint64_t>(geteuid())) << info;
  EXPECT_EQ(info["threads"].as_uint(), 1u) << info;
  ASSERT_TRUE(info["vm_size_kb"].as_uint().has_value()) << info;
  EXPECT_GT(*info["vm_size_kb"].as_uint(), 0u) << info;
  EXPECT_THAT(info["exe"].as_string().value_or(""), EndsWith("/sleep")) << info;
  EXPECT_EQ(info["cwd"].as_string(), Cwd()) << info;
  EXPECT_TRUE(info["fd_count"].as_uint().has_value()) << info;

  const SubprocessResult text = Haywire({"info", absl::StrCat(sleeper)});
  ASSERT_EQ(text.exit_code, 0) << text.DebugString();
  EXPECT_EQ(text.err, "") << text.DebugString();
  EXPECT_THAT(text.out, HasSubstr("Command"));
  EXPECT_THAT(text.out, HasSubstr(absl::StrCat(SleepBinary(), " 4242.5")));
  EXPECT_THAT(text.out, HasSubstr(absl::StrCat("PPID", std::string(19, ' '),
                                               getpid(), "\n")))
      << text.out;
}

// haywire's uid and USER are the effective ids and ruid the real one, as
// procps's uid (= euid) and ruid columns show them.
TEST_F(PsE2eTest, InfoTellsRealFromEffectiveUid) {
  if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and setpriv to make a process whose real "
                    "and effective uids differ";
  }
  // Where the sandbox does not map uid 65534, setpriv fails: skip.
  const SubprocessResult probe =
      RunCommand({"/usr/bin/setpriv", "--euid=65534", "/bin/true"});
  if (probe.exit_code != 0) {
    GTEST_SKIP() << "setpriv cannot set the effective uid here: "
                 << probe.DebugString();
  }
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  absl::StatusOr<pid_t> spawned = children_.Spawn(
      {"/usr/bin/setpriv", "--euid=65534", SleepBinary(), "4244"});
  ASSERT_TRUE(spawned.ok()) << spawned.status();
  const pid_t child = *spawned;
  // setpriv exec's sleep: wait for that command line.
  const absl::Status exec = ChildGroup::AwaitExec(
      child, {SleepBinary(), "4244"}, absl::Now() + kChildTimeout);
  ASSERT_TRUE(exec.ok()) << exec;

  const SubprocessResult procps =
      RunCommand({"ps", "-o", "ruid=,uid=", "-p", absl::StrCat(child)});
  ASSERT_EQ(procps.exit_code, 0) << procps.DebugString();
  const std::vector<std::string> ids =
      absl::StrSplit(procps.out, ' ', absl::SkipWhitespace());
  ASSERT_EQ(ids.size(), 2u) << procps.out;
  ASSERT_EQ(absl::StripAsciiWhitespace(ids[1]), "65534") << procps.out;

  const SubprocessResult json =
      Haywire({"info", absl::StrCat(child), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.DebugString();
  absl::StatusOr<JsonValue> doc = ParseObject(json);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(absl::StrCat((*doc)["ruid"].as_uint().value_or(999999)),
            absl::StripAsciiWhitespace(ids[0]))
      << *doc;
  EXPECT_EQ((*doc)["uid"].as_uint(), 65534u) << *doc;
  EXPECT_EQ((*doc)["euid"].as_uint(), 65534u) << *doc;
}

TEST_F(PsE2eTest, InfoErrors) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const SubprocessResult missing = Haywire({"info", "999999999"});
  ExpectOneLineError(missing, 10);
  EXPECT_THAT(missing.err, HasSubstr("999999999"));
  EXPECT_EQ(missing.out, "");

  const SubprocessResult missing_json =
      Haywire({"info", "999999999", "--json"});
  ExpectOneLineError(missing_json, 10);

  for (const char* bad : {"abc", "0", "12x", "4294967296"}) {
    SCOPED_TRACE(bad);
    const SubprocessResult result = Haywire({"info", bad});
    ExpectOneLineError(result, 2);
    EXPECT_EQ(result.out, "");
  }
  const SubprocessResult abc = Haywire({"info", "abc"});
  ExpectOneLineError(abc, 2);
  EXPECT_THAT(abc.err, HasSubstr("abc"));
}

// ---------------------------------------------------------------------------
// 4. Many processes: a listing of many chunks.
// ---------------------------------------------------------------------------

TEST_F(PsE2eTest, ManyProcessesAreListedExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const std::string sleep_path = SleepBinary();
  const absl::Time spawn_start = absl::Now();
  // Distinct command lines, so each entry is checked against its own.
  std::vector<std::vector<std::string>> argvs;
  std::vector<pid_t> pids;
  size_t args_bytes = 0;
  for (int i = 0; i < kManyChildren; ++i) {
    argvs.push_back({sleep_path, absl::StrFormat("1000.%05d", i + 1)});
    args_bytes += argvs.back()[0].size() + argvs.back()[1].size();
    absl::StatusOr<pid_t> pid = children_.Spawn(argvs.back());
    ASSERT_TRUE(pid.ok()) << pid.status() << " after " << i << " children";
    pids.push_back(*pid);
  }
  // Their arguments alone are far more than one response page carries, so
  // the listing needs many CONTINUE_ITERATION chunks.
  ASSERT_GT(args_bytes, 5 * size_t{kResponsePayloadBytes});
  const absl::Time deadline = absl::Now() + kChildTimeout;
  for (int i = 0; i < kManyChildren; ++i) {
    const absl::Status s = ChildGroup::AwaitExec(pids[i], argvs[i], deadline);
    ASSERT_TRUE(s.ok()) << s;
  }

  // Informational only (never asserted): where the time goes.
  RecordProperty("spawn_ms", static_cast<int>((absl::Now() - spawn_start) /
                                              absl::Milliseconds(1)));
  const absl::Time list_start = absl::Now();
  const PsListing listing = PsJson();
  RecordProperty("ps_json_ms", static_cast<int>((absl::Now() - list_start) /
                                                absl::Milliseconds(1)));
  EXPECT_GE(listing.processes().size(), static_cast<size_t>(kManyChildren));
  int found = 0;
  for (int i = 0; i < kManyChildren; ++i) {
    const uint64_t pid = static_cast<uint64_t>(pids[i]);
    auto count = listing.count.find(pid);
    const int times = count == listing.count.end() ? 0 : count->second;
    EXPECT_EQ(times, 1) << "child " << i << " pid " << pid;
    const JsonValue* entry = listing.Find(pid);
    if (entry == nullptr) continue;
    ++found;
    EXPECT_EQ(ArgsOf(*entry), argvs[i]) << *entry;
    EXPECT_EQ((*entry)["comm"].as_string(), "sleep") << *entry;
    EXPECT_EQ((*entry)["ppid"].as_uint(), static_cast<uint64_t>(getpid()));
  }
  EXPECT_EQ(found, kManyChildren);
  for (const auto& [pid, count] : listing.count) {
    EXPECT_EQ(count, 1) << "pid " << pid;
  }

  // The text table has a line for each of them too.
  const SubprocessResult text = Haywire({"ps"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  absl::flat_hash_set<std::string> text_pids;
  for (absl::string_view line : absl::StrSplit(text.out, '\n')) {
    std::vector<absl::string_view> columns =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (columns.size() == 12 && columns[10] == sleep_path &&
        absl::StartsWith(columns[11], "1000.")) {
      EXPECT_TRUE(text_pids.insert(std::string(columns[1])).second) << line;
    }
  }
  EXPECT_EQ(text_pids.size(), static_cast<size_t>(kManyChildren));
}

// ---------------------------------------------------------------------------
// 7. The companion killed, restarted, stopped.
// ---------------------------------------------------------------------------

// discover --json's entry for session `id`, or nullptr.
const JsonValue* FindSession(const JsonValue& doc, const std::string& id) {
  const JsonValue& sessions = doc["sessions"];
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions.at(i)["session_id"].as_string() == id) return &sessions.at(i);
  }
  return nullptr;
}

TEST_F(PsE2eTest, KilledCompanionThenRestartThenCleanStop) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion("serve1"));
  const std::string killed_id = companion_->session_text();
  PsJson();

  // Clients in flight while the companion dies end, bounded, with a
  // result, "no live session" or a guest error.
  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 4; ++i) argvs.push_back(HostArgs({"ps", "--json"}));
  std::vector<std::vector<SubprocessResult>> in_flight;
  {
    std::thread clients([&] { in_flight = RunConcurrently(argvs, 2); });
    absl::SleepFor(absl::Milliseconds(20));
    const absl::Status killed = companion_->Kill();
    clients.join();
    ASSERT_TRUE(killed.ok()) << killed;
  }
  for (const auto& rounds : in_flight) {
    for (const SubprocessResult& result : rounds) {
      ExpectEndedByItself(result);
      EXPECT_THAT(result.exit_code, AnyOf(0, 5, 11)) << result.DebugString();
      if (result.exit_code != 0) ExpectOneLineError(result, result.exit_code);
    }
  }

  {
    const SubprocessResult discover = Haywire({"discover", "--json"});
    ExpectOneLineError(discover, 5);
    absl::StatusOr<JsonValue> doc = ParseObject(discover);
    ASSERT_TRUE(doc.ok()) << doc.status() << discover.DebugString();
    const JsonValue* killed = FindSession(*doc, killed_id);
    ASSERT_NE(killed, nullptr) << *doc;
    EXPECT_EQ((*killed)["live"].as_bool(), false) << *killed;
    EXPECT_TRUE((*doc)["chosen_session"].is_null()) << *doc;
  }
  for (const char* command : {"ps", "info"}) {
    SCOPED_TRACE(command);
    std::vector<std::string> args = {command};
    if (std::string(command) == "info") args.push_back(absl::StrCat(getpid()));
    const SubprocessResult result = Haywire(args);
    EXPECT_THAT(result.exit_code, AnyOf(5, 11)) << result.DebugString();
    ExpectOneLineError(result, result.exit_code);
    EXPECT_EQ(result.out, "");
  }

  // A new companion on the same RAM file: a new live session that serves.
  ASSERT_NO_FATAL_FAILURE(StartCompanion("serve2"));
  const std::string new_id = companion_->session_text();
  EXPECT_NE(new_id, killed_id);
  {
    const SubprocessResult discover = Haywire({"discover", "--json"});
    EXPECT_EQ(discover.exit_code, 0) << discover.DebugString();
    absl::StatusOr<JsonValue> doc = ParseObject(discover);
    ASSERT_TRUE(doc.ok()) << doc.status() << discover.DebugString();
    EXPECT_EQ((*doc)["chosen_session"].as_string(), new_id) << *doc;
    const JsonValue* live = FindSession(*doc, new_id);
    ASSERT_NE(live, nullptr) << *doc;
    EXPECT_EQ((*live)["live"].as_bool(), true) << *live;
    const JsonValue* killed = FindSession(*doc, killed_id);
    ASSERT_NE(killed, nullptr) << *doc;
    EXPECT_EQ((*killed)["live"].as_bool(), false) << *killed;
  }
  const PsListing listing = PsJson();
  EXPECT_EQ(listing.doc["session_id"].as_string(), new_id);
  EXPECT_NE(listing.Find(companion_->pid()), nullptr);
  const SubprocessResult info =
      Haywire({"info", absl::StrCat(companion_->pid()), "--json"});
  EXPECT_EQ(info.exit_code, 0) << info.DebugString();

  // A clean stop wipes its pages: discover no longer lists it.
  absl::StatusOr<CompanionProcess::Exit> exit = companion_->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->term_signal, 0) << companion_->Output();
  EXPECT_EQ(exit->exit_code, 0) << companion_->Output();
  EXPECT_THAT(companion_->Stdout(), HasSubstr("region wiped"));
  {
    const SubprocessResult discover = Haywire({"discover", "--json"});
    ExpectOneLineError(discover, 5);
    absl::StatusOr<JsonValue> doc = ParseObject(discover);
    ASSERT_TRUE(doc.ok()) << doc.status() << discover.DebugString();
    EXPECT_EQ(FindSession(*doc, new_id), nullptr)
        << "a cleanly stopped session is still listed: " << *doc;
    EXPECT_NE(FindSession(*doc, killed_id), nullptr) << *doc;
  }
  const SubprocessResult ps = Haywire({"ps"});
  ExpectOneLineError(ps, 5);
  EXPECT_EQ(ps.out, "");
}

}  // namespace
}  // namespace haywire
