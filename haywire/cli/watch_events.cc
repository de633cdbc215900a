// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_events.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "haywire/cli/command.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/stop_signals.h"
#include "haywire/host/discovery.h"
#include "haywire/host/event_reader.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/process_event_codec.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

DEFINE_bool(events, false,
            "watch: stream the guest's process events (exec, fork, exit) one "
            "line each, like execsnoop/exitsnoop.");
DEFINE_int64(max_events, 0,
             "watch --events: stop after this many events (0: no limit).");
DEFINE_double(duration, 0,
              "watch --events: stop after this many seconds (0: until SIGINT "
              "or SIGTERM).");
DEFINE_int32(reconnect_timeout_ms, 60000,
             "watch --events and --batch: when the companion goes away, wait "
             "this long for a new live session before giving up (0: give up "
             "at once).");

namespace haywire {
namespace {

// How often the ring is polled when it is quiet: events reach the screen
// within this, and an idle watch costs 50 wakes a second.
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
// How often a reconnect is attempted (each attempt also watches a heartbeat
// for --live-wait-ms).
constexpr absl::Duration kReconnectInterval = absl::Milliseconds(200);

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  if (abbrev != nullptr) return absl::StrCat("SIG", abbrev);
  return absl::StrCat("signal ", signal);
}

std::string StatusText(const ProcessEvent& e) {
  if (!e.has_exit_status) return "exited";
  if (e.exit_signal != 0)
    return absl::StrCat("killed by ", SignalName(e.exit_signal));
  return absl::StrCat("exit ", e.exit_code);
}

std::string GuestTime(const ProcessEvent& e) {
  const absl::Time t = absl::FromUnixNanos(
      static_cast<int64_t>(std::min<uint64_t>(e.guest_unix_ns, INT64_MAX)));
  return absl::FormatTime("%H:%M:%E3S", t, absl::LocalTimeZone());
}

std::string EventJson(const ProcessEvent& e) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("type").String(ProcessEventKindName(e.kind));
  json.Key("sequence").Uint(e.sequence);
  json.Key("guest_mono_ns").Uint(e.guest_mono_ns);
  json.Key("guest_unix_ns").Uint(e.guest_unix_ns);
  json.Key("pid").Uint(e.pid);
  json.Key("ppid").Uint(e.ppid);
  json.Key("uid");
  if (e.has_uid) {
    json.Uint(e.uid);
  } else {
    json.Null();
  }
  json.Key("comm").String(e.comm);
  json.Key("args").BeginArray();
  for (const std::string& arg : e.args) json.String(arg);
  json.EndArray();
  json.Key("args_truncated").Bool(e.args_truncated);
  if (e.kind == ProcessEventKind::kExit) {
    json.Key("exit_code");
    if (e.has_exit_status) {
      json.Int(e.exit_code);
    } else {
      json.Null();
    }
    json.Key("exit_signal");
    if (e.has_exit_status) {
      json.Int(e.exit_signal);
    } else {
      json.Null();
    }
  }
  json.EndObject();
  return std::move(json).Finish().value_or("{}");
}

std::string LostJson(uint64_t count, absl::string_view reason) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("type").String("lost");
  json.Key("count").Uint(count);
  json.Key("reason").String(reason);
  json.EndObject();
  return std::move(json).Finish().value_or("{}");
}

std::string SessionJson(const LiveSession& session, EventSource source) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("type").String("session");
  json.Key("session_id").String(SessionIdText(session.report.pages.session_id));
  json.Key("hostname").String(session.report.identity.hostname);
  json.Key("source").String(EventSourceName(source));
  json.EndObject();
  return std::move(json).Finish().value_or("{}");
}

std::string GoneJson(absl::string_view reason) {
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("type").String("companion_gone");
  json.Key("reason").String(reason);
  json.EndObject();
  return std::move(json).Finish().value_or("{}");
}

// A live session and its event reader (the reader points into the
// session's mapping, so they live and die together).
struct Attached {
  std::unique_ptr<LiveSession> session;
  std::unique_ptr<EventReader> reader;
  uint64_t heartbeat = 0;
  absl::Time heartbeat_seen;  // host clock when `heartbeat` last changed
};

