// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_view_command.h"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/watch_events.h"
#include "haywire/cli/watch_screen.h"
#include "haywire/host/discovery.h"
#include "haywire/util/terminal_text.h"
#include "haywire/watch/frame_json.h"
#include "haywire/watch/frame_maker.h"
#include "haywire/watch/frame_text.h"
#include "haywire/watch/guest_poller.h"
#include "haywire/watch/sort_order.h"

DEFINE_double(interval, 3.0,
              "Seconds between refreshes (like top -d), from 0.1 to 3600.");
DEFINE_bool(batch, false,
            "Print frames as plain text (like top -b), or JSON lines with "
            "--json, instead of the full-screen view; no terminal needed.");
DEFINE_int32(iterations, 0,
             "Stop after this many frames (like top -n); 0: until q, or "
             "forever in batch mode.");
DEFINE_string(sort_by, "cpu",
              "Initial sort column: cpu, mem, time, pid, user, pr, ni, virt, "
              "res, shr, s or command (highest first).");
DEFINE_string(filter, "",
              "Show only processes whose name or command line contains this "
              "(case-insensitive).");
DEFINE_int32(highlight_s, 3,
             "How many seconds (guest time) a started process stays bold "
             "green and an exited one dim red (0: only in the frame that first "
             "shows the change).");

