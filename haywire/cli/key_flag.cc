// Copyright 2026 The Haywire Authors.

#include "haywire/cli/key_flag.h"

DEFINE_string(key_file, "",
              "The VM's key (haywire keygen). Host commands: with a key, only "
              "a companion that proves it is talked to, and every request "
              "and response is authenticated; default <mem-file>.key if it "
              "exists (owned by you or root, mode 0600), else no key. "
              "guest-serve: default the key QEMU passes with -fw_cfg "
              "name=opt/haywire/key,file=FILE (read from "
              "/sys/firmware/qemu_fw_cfg, root only), else no key. \"none\": "
              "no key on either side.");
