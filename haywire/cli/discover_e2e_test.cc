// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire discover`: the real binary, run as separate
// processes, against simulated RAM files. A `haywire guest-serve
// --ram-file=...` companion (haywire/testing/companion_process.h) is started
// in the background where a live session is needed; files with specific
// defects (a missing page, bad checksums, an unknown protocol version) are
// built by the test itself with the same protocol code the companion uses.
//
// Every wait is bounded (subprocesses by RunSubprocess's timeout, the
// companion's start and stop by CompanionProcess's deadlines), and nothing
// asserts on timing.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/simulated_ram.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Bound on one `haywire discover` run (generous for sanitizer builds).
constexpr absl::Duration kDiscoverTimeout = absl::Seconds(60);
// Heartbeat watch for runs that must see a live session: far longer than the
// companion's 10 ms tick, so a loaded machine cannot make a live companion
// look stale. (Runs that expect only stale sessions use the default.)
constexpr char kLiveWaitFlag[] = "--live-wait-ms=3000";

// The simulated RAM CompanionProcess has guest-serve create by default:
// 256 MiB, a 4 MiB (1024-page) region.
constexpr uint64_t kRamBytes = 256ull << 20;
constexpr uint64_t kRegionPages = (4ull << 20) / kPageSize;

// What DecoyReport documents about SimulatedRam's dead session.
constexpr uint64_t kDecoyPid = 4242;
constexpr char kDecoyHostname[] = "stale-guest";

std::string HaywirePath() { return RunfilePath("haywire/haywire"); }

// A path in TEST_TMPDIR unique to the running test.
std::string TempPath(absl::string_view name) { return TestTempPath(name); }

std::string SessionIdText(uint64_t id) { return SessionIdHex(id); }

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    ADD_FAILURE() << "stat " << path << ": " << std::strerror(errno);
    return 0;
  }
  return static_cast<uint64_t>(st.st_size);
}

// ---------------------------------------------------------------------------
// Running discover.
// ---------------------------------------------------------------------------

// Runs the haywire binary with `args`; checks that it ran and ended by itself
// (no timeout, no signal: a crash is always a failure).
SubprocessResult RunHaywire(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HaywirePath()};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<SubprocessResult> result =
      RunSubprocess(argv, kDiscoverTimeout);
  if (!result.ok()) {
    ADD_FAILURE() << "cannot run " << argv[0] << ": " << result.status();
    return SubprocessResult();
  }
  EXPECT_FALSE(result->timed_out) << result->DebugString();
  EXPECT_EQ(result->term_signal, 0) << result->DebugString();
  return *std::move(result);
}

// `haywire discover --mem-file=PATH` with a per-test cache directory (never
// the user's) and `extra` flags.
SubprocessResult Discover(const std::string& mem_file,
                          std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "discover", absl::StrCat("--mem-file=", mem_file),
      absl::StrCat("--cache-dir=", TempPath("cache"))};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunHaywire(args);
}

// Checks the failure contract: exit `code`, exactly one line on stderr,
// starting with "haywire: ".
void ExpectOneLineError(const SubprocessResult& result, int code) {
  EXPECT_EQ(result.exit_code, code) << result.DebugString();
  EXPECT_THAT(result.err, StartsWith("haywire: ")) << result.DebugString();
  ASSERT_FALSE(result.err.empty());
  EXPECT_EQ(result.err.back(), '\n') << result.DebugString();
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
      << result.DebugString();
}

// Parses discover's --json output.
JsonValue ParseOutput(const SubprocessResult& result) {
  absl::StatusOr<JsonValue> json = ParseJson(result.out);
  EXPECT_TRUE(json.ok()) << json.status() << "\n" << result.DebugString();
  if (!json.ok()) return JsonValue();
  EXPECT_TRUE(json->is_object()) << result.DebugString();
  return *std::move(json);
}

// The entry of sessions[] with `session_id`, or nullptr.
const JsonValue* FindSession(const JsonValue& doc, const std::string& id) {
  const JsonValue& sessions = doc["sessions"];
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions.at(i)["session_id"].as_string() == id) return &sessions.at(i);
  }
  return nullptr;
}

// The entry of SimulatedRam's dead decoy session, or nullptr.
const JsonValue* FindDecoySession(const JsonValue& doc) {
  const JsonValue& sessions = doc["sessions"];
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions.at(i)["hostname"].as_string() == kDecoyHostname &&
        sessions.at(i)["companion_pid"].as_uint() == kDecoyPid) {
      return &sessions.at(i);
    }
  }
  return nullptr;
}

// The text output's row for session `id`, split into columns.
std::vector<std::string> TextRow(const std::string& out,
                                 const std::string& id) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, absl::StrCat(id, " "))) {
      return absl::StrSplit(line, ' ', absl::SkipEmpty());
    }
  }
  return {};
}

