// Copyright 2026 The Haywire Authors.
//
// `haywire watch --events`: the guest's process events as a stream, one line
// per event, like execsnoop/exitsnoop, or JSON lines for scripts.
//
// Text:
//
//   TIME         EVENT  PID      PPID     UID    COMM             ARGS / STATUS
//   14:03:07.412 exec   4242     4100     1000   sleep            sleep 30
//   14:03:09.001 exit   4242     4100     1000   sleep            killed by SIGKILL
//   -- lost 12 events: this reader fell behind the guest's event ring --
//
// TIME is the guest's wall clock when the companion saw the event (in this
// host's time zone). Exit status is "exit N", "killed by SIGNAME", or
// "exited" when the source cannot know it (pid-diff).
//
// JSON (--json), one object per line, "type" first:
//   {"type":"session","session_id":"0x…","hostname":…,"source":"connector"}
//   {"type":"exec"|"fork"|"exit","sequence":…,"guest_mono_ns":…,
//    "guest_unix_ns":…,"pid":…,"ppid":…,"uid":…|null,"comm":…,"args":[…],
//    "args_truncated":…[,"exit_code":…|null,"exit_signal":…|null]}
//   {"type":"lost","count":N,"reason":"overrun"|"source"|"corrupt"}
//     (overrun: this reader fell behind; source: the guest's connector
//     overflowed, N overflows of unknown size; corrupt: a malformed entry,
//     count 0, and the events skipped while resynchronising follow as an
//     overrun line)
//   {"type":"companion_gone","reason":…}
//
// It runs until SIGINT/SIGTERM, --max-events events, or --duration seconds.
// When the companion goes away (its ring is wiped, or its heartbeat stops for
// max(1 s, 3 × --live-wait-ms)) it prints one line on stderr and reconnects
// to the next live session of the RAM file, for at most
// --reconnect-timeout-ms.
#ifndef HAYWIRE_CLI_WATCH_EVENTS_H_
#define HAYWIRE_CLI_WATCH_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gflags/gflags.h"
#include "haywire/protocol/process_event.h"

DECLARE_bool(events);
DECLARE_int64(max_events);
DECLARE_double(duration);
DECLARE_int32(reconnect_timeout_ms);

namespace haywire {

struct WatchEventsOptions {
  bool json = false;
  int64_t max_events = 0;                          // 0: no limit
  absl::Duration duration = absl::ZeroDuration();  // zero: no limit
  absl::Duration reconnect_timeout = absl::Seconds(60);
};

// Flags of the event stream (events, max_events, duration,
// reconnect_timeout_ms), for the watch command's flag list.
std::vector<std::string> WatchEventsFlagNames();

// The options from the flags above and --json. Fails (a usage message) on
// negative values.
absl::StatusOr<WatchEventsOptions> WatchEventsOptionsFromFlags();

// Runs the stream (connects with the host flags, see host_flags.h) and
// returns the process exit code.
int RunWatchEvents(const WatchEventsOptions& options);

// One event as a text line (no newline), and the header line; exposed for
// tests.
std::string EventTextHeader();
std::string EventTextLine(const ProcessEvent& event);

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_EVENTS_H_
