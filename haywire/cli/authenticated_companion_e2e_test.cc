// Copyright 2026 The Haywire Authors.
//
// End-to-end: with the VM key, the host shows only the companion that
// proves it.
//
// The real companion runs as root with a key made by `haywire keygen`. In
// the same RAM file, two companions of an unprivileged guest user (uid
// 65534, each with a fake /proc holding an invented process) run as any
// guest user could: one without a key, one with a key of its own. Without
// the key the host refuses to guess (exit 13); with it, discover marks the
// real session authenticated and the others unauthenticated and failed, and
// ps shows the real processes without --session. A wrong key, a key others
// can read, and the default <mem-file>.key are checked too. The real binary
// runs as separate processes throughout (see hostile_companion_e2e_test for
// why the scratch directory is under /tmp).

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
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

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// Above the kernel's pid_max limit (4194304), so no real process on the
// machine running the test can have it.
constexpr uint32_t kInventedPid = 4194305;

std::string Keygen(const std::string& path) {
  const SubprocessResult made = RunHaywire({"keygen", "--out=" + path});
  EXPECT_EQ(made.exit_code, 0) << made.DebugString();
  return path;
}

TEST(AuthenticatedCompanionE2eTest, KeygenWritesAPrivateKeyOnce) {
  SharedScratch scratch;
  const std::string key = Keygen(scratch.dir() + "/vm.key");
  struct stat st;
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  const SubprocessResult again = RunHaywire({"keygen", "--out=" + key});
  ExpectOneLineError(again, 1);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  const SubprocessResult missing = RunHaywire({"keygen"});
  ExpectOneLineError(missing, 2);
}

TEST(AuthenticatedCompanionE2eTest, OnlyTheCompanionWithTheKeyIsShown) {
  SharedScratch scratch;
  const std::string ram = scratch.dir() + "/ram";
  const std::string cache = scratch.dir() + "/cache";
  const std::string key = Keygen(scratch.dir() + "/vm.key");

  CompanionOptions real_options;
  real_options.ram_file = ram;
  real_options.haywire_path = scratch.binary();
  real_options.log_prefix = scratch.dir() + "/real";
  real_options.extra_args = {"--key-file=" + key};
  absl::StatusOr<std::unique_ptr<CompanionProcess>> real =
      CompanionProcess::Start(real_options);
  ASSERT_TRUE(real.ok()) << real.status();
  ASSERT_EQ(::chmod(ram.c_str(), 0666), 0);

  // The guest user's companions: no key, and a key of their own.
  FakeTree fake("fake-root");
  fake.Add(FakeFor(kInventedPid));
  const std::string own_key = Keygen(scratch.dir() + "/own.key");
  ASSERT_EQ(::chown(own_key.c_str(), kNobody, kNobody), 0);
  std::vector<std::unique_ptr<CompanionProcess>> forged;
  for (const std::string& key_flag :
       {std::string("--key-file=none"), "--key-file=" + own_key}) {
    CompanionOptions options;
    options.ram_file = ram;
    options.haywire_path = scratch.binary();
    options.log_prefix = absl::StrCat(scratch.dir(), "/forged", forged.size());
    options.run_as_uid = kNobody;
    options.extra_args = {absl::StrCat("--proc-root=", fake.proc()),
                          absl::StrCat("--passwd-file=", fake.passwd()),
                          "--event-source=off", key_flag};
    absl::StatusOr<std::unique_ptr<CompanionProcess>> started =
        CompanionProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    forged.push_back(*std::move(started));
  }
  const std::string real_id = (*real)->session_text();
  const std::string unkeyed_id = forged[0]->session_text();
  const std::string own_key_id = forged[1]->session_text();
  const std::string mem = "--mem-file=" + ram;

  {  // Without the key: three live sessions, no guess.
    const SubprocessResult result = RunWithCache(cache, {"ps", mem});
    ExpectOneLineError(result, 13);
  }
  {  // discover with the key: each session's result; the real one chosen.
    const SubprocessResult result =
        RunWithCache(cache, {"discover", "--json", mem, "--key-file=" + key});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    const JsonValue doc = ParseOutput(result);
    const std::pair<std::string, std::string> expected[] = {
        {real_id, "authenticated"},
        {unkeyed_id, "unauthenticated"},
        {own_key_id, "failed"}};
    for (const auto& [id, auth] : expected) {
      const JsonValue* s = FindSession(doc, id);
      ASSERT_NE(s, nullptr) << id << " missing from " << doc;
      EXPECT_EQ((*s)["auth"].as_string(), auth) << *s;
      EXPECT_EQ((*s)["chosen"].as_bool(), id == real_id) << *s;
    }
    EXPECT_EQ(doc["chosen_session"].as_string(), real_id);
  }
  {  // ps with the key: the real processes, nothing invented, no --session.
    const SubprocessResult result =
        RunWithCache(cache, {"ps", "--json", mem, "--key-file=" + key});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_THAT(ListedPids(result), Contains((*real)->printed_pid()));
    EXPECT_THAT(ListedPids(result), Not(Contains(uint64_t{kInventedPid})));
  }
  {  // Again, now through the session cache discover wrote.
    const SubprocessResult result =
        RunWithCache(cache, {"info", "--json", mem, "--key-file=" + key,
                             absl::StrCat((*real)->printed_pid())});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
  }
  {  // The forgery with its own key cannot be picked even by name; it
     // failed in discover above, which the cache remembers: this command
     // does not write to it at all.
    const SubprocessResult result = RunWithCache(
        cache, {"ps", mem, "--key-file=" + key, "--session=" + own_key_id});
    ExpectOneLineError(result, 14);
    EXPECT_THAT(result.err, HasSubstr("failed"));
    EXPECT_THAT(result.err, HasSubstr("not challenged again"));
  }
  {  // The real session picked by name without the key: refused, and told
     // why.
    const SubprocessResult result = RunWithCache(
        cache, {"ps", mem, "--key-file=none", "--session=" + real_id});
    ExpectOneLineError(result, 14);
    EXPECT_THAT(result.err, HasSubstr("--key-file"));
  }
  {  // A wrong key proves nothing: no session is used.
    const std::string wrong = Keygen(scratch.dir() + "/wrong.key");
    const SubprocessResult result =
        RunWithCache(cache, {"ps", mem, "--key-file=" + wrong});
    ExpectOneLineError(result, 14);
    EXPECT_THAT(result.err, HasSubstr("proves the key"));
    EXPECT_EQ(result.out, "");
  }
  {  // A key others can read is refused before anything is read with it.
    const std::string open_key = Keygen(scratch.dir() + "/open.key");
    ASSERT_EQ(::chmod(open_key.c_str(), 0644), 0);
    const SubprocessResult result =
        RunWithCache(cache, {"ps", mem, "--key-file=" + open_key});
    ExpectOneLineError(result, 15);
    EXPECT_THAT(result.err, HasSubstr("chmod 600"));
  }
  {  // The default key: <mem-file>.key.
    fs::copy_file(key, ram + ".key");
    ASSERT_EQ(::chmod((ram + ".key").c_str(), 0600), 0);
    const SubprocessResult result = RunWithCache(cache, {"ps", "--json", mem});
    ASSERT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_THAT(ListedPids(result), Contains((*real)->printed_pid()));
    EXPECT_THAT(ListedPids(result), Not(Contains(uint64_t{kInventedPid})));
  }
}

}  // namespace
}  // namespace haywire