absl::StatusOr<ConnectOptions> EventConnectOptions() {
  absl::StatusOr<ConnectOptions> options = ConnectOptionsFromFlags();
  if (options.ok()) options->verify_event_ring = true;
  return options;
}

absl::StatusOr<Attached> Attach() {
  absl::StatusOr<ConnectOptions> options = EventConnectOptions();
  if (!options.ok()) return options.status();
  absl::StatusOr<LiveSession> session = ConnectToLiveSession(*options);
  if (!session.ok()) return session.status();
  Attached attached;
  attached.session = std::make_unique<LiveSession>(*std::move(session));
  absl::StatusOr<std::unique_ptr<EventReader>> reader =
      EventReader::Attach(*attached.session);
  if (!reader.ok()) return reader.status();
  attached.reader = *std::move(reader);
  attached.heartbeat = ReadHeartbeat(attached.session->region.beacon()).counter;
  attached.heartbeat_seen = absl::Now();
  return attached;
}

// Writes `line` and a newline to stdout; false once stdout is gone (a
// closed pipe: the reader of the stream has left).
bool Emit(absl::string_view line) {
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
      std::fputc('\n', stdout) == EOF) {
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> WatchEventsFlagNames() {
  return {"events", "max_events", "duration", "reconnect_timeout_ms"};
}

absl::StatusOr<WatchEventsOptions> WatchEventsOptionsFromFlags() {
  if (FLAGS_max_events < 0) {
    return absl::InvalidArgumentError("--max-events must be 0 or more");
  }
  if (!(FLAGS_duration >= 0) || FLAGS_duration > 1e9) {
    return absl::InvalidArgumentError(
        "--duration must be a number of seconds, 0 or more");
  }
  if (FLAGS_reconnect_timeout_ms < 0) {
    return absl::InvalidArgumentError(
        "--reconnect-timeout-ms must be 0 or more");
  }
  WatchEventsOptions options;
  options.json = FLAGS_json;
  options.max_events = FLAGS_max_events;
  options.duration = absl::Seconds(FLAGS_duration);
  options.reconnect_timeout = absl::Milliseconds(FLAGS_reconnect_timeout_ms);
  return options;
}

std::string EventTextHeader() {
  return absl::StrFormat("%-12s %-5s %-8s %-8s %-6s %-16s %s", "TIME", "EVENT",
                         "PID", "PPID", "UID", "COMM", "ARGS / STATUS");
}

std::string EventTextLine(const ProcessEvent& e) {
  std::string tail;
  if (e.kind == ProcessEventKind::kExit) {
    tail = StatusText(e);
  } else {
    // Guest strings go through TerminalSafe, so a hostile command line
    // cannot drive the terminal; COMM's column is counted in columns.
    tail = TerminalSafe(absl::StrJoin(e.args, " "));
    if (e.args_truncated) absl::StrAppend(&tail, " ...");
    if (tail.empty()) tail = absl::StrCat("[", TerminalSafe(e.comm), "]");
  }
  return absl::StrFormat("%-12s %-5s %-8u %-8u %-6s %s %s", GuestTime(e),
                         ProcessEventKindName(e.kind), e.pid, e.ppid,
                         e.has_uid ? absl::StrCat(e.uid) : "-",
                         PadToWidth(TerminalSafe(e.comm), 16), tail);
}

int RunWatchEvents(const WatchEventsOptions& options) {
  // A closed stdout pipe ends the stream through Emit(), not a signal.
  const std::atomic<bool>& stop = InstallStopSignals();

  const absl::Time start = absl::Now();
  const absl::Time end = options.duration > absl::ZeroDuration()
                             ? start + options.duration
                             : absl::InfiniteFuture();
  // Heartbeat silence that means the companion is gone: well beyond the
  // live-wait a discovery uses, so a briefly stalled guest is not dropped.
  const absl::Duration silence_limit =
      std::max(absl::Seconds(1), 3 * absl::Milliseconds(FLAGS_live_wait_ms));

  absl::StatusOr<Attached> attached = Attach();
  if (!attached.ok()) return FailWith(attached.status());
  if (options.json) {
    Emit(SessionJson(*attached->session, attached->reader->source()));
  } else {
    Emit(EventTextHeader());
  }
  std::fflush(stdout);

  int64_t printed = 0;
  while (!stop.load(std::memory_order_relaxed) && absl::Now() < end) {
    std::string gone;
    absl::StatusOr<EventBatch> batch = attached->reader->Poll();
    if (batch.ok()) {
      bool out_ok = true;
      if (batch->lost > 0) {
        out_ok &=
            Emit(options.json ? LostJson(batch->lost, "overrun")
                              : absl::StrCat("-- lost ", batch->lost,
                                             " events: this reader fell behind "
                                             "the guest's event ring --"));
      }
      if (batch->source_lost > 0) {
        out_ok &= Emit(
            options.json
                ? LostJson(batch->source_lost, "source")
                : absl::StrCat("-- the guest's event source dropped events (",
                               batch->source_lost,
                               " netlink overruns; count unknown) --"));
      }
      for (const ProcessEvent& e : batch->events) {
        out_ok &= Emit(options.json ? EventJson(e) : EventTextLine(e));
        if (options.max_events > 0 && ++printed >= options.max_events) break;
      }
      if (!out_ok || std::fflush(stdout) != 0) {
        return ExitCodeValue(ExitCode::kOk);  // the stream's reader left
      }
      if (options.max_events > 0 && printed >= options.max_events) break;
      if (!batch->events.empty()) continue;  // drain before sleeping
    } else if (absl::IsDataLoss(batch.status())) {
      // Reported once; the reader resynchronises by itself.
      Emit(options.json
               ? LostJson(0, "corrupt")
               : absl::StrCat("-- ", TerminalSafe(batch.status().message()),
                              " --"));
      std::fflush(stdout);
      continue;
    } else {
      gone = absl::StrCat("its event ring is gone: ", batch.status().message());
    }

    if (gone.empty()) {
      const uint64_t beat =
          ReadHeartbeat(attached->session->region.beacon()).counter;
      const absl::Time now = absl::Now();
      if (beat != attached->heartbeat) {
        attached->heartbeat = beat;
        attached->heartbeat_seen = now;
      } else if (now - attached->heartbeat_seen > silence_limit) {
        gone =
            absl::StrCat("heartbeat silent for ",
                         absl::FormatDuration(now - attached->heartbeat_seen));
      }
    }
    if (gone.empty()) {
      absl::SleepFor(kPollInterval);
      continue;
    }

    // The companion went away: say so once, then look for a new session.
    const uint64_t old_session = attached->reader->session_id();
    std::fprintf(stderr,
                 "haywire: companion of session %s gone (%s); waiting up to "
                 "%s for a new session\n",
                 SessionIdText(old_session).c_str(), TerminalSafe(gone).c_str(),
                 absl::FormatDuration(options.reconnect_timeout).c_str());
    std::fflush(stderr);
    if (options.json) {
      Emit(GoneJson(gone));
      std::fflush(stdout);
    }
    const absl::Time give_up = absl::Now() + options.reconnect_timeout;
    absl::Status last = absl::UnavailableError("no attempt made");
    bool reattached = false;
    while (!stop.load(std::memory_order_relaxed) && absl::Now() < end) {
      absl::StatusOr<Attached> next = Attach();
      if (next.ok()) {
        attached = *std::move(next);
        reattached = true;
        break;
      }
      last = next.status();
      if (absl::Now() >= give_up) break;
      absl::SleepFor(kReconnectInterval);
    }
    if (!reattached) {
      if (stop.load(std::memory_order_relaxed) || absl::Now() >= end) break;
      return Fail(ExitCodeFor(last),
                  absl::StrCat("no new live session within ",
                               absl::FormatDuration(options.reconnect_timeout),
                               ": ", last.message()));
    }
    std::fprintf(
        stderr, "haywire: watching session %s (events from %s)\n",
        SessionIdText(attached->reader->session_id()).c_str(),
        std::string(EventSourceName(attached->reader->source())).c_str());
    std::fflush(stderr);
    if (options.json) {
      Emit(SessionJson(*attached->session, attached->reader->source()));
      std::fflush(stdout);
    }
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace haywire
