// Copyright 2026 The Haywire Authors.
//
// The VMs running on this host: every process whose command line starts
// with a QEMU system emulator (qemu-system-*, qemu-kvm), read from /proc
// (or a fixture tree), with what its command line says about its RAM
// (qemu_command_line.h). libvirt starts QEMU the same way, so its VMs are
// found too (their RAM files under /var/lib/libvirt/qemu/ram/ when the
// domain's <memoryBacking> asks for a shared file).
//
// A process may exit while it is read: it is then left out. A command
// line longer than kMaxQemuCommandLineBytes is cut there.
#ifndef HAYWIRE_HOST_VM_FINDER_H_
#define HAYWIRE_HOST_VM_FINDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haywire/host/qemu_command_line.h"

namespace haywire {

inline constexpr size_t kMaxQemuCommandLineBytes = 1 << 20;

struct RunningVm {
  uint32_t qemu_pid = 0;
  QemuRam ram;  // ram_file absolute (a relative mem-path joined to QEMU's
                // working directory)
};

// The QEMU processes under `proc_root`, by name, then pid. Fails only when
// `proc_root` cannot be listed.
absl::StatusOr<std::vector<RunningVm>> FindRunningVms(
    const std::string& proc_root = "/proc");

// The VM `name_or_pid` names: a VM's -name, or its QEMU pid. NotFound
// (listing the VMs there are) or FailedPrecondition (several share the
// name; their pids) otherwise.
absl::StatusOr<RunningVm> SelectVm(const std::vector<RunningVm>& vms,
                                   const std::string& name_or_pid);

}  // namespace haywire

#endif  // HAYWIRE_HOST_VM_FINDER_H_
