// Copyright 2026 The Haywire Authors.

#include "haywire/host/vm_finder.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace haywire {
namespace {

// /proc/PID/cmdline as its NUL-separated arguments; empty when it cannot
// be read (the process exited, or is a kernel thread).
std::vector<std::string> ReadCommandLine(const std::string& path) {
  std::vector<std::string> argv;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return argv;
  std::string bytes;
  char buffer[16384];
  while (bytes.size() < kMaxQemuCommandLineBytes) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (bytes.size() > kMaxQemuCommandLineBytes) {
    bytes.resize(kMaxQemuCommandLineBytes);
  }
  if (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
  if (bytes.empty()) return argv;
  argv = absl::StrSplit(bytes, '\0');
  return argv;
}

std::string Describe(const RunningVm& vm) {
  return absl::StrCat(vm.ram.name.empty() ? "(no -name)" : vm.ram.name,
                      " (pid ", vm.qemu_pid, ")");
}

}  // namespace

absl::StatusOr<std::vector<RunningVm>> FindRunningVms(
    const std::string& proc_root) {
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", proc_root, ": ", std::strerror(errno)));
  }
  std::vector<RunningVm> vms;
  while (const struct dirent* entry = ::readdir(dir)) {
    uint32_t pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid) || pid == 0) continue;
    const std::string base = absl::StrCat(proc_root, "/", pid);
    const std::vector<std::string> argv =
        ReadCommandLine(absl::StrCat(base, "/cmdline"));
    if (argv.empty() || !IsQemuSystemBinary(argv[0])) continue;
    RunningVm vm;
    vm.qemu_pid = pid;
    vm.ram = ParseQemuCommandLine(argv);
    // Relative paths are QEMU's: joined to its working directory.
    for (std::string* path : {&vm.ram.ram_file, &vm.ram.key_file}) {
      if (path->empty() || (*path)[0] == '/') continue;
      char cwd[4096];
      const ssize_t n =
          ::readlink(absl::StrCat(base, "/cwd").c_str(), cwd, sizeof(cwd) - 1);
      if (n > 0) {
        *path = absl::StrCat(absl::string_view(cwd, static_cast<size_t>(n)),
                             "/", *path);
      }
    }
    vms.push_back(std::move(vm));
  }
  ::closedir(dir);
  std::sort(vms.begin(), vms.end(), [](const RunningVm& a, const RunningVm& b) {
    return std::tie(a.ram.name, a.qemu_pid) < std::tie(b.ram.name, b.qemu_pid);
  });
  return vms;
}

absl::StatusOr<RunningVm> SelectVm(const std::vector<RunningVm>& vms,
                                   const std::string& name_or_pid) {
  std::vector<const RunningVm*> named;
  uint32_t pid = 0;
  const bool is_pid = absl::SimpleAtoi(name_or_pid, &pid);
  for (const RunningVm& vm : vms) {
    if (vm.ram.name == name_or_pid || (is_pid && vm.qemu_pid == pid)) {
      named.push_back(&vm);
    }
  }
  if (named.size() == 1) return *named.front();
  std::vector<std::string> listed;
  for (const RunningVm* vm : named) listed.push_back(Describe(*vm));
  if (named.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        named.size(), " VMs are named ", name_or_pid, ": ",
        absl::StrJoin(listed, ", "), "; give the QEMU pid with --vm=PID"));
  }
  for (const RunningVm& vm : vms) listed.push_back(Describe(vm));
  return absl::NotFoundError(absl::StrCat(
      "no VM named ", name_or_pid, " runs on this host (",
      vms.empty() ? std::string("no QEMU process found")
                  : absl::StrCat("running: ", absl::StrJoin(listed, ", ")),
      "; haywire vms lists them)"));
}

}  // namespace haywire
