// Copyright 2026 The Haywire Authors.
//
// --key-file, the one flag both sides of authentication read: host commands
// (haywire/cli/host_flags.h, default <mem-file>.key) and guest-serve
// (default: the key QEMU passed with -fw_cfg name=opt/haywire/key).
#ifndef HAYWIRE_CLI_KEY_FLAG_H_
#define HAYWIRE_CLI_KEY_FLAG_H_

#include "gflags/gflags.h"

DECLARE_string(key_file);

namespace haywire {

// The value that turns keys off on either side.
inline constexpr char kNoKey[] = "none";

}  // namespace haywire

#endif  // HAYWIRE_CLI_KEY_FLAG_H_