struct utsname Uname() {
  struct utsname uts;
  EXPECT_EQ(uname(&uts), 0);
  return uts;
}

// Checks the invariant parts of every session entry.
void ExpectWellFormedSession(const JsonValue& s, uint64_t file_size) {
  const std::optional<std::string> id = s["session_id"].as_string();
  ASSERT_TRUE(id.has_value()) << s;
  EXPECT_EQ(id->size(), 18u) << s;
  EXPECT_THAT(*id, StartsWith("0x")) << s;
  EXPECT_EQ(id->find_first_not_of("0123456789abcdef", 2), std::string::npos)
      << s;
  EXPECT_TRUE(s["live"].is_bool()) << s;
  EXPECT_TRUE(s["chosen"].is_bool()) << s;
  EXPECT_TRUE(s["pages_found"].as_uint().has_value()) << s;
  EXPECT_TRUE(s["pages_expected"].as_uint().has_value()) << s;
  EXPECT_EQ(s["protocol_version"].as_uint(), kProtocolVersion) << s;
  const std::optional<uint64_t> beacon = s["beacon_offset"].as_uint();
  if (beacon.has_value()) {
    EXPECT_EQ(*beacon % kPageSize, 0u) << s;
    EXPECT_LT(*beacon, file_size) << s;
  }
}

// ---------------------------------------------------------------------------
// Files built by the test.
// ---------------------------------------------------------------------------

// Creates `path` of `size` bytes (a sparse file) with `pages` written at
// their offsets.
void WriteRamFile(const std::string& path, uint64_t size,
                  const std::vector<std::pair<uint64_t, PageHeader>>& pages) {
  const int fd =
      open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
  for (const auto& [offset, header] : pages) {
    std::vector<std::byte> page(kPageSize);
    std::memcpy(page.data(), &header, sizeof(header));
    ASSERT_EQ(pwrite(fd, page.data(), page.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(kPageSize));
  }
  ASSERT_EQ(close(fd), 0);
}

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 +
         static_cast<uint64_t>(ts.tv_nsec);
}

// ---------------------------------------------------------------------------
// A live companion.
// ---------------------------------------------------------------------------

TEST(DiscoverE2eTest, ReportsLiveSessionAndStaleDecoyAsJson) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  EXPECT_EQ((*serve)->page_count(), kRegionPages);
  EXPECT_EQ((*serve)->printed_pid(), static_cast<uint64_t>((*serve)->pid()));
  const std::string live_id = (*serve)->session_text();
  ASSERT_EQ(FileSize(ram), kRamBytes);

  const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
  EXPECT_EQ(result.exit_code, 0) << result.DebugString() << (*serve)->Output();
  EXPECT_EQ(result.err, "") << result.DebugString();
  const JsonValue doc = ParseOutput(result);

  EXPECT_EQ(doc["mem_file"].as_string(), ram);
  EXPECT_EQ(doc["pages_scanned"].as_uint(), kRamBytes / kPageSize);
  EXPECT_EQ(doc["chosen_session"].as_string(), live_id) << doc;
  const JsonValue& rejected = doc["rejected_pages"];
  ASSERT_TRUE(rejected.is_object()) << doc;
  EXPECT_GE(rejected["bad_checksum"].as_uint().value_or(0), 1u) << doc;
  EXPECT_GE(rejected["unknown_version"].as_uint().value_or(0), 1u) << doc;

  const JsonValue& sessions = doc["sessions"];
  ASSERT_TRUE(sessions.is_array()) << doc;
  int live_sessions = 0;
  for (size_t i = 0; i < sessions.size(); ++i) {
    ExpectWellFormedSession(sessions.at(i), kRamBytes);
    if (sessions.at(i)["live"].as_bool() == true) ++live_sessions;
  }
  EXPECT_EQ(live_sessions, 1) << doc;

  const JsonValue* live = FindSession(doc, live_id);
  ASSERT_NE(live, nullptr) << "no session " << live_id << " in " << doc;
  EXPECT_EQ((*live)["live"].as_bool(), true) << *live;
  EXPECT_EQ((*live)["chosen"].as_bool(), true) << *live;
  EXPECT_EQ((*live)["pages_found"].as_uint(), kRegionPages) << *live;
  EXPECT_EQ((*live)["pages_expected"].as_uint(), kRegionPages) << *live;
  EXPECT_EQ((*live)["beacon_valid"].as_bool(), true) << *live;
  ASSERT_TRUE((*live)["beacon_offset"].as_uint().has_value()) << *live;
  EXPECT_EQ(*(*live)["beacon_offset"].as_uint() % kPageSize, 0u) << *live;
  EXPECT_EQ((*live)["companion_pid"].as_uint(),
            static_cast<uint64_t>((*serve)->pid()))
      << *live;
  const struct utsname uts = Uname();
  EXPECT_EQ((*live)["hostname"].as_string(), uts.nodename) << *live;
  EXPECT_EQ((*live)["kernel"].as_string(), uts.release) << *live;
  EXPECT_EQ((*live)["protocol_version"].as_uint(), kProtocolVersion) << *live;

  const JsonValue* decoy = FindDecoySession(doc);
  ASSERT_NE(decoy, nullptr) << "no stale decoy session in " << doc;
  EXPECT_EQ((*decoy)["live"].as_bool(), false) << *decoy;
  EXPECT_EQ((*decoy)["chosen"].as_bool(), false) << *decoy;
  EXPECT_NE((*decoy)["session_id"].as_string(), live_id);
}

