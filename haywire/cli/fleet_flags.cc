// Copyright 2026 The Haywire Authors.

#include "haywire/cli/fleet_flags.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/auth/vm_key.h"
#include "haywire/cli/command.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/key_flag.h"
#include "haywire/host/failure.h"
#include "haywire/host/vm_finder.h"

namespace haywire {
namespace {

// A usage error: no Failure payload (FailFleetFlags maps it to exit 2).
absl::Status UsageError(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

FleetTarget TargetFor(std::string name, uint32_t qemu_pid,
                      const std::string& mem_file,
                      const std::string& qemu_key_file = "") {
  FleetTarget target;
  target.name = std::move(name);
  target.qemu_pid = qemu_pid;
  absl::StatusOr<std::shared_ptr<const auth::VmKey>> key =
      KeyForMemFile(mem_file, qemu_key_file);
  if (!key.ok()) {
    // One VM's broken key leaves that VM out, not the fleet.
    target.connect.mem_file = mem_file;
    target.unwatchable = std::string(key.status().message());
    return target;
  }
  target.connect = ConnectOptionsWithKey(mem_file, *key);
  target.client = ClientOptionsWithKey(*key);
  return target;
}

FleetTarget TargetFor(const RunningVm& vm) {
  std::string name =
      vm.ram.name.empty() ? absl::StrCat("qemu-", vm.qemu_pid) : vm.ram.name;
  if (!vm.ram.problem.empty()) {
    FleetTarget target;
    target.name = std::move(name);
    target.qemu_pid = vm.qemu_pid;
    target.connect.mem_file = vm.ram.ram_file;
    target.unwatchable = vm.ram.problem;
    return target;
  }
  return TargetFor(std::move(name), vm.qemu_pid, vm.ram.ram_file,
                   vm.ram.key_file);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash + 1 == path.size()) return path;
  return path.substr(slash + 1);
}

// Applies `rename` to every target whose name another target shares, so
// that every VM is one line and one series label.
void RenameSharedNames(std::vector<FleetTarget>* targets,
                       const std::function<void(FleetTarget&)>& rename) {
  std::map<std::string, int> uses;
  for (const FleetTarget& t : *targets) ++uses[t.name];
  for (FleetTarget& t : *targets) {
    if (uses[t.name] > 1) rename(t);
  }
}

// VMs that share a -name (QEMU does not forbid it) get their QEMU pid
// appended; the same VM named twice (--vm=a --vm=a) is listed once.
void UniqueVmNames(std::vector<FleetTarget>* targets) {
  std::set<uint32_t> pids;
  std::vector<FleetTarget> unique;
  for (FleetTarget& t : *targets) {
    if (pids.insert(t.qemu_pid).second) unique.push_back(std::move(t));
  }
  *targets = std::move(unique);
  RenameSharedNames(targets, [](FleetTarget& t) {
    absl::StrAppend(&t.name, "#", t.qemu_pid);
  });
}

}  // namespace

std::vector<std::string> FleetFlagNames() {
  return {"mem_file",     "vm",         "key_file", "cache_dir",
          "live_wait_ms", "timeout_ms", "poll",     "json"};
}

absl::StatusOr<std::vector<FleetTarget>> FleetTargetsFromFlags() {
  if (!FLAGS_key_file.empty() && FLAGS_key_file != kNoKey) {
    return UsageError(
        "--key-file names one VM's key; with several VMs each VM's key is "
        "the file its QEMU -fw_cfg option names, else <RAM file>.key (or "
        "give --key-file=none)");
  }
  if (!FLAGS_session.empty()) {
    return UsageError(
        "--session names one VM's session; it cannot be used "
        "with several VMs");
  }
  const std::vector<std::string> mem_files = FlagValues("mem_file");
  const std::vector<std::string> names = FlagValues("vm");
  if (!mem_files.empty() && !names.empty()) {
    return UsageError("give --vm or --mem-file, not both");
  }
  std::vector<FleetTarget> targets;
  if (!mem_files.empty()) {
    std::set<std::string> seen;
    for (const std::string& mem_file : mem_files) {
      if (mem_file.empty()) return UsageError("--mem-file needs a path");
      if (!seen.insert(mem_file).second) {
        return UsageError(
            absl::StrCat("--mem-file ", mem_file, " is given twice"));
      }
      targets.push_back(TargetFor(BaseName(mem_file), 0, mem_file));
    }
    // Files of the same name in different directories: their paths.
    RenameSharedNames(&targets,
                      [](FleetTarget& t) { t.name = t.connect.mem_file; });
    return targets;
  }
  absl::StatusOr<std::vector<RunningVm>> vms = FindRunningVms();
  if (!vms.ok()) {
    return MakeFailure(vms.status().code(), vms.status().message(),
                       Failure::kMemFileUnusable);
  }
  if (names.empty()) {
    if (vms->empty()) {
      return MakeFailure(absl::StatusCode::kNotFound,
                         "no QEMU VM is running on this host; give each "
                         "VM's RAM file with --mem-file",
                         Failure::kMemFileUnusable);
    }
    for (const RunningVm& vm : *vms) targets.push_back(TargetFor(vm));
    UniqueVmNames(&targets);
    return targets;
  }
  for (const std::string& name : names) {
    absl::StatusOr<RunningVm> vm = SelectVm(*vms, name);
    if (!vm.ok()) {
      return MakeFailure(vm.status().code(),
                         absl::StrCat("--vm: ", vm.status().message()),
                         Failure::kMemFileUnusable);
    }
    targets.push_back(TargetFor(*vm));
  }
  UniqueVmNames(&targets);
  return targets;
}

int FailFleetFlags(const absl::Status& status) {
  if (absl::IsInvalidArgument(status) && !FailureOf(status).has_value()) {
    return Fail(ExitCode::kUsage, status.message());
  }
  return FailWith(status);
}

}  // namespace haywire
