// Copyright 2026 The Haywire Authors.
//
// Stands for a QEMU process in tests that find VMs by their command lines
// in /proc (haywire vms, --vm): started through a link named
// qemu-system-x86_64 with QEMU's options as its arguments, it ignores them
// and sleeps until it is killed (at most an hour).

#include <unistd.h>

int main() {
  for (int i = 0; i < 3600; ++i) ::sleep(1);
  return 0;
}
