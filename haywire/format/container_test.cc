// Copyright 2026 The Haywire Authors.
//
// ContainerOf against the cgroup paths container runtimes really write,
// quoted from their documentation (the ids are made up, the layouts are
// theirs), and ps --container's matching.

#include "haywire/format/container.h"

#include <string>

#include "gtest/gtest.h"

namespace haywire {
namespace {

const std::string kId =
    "ae836c95b4c3c9e80e99cef74b9b3e6ca1e7d4b2a0b0e3ff3ae5d5a7dfeb7b41";
const std::string kPod = "1c1d2a4a-5b0e-4e6b-8f0a-0d0a3c2e1f77";
const std::string kPodUnderscored = "1c1d2a4a_5b0e_4e6b_8f0a_0d0a3c2e1f77";

void ExpectContainer(const std::string& cgroup, const std::string& runtime,
                     const std::string& id, const std::string& pod = "") {
  SCOPED_TRACE(cgroup);
  const std::optional<Container> c = ContainerOf(cgroup);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->runtime, runtime);
  EXPECT_EQ(c->id, id);
  EXPECT_EQ(c->pod, pod);
}

TEST(ContainerTest, Docker) {
  // Docker's "Runtime metrics": /sys/fs/cgroup/memory/docker/<longid>/
  // (cgroupfs driver) and /sys/fs/cgroup/system.slice/docker-<longid>.scope
  // (systemd driver, cgroup v2).
  ExpectContainer("/docker/" + kId, "docker", kId);
  ExpectContainer("/system.slice/docker-" + kId + ".scope", "docker", kId);
}

TEST(ContainerTest, KubernetesPods) {
  // Kubernetes "About cgroup v2" / "Configuring a cgroup driver": the
  // kubelet's pod cgroups, cgroupfs and systemd flavours, with containerd
  // (cri-containerd-) and CRI-O (crio-) scopes.
  ExpectContainer("/kubepods/burstable/pod" + kPod + "/" + kId, "kubernetes",
                  kId, kPod);
  ExpectContainer("/kubepods/pod" + kPod + "/" + kId, "kubernetes", kId, kPod);
  ExpectContainer(
      "/kubepods.slice/kubepods-burstable.slice/"
      "kubepods-burstable-pod" +
          kPodUnderscored + ".slice/cri-containerd-" + kId + ".scope",
      "containerd", kId, kPod);
  ExpectContainer("/kubepods.slice/kubepods-pod" + kPodUnderscored +
                      ".slice/crio-" + kId + ".scope",
                  "cri-o", kId, kPod);
  // CRI-O's conmon runs beside the container, not in it: a plain scope.
  ExpectContainer("/kubepods.slice/kubepods-pod" + kPodUnderscored +
                      ".slice/crio-conmon-" + kId + ".scope",
                  "systemd", "crio-conmon-" + kId + ".scope");
}

TEST(ContainerTest, Podman) {
  // podman(1) --cgroup-manager: systemd (machine.slice, or the user's
  // slice when rootless, where the container's processes sit in a
  // "container" child) or cgroupfs (libpod_parent).
  ExpectContainer("/machine.slice/libpod-" + kId + ".scope", "podman", kId);
  ExpectContainer(
      "/user.slice/user-1000.slice/user@1000.service/user.slice/"
      "libpod-" +
          kId + ".scope/container",
      "podman", kId);
  ExpectContainer("/libpod_parent/libpod-" + kId, "podman", kId);
}

TEST(ContainerTest, NerdctlAndLxc) {
  ExpectContainer("/system.slice/nerdctl-" + kId + ".scope", "containerd", kId);
  ExpectContainer("/lxc.payload.web1", "lxc", "web1");
  ExpectContainer("/lxc/web1", "lxc", "web1");
}

TEST(ContainerTest, SystemdUnitsAndNothing) {
  ExpectContainer("/system.slice/nginx.service", "systemd", "nginx.service");
  ExpectContainer("/user.slice/user-1000.slice/session-3.scope", "systemd",
                  "session-3.scope");
  ExpectContainer(
      "/user.slice/user-1000.slice/user@1000.service/app.slice/"
      "dbus.service",
      "systemd", "dbus.service");
  EXPECT_FALSE(ContainerOf("/").has_value());
  EXPECT_FALSE(ContainerOf("").has_value());
  EXPECT_FALSE(ContainerOf("/user.slice").has_value());
  // A 64-hex-digit cgroup anywhere else says nothing about a runtime.
  EXPECT_FALSE(ContainerOf("/mine/" + kId).has_value());
  // Not hex, or upper case, or the wrong length: not an id.
  EXPECT_FALSE(ContainerOf("/docker/" + kId.substr(1)).has_value());
}

TEST(ContainerTest, TextAndMatching) {
  const Container docker{"docker", kId, ""};
  EXPECT_EQ(ContainerText(docker), "docker:ae836c95b4c3");
  EXPECT_EQ(ContainerText(Container{"systemd", "nginx.service", ""}),
            "nginx.service");
  EXPECT_EQ(ContainerText(Container{"lxc", "web1", ""}), "lxc:web1");
  EXPECT_TRUE(ContainerMatches(docker, "ae836c95b4c3"));
  EXPECT_TRUE(ContainerMatches(docker, "docker:ae83"));
  EXPECT_TRUE(ContainerMatches(docker, kId));
  EXPECT_FALSE(ContainerMatches(docker, "ae8"));  // too short to mean it
  EXPECT_FALSE(ContainerMatches(docker, "podman:ae836c95"));
  EXPECT_FALSE(ContainerMatches(docker, ""));
  const Container pod{"containerd", kId, kPod};
  EXPECT_TRUE(ContainerMatches(pod, "1c1d2a4a"));
  const Container unit{"systemd", "nginx.service", ""};
  EXPECT_TRUE(ContainerMatches(unit, "nginx.service"));
  EXPECT_TRUE(ContainerMatches(unit, "systemd:nginx.service"));
  EXPECT_FALSE(ContainerMatches(unit, "nginx"));
}

}  // namespace
}  // namespace haywire
