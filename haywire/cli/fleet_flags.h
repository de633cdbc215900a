// Copyright 2026 The Haywire Authors.
//
// The VMs a fleet command (`watch --all`, `exporter`) looks at, from its
// flags:
//
//   --mem-file=A --mem-file=B ...   those RAM files (VMs started by hand,
//                                   simulated mode), each named by its file
//                                   name (its path when two share one);
//   --vm=NAME --vm=PID ...          those VMs among the host's QEMU processes;
//   neither                         every VM on the host (haywire vms).
//
// Each VM's key is the file its QEMU command line hands the guest (-fw_cfg
// name=opt/haywire/key,file=PATH), else `<RAM file>.key` when that file
// exists (--key-file names one VM's key, so with several VMs only
// --key-file=none is accepted). A VM whose RAM is not a shared file, or
// whose key file is unusable, is still a target: it is listed with the
// reason and never polled.
#ifndef HAYWIRE_CLI_FLEET_FLAGS_H_
#define HAYWIRE_CLI_FLEET_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "haywire/watch/fleet.h"

namespace haywire {

// Flag names of the fleet commands (besides their own).
std::vector<std::string> FleetFlagNames();

// The targets, in the order given (or by VM name, then pid). Errors: a
// flag combination that makes no sense (InvalidArgument without a Failure:
// a usage error), a --vm that names no VM or several, or no VM at all on the
// host (Failure::kMemFileUnusable).
absl::StatusOr<std::vector<FleetTarget>> FleetTargetsFromFlags();

// Prints the one-line error for a FleetTargetsFromFlags() failure and
// returns its exit code (2 for a usage error, else as FailWith()).
int FailFleetFlags(const absl::Status& status);

}  // namespace haywire

#endif  // HAYWIRE_CLI_FLEET_FLAGS_H_
