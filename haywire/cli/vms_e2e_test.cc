// Copyright 2026 The Haywire Authors.
//
// `haywire vms` and `--vm` against processes that look like QEMU in /proc:
// a fake qemu-system-x86_64 (haywire/testing/fake_qemu_main.cc, started
// through a link of that name) whose command line puts its RAM in a
// shared file where a simulated companion runs, and one whose RAM is not
// in a file. Other VMs may run on the machine (the VM tests): only these
// two are checked, by their pids.

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/cli/discover_e2e_support.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

const JsonValue* VmWithPid(const JsonValue& doc, pid_t pid) {
  const JsonValue& vms = doc["vms"];
  for (size_t i = 0; i < vms.size(); ++i) {
    if (vms.at(i)["qemu_pid"].as_uint() == static_cast<uint64_t>(pid)) {
      return &vms.at(i);
    }
  }
  return nullptr;
}

// Waits (at most 10 s) until process `pid` has exec'd `path`: its
// /proc/PID/cmdline starts with it.
bool WaitForExec(pid_t pid, const std::string& path) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream cmdline(absl::StrCat("/proc/", pid, "/cmdline"));
    std::string argv0;
    std::getline(cmdline, argv0, '\0');
    if (argv0 == path) return true;
    ::usleep(10000);
  }
  return false;
}

TEST(VmsE2eTest, FindsFakeQemusAndConnectsByName) {
  const std::string ram = TestTempPath("vm-ram");
  absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
      CompanionProcess::Start(ram, "serve");
  ASSERT_TRUE(serve.ok()) << serve.status();

  const std::string bin = TestTempPath("bin");
  ::mkdir(bin.c_str(), 0755);
  const std::string qemu = bin + "/qemu-system-x86_64";
  ::unlink(qemu.c_str());
  ASSERT_EQ(::symlink(RunfilePath("haywire/testing/fake_qemu_main").c_str(),
                      qemu.c_str()),
            0);
  const std::string name = absl::StrCat("hw-test-vm-", ::getpid());
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> shared =
      BackgroundProcess::Start(
          {qemu, "-name", absl::StrCat("guest=", name, ",debug-threads=on"),
           "-m", "256M", "-object",
           absl::StrCat("memory-backend-file,id=mem,size=256M,mem-path=", ram,
                        ",share=on"),
           "-machine", "pc,memory-backend=mem", "-nographic"},
          "fake-qemu-shared");
  ASSERT_TRUE(shared.ok()) << shared.status();
  const std::string private_name = name + "-private";
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> anonymous =
      BackgroundProcess::Start({qemu, "-name", private_name, "-m", "128"},
                               "fake-qemu-anonymous");
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  ASSERT_TRUE(WaitForExec((*shared)->pid(), qemu));
  ASSERT_TRUE(WaitForExec((*anonymous)->pid(), qemu));

  const SubprocessResult listed = RunHaywire({"vms", "--json", kLiveWaitFlag});
  ASSERT_EQ(listed.exit_code, 0) << listed.DebugString();
  const JsonValue doc = ParseOutput(listed);
  const JsonValue* live = VmWithPid(doc, (*shared)->pid());
  ASSERT_NE(live, nullptr) << doc;
  EXPECT_EQ((*live)["name"].as_string(), name);
  EXPECT_EQ((*live)["ram_file"].as_string(), ram);
  EXPECT_EQ((*live)["ram_bytes"].as_uint(), 256ull << 20);
  EXPECT_EQ((*live)["shared"].as_bool(), true);
  EXPECT_EQ((*live)["session"].as_string(), "live") << *live;
  EXPECT_EQ((*live)["companion_pid"].as_uint(),
            static_cast<uint64_t>((*serve)->pid()));
  const JsonValue* other = VmWithPid(doc, (*anonymous)->pid());
  ASSERT_NE(other, nullptr) << doc;
  EXPECT_EQ((*other)["session"].as_string(), "not-shared");
  EXPECT_TRUE(absl::StrContains((*other)["detail"].as_string().value_or(""),
                                "-object memory-backend-file,id=mem,"
                                "size=128M,mem-path=FILE,share=on"))
      << *other;

  const std::string cache = absl::StrCat("--cache-dir=", TestTempPath("cache"));
  // By name and by QEMU pid, the command reaches the companion's session.
  for (const std::string& vm : {name, absl::StrCat((*shared)->pid())}) {
    const SubprocessResult info =
        RunHaywire({"info", absl::StrCat((*serve)->pid()), "--json",
                    absl::StrCat("--vm=", vm), cache, kLiveWaitFlag});
    EXPECT_EQ(info.exit_code, 0) << vm << ": " << info.DebugString();
    EXPECT_TRUE(absl::StrContains(info.out, "guest-serve")) << info.out;
  }
  // A VM Haywire cannot read, one that does not exist, and --vm with
  // --mem-file: exit 3 (mem-file-unusable), one line saying why.
  const SubprocessResult unreadable =
      RunHaywire({"ps", absl::StrCat("--vm=", private_name), cache});
  ExpectOneLineError(unreadable, 3);
  EXPECT_TRUE(absl::StrContains(unreadable.err, "share=on")) << unreadable.err;
  const SubprocessResult missing =
      RunHaywire({"ps", "--vm=no-such-vm-here", cache});
  ExpectOneLineError(missing, 3);
  EXPECT_TRUE(absl::StrContains(missing.err, name)) << missing.err;
  const SubprocessResult both =
      RunHaywire({"ps", absl::StrCat("--vm=", name),
                  absl::StrCat("--mem-file=", ram), cache});
  ExpectOneLineError(both, 3);
}

}  // namespace
}  // namespace haywire
