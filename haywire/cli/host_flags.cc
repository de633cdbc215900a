// Copyright 2026 The Haywire Authors.

#include "haywire/cli/host_flags.h"

#include "absl/strings/str_cat.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/vm_key.h"
#include "haywire/cli/command.h"
#include "haywire/cli/key_flag.h"
#include "haywire/cli/poll_flag.h"
#include "haywire/host/failure.h"
#include "haywire/host/vm_finder.h"

DEFINE_string(mem_file, "/tmp/haywire-vm-mem",
              "The VM's RAM file: QEMU's -object "
              "memory-backend-file,share=on,mem-path=PATH.");
DEFINE_bool(json, false, "Print JSON for scripts instead of text.");
DEFINE_string(cache_dir, "",
              "Where the live session's page table is cached between "
              "commands (default: $HAYWIRE_CACHE_DIR, $XDG_CACHE_HOME/haywire, "
              "~/.cache/haywire).");
DEFINE_int32(live_wait_ms, 350,
             "How long to watch a companion's heartbeat before calling its "
             "session stale, in milliseconds. A request in flight gives up "
             "on a silent heartbeat after this long too, but never sooner "
             "than 2 s.");

DEFINE_string(session, "",
              "Talk to this session (its id as discover prints it, e.g. "
              "0x1f2e3d4c5b6a7988) when the RAM file holds more than one live "
              "session. Without it the host refuses to guess (exit 13): any "
              "guest user can run a companion of their own.");

DEFINE_string(vm, "",
              "The VM to look at, by its QEMU -name (or QEMU's pid), instead "
              "of --mem-file: its RAM file is read from QEMU's command line "
              "(haywire vms lists the VMs).");

DEFINE_int32(timeout_ms, 5000,
             "How long to wait for each response (and for a free request "
             "slot), in milliseconds.");

namespace {

bool ValidateSession(const char*, const std::string& value) {
  return value.empty() || haywire::ParseSessionId(value).has_value();
}

const bool session_validator_registered =
    gflags::RegisterFlagValidator(&FLAGS_session, &ValidateSession);

}  // namespace

