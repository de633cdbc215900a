// Copyright 2026 The Haywire Authors.

#include "haywire/cli/host_flags.h"

#include "haywire/cli/command.h"
#include "haywire/cli/poll_flag.h"
#include "haywire/host/failure.h"

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
  return {"mem_file",   "json", "cache_dir", "live_wait_ms",
          "timeout_ms", "poll", "session"};
}

ClientOptions ClientOptionsFromFlags() {
  ClientOptions options;
  options.request_timeout = absl::Milliseconds(std::max(FLAGS_timeout_ms, 1));
  options.busy_timeout = options.request_timeout;
  options.wait = ClientWaitSchedule(PollModeFromFlag());
  // A guest slow enough that its heartbeat must be watched longer at
  // discovery is as slow while it answers.
  options.heartbeat_timeout = std::max(options.heartbeat_timeout,
                                       absl::Milliseconds(FLAGS_live_wait_ms));
  return options;
}

absl::StatusOr<std::unique_ptr<HostConnection>> ConnectFromFlags() {
  absl::StatusOr<LiveSession> session =
      ConnectToLiveSession(ConnectOptionsFromFlags());
  if (!session.ok()) return session.status();
  auto connection = std::make_unique<HostConnection>();
  connection->session = *std::move(session);
  connection->client =
      std::make_unique<Client>(&connection->session, ClientOptionsFromFlags());
  return connection;
}

ConnectOptions ConnectOptionsFromFlags() {
  ConnectOptions options;
  options.mem_file = FLAGS_mem_file;
  gflags::CommandLineFlagInfo mem_file_flag;
  options.mem_file_is_default =
      gflags::GetCommandLineFlagInfo("mem_file", &mem_file_flag) &&
      mem_file_flag.is_default;
  options.cache_dir = FLAGS_cache_dir;
  (void)session_validator_registered;
  if (!FLAGS_session.empty())
    options.session_id = ParseSessionId(FLAGS_session);
  options.discover.live_wait =
      absl::Milliseconds(std::max(FLAGS_live_wait_ms, 0));
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
  }
  return ExitCode::kFailure;
}

int FailWith(const absl::Status& status) {
  return Fail(ExitCodeFor(status), status.message());
}

}  // namespace haywire
