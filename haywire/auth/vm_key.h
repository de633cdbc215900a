// Copyright 2026 The Haywire Authors.
//
// The per-VM key: 32 random bytes that the host and the VM's companion
// share, and nobody else.
//
// `haywire keygen --out=FILE` makes one. QEMU hands it to the guest through
// fw_cfg (`-fw_cfg name=opt/haywire/key,file=FILE`), where only root can
// read it (`/sys/firmware/qemu_fw_cfg/by_name/opt/haywire/key/raw`), so an
// unprivileged guest user who runs their own copy of guest-serve cannot
// prove the key (docs/SECURITY.md). Host commands read the same file
// (`--key-file`, default `<mem-file>.key`).
//
// A key file holds exactly the 32 bytes, is a regular file, and gives no
// access to group or others (like ssh's private keys): a key that others
// can read proves nothing. A default path is also checked for ownership (the
// caller or root), so that another user cannot plant a key of their own
// there. The bytes are wiped when a VmKey goes away.
#ifndef HAYWIRE_AUTH_VM_KEY_H_
#define HAYWIRE_AUTH_VM_KEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "haywire/auth/primitives.h"

namespace haywire::auth {

// Where the guest finds the key QEMU passed with -fw_cfg name=opt/haywire/key.
inline constexpr char kFwCfgKeyPath[] =
    "/sys/firmware/qemu_fw_cfg/by_name/opt/haywire/key/raw";
// The fw_cfg name to give QEMU.
inline constexpr char kFwCfgKeyName[] = "opt/haywire/key";

class VmKey {
 public:
  explicit VmKey(absl::Span<const uint8_t> bytes);  // exactly kVmKeyBytes
  ~VmKey();
  VmKey(const VmKey& other);
  VmKey& operator=(const VmKey& other);

  absl::Span<const uint8_t> bytes() const { return bytes_; }

  // A fresh random key.
  static VmKey Generate();

 private:
  std::array<uint8_t, kVmKeyBytes> bytes_;
};

// How strictly to check a key file before reading it.
enum class KeyFileCheck {
  // A path the user named: a regular file without group/other access.
  kNamed,
  // A default path nobody named: also owned by the caller or root.
  kDefault,
  // fw_cfg's sysfs file, whose mode and owner the kernel sets.
  kFirmware,
};

// Reads and checks a key file. Errors are one line naming the file and the
// fix: NotFound when it does not exist, FailedPrecondition when it is not
// usable (wrong size, mode or owner, not a regular file).
absl::StatusOr<VmKey> ReadKeyFile(const std::string& path, KeyFileCheck check);

// Writes a new random key to `path`, mode 0600, refusing to replace an
// existing file. Returns the key.
absl::StatusOr<VmKey> WriteNewKeyFile(const std::string& path);

// The default key file of a RAM file: `<mem_file>.key`.
std::string DefaultKeyPathFor(const std::string& mem_file);

}  // namespace haywire::auth

#endif  // HAYWIRE_AUTH_VM_KEY_H_