namespace haywire {

std::vector<std::string> HostFlagNames() {
  return {"mem_file",     "json",       "cache_dir",
          "live_wait_ms", "timeout_ms", "poll",
          "session",      "key_file",   "vm"};
}

namespace {

// The key file of the --vm VM's QEMU command line (-fw_cfg
// name=opt/haywire/key,file=PATH), set by ApplyVmFlag; "" without --vm or
// such an option.
std::string& VmKeyFile() {
  static auto* path = new std::string();
  return *path;
}

}  // namespace

absl::Status ApplyVmFlag() {
  // Once per process: --mem-file then names the VM's RAM file.
  static const absl::Status applied = []() -> absl::Status {
    if (FLAGS_vm.empty()) return absl::OkStatus();
    gflags::CommandLineFlagInfo mem_file;
    if (gflags::GetCommandLineFlagInfo("mem_file", &mem_file) &&
        !mem_file.is_default) {
      return MakeFailure(absl::StatusCode::kInvalidArgument,
                         "give --vm or --mem-file, not both",
                         Failure::kMemFileUnusable);
    }
    absl::StatusOr<std::vector<RunningVm>> vms = FindRunningVms();
    if (!vms.ok()) {
      return MakeFailure(vms.status().code(), vms.status().message(),
                         Failure::kMemFileUnusable);
    }
    absl::StatusOr<RunningVm> vm = SelectVm(*vms, FLAGS_vm);
    if (!vm.ok()) {
      return MakeFailure(vm.status().code(),
                         absl::StrCat("--vm: ", vm.status().message()),
                         Failure::kMemFileUnusable);
    }
    if (!vm->ram.problem.empty()) {
      return MakeFailure(
          absl::StatusCode::kFailedPrecondition,
          absl::StrCat("VM ", FLAGS_vm, " (QEMU pid ", vm->qemu_pid,
                       ") cannot be read by Haywire: ", vm->ram.problem),
          Failure::kMemFileUnusable);
    }
    gflags::SetCommandLineOption("mem_file", vm->ram.ram_file.c_str());
    VmKeyFile() = vm->ram.key_file;
    return absl::OkStatus();
  }();
  return applied;
}

absl::StatusOr<std::shared_ptr<const auth::VmKey>> KeyForMemFile(
    const std::string& mem_file, const std::string& qemu_key_file) {
  if (FLAGS_key_file == kNoKey) return nullptr;
  const bool named = !FLAGS_key_file.empty() || !qemu_key_file.empty();
  const std::string path = !FLAGS_key_file.empty() ? FLAGS_key_file
                           : !qemu_key_file.empty()
                               ? qemu_key_file
                               : auth::DefaultKeyPathFor(mem_file);
  absl::StatusOr<auth::VmKey> read = auth::ReadKeyFile(
      path, named ? auth::KeyFileCheck::kNamed : auth::KeyFileCheck::kDefault);
  if (!read.ok()) {
    // No key at the default path: no key, as before keys existed.
    if (!named && absl::IsNotFound(read.status())) return nullptr;
    return MakeFailure(read.status().code(),
                       absl::StrCat("--key-file: ", read.status().message()),
                       Failure::kKeyFileUnusable);
  }
  return std::make_shared<const auth::VmKey>(*std::move(read));
}

absl::StatusOr<std::shared_ptr<const auth::VmKey>> KeyFromFlags() {
  // Read once per process: every client of a command shares the key.
  // After --vm has set --mem-file and VmKeyFile() (its failure is
  // ConnectOptionsFromFlags' to report).
  static const absl::StatusOr<std::shared_ptr<const auth::VmKey>> key =
      (ApplyVmFlag().IgnoreError(), KeyForMemFile(FLAGS_mem_file, VmKeyFile()));
  return key;
}

ClientOptions ClientOptionsWithKey(std::shared_ptr<const auth::VmKey> key) {
  ClientOptions options;
  options.request_timeout = absl::Milliseconds(std::max(FLAGS_timeout_ms, 1));
  options.busy_timeout = options.request_timeout;
  options.wait = ClientWaitSchedule(PollModeFromFlag());
  // A guest slow enough that its heartbeat must be watched longer at
  // discovery is as slow while it answers.
  options.heartbeat_timeout = std::max(options.heartbeat_timeout,
                                       absl::Milliseconds(FLAGS_live_wait_ms));
  options.key = std::move(key);
  return options;
}

ClientOptions ClientOptionsFromFlags() {
  // ConnectOptionsFromFlags() reported a key that cannot be read.
  absl::StatusOr<std::shared_ptr<const auth::VmKey>> key = KeyFromFlags();
  return ClientOptionsWithKey(key.ok() ? *key : nullptr);
}

absl::StatusOr<std::unique_ptr<HostConnection>> ConnectFromFlags() {
  absl::StatusOr<ConnectOptions> options = ConnectOptionsFromFlags();
  if (!options.ok()) return options.status();
  absl::StatusOr<LiveSession> session = ConnectToLiveSession(*options);
  if (!session.ok()) return session.status();
  auto connection = std::make_unique<HostConnection>();
  connection->session = *std::move(session);
  connection->client =
      std::make_unique<Client>(&connection->session, ClientOptionsFromFlags());
  return connection;
}

SessionChallenge ChallengeWith(std::shared_ptr<const auth::VmKey> key) {
  ClientOptions client = ClientOptionsWithKey(std::move(key));
  // A forgery that never answers costs this much per session challenged.
  client.request_timeout = std::min(client.request_timeout, kChallengeTimeout);
  client.keep_slot = false;
  return [client](const LiveSession& session) {
    Client challenger(&session, client);
    return challenger.Authenticate();
  };
}

ConnectOptions ConnectOptionsWithKey(const std::string& mem_file,
                                     std::shared_ptr<const auth::VmKey> key) {
  ConnectOptions options;
  if (key != nullptr) {
    options.key_id = auth::KeyId(*key);
    options.challenge = ChallengeWith(std::move(key));
  }
  options.mem_file = mem_file;
  options.cache_dir = FLAGS_cache_dir;
  (void)session_validator_registered;
  if (!FLAGS_session.empty())
    options.session_id = ParseSessionId(FLAGS_session);
  options.discover.live_wait =
      absl::Milliseconds(std::max(FLAGS_live_wait_ms, 0));
  return options;
}

absl::StatusOr<ConnectOptions> ConnectOptionsFromFlags() {
  if (absl::Status vm = ApplyVmFlag(); !vm.ok()) return vm;
  absl::StatusOr<std::shared_ptr<const auth::VmKey>> key = KeyFromFlags();
  if (!key.ok()) return key.status();
  ConnectOptions options = ConnectOptionsWithKey(FLAGS_mem_file, *key);
  gflags::CommandLineFlagInfo mem_file_flag;
  options.mem_file_is_default =
      gflags::GetCommandLineFlagInfo("mem_file", &mem_file_flag) &&
      mem_file_flag.is_default;
  return options;
}

ExitCode ExitCodeFor(const absl::Status& status) {
  std::optional<Failure> failure = FailureOf(status);
  if (!failure.has_value()) return ExitCode::kFailure;
  switch (*failure) {
    case Failure::kMemFileUnusable:
      return ExitCode::kMemFileUnusable;
    case Failure::kNoBeacon:
      return ExitCode::kNoBeacon;
    case Failure::kNoLiveSession:
      return ExitCode::kNoLiveSession;
    case Failure::kSessionIncomplete:
      return ExitCode::kSessionIncomplete;
    case Failure::kVersionMismatch:
      return ExitCode::kVersionMismatch;
    case Failure::kBusy:
      return ExitCode::kBusy;
    case Failure::kTimeout:
      return ExitCode::kTimeout;
    case Failure::kNoSuchProcess:
      return ExitCode::kNoSuchProcess;
    case Failure::kGuestError:
      return ExitCode::kGuestError;
    case Failure::kAmbiguousSession:
      return ExitCode::kAmbiguousSession;
    case Failure::kUnauthenticated:
      return ExitCode::kUnauthenticated;
    case Failure::kKeyFileUnusable:
      return ExitCode::kKeyFileUnusable;
    case Failure::kWriteNotAllowed:
      return ExitCode::kWriteNotAllowed;
  }
  return ExitCode::kFailure;
}

int FailWith(const absl::Status& status) {
  return Fail(ExitCodeFor(status), status.message());
}

}  // namespace haywire