TEST(DiscoverE2eTest, ReportsLiveSessionAndStaleDecoyAsText) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string live_id = (*serve)->session_text();

  // The decoy's id, from the JSON report.
  const SubprocessResult json = Discover(ram, {"--json", kLiveWaitFlag});
  ASSERT_EQ(json.exit_code, 0) << json.DebugString();
  const JsonValue json_doc = ParseOutput(json);
  const JsonValue* decoy = FindDecoySession(json_doc);
  ASSERT_NE(decoy, nullptr) << json.DebugString();
  const std::string decoy_id = (*decoy)["session_id"].as_string().value_or("");

  const SubprocessResult result = Discover(ram, {kLiveWaitFlag});
  EXPECT_EQ(result.exit_code, 0) << result.DebugString();
  EXPECT_EQ(result.err, "") << result.DebugString();
  EXPECT_THAT(result.out,
              StartsWith(absl::StrCat(ram, ": ", kRamBytes / kPageSize,
                                      " pages (256.0 MiB), ")))
      << result.DebugString();

  // SESSION STATE PAGES RUNS BEACON PID HOSTNAME KERNEL VER [<- using]
  const std::vector<std::string> live = TextRow(result.out, live_id);
  ASSERT_GE(live.size(), 9u) << result.DebugString();
  EXPECT_EQ(live[1], "live") << result.DebugString();
  EXPECT_EQ(live[2], absl::StrCat(kRegionPages, "/", kRegionPages));
  EXPECT_THAT(live[4], StartsWith("0x"));
  EXPECT_EQ(live[5], absl::StrCat((*serve)->pid()));
  const struct utsname uts = Uname();
  EXPECT_EQ(live[6], uts.nodename[0] != '\0' ? uts.nodename : "-");
  EXPECT_EQ(live[7], uts.release);
  EXPECT_EQ(live[8], std::to_string(kProtocolVersion));
  ASSERT_EQ(live.size(), 11u) << result.DebugString();
  EXPECT_EQ(live[9], "<-");
  EXPECT_EQ(live[10], "using");

  const std::vector<std::string> stale = TextRow(result.out, decoy_id);
  ASSERT_GE(stale.size(), 9u) << result.DebugString();
  EXPECT_EQ(stale[1], "stale") << result.DebugString();
  EXPECT_EQ(stale[5], absl::StrCat(kDecoyPid));
  EXPECT_EQ(stale[6], kDecoyHostname);
  EXPECT_EQ(stale.size(), 9u) << "only the live session is used\n"
                              << result.DebugString();

  // The decoys' rejected pages are summarised.
  EXPECT_THAT(result.out, HasSubstr("rejected "));
}

TEST(DiscoverE2eTest, CleanStopWipesTheSession) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string id = (*serve)->session_text();

  absl::StatusOr<CompanionProcess::Exit> exit = (*serve)->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->term_signal, 0) << (*serve)->Output();
  EXPECT_EQ(exit->exit_code, 0) << (*serve)->Output();
  EXPECT_THAT((*serve)->Stdout(), HasSubstr("region wiped"));

  const SubprocessResult result = Discover(ram, {"--json"});
  ExpectOneLineError(result, 5);
  EXPECT_THAT(result.err, HasSubstr("is guest-serve running"));
  const JsonValue doc = ParseOutput(result);
  EXPECT_EQ(FindSession(doc, id), nullptr)
      << "a cleanly stopped session is still listed: " << doc;
  const JsonValue* decoy = FindDecoySession(doc);
  ASSERT_NE(decoy, nullptr) << doc;
  EXPECT_EQ((*decoy)["live"].as_bool(), false);
  EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;

  const SubprocessResult text = Discover(ram);
  ExpectOneLineError(text, 5);
  EXPECT_THAT(text.out, Not(HasSubstr(id))) << text.DebugString();
}

