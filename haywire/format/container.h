// Copyright 2026 The Haywire Authors.
//
// The container a guest process runs in, derived from its cgroup path
// (ProcessEntry::cgroup) the way container runtimes lay their cgroups out.
// Paths as the runtimes write them (the innermost match wins):
//
//   Docker, cgroupfs driver        /docker/<64 hex>
//   Docker, systemd driver         /system.slice/docker-<64 hex>.scope
//   Kubernetes, cgroupfs driver    /kubepods/burstable/pod<uid>/<64 hex>
//                                  (runtime "kubernetes": the path does
//                                  not say which CRI runtime)
//   Kubernetes + containerd, systemd
//       /kubepods.slice/kubepods-burstable.slice/
//       kubepods-burstable-pod<uid with _>.slice/cri-containerd-<64 hex>.scope
//   Kubernetes + CRI-O, systemd    .../kubepods-pod<uid>.slice/crio-<64 hex>.scope
//   Podman, systemd                /machine.slice/libpod-<64 hex>.scope
//                                  (rootless: .../user@1000.service/
//                                  user.slice/libpod-<64 hex>.scope/container)
//   Podman, cgroupfs               /libpod_parent/libpod-<64 hex>
//   nerdctl (containerd), systemd  /system.slice/nerdctl-<64 hex>.scope
//   LXC                            /lxc.payload.<name>, /lxc/<name>
//   systemd units (no container)   /system.slice/nginx.service,
//                                  /user.slice/user-1000.slice/session-3.scope
//
// The cgroup path comes from the guest: any process that can create
// cgroups can name one like a container's. It says what the guest's cgroup
// tree says, nothing more.
#ifndef HAYWIRE_FORMAT_CONTAINER_H_
#define HAYWIRE_FORMAT_CONTAINER_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace haywire {

struct Container {
  // "docker", "containerd", "cri-o", "podman", "kubernetes", "lxc", or
  // "systemd" for a systemd unit that is not a container.
  std::string runtime;
  // The container id (64 hex digits), the LXC container's name, or the
  // systemd unit ("nginx.service").
  std::string id;
  // A Kubernetes pod's UID (with dashes), "" outside Kubernetes.
  std::string pod;
};

// The container of a process in `cgroup`; nullopt for the root cgroup, an
// empty path and paths no runtime above writes (slices alone, say).
std::optional<Container> ContainerOf(absl::string_view cgroup);

// How ps shows it, at most 25 columns: "docker:0123456789ab" (ids cut to 12
// hex digits, as `docker ps`), "lxc:web", or the systemd unit.
std::string ContainerText(const Container& container);

// Whether `query` (ps --container=QUERY) names `container`: a prefix of its
// id (at least 4 characters for hex ids, as short ids are used), the whole
// unit or LXC name, a prefix of its pod UID, or any of those after
// "RUNTIME:" ("docker:0123", "systemd:nginx.service").
bool ContainerMatches(const Container& container, absl::string_view query);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_CONTAINER_H_
