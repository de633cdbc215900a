// Copyright 2026 The Haywire Authors.
//
// What a QEMU command line says about a VM: its name, and whether its RAM
// lives in a file that Haywire can read.
//
// Haywire reads a guest's RAM from a file only when QEMU maps that file
// shared: a memory-backend-file object with share=on, used as the
// machine's RAM (`-machine memory-backend=ID`, or `-numa node,memdev=ID`).
// QEMU takes an -object two ways, and libvirt writes both:
//
//   -object memory-backend-file,id=mem,size=4G,mem-path=/dev/shm/vm,share=on
//   -object {"qom-type":"memory-backend-file","id":"pc.ram",
//            "mem-path":"/var/lib/libvirt/qemu/ram/1-demo/pc.ram",
//            "share":true,"size":4294967296}
//
// In the key=value form a comma inside a value is written twice (",,"),
// and the first item may leave out its key, the option's implied one
// (qom-type for -object, type for -machine and -numa, guest for -name,
// size for -m). `-m` counts MiB when it has no suffix. The legacy
// `-mem-path DIR` maps RAM privately, so the file never holds what the
// guest writes.
//
// Every other option is skipped, with its value when the next word does
// not start with '-'. Nothing here touches the file system: the caller
// resolves a relative mem-path against QEMU's working directory.
#ifndef HAYWIRE_HOST_QEMU_COMMAND_LINE_H_
#define HAYWIRE_HOST_QEMU_COMMAND_LINE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace haywire {

struct QemuRam {
  std::string name;        // -name guest=NAME (or -name NAME); "" without one
  std::string ram_file;    // the RAM backend's mem-path; "" when none
  bool shared = false;     // that backend maps its file shared (share=on)
  uint64_t ram_bytes = 0;  // the backend's size, else -m; 0 when unknown
  // The VM key QEMU hands the guest, from -fw_cfg
  // name=opt/haywire/key,file=PATH (libvirt's <sysinfo type='fwcfg'> entry
  // becomes the same option); "" when none.
  std::string key_file;
  // What keeps Haywire from reading the RAM, and the option that would let
  // it; "" when the RAM is a shared file.
  std::string problem;
};

// `argv` is the QEMU process's command line, argv[0] included.
QemuRam ParseQemuCommandLine(const std::vector<std::string>& argv);

// Whether `argv0` names a QEMU system emulator (qemu-system-*, qemu-kvm,
// kvm), by its last path component.
bool IsQemuSystemBinary(const std::string& argv0);

}  // namespace haywire

#endif  // HAYWIRE_HOST_QEMU_COMMAND_LINE_H_
