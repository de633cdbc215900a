// Copyright 2026 The Haywire Authors.
//
// FindRunningVms over a fixture /proc tree (QEMU processes among others,
// a relative mem-path resolved against QEMU's working directory, entries
// that are not processes) and SelectVm's choices and errors.

#include "haywire/host/vm_finder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

class VmFinderTest : public ::testing::Test {
 protected:
  VmFinderTest()
      : root_(absl::StrCat(::testing::TempDir(), "/proc-", ::getpid())) {
    ::mkdir(root_.c_str(), 0755);
  }

  // A process `pid` with NUL-separated `argv`.
  void Process(int pid, const std::vector<std::string>& argv,
               const std::string& cwd = "") {
    const std::string dir = absl::StrCat(root_, "/", pid);
    ::mkdir(dir.c_str(), 0755);
    std::ofstream cmdline(dir + "/cmdline", std::ios::binary);
    for (const std::string& a : argv) cmdline << a << '\0';
    if (!cwd.empty()) {
      ASSERT_EQ(::symlink(cwd.c_str(), (dir + "/cwd").c_str()), 0);
    }
  }

  std::string root_;
};

TEST_F(VmFinderTest, FindsQemuProcessesOnly) {
  Process(300,
          {"/usr/bin/qemu-system-x86_64", "-name", "b-vm", "-object",
           "memory-backend-file,id=mem,size=64M,mem-path=vm.mem,share=on",
           "-machine", "pc,memory-backend=mem"},
          "/srv/vms");
  Process(100, {"qemu-system-aarch64", "-name", "guest=a-vm", "-m", "128"});
  Process(200, {"/bin/bash", "-c", "qemu-system-x86_64 -name fake"});
  Process(400, {});  // a kernel thread: no command line
  ::mkdir((root_ + "/self").c_str(), 0755);

  absl::StatusOr<std::vector<RunningVm>> vms = FindRunningVms(root_);
  ASSERT_TRUE(vms.ok()) << vms.status();
  ASSERT_EQ(vms->size(), 2u);
  EXPECT_EQ((*vms)[0].ram.name, "a-vm");
  EXPECT_EQ((*vms)[0].qemu_pid, 100u);
  EXPECT_FALSE((*vms)[0].ram.problem.empty());
  EXPECT_EQ((*vms)[1].ram.name, "b-vm");
  EXPECT_EQ((*vms)[1].qemu_pid, 300u);
  EXPECT_EQ((*vms)[1].ram.ram_file, "/srv/vms/vm.mem");
  EXPECT_TRUE((*vms)[1].ram.shared);
}

TEST_F(VmFinderTest, SelectsByNameOrPidAndExplainsMisses) {
  std::vector<RunningVm> vms(3);
  vms[0].qemu_pid = 10;
  vms[0].ram.name = "web";
  vms[1].qemu_pid = 11;
  vms[1].ram.name = "db";
  vms[2].qemu_pid = 12;
  vms[2].ram.name = "db";

  absl::StatusOr<RunningVm> web = SelectVm(vms, "web");
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_EQ(web->qemu_pid, 10u);
  absl::StatusOr<RunningVm> by_pid = SelectVm(vms, "12");
  ASSERT_TRUE(by_pid.ok()) << by_pid.status();
  EXPECT_EQ(by_pid->ram.name, "db");

  const absl::Status twice = SelectVm(vms, "db").status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(twice.message(), "db (pid 11), db (pid 12)"))
      << twice;
  const absl::Status none = SelectVm(vms, "mail").status();
  EXPECT_EQ(none.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(none.message(), "web (pid 10)")) << none;
}

TEST_F(VmFinderTest, AnUnlistableRootIsAnError) {
  EXPECT_FALSE(FindRunningVms(root_ + "/missing").ok());
}

}  // namespace
}  // namespace haywire
