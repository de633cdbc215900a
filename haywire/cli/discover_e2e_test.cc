// Copyright 2026 The Haywire Authors.
//
// End-to-end tests of `haywire discover`: the real binary, run as separate
// processes, against simulated RAM files. A `haywire guest-serve
// --ram-file=...` companion (haywire/testing/companion_process.h) is started
// in the background where a live session is needed; files with specific
// defects (a missing page, bad checksums, an unknown protocol version) are
// built by the test itself with the same protocol code the companion uses.
//
// Every wait is bounded (subprocesses by RunCommand's timeout, the
// companion's start and stop by CompanionProcess's deadlines), and nothing
// asserts on timing. This file has the cases with a real companion;
// discover_files_e2e_test.cc those with RAM files the test builds.

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/cli/discover_e2e_support.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------
// A live companion.
// ---------------------------------------------------------------------------

TEST(DiscoverE2eTest, ReportsLiveSessionAndStaleDecoyAsJson) {
  const std::string ram = TestTempPath("ram");
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

  // The chosen session's companion placed every region page: a simulated
  // guest's frames are its pages' file offsets, so the layout is x86's,
  // from guest-physical 0 at file offset 0.
  const JsonValue& layout = doc["ram_layout"];
  ASSERT_TRUE(layout.is_object()) << doc;
  EXPECT_EQ(layout["confirming_pairs"].as_uint(), kRegionPages) << layout;
  ASSERT_TRUE(layout["segments"].is_array()) << layout;
  ASSERT_GE(layout["segments"].size(), 1u) << layout;
  EXPECT_EQ(layout["segments"].at(0)["guest_physical"].as_string(), "0x0");
  EXPECT_EQ(layout["segments"].at(0)["file_offset"].as_string(), "0x0");
  EXPECT_TRUE(doc["ram_layout_error"].is_null()) << doc;
}

TEST(DiscoverE2eTest, ReportsLiveSessionAndStaleDecoyAsText) {
  const std::string ram = TestTempPath("ram");
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
  const std::string ram = TestTempPath("ram");
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
  const std::string ram = TestTempPath("ram");
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

// Two live companions: the host does not guess which is real (any guest
// user can run one); --session picks, and stopping one ends the ambiguity.
TEST(DiscoverE2eTest, TwoLiveCompanionsAreAmbiguousUntilOneIsNamed) {
  const std::string ram = TestTempPath("ram");
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
    EXPECT_EQ(result.exit_code, 13) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;
    for (const std::string& id : {first_id, second_id}) {
      const JsonValue* s = FindSession(doc, id);
      ASSERT_NE(s, nullptr) << id << " missing from " << doc;
      EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
      EXPECT_EQ((*s)["pages_found"].as_uint(), kRegionPages) << *s;
    }
    EXPECT_THAT(result.err, HasSubstr(first_id));
    EXPECT_THAT(result.err, HasSubstr(second_id));
  }
  {
    const SubprocessResult result = Discover(
        ram, {"--json", kLiveWaitFlag, absl::StrCat("--session=", first_id)});
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_EQ(ParseOutput(result)["chosen_session"].as_string(), first_id);
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
  const std::string ram = TestTempPath("ram");
  const std::string empty_proc = TestTempPath("empty-proc");
  ASSERT_EQ(mkdir(empty_proc.c_str(), 0755), 0) << std::strerror(errno);
  absl::StatusOr<std::unique_ptr<CompanionProcess>> known =
      CompanionProcess::Start(ram, "known-boot");
  ASSERT_TRUE(known.ok()) << known.status();
  absl::StatusOr<std::unique_ptr<CompanionProcess>> unknown =
      CompanionProcess::Start(ram, "unknown-boot",
                              {absl::StrCat("--proc-root=", empty_proc)});
  ASSERT_TRUE(unknown.ok()) << unknown.status();

  const SubprocessResult result = Discover(ram, {"--json", kLiveWaitFlag});
  EXPECT_EQ(result.exit_code, 13) << result.DebugString();
  const JsonValue doc = ParseOutput(result);
  const JsonValue* with_boot = FindSession(doc, (*known)->session_text());
  const JsonValue* without_boot = FindSession(doc, (*unknown)->session_text());
  ASSERT_NE(with_boot, nullptr) << doc;
  ASSERT_NE(without_boot, nullptr) << doc;
  EXPECT_NE((*with_boot)["boot_id"].as_string(), "") << *with_boot;
  EXPECT_EQ((*without_boot)["boot_id"].as_string(), "") << *without_boot;
  EXPECT_EQ((*with_boot)["live"].as_bool(), true) << *with_boot;
  EXPECT_EQ((*without_boot)["live"].as_bool(), true) << *without_boot;
  // Both are live, so neither is chosen.
  EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;
}

// The page-table cache is an optimisation: failing to write it never fails
// discover, and is only mentioned with --verbose.
TEST(DiscoverE2eTest, UnwritableCacheDirIsNotAnError) {
  const std::string ram = TestTempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string not_a_dir = TestTempPath("not-a-dir");
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
  const std::string ram = TestTempPath("ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string id = (*serve)->session_text();
  const std::string cache = absl::StrCat("--cache-dir=", TestTempPath("cache"));

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
  const std::string missing = TestTempPath("missing");
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

}  // namespace
}  // namespace haywire
