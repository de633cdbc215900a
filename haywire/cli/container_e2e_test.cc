// Copyright 2026 The Haywire Authors.
//
// Containers end to end: a companion (`haywire guest-serve --ram-file`)
// serving a fixture /proc whose processes sit in the cgroups container
// runtimes really create (Docker with either cgroup driver, a Kubernetes
// pod under containerd, Podman rootless, a systemd service, none), then
// `haywire ps --containers`, `ps --container=ID`, `ps --json` and `info`
// as separate processes.

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "guest/process_service_test_support.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

const std::string kDockerId =
    "ae836c95b4c3c9e80e99cef74b9b3e6ca1e7d4b2a0b0e3ff3ae5d5a7dfeb7b41";
const std::string kPodContainerId =
    "5f0e2b1d9c8a7b6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e";
const std::string kPodmanId =
    "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";

struct Placed {
  uint32_t pid;
  std::string cgroup_file;  // /proc/PID/cgroup as the kernel writes it
  uint32_t ns_pid;          // 0: in the companion's PID namespace
};

class ContainerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // cgroup v2 lines ("0::PATH"), and one v1 host (Docker's cgroupfs
    // driver puts the container in every controller).
    const std::vector<Placed> placed = {
        {101, "0::/system.slice/docker-" + kDockerId + ".scope\n", 1},
        {102,
         "12:pids:/docker/" + kDockerId + "\n11:memory:/docker/" + kDockerId +
             "\n1:name=systemd:/docker/" + kDockerId + "\n0::/\n",
         7},
        {103,
         "0::/kubepods.slice/kubepods-burstable.slice/"
         "kubepods-burstable-pod1c1d2a4a_5b0e_4e6b_8f0a_0d0a3c2e1f77.slice/"
         "cri-containerd-" +
             kPodContainerId + ".scope\n",
         1},
        {104,
         "0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
         "libpod-" +
             kPodmanId + ".scope/container\n",
         1},
        {105, "0::/system.slice/nginx.service\n", 0},
        {106, "0::/\n", 0},
    };
    for (const Placed& p : placed) {
      fake_.Add(FakeFor(p.pid));
      const std::string dir = absl::StrCat(fake_.proc(), "/", p.pid);
      std::ofstream(dir + "/cgroup") << p.cgroup_file;
      if (p.ns_pid != 0) {
        std::ofstream(dir + "/status", std::ios::app)
            << "NSpid:\t" << p.pid << "\t" << p.ns_pid << "\n";
      }
    }
    ram_ = TestTempPath("ram");
    CompanionOptions options;
    options.ram_file = ram_;
    options.extra_args = {absl::StrCat("--proc-root=", fake_.proc()),
                          absl::StrCat("--passwd-file=", fake_.passwd()),
                          "--event-source=off"};
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(options);
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
  }

  SubprocessResult Haywire(std::vector<std::string> args) {
    std::vector<std::string> argv = {HaywirePath()};
    for (std::string& a : args) argv.push_back(std::move(a));
    argv.push_back("--mem-file=" + ram_);
    argv.push_back("--cache-dir=" + TestTempPath("cache"));
    argv.push_back("--live-wait-ms=3000");
    SubprocessResult result = RunCommand(argv);
    ExpectEndedByItself(result);
    return result;
  }

  // pid -> the CONTAINER column of `ps` output with that column.
  static std::map<uint32_t, std::string> ContainerColumn(
      const std::string& table) {
    std::map<uint32_t, std::string> out;
    const std::vector<std::string> lines =
        absl::StrSplit(table, '\n', absl::SkipEmpty());
    if (lines.empty()) return out;
    const size_t at = lines[0].find("CONTAINER");
    EXPECT_NE(at, std::string::npos) << lines[0];
    if (at == std::string::npos) return out;
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::vector<std::string> words =
          absl::StrSplit(lines[i], ' ', absl::SkipEmpty());
      uint32_t pid = 0;
      if (words.size() < 2 || !absl::SimpleAtoi(words[1], &pid)) continue;
      const std::string rest = lines[i].substr(at);
      out[pid] = rest.substr(0, rest.find(' '));
    }
    return out;
  }

  FakeTree fake_{"container-root"};
  std::string ram_;
  std::unique_ptr<CompanionProcess> companion_;
};