TEST(DiscoverE2eTest, KilledSessionIsStaleAndRestartIsLive) {
  const std::string ram = TempPath("ram");
  std::string killed_id;
  {
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram, "serve1");
    ASSERT_TRUE(serve.ok()) << serve.status();
    killed_id = (*serve)->session_text();
    ASSERT_TRUE((*serve)->Kill().ok());
  }

  // The killed companion's pages are still there, heartbeat frozen.
  {
    const SubprocessResult result = Discover(ram, {"--json"});
    ExpectOneLineError(result, 5);
    EXPECT_THAT(result.err, HasSubstr("is guest-serve running"));
    const JsonValue doc = ParseOutput(result);
    const JsonValue* killed = FindSession(doc, killed_id);
    ASSERT_NE(killed, nullptr) << doc;
    EXPECT_EQ((*killed)["live"].as_bool(), false) << *killed;
    EXPECT_EQ((*killed)["pages_found"].as_uint(), kRegionPages) << *killed;
    EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;

    const SubprocessResult text = Discover(ram);
    ExpectOneLineError(text, 5);
    const std::vector<std::string> row = TextRow(text.out, killed_id);
    ASSERT_GE(row.size(), 2u) << text.DebugString();
    EXPECT_EQ(row[1], "stale");
  }

  // A new companion on the same file: a new, live session next to the
  // killed one's leftovers.
  absl::StatusOr<std::unique_ptr<CompanionProcess>> restarted =
      CompanionProcess::Start(ram, "serve2");
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  const std::string new_id = (*restarted)->session_text();
  EXPECT_NE(new_id, killed_id);
  {
    const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    EXPECT_EQ(doc["chosen_session"].as_string(), new_id) << doc;
    const JsonValue* live = FindSession(doc, new_id);
    ASSERT_NE(live, nullptr) << doc;
    EXPECT_EQ((*live)["live"].as_bool(), true) << *live;
    EXPECT_EQ((*live)["pages_found"].as_uint(), kRegionPages) << *live;
    EXPECT_EQ((*live)["pages_expected"].as_uint(), kRegionPages) << *live;
    EXPECT_EQ((*live)["companion_pid"].as_uint(),
              static_cast<uint64_t>((*restarted)->pid()));
    const JsonValue* killed = FindSession(doc, killed_id);
    ASSERT_NE(killed, nullptr) << doc;
    EXPECT_EQ((*killed)["live"].as_bool(), false) << *killed;
    EXPECT_EQ((*killed)["chosen"].as_bool(), false) << *killed;
    const JsonValue* decoy = FindDecoySession(doc);
    ASSERT_NE(decoy, nullptr) << doc;
    EXPECT_EQ((*decoy)["live"].as_bool(), false);
  }

  // Stopping the restarted one cleanly removes it and only it.
  absl::StatusOr<CompanionProcess::Exit> exit = (*restarted)->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->exit_code, 0) << (*restarted)->Output();
  {
    const SubprocessResult result = Discover(ram, {"--json"});
    ExpectOneLineError(result, 5);
    const JsonValue doc = ParseOutput(result);
    EXPECT_EQ(FindSession(doc, new_id), nullptr) << doc;
    const JsonValue* killed = FindSession(doc, killed_id);
    ASSERT_NE(killed, nullptr) << doc;
    EXPECT_EQ((*killed)["live"].as_bool(), false);
  }
}

TEST(DiscoverE2eTest, TwoLiveCompanionsNewestIsUsed) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> first =
      CompanionProcess::Start(ram, "first");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<CompanionProcess>> second =
      CompanionProcess::Start(ram, "second");
  ASSERT_TRUE(second.ok()) << second.status();
  const std::string first_id = (*first)->session_text();
  const std::string second_id = (*second)->session_text();
  ASSERT_NE(first_id, second_id);

  {
    const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    EXPECT_EQ(doc["chosen_session"].as_string(), second_id) << doc;
    for (const std::string& id : {first_id, second_id}) {
      const JsonValue* s = FindSession(doc, id);
      ASSERT_NE(s, nullptr) << id << " missing from " << doc;
      EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
      EXPECT_EQ((*s)["pages_found"].as_uint(), kRegionPages) << *s;
    }
  }

  // Stop the newer one: the older one is used, the newer one is gone.
  absl::StatusOr<CompanionProcess::Exit> exit = (*second)->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->exit_code, 0) << (*second)->Output();
  {
    const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    EXPECT_EQ(doc["chosen_session"].as_string(), first_id) << doc;
    EXPECT_EQ(FindSession(doc, second_id), nullptr) << doc;
  }
}

