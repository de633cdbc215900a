// Copyright 2026 The Haywire Authors.
//
// End-to-end: an unprivileged guest user runs a companion of their own.
//
// The real companion runs as root; a second `guest-serve` runs as uid 65534
// (nobody) with a fake /proc root full of invented processes, in the same
// RAM file, as any guest user can. Before, the host picked the newest live
// session and showed the invented processes; now it refuses to guess (exit
// 13, naming both sessions) until --session picks one, and works as usual
// once the forgery is gone. The real binary runs as separate processes
// throughout.
//
// Everything uid 65534 needs (the haywire binary, the RAM file, the fake
// /proc, its logs) lives in a fresh world-readable directory under /tmp:
// the test's own TEST_TMPDIR is under root's home, which nobody cannot
// enter.

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/process_service_test_support.h"
#include "haywire/cli/discover_e2e_support.h"
#include "haywire/cli/guest_user_e2e_support.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

// Above the kernel's pid_max limit (4194304), so no real process on the
// machine running the test can have it.
constexpr uint32_t kInventedPid = 4194305;

TEST(HostileCompanionE2eTest, SecondCompanionOfAnUnprivilegedUserIsNotUsed) {
  SharedScratch scratch;
  const std::string ram = scratch.dir() + "/ram";
  const std::string cache = scratch.dir() + "/cache";

  CompanionOptions real_options;
  real_options.ram_file = ram;
  real_options.haywire_path = scratch.binary();
  real_options.log_prefix = scratch.dir() + "/real";
  absl::StatusOr<std::unique_ptr<CompanionProcess>> real =
      CompanionProcess::Start(real_options);
  ASSERT_TRUE(real.ok()) << real.status();
  // Guest RAM: every guest user's pages are in it.
  ASSERT_EQ(::chmod(ram.c_str(), 0666), 0);

  FakeTree fake("fake-root");
  fake.Add(FakeFor(kInventedPid));
  CompanionOptions forged_options;
  forged_options.ram_file = ram;
  forged_options.haywire_path = scratch.binary();
  forged_options.log_prefix = scratch.dir() + "/forged";
  forged_options.run_as_uid = kNobody;
  forged_options.extra_args = {absl::StrCat("--proc-root=", fake.proc()),
                               absl::StrCat("--passwd-file=", fake.passwd()),
                               "--event-source=off"};
  absl::StatusOr<std::unique_ptr<CompanionProcess>> forged =
      CompanionProcess::Start(forged_options);
  ASSERT_TRUE(forged.ok()) << forged.status();
  const std::string real_id = (*real)->session_text();
  const std::string forged_id = (*forged)->session_text();

  {  // discover shows both, live, and chooses neither.
    const SubprocessResult result = RunWithCache(
        cache, {"discover", "--json", absl::StrCat("--mem-file=", ram)});
    EXPECT_EQ(result.exit_code, 13) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    for (const std::string& id : {real_id, forged_id}) {
      const JsonValue* s = FindSession(doc, id);
      ASSERT_NE(s, nullptr) << id << " missing from " << doc;
      EXPECT_EQ((*s)["live"].as_bool(), true) << *s;
      EXPECT_EQ((*s)["usable"].as_bool(), true) << *s;
      EXPECT_EQ((*s)["chosen"].as_bool(), false) << *s;
    }
    EXPECT_TRUE(doc["chosen_session"].is_null()) << doc;
  }
  {  // ps refuses to guess, in one line naming both sessions.
    const SubprocessResult result =
        RunWithCache(cache, {"ps", absl::StrCat("--mem-file=", ram)});
    ExpectOneLineError(result, 13);
    EXPECT_THAT(result.err, HasSubstr(real_id));
    EXPECT_THAT(result.err, HasSubstr(forged_id));
    EXPECT_THAT(result.err, HasSubstr("--session"));
    EXPECT_EQ(result.out, "");
  }
  {  // --session picks the real one: real processes, nothing invented.
    const SubprocessResult result =
        RunWithCache(cache, {"ps", "--json", absl::StrCat("--mem-file=", ram),
                             absl::StrCat("--session=", real_id)});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    const std::vector<uint64_t> pids = ListedPids(result);
    EXPECT_THAT(pids, ::testing::Contains((*real)->printed_pid()));
    EXPECT_THAT(pids,
                ::testing::Not(::testing::Contains(uint64_t{kInventedPid})));
  }
  {  // What the forgery would have shown.
    const SubprocessResult result =
        RunWithCache(cache, {"ps", "--json", absl::StrCat("--mem-file=", ram),
                             absl::StrCat("--session=", forged_id)});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_THAT(ListedPids(result),
                ::testing::Contains(uint64_t{kInventedPid}));
  }
  {  // A session id that is not one is a usage error.
    const SubprocessResult result = RunWithCache(
        cache, {"ps", absl::StrCat("--mem-file=", ram), "--session=zz"});
    EXPECT_EQ(result.exit_code, 2) << result.DebugString();
  }

  // Once the forgery is gone, no flag is needed.
  absl::StatusOr<CompanionProcess::Exit> exit = (*forged)->Terminate();
  ASSERT_TRUE(exit.ok()) << exit.status();
  {
    const SubprocessResult result =
        RunWithCache(cache, {"ps", "--json", absl::StrCat("--mem-file=", ram)});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_THAT(ListedPids(result),
                ::testing::Contains((*real)->printed_pid()));
  }
}

}  // namespace
}  // namespace haywire