TEST_F(ContainerE2eTest, PsShowsEachProcesssContainer) {
  const SubprocessResult ps = Haywire({"ps", "--containers"});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  const std::map<uint32_t, std::string> column = ContainerColumn(ps.out);
  EXPECT_EQ(column.at(101), "docker:ae836c95b4c3") << ps.out;
  EXPECT_EQ(column.at(102), "docker:ae836c95b4c3") << ps.out;
  EXPECT_EQ(column.at(103), "containerd:5f0e2b1d9c8a") << ps.out;
  EXPECT_EQ(column.at(104), "podman:0b1c2d3e4f5a") << ps.out;
  EXPECT_EQ(column.at(105), "nginx.service") << ps.out;
  EXPECT_EQ(column.at(106), "-") << ps.out;
  // Without the flag, ps aux's columns as before.
  const SubprocessResult plain = Haywire({"ps"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(absl::StrContains(plain.out, "CONTAINER"));
}

TEST_F(ContainerE2eTest, ContainerFlagFiltersByIdPodOrUnit) {
  auto pids = [&](const std::string& query) {
    const SubprocessResult ps = Haywire({"ps", "--container=" + query});
    EXPECT_EQ(ps.exit_code, 0) << ps.err;
    std::vector<uint32_t> out;
    for (const auto& [pid, container] : ContainerColumn(ps.out)) {
      out.push_back(pid);
    }
    return out;
  };
  EXPECT_EQ(pids("ae836c95"), (std::vector<uint32_t>{101, 102}));
  EXPECT_EQ(pids("docker:" + kDockerId), (std::vector<uint32_t>{101, 102}));
  EXPECT_EQ(pids("1c1d2a4a-5b0e"), (std::vector<uint32_t>{103}));
  EXPECT_EQ(pids("nginx.service"), (std::vector<uint32_t>{105}));
  EXPECT_EQ(pids("podman:0b1c"), (std::vector<uint32_t>{104}));
  EXPECT_TRUE(pids("deadbeef").empty());
}

TEST_F(ContainerE2eTest, JsonAndInfoCarryContainerAndNamespacePid) {
  const SubprocessResult ps = Haywire({"ps", "--json"});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  absl::StatusOr<JsonValue> doc = ParseJson(ps.out);
  ASSERT_TRUE(doc.ok()) << doc.status();
  const JsonValue& processes = (*doc)["processes"];
  bool saw_pod = false, saw_none = false;
  for (size_t i = 0; i < processes.size(); ++i) {
    const JsonValue& p = processes.at(i);
    if (p["pid"].as_uint() == 103u) {
      saw_pod = true;
      EXPECT_EQ(p["container"]["runtime"].as_string(), "containerd");
      EXPECT_EQ(p["container"]["id"].as_string(), kPodContainerId);
      EXPECT_EQ(p["container"]["pod"].as_string(),
                "1c1d2a4a-5b0e-4e6b-8f0a-0d0a3c2e1f77");
      EXPECT_EQ(p["ns_pid"].as_uint(), 1u);
      EXPECT_EQ(p["ns_level"].as_uint(), 1u);
    }
    if (p["pid"].as_uint() == 106u) {
      saw_none = true;
      EXPECT_TRUE(p["container"].is_null());
      EXPECT_EQ(p["cgroup"].as_string(), "/");
    }
  }
  EXPECT_TRUE(saw_pod && saw_none) << ps.out;

  const SubprocessResult info = Haywire({"info", "102"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(absl::StrContains(info.out, "docker:ae836c95b4c3")) << info.out;
  EXPECT_TRUE(absl::StrContains(info.out, "7 (1 level down)")) << info.out;
}

}  // namespace
}  // namespace haywire
