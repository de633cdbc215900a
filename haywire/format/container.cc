// Copyright 2026 The Haywire Authors.

#include "haywire/format/container.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace haywire {
namespace {

constexpr size_t kIdHexDigits = 64;
constexpr size_t kShortIdHexDigits = 12;
constexpr size_t kMinHexQuery = 4;

bool IsHexId(absl::string_view text) {
  if (text.size() != kIdHexDigits) return false;
  for (const char c : text) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

// "<prefix><64 hex><suffix>" -> the hex id, else "".
std::string IdBetween(absl::string_view component, absl::string_view prefix,
                      absl::string_view suffix) {
  if (!absl::ConsumePrefix(&component, prefix) ||
      !absl::ConsumeSuffix(&component, suffix) || !IsHexId(component)) {
    return "";
  }
  return std::string(component);
}

// A Kubernetes pod's UID from a pod cgroup: "pod<uid>" (cgroupfs) or
// "kubepods[-<qos>]-pod<uid with _>.slice" (systemd).
std::string PodUidOf(absl::string_view component) {
  if (absl::StartsWith(component, "kubepods") &&
      absl::ConsumeSuffix(&component, ".slice")) {
    const size_t at = component.rfind("-pod");
    if (at == absl::string_view::npos) return "";
    return absl::StrReplaceAll(component.substr(at + 4), {{"_", "-"}});
  }
  if (absl::ConsumePrefix(&component, "pod") && component.size() >= 32 &&
      component.find('.') == absl::string_view::npos) {
    return std::string(component);
  }
  return "";
}

struct ScopeRuntime {
  absl::string_view prefix;
  absl::string_view runtime;
};
constexpr ScopeRuntime kScopes[] = {
    {"docker-", "docker"},      {"cri-containerd-", "containerd"},
    {"crio-", "cri-o"},         {"libpod-", "podman"},
    {"nerdctl-", "containerd"},
};

}  // namespace

std::optional<Container> ContainerOf(absl::string_view cgroup) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(cgroup, '/', absl::SkipEmpty());
  std::string pod;
  for (const absl::string_view part : parts) {
    if (std::string uid = PodUidOf(part); !uid.empty()) pod = std::move(uid);
  }
  for (size_t i = parts.size(); i-- > 0;) {
    const absl::string_view part = parts[i];
    const absl::string_view parent = i > 0 ? parts[i - 1] : "";
    for (const ScopeRuntime& scope : kScopes) {
      std::string id = IdBetween(part, scope.prefix, ".scope");
      // Podman with cgroupfs: "libpod-<id>" without ".scope".
      if (id.empty() && scope.runtime == "podman") {
        id = IdBetween(part, scope.prefix, "");
      }
      if (!id.empty()) {
        return Container{std::string(scope.runtime), std::move(id), pod};
      }
    }
    if (IsHexId(part)) {
      if (parent == "docker") return Container{"docker", std::string(part), ""};
      if (!pod.empty()) {
        return Container{"kubernetes", std::string(part), pod};
      }
    }
    if (absl::StartsWith(part, "lxc.payload.") && part.size() > 12) {
      return Container{"lxc", std::string(part.substr(12)), ""};
    }
    if (parent == "lxc" && i == 1) {
      return Container{"lxc", std::string(part), ""};
    }
  }
  // Not a container: the innermost systemd unit, if any.
  for (size_t i = parts.size(); i-- > 0;) {
    if (absl::EndsWith(parts[i], ".service") ||
        absl::EndsWith(parts[i], ".scope")) {
      return Container{"systemd", std::string(parts[i]), ""};
    }
  }
  return std::nullopt;
}

std::string ContainerText(const Container& container) {
  if (container.runtime == "systemd") return container.id;
  absl::string_view id = container.id;
  if (IsHexId(id)) id = id.substr(0, kShortIdHexDigits);
  return absl::StrCat(container.runtime, ":", id);
}

bool ContainerMatches(const Container& container, absl::string_view query) {
  const std::string runtime_prefix = absl::StrCat(container.runtime, ":");
  absl::ConsumePrefix(&query, runtime_prefix);
  if (query.empty()) return false;
  if (query == container.id) return true;
  if (IsHexId(container.id) && query.size() >= kMinHexQuery &&
      absl::StartsWith(container.id, query)) {
    return true;
  }
  return !container.pod.empty() && query.size() >= kMinHexQuery &&
         absl::StartsWith(container.pod, query);
}

}  // namespace haywire