// A companion that cannot read the guest's boot id (here: --proc-root
// without sys/kernel/random/boot_id) is still judged by its own heartbeat,
// not declared stale because another live session has a known boot id.
TEST(DiscoverE2eTest, LiveCompanionWithUnknownBootIdIsLive) {
  const std::string ram = TempPath("ram");
  const std::string empty_proc = TempPath("empty-proc");
  ASSERT_EQ(mkdir(empty_proc.c_str(), 0755), 0) << std::strerror(errno);
  absl::StatusOr<std::unique_ptr<CompanionProcess>> known =
      CompanionProcess::Start(ram, "known-boot");
  ASSERT_TRUE(known.ok()) << known.status();
  absl::StatusOr<std::unique_ptr<CompanionProcess>> unknown =
      CompanionProcess::Start(ram, "unknown-boot",
                              {absl::StrCat("--proc-root=", empty_proc)});
  ASSERT_TRUE(unknown.ok()) << unknown.status();

  const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
  EXPECT_EQ(result.exit_code, 0) << result.DebugString();
  const JsonValue doc = ParseOutput(result);
  const JsonValue* with_boot = FindSession(doc, (*known)->session_text());
  const JsonValue* without_boot = FindSession(doc, (*unknown)->session_text());
  ASSERT_NE(with_boot, nullptr) << doc;
  ASSERT_NE(without_boot, nullptr) << doc;
  EXPECT_NE((*with_boot)["boot_id"].as_string(), "") << *with_boot;
  EXPECT_EQ((*without_boot)["boot_id"].as_string(), "") << *without_boot;
  EXPECT_EQ((*with_boot)["live"].as_bool(), true) << *with_boot;
  EXPECT_EQ((*without_boot)["live"].as_bool(), true) << *without_boot;
  // The newer one is used.
  EXPECT_EQ(doc["chosen_session"].as_string(), (*unknown)->session_text());
}

// The page-table cache is an optimisation: failing to write it never fails
// discover, and is only mentioned with --verbose.
TEST(DiscoverE2eTest, UnwritableCacheDirIsNotAnError) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string not_a_dir = TempPath("not-a-dir");
  WriteRamFile(not_a_dir, 0, {});

  const SubprocessResult result = RunHaywire(
      {"discover", absl::StrCat("--mem-file=", ram),
       absl::StrCat("--cache-dir=", not_a_dir, "/cache"), kLiveWaitFlag});
  EXPECT_EQ(result.exit_code, 0) << result.DebugString();
  EXPECT_EQ(result.err, "") << result.DebugString();
  const std::vector<std::string> row =
      TextRow(result.out, (*serve)->session_text());
  ASSERT_GE(row.size(), 2u) << result.DebugString();
  EXPECT_EQ(row[1], "live");
  EXPECT_THAT(result.out, HasSubstr("<- using"));

  const SubprocessResult verbose =
      RunHaywire({"discover", absl::StrCat("--mem-file=", ram),
                  absl::StrCat("--cache-dir=", not_a_dir, "/cache"),
                  kLiveWaitFlag, "--verbose"});
  EXPECT_EQ(verbose.exit_code, 0) << verbose.DebugString();
  EXPECT_THAT(verbose.err, HasSubstr("haywire: ")) << verbose.DebugString();
  EXPECT_THAT(verbose.err, HasSubstr("cache")) << verbose.DebugString();
}

TEST(DiscoverE2eTest, MemFileFlagSpellings) {
  const std::string ram = TempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string id = (*serve)->session_text();
  const std::string cache = absl::StrCat("--cache-dir=", TempPath("cache"));

  const std::vector<std::vector<std::string>> spellings = {
      {absl::StrCat("--mem-file=", ram)},
      {absl::StrCat("--mem_file=", ram)},
      {"--mem-file", ram},
      {"--mem_file", ram},
  };
  for (const std::vector<std::string>& spelling : spellings) {
    SCOPED_TRACE(spelling[0]);
    std::vector<std::string> args = {"discover", "--json", cache,
                                     kLiveWaitFlag};
    args.insert(args.end(), spelling.begin(), spelling.end());
    const SubprocessResult result = RunHaywire(args);
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    EXPECT_EQ(doc["mem_file"].as_string(), ram);
    EXPECT_EQ(doc["chosen_session"].as_string(), id);
  }

  // The flag after the command's other flags, and a missing file through
  // each spelling (so the path really came from the flag).
  const std::string missing = TempPath("missing");
  for (const std::vector<std::string>& spelling :
       std::vector<std::vector<std::string>>{
           {absl::StrCat("--mem-file=", missing)},
           {absl::StrCat("--mem_file=", missing)},
           {"--mem-file", missing}}) {
    SCOPED_TRACE(spelling[0]);
    std::vector<std::string> args = {"discover", cache};
    args.insert(args.end(), spelling.begin(), spelling.end());
    const SubprocessResult result = RunHaywire(args);
    ExpectOneLineError(result, 3);
    EXPECT_THAT(result.err, HasSubstr(missing));
  }
}