namespace haywire {
namespace {

constexpr absl::Duration kRetry = absl::Milliseconds(500);

// Highlights of started and exited processes last this long (guest time).
uint64_t HighlightHoldNs() {
  return static_cast<uint64_t>(std::max(FLAGS_highlight_s, 0)) * 1'000'000'000;
}

// A status line on stderr; it may quote the companion's words.
void Status(const std::string& line) {
  std::fprintf(stderr, "haywire: watch: %s\n", TerminalSafe(line).c_str());
  std::fflush(stderr);
}

int RunBatch(GuestPoller* poller, Snapshot first, const ViewOrder& order,
             absl::Duration interval) {
  FrameMaker maker(HighlightHoldNs());
  const absl::Duration priming = std::min(interval, kWatchMaxPriming);
  std::optional<Snapshot> next = std::move(first);
  uint64_t primed_session = 0;
  uint64_t last_session = next->session_id;
  int printed = 0;
  for (;;) {
    if (!next.has_value()) {
      absl::StatusOr<Snapshot> taken = poller->Take();
      if (!taken.ok()) {
        // Wait (bounded by --reconnect-timeout-ms) for the companion to come
        // back.
        Status(absl::StrCat("companion gone (", GoneReason(taken.status()),
                            "); waiting for a new session..."));
        const absl::Time give_up =
            absl::Now() +
            absl::Milliseconds(std::max(FLAGS_reconnect_timeout_ms, 0));
        while (!taken.ok() && absl::Now() < give_up) {
          absl::SleepFor(kRetry);
          taken = poller->Take();
        }
        if (!taken.ok()) {
          // Whatever the last attempt found (no beacon, a stale session),
          // the outcome for a script is one: no live session.
          return Fail(ExitCode::kNoLiveSession,
                      absl::StrFormat("no companion answered for %.1f s "
                                      "(%s); start guest-serve in the VM",
                                      FLAGS_reconnect_timeout_ms / 1000.0,
                                      taken.status().message()));
        }
      }
      next = *std::move(taken);
    }
    if (next->session_id != last_session) {
      Status(absl::StrCat("reconnected: new session ",
                          SessionIdText(next->session_id)));
      last_session = next->session_id;
    }
    Frame frame = maker.Next(*std::move(next));
    next.reset();
    if (frame.interval_ns == 0 && primed_session != frame.session_id) {
      // The session's first snapshot only starts the %CPU interval.
      primed_session = frame.session_id;
      absl::SleepFor(priming);
      continue;
    }
    if (FLAGS_json) {
      absl::StatusOr<std::string> json = FrameJson(frame, order);
      if (!json.ok()) return Fail(ExitCode::kFailure, json.status());
      std::printf("%s\n", json->c_str());
    } else {
      std::fputs(TopBatchText(frame, order).c_str(), stdout);
    }
    std::fflush(stdout);
    if (++printed == FLAGS_iterations) return ExitCodeValue(ExitCode::kOk);
    absl::SleepFor(interval);
  }
}

}  // namespace

std::string WatchLoopFlagsProblem(bool needs_keyboard) {
  if (!std::isfinite(FLAGS_interval) || FLAGS_interval < 0.1 ||
      FLAGS_interval > 3600) {
    return absl::StrCat("--interval must be between 0.1 and 3600 seconds, not ",
                        FLAGS_interval);
  }
  if (FLAGS_iterations < 0) return "--iterations must be 0 or more";
  if (!FLAGS_batch) {
    if (FLAGS_json) return "--json needs --batch";
    if ((needs_keyboard && !::isatty(STDIN_FILENO)) ||
        !::isatty(STDOUT_FILENO)) {
      return "the full-screen view needs a terminal; use --batch (and "
             "--json) for scripts and pipes";
    }
  }
  return "";
}

int RunWatchView(const std::vector<std::string>&) {
  // Bad flags are a bad command line: exit 2 before touching the RAM file.
  if (FLAGS_highlight_s < 0 || FLAGS_highlight_s > 3600) {
    return Fail(ExitCode::kUsage, "--highlight-s must be between 0 and 3600");
  }
  ViewOrder order;
  if (std::optional<Column> column = ColumnFromName(FLAGS_sort_by)) {
    order.sort = *column;
  } else {
    return Fail(ExitCode::kUsage,
                absl::StrCat("unknown --sort-by column '", FLAGS_sort_by,
                             "'; use cpu, mem, time, pid, user, pr, ni, "
                             "virt, res, shr, s or command"));
  }
  order.filter = FLAGS_filter;
  if (std::string problem = WatchLoopFlagsProblem(/*needs_keyboard=*/true);
      !problem.empty()) {
    return Fail(ExitCode::kUsage, problem);
  }
  const bool interactive = !FLAGS_batch;
  const absl::Duration interval = absl::Seconds(FLAGS_interval);

  absl::StatusOr<ConnectOptions> connect = ConnectOptionsFromFlags();
  if (!connect.ok()) return FailWith(connect.status());
  auto poller =
      std::make_unique<GuestPoller>(*connect, ClientOptionsFromFlags());
  // The first snapshot checks the connection while errors can still be one
  // line on a normal terminal.
  absl::StatusOr<Snapshot> first = poller->Take();
  if (!first.ok()) return FailWith(first.status());

  if (!interactive)
    return RunBatch(poller.get(), *std::move(first), order, interval);
  WatchScreenOptions options;
  options.refresher.interval = interval;
  options.refresher.priming = std::min(interval, kWatchMaxPriming);
  options.refresher.retry = kRetry;
  options.refresher.highlight_hold_ns = HighlightHoldNs();
  options.order = order;
  options.iterations = FLAGS_iterations;
  return RunWatchScreen(std::move(poller), *std::move(first), options);
}

std::string WatchViewHelp() {
  return "Shows the guest's processes live, like top: the summary lines "
         "(uptime, load average, tasks by state, CPU split, memory and swap "
         "in MiB) and the columns PID USER PR NI VIRT RES SHR S %CPU %MEM "
         "TIME+ COMMAND. %CPU is the CPU time a process used between two "
         "refreshes over the time between them, both measured by the guest "
         "(the host's clock says nothing about a paused or starved VM), per "
         "CPU: a process busy on one CPU shows 100. VIRT, RES and SHR are KiB "
         "(scaled to m/g when they do not fit), TIME+ is minutes:seconds."
         "hundredths.\n\n"
         "On a terminal the view is full screen. Keys: q quit; P M T N sort "
         "by %CPU, %MEM, TIME+, PID; < and > sort by the neighbouring column; "
         "R reverse; / filter by name (Enter applies, Esc cancels, empty "
         "clears); c command lines; arrows, PageUp/PageDown, Home/End "
         "scroll; space refresh now; h or ? help. Processes that started in "
         "the last seconds are bold green, those that exited dim red.\n\n"
         "--batch prints --iterations frames (all of them if 0) every "
         "--interval seconds, like top -b -n N -d S; with --json each frame "
         "is one JSON document per line: the summary fields and a "
         "\"processes\" array with ps --json's field names, cpu_percent "
         "being top's %CPU.\n\n"
         "If the companion goes away, the view says so on its status line "
         "and reconnects when a new guest-serve session appears; batch mode "
         "reports it on stderr and waits up to --reconnect-timeout-ms, then "
         "fails with exit code 5.\n\n"
         "Examples:\n"
         "  haywire watch\n"
         "  haywire watch --sort-by=mem --filter=postgres\n"
         "  haywire watch --batch --iterations=3 --interval=1\n"
         "  haywire watch --batch --json --iterations=10 | jq .tasks";
}

std::vector<std::string> WatchViewFlagNames() {
  return {"interval", "batch",  "iterations",
          "sort_by",  "filter", "highlight_s"};
}

}  // namespace haywire
