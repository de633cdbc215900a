// Copyright 2026 The Haywire Authors.

#include "haywire/cli/keygen_command.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "haywire/auth/vm_key.h"

DEFINE_string(out, "",
              "The file to create, mode 0600 (keygen: the key; read: the "
              "bytes).");

namespace haywire {
namespace {

int RunKeygen(const std::vector<std::string>&) {
  if (FLAGS_out.empty()) {
    return Fail(ExitCode::kUsage,
                "keygen needs --out=FILE, e.g. --out=/tmp/haywire-vm-mem.key "
                "(the default key of --mem-file=/tmp/haywire-vm-mem)");
  }
  absl::StatusOr<auth::VmKey> key = auth::WriteNewKeyFile(FLAGS_out);
  if (!key.ok()) return Fail(ExitCode::kFailure, key.status().message());
  std::printf(
      "haywire: wrote a %zu-byte key to %s (mode 0600)\n"
      "  QEMU:  -fw_cfg name=%s,file=%s\n"
      "  hosts: --key-file=%s (the default for --mem-file=PATH is "
      "PATH.key)\n",
      auth::kVmKeyBytes, FLAGS_out.c_str(), auth::kFwCfgKeyName,
      FLAGS_out.c_str(), FLAGS_out.c_str());
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command KeygenCommand() {
  Command command;
  command.name = "keygen";
  command.summary = "Make a key that authenticates a VM's companion";
  command.usage = "--out=FILE";
  command.help =
      "Writes 32 random bytes to FILE, mode 0600, and never replaces an "
      "existing file. Give the key to the VM with QEMU's "
      "-fw_cfg name=opt/haywire/key,file=FILE: guest-serve reads it from "
      "/sys/firmware/qemu_fw_cfg/by_name/opt/haywire/key/raw, which only "
      "root in the guest can read. Host commands read the same file "
      "(--key-file=FILE; by default <mem-file>.key when it exists). With "
      "the key, a host talks only to a companion that proves it holds the "
      "key, and every request and response is authenticated, so a guest "
      "user running a companion of their own cannot pass it off as the real "
      "one.\n\n"
      "Examples:\n"
      "  haywire keygen --out=/tmp/haywire-vm-mem.key\n"
      "  qemu-system-x86_64 ... -fw_cfg "
      "name=opt/haywire/key,file=/tmp/haywire-vm-mem.key";
  command.flags = {"out"};
  command.exit_codes = {ExitCode::kOk, ExitCode::kUsage, ExitCode::kFailure};
  command.run = RunKeygen;
  return command;
}

}  // namespace haywire