// ---------------------------------------------------------------------------
// Unusable and unhelpful RAM files: an exit code and one line, never a crash.
// ---------------------------------------------------------------------------

TEST(DiscoverE2eTest, MissingFile) {
  const std::string path = TempPath("does-not-exist");
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr(path));
  EXPECT_THAT(result.err, HasSubstr("does not exist"));
  EXPECT_EQ(result.out, "");
}

TEST(DiscoverE2eTest, Directory) {
  const std::string path = TempPath("dir");
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0) << std::strerror(errno);
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("is a directory"));
}

TEST(DiscoverE2eTest, EmptyFile) {
  const std::string path = TempPath("empty");
  WriteRamFile(path, 0, {});
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("is empty"));
}

TEST(DiscoverE2eTest, SizeNotWholePages) {
  const std::string path = TempPath("odd");
  WriteRamFile(path, 3 * kPageSize + 1, {});
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("not a whole number of 4096-byte pages"));
}

TEST(DiscoverE2eTest, NotARegularFile) {
  const SubprocessResult result = Discover("/dev/null");
  ExpectOneLineError(result, 3);
  EXPECT_THAT(result.err, HasSubstr("not a regular file"));
}

TEST(DiscoverE2eTest, ZerosHaveNoBeacon) {
  const std::string path = TempPath("zeros");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string mib(1 << 20, '\0');  // real zeros, not a hole
    out.write(mib.data(), static_cast<std::streamsize>(mib.size()));
  }
  ASSERT_EQ(FileSize(path), 1u << 20);
  const SubprocessResult result = Discover(path);
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("256 pages scanned"));
  EXPECT_THAT(result.err, HasSubstr(path));

  const SubprocessResult json = Discover(path, {"--json"});
  ExpectOneLineError(json, 4);
  const JsonValue doc = ParseOutput(json);
  EXPECT_EQ(doc["pages_scanned"].as_uint(), 256u);
  EXPECT_EQ(doc["sessions"].size(), 0u);
}

TEST(DiscoverE2eTest, OnlyStaleSessions) {
  const std::string path = TempPath("stale");
  SimulatedRam::DecoyReport decoys;
  {
    // Decoys only: the region is placed but never initialized.
    absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
        SimulatedRam::Open({.path = path,
                            .ram_bytes = 16ull << 20,
                            .region_pages = 64,
                            .seed = 7});
    ASSERT_TRUE(ram.ok()) << ram.status();
    decoys = (*ram)->decoys();
  }
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 5);
  EXPECT_THAT(result.err, HasSubstr("no live companion"));
  EXPECT_THAT(result.err, HasSubstr("is guest-serve running"));
  const JsonValue doc = ParseOutput(result);
  ASSERT_EQ(doc["sessions"].size(), 1u) << doc;
  const JsonValue& stale = doc["sessions"].at(0);
  EXPECT_EQ(stale["session_id"].as_string(),
            SessionIdText(decoys.stale_session_id));
  EXPECT_EQ(stale["live"].as_bool(), false);
  EXPECT_EQ(stale["pages_found"].as_uint(), decoys.stale_page_offsets.size());
  EXPECT_EQ(stale["pages_expected"].as_uint(),
            decoys.stale_page_offsets.size());
  EXPECT_EQ(stale["beacon_offset"].as_uint(), decoys.stale_page_offsets[0]);
  EXPECT_EQ(stale["companion_pid"].as_uint(), kDecoyPid);
  EXPECT_EQ(doc["rejected_pages"]["bad_checksum"].as_uint(), 1u);
  EXPECT_EQ(doc["rejected_pages"]["unknown_version"].as_uint(), 1u);
  EXPECT_EQ(doc["rejected_pages"]["bad_magic2"].as_uint(),
            decoys.magic_only_offsets.size());
}

// ---------------------------------------------------------------------------
// Sessions this test plays companion for: a region in a SimulatedRam file
// (no decoys), built with the companion's own code, then damaged.
// ---------------------------------------------------------------------------

constexpr uint64_t kFakeSessionId = 0x5E5510A1DEADBEEF;
constexpr uint32_t kFakePages = 64;

absl::StatusOr<std::unique_ptr<SimulatedRam>> MakeFakeSession(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram =
      SimulatedRam::Open({.path = path,
                          .ram_bytes = 4ull << 20,
                          .region_pages = kFakePages,
                          .seed = 11,
                          .add_decoys = false});
  if (!ram.ok()) return ram.status();
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = absl::GetCurrentTimeNanos();
  identity.capabilities = kCapPing;
  identity.hostname = "e2e-host";
  identity.kernel_release = "e2e-kernel";
  identity.boot_id = "00000000-0000-4000-8000-000000000000";
  if (absl::Status s =
          InitializeRegion((*ram)->pages(), kFakeSessionId, identity);
      !s.ok()) {
    return s;
  }
  return ram;
}

