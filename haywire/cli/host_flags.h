// Copyright 2026 The Haywire Authors.
//
// Flags shared by the host commands (discover, ps, info, watch), and the
// mapping from host failures to documented exit codes.
#ifndef HAYWIRE_CLI_HOST_FLAGS_H_
#define HAYWIRE_CLI_HOST_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gflags/gflags.h"
#include "haywire/auth/vm_key.h"
#include "haywire/cli/exit_codes.h"
#include "haywire/cli/key_flag.h"
#include "haywire/host/client.h"
#include "haywire/host/live_session.h"

DECLARE_string(mem_file);
DECLARE_bool(json);
DECLARE_string(cache_dir);
DECLARE_int32(live_wait_ms);
DECLARE_int32(timeout_ms);
DECLARE_string(session);
DECLARE_string(vm);

namespace haywire {

// Flag names every host command accepts.
std::vector<std::string> HostFlagNames();

// With --vm=NAME: finds that VM (haywire/host/vm_finder.h) and sets
// --mem-file to its RAM file, once per process. Errors (no such VM,
// several, RAM not in a shared file, --mem-file given too) carry
// Failure::kMemFileUnusable and say what to do. ConnectOptionsFromFlags
// calls it first.
absl::Status ApplyVmFlag();

// The VM key of --key-file (null: no key), read once per process: as
// KeyForMemFile() for --mem-file (and, with --vm, the VM's QEMU key file). Errors
// (a named key that is missing or unusable, a default one that is
// unusable) carry Failure::kKeyFileUnusable.
absl::StatusOr<std::shared_ptr<const auth::VmKey>> KeyFromFlags();

// How long a challenge at connect waits for its answer (at most).
inline constexpr absl::Duration kChallengeTimeout = absl::Seconds(2);

// The key of the VM whose RAM file is `mem_file`: none with
// --key-file=none; the file --key-file names; else the file QEMU hands the
// guest (`qemu_key_file`, from -fw_cfg name=opt/haywire/key,file=PATH on
// QEMU's command line, for a VM found with --vm); else `<mem_file>.key` when
// it exists (null when it does not). Not cached: for commands that look at
// several VMs. Errors as KeyFromFlags().
absl::StatusOr<std::shared_ptr<const auth::VmKey>> KeyForMemFile(
    const std::string& mem_file, const std::string& qemu_key_file = "");

// A challenge of candidate sessions with `key` (ConnectOptions::challenge).
SessionChallenge ChallengeWith(std::shared_ptr<const auth::VmKey> key);

// ConnectOptions from the flags above (with the key's challenge when there
// is a key); fails when the key cannot be read.
absl::StatusOr<ConnectOptions> ConnectOptionsFromFlags();

// ConnectOptions for the RAM file `mem_file` with `key` (null: none), the
// other settings from the flags above. --vm is not consulted.
ConnectOptions ConnectOptionsWithKey(const std::string& mem_file,
                                     std::shared_ptr<const auth::VmKey> key);

// ClientOptions from the flags above, with `key` (null: none).
ClientOptions ClientOptionsWithKey(std::shared_ptr<const auth::VmKey> key);

// ClientOptions from the flags above: --timeout-ms bounds each response and
// the wait for a slot; --live-wait-ms, when above the 2 s default, how long
// the heartbeat may stay silent during a request.
ClientOptions ClientOptionsFromFlags();

// Connects to the live session of --mem-file and makes a client for it;
// on failure prints the one-line error and returns the exit code.
struct HostConnection {
  LiveSession session;
  std::unique_ptr<Client> client;
};
absl::StatusOr<std::unique_ptr<HostConnection>> ConnectFromFlags();

// The exit code for a failed host operation (by its Failure payload).
ExitCode ExitCodeFor(const absl::Status& status);

// Prints the one-line error for `status` and returns its exit code.
int FailWith(const absl::Status& status);

}  // namespace haywire

#endif  // HAYWIRE_CLI_HOST_FLAGS_H_