BeaconPage& BeaconOf(const SimulatedRam& ram) {
  return *reinterpret_cast<BeaconPage*>(ram.pages().page(kBeaconPageIndex));
}

// Advances a beacon's heartbeat every 5 ms, as a live companion does, from
// construction until destruction.
class HeartbeatThread {
 public:
  explicit HeartbeatThread(BeaconPage& beacon)
      : thread_([this, &beacon] {
          while (!stop_.load(std::memory_order_relaxed)) {
            TickHeartbeat(beacon, MonotonicNs());
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  HeartbeatThread(const HeartbeatThread&) = delete;
  HeartbeatThread& operator=(const HeartbeatThread&) = delete;
  ~HeartbeatThread() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once stop_ exists.
};

// A live session with one page's header wiped.
TEST(DiscoverE2eTest, LiveSessionWithMissingPage) {
  const std::string path = TempPath("incomplete");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  WipePageHeader((*ram)->pages().page(kFirstBulkPage + 3));

  SubprocessResult result;
  SubprocessResult text;
  {
    HeartbeatThread heart(BeaconOf(**ram));
    result = Discover(path, {"--json", kLiveWaitFlag});
    text = Discover(path, {kLiveWaitFlag});
  }

  ExpectOneLineError(result, 6);
  EXPECT_THAT(result.err, HasSubstr(SessionIdText(kFakeSessionId)));
  EXPECT_THAT(result.err, HasSubstr("has 63 of 64 pages (1 missing)"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdText(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
  EXPECT_EQ((*s)["chosen"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["pages_found"].as_uint(), kFakePages - 1) << *s;
  EXPECT_EQ((*s)["pages_expected"].as_uint(), kFakePages) << *s;
  EXPECT_EQ((*s)["companion_pid"].as_uint(), static_cast<uint64_t>(getpid()));
  EXPECT_EQ((*s)["hostname"].as_string(), "e2e-host");
  EXPECT_EQ((*s)["beacon_offset"].as_uint(), (*ram)->page_offsets()[0]);
  EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;

  ExpectOneLineError(text, 6);
  const std::vector<std::string> row =
      TextRow(text.out, SessionIdText(kFakeSessionId));
  ASSERT_GE(row.size(), 3u) << text.DebugString();
  EXPECT_EQ(row[1], "live");
  EXPECT_EQ(row[2], "63/64");
}

// A companion that has published its region but not yet beaten its heart
// (counter 0, no heartbeat time) while another session on the same guest is
// live: it must be judged by its own heartbeat, which starts during the
// wait, not by a heartbeat time of 0 on the live session's clock.
TEST(DiscoverE2eTest, CompanionStartingDuringDiscoverIsLive) {
  const std::string path = TempPath("starting");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> older = MakeFakeSession(path);
  ASSERT_TRUE(older.ok()) << older.status();
  // The newer session: same file (its pages avoid the older one's), same
  // guest boot, created later.
  constexpr uint64_t kNewerId = 0x0E1E1E1E1E1E1E1E;
  absl::StatusOr<std::unique_ptr<SimulatedRam>> newer =
      SimulatedRam::Open({.path = path,
                          .ram_bytes = 4ull << 20,
                          .region_pages = kFakePages,
                          .seed = 12,
                          .add_decoys = false});
  ASSERT_TRUE(newer.ok()) << newer.status();
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.start_unix_ns = absl::GetCurrentTimeNanos() + 1'000'000'000;
  identity.capabilities = kCapPing;
  identity.hostname = "e2e-host";
  identity.kernel_release = "e2e-kernel";
  identity.boot_id = "00000000-0000-4000-8000-000000000000";
  ASSERT_TRUE(InitializeRegion((*newer)->pages(), kNewerId, identity).ok());

  HeartbeatThread older_heart(BeaconOf(**older));
  SubprocessResult result;
  std::thread discover([&] {
    result = Discover(path, {"--json", "--live-wait-ms=5000"});
  });
  // The newer companion's first beat comes once discover is (very likely)
  // watching. Whenever it comes, it is within discover's 5 s wait.
  absl::SleepFor(absl::Seconds(1));
  {
    HeartbeatThread newer_heart(BeaconOf(**newer));
    discover.join();
  }

  EXPECT_EQ(result.exit_code, 0) << result.DebugString();
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdText(kNewerId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
  EXPECT_EQ(doc["chosen_session"].as_string(), SessionIdText(kNewerId)) << doc;
}

// Every page but the beacon: nothing to tell live from stale, or to talk to.
TEST(DiscoverE2eTest, SessionWithoutBeaconPage) {
  const std::string path = TempPath("no-beacon-page");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  WipePageHeader((*ram)->pages().page(kBeaconPageIndex));

  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("no valid beacon page"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdText(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["pages_found"].as_uint(), kFakePages - 1) << *s;
  EXPECT_TRUE((*s)["beacon_offset"].is_null()) << *s;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
}

// A beacon whose static info fails its checksum, heartbeat advancing.
TEST(DiscoverE2eTest, CorruptBeaconInfo) {
  const std::string path = TempPath("corrupt-beacon");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  BeaconOf(**ram).hostname[0] ^= 0x20;

  SubprocessResult result;
  SubprocessResult text;
  {
    HeartbeatThread heart(BeaconOf(**ram));
    result = Discover(path, {"--json"});
    text = Discover(path);
  }
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdText(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["live"].as_bool(), false) << *s;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
  EXPECT_THAT((*s)["beacon_error"].as_string().value_or(""),
              HasSubstr("checksum"));
  EXPECT_EQ((*s)["beacon_offset"].as_uint(), (*ram)->page_offsets()[0]);
  EXPECT_EQ((*s)["companion_pid"].as_uint(), 0u) << *s;
  EXPECT_EQ((*s)["hostname"].as_string(), "") << *s;

  ExpectOneLineError(text, 4);
  EXPECT_THAT(text.out, HasSubstr("beacon rejected: "));
}

// A beacon with an intact checksum but another protocol's layout.
TEST(DiscoverE2eTest, BeaconOfAnotherLayout) {
  const std::string path = TempPath("other-layout");
  absl::StatusOr<std::unique_ptr<SimulatedRam>> ram = MakeFakeSession(path);
  ASSERT_TRUE(ram.ok()) << ram.status();
  BeaconPage& beacon = BeaconOf(**ram);
  beacon.request_slot_count = 8;
  beacon.info_checksum =
      Crc32c(reinterpret_cast<const std::byte*>(&beacon) + kBeaconInfoBegin,
             kBeaconInfoEnd - kBeaconInfoBegin);

  SubprocessResult result;
  {
    HeartbeatThread heart(beacon);
    result = Discover(path, {"--json"});
  }
  ExpectOneLineError(result, 7);
  EXPECT_THAT(result.err, HasSubstr(SessionIdText(kFakeSessionId)));
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat("protocol version ", kProtocolVersion)));
  const JsonValue doc = ParseOutput(result);
  const JsonValue* s = FindSession(doc, SessionIdText(kFakeSessionId));
  ASSERT_NE(s, nullptr) << doc;
  EXPECT_EQ((*s)["beacon_valid"].as_bool(), false) << *s;
  EXPECT_THAT((*s)["beacon_error"].as_string().value_or(""),
              HasSubstr("8 request slots"));
}

TEST(DiscoverE2eTest, OnlyBadChecksums) {
  const std::string path = TempPath("bad-checksum");
  std::vector<std::pair<uint64_t, PageHeader>> pages;
  for (uint32_t index : {0u, 1u, 40u}) {
    PageHeader header = MakePageHeader(0x0BADC0DE, index, 64, 1);
    header.checksum ^= 0x00010000;
    pages.emplace_back(uint64_t{10 + index} * kPageSize, header);
  }
  WriteRamFile(path, 1 << 20, pages);
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 4);
  EXPECT_THAT(result.err, HasSubstr("no beacon found in"));
  EXPECT_THAT(result.err, HasSubstr("3 bad checksum"));
  const JsonValue doc = ParseOutput(result);
  EXPECT_EQ(doc["rejected_pages"]["bad_checksum"].as_uint(), 3u) << doc;
  EXPECT_EQ(doc["sessions"].size(), 0u) << doc;
}

TEST(DiscoverE2eTest, OnlyUnknownVersion) {
  const std::string path = TempPath("version");
  std::vector<std::pair<uint64_t, PageHeader>> pages;
  for (uint32_t index = 0; index < 40; ++index) {
    PageHeader header = MakePageHeader(0x00C0FFEE, index, 40, 1);
    header.version = 99;
    header.checksum = Crc32c(&header, kChecksummedHeaderBytes);
    ASSERT_EQ(CheckPageHeader(header), HeaderVerdict::kUnknownVersion);
    pages.emplace_back(uint64_t{100 + index} * kPageSize, header);
  }
  WriteRamFile(path, 1 << 20, pages);
  const SubprocessResult result = Discover(path, {"--json"});
  ExpectOneLineError(result, 7);
  EXPECT_THAT(result.err, HasSubstr("version"));
  EXPECT_THAT(result.err, HasSubstr("99"));
  const JsonValue doc = ParseOutput(result);
  EXPECT_EQ(doc["rejected_pages"]["unknown_version"].as_uint(), 40u) << doc;
  EXPECT_EQ(doc["sessions"].size(), 0u) << doc;
}

}  // namespace
}  // namespace haywire
