// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_all.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "haywire/cli/command.h"
#include "haywire/cli/fleet_flags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/stop_signals.h"
#include "haywire/cli/watch_view_command.h"
#include "haywire/watch/fleet.h"
#include "haywire/watch/fleet_text.h"

DEFINE_bool(all, false,
            "Watch every VM at once, one line per VM (with --mem-file or "
            "--vm given several times: those).");

namespace haywire {
namespace {

// Sleeps `duration` in small steps, returning early on a stop signal.
void SleepUnlessStopped(absl::Duration duration,
                        const std::atomic<bool>& stop) {
  const absl::Time end = absl::Now() + duration;
  while (!stop.load(std::memory_order_relaxed)) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    absl::SleepFor(std::min(left, absl::Milliseconds(100)));
  }
}

std::string Clock() {
  const absl::Time now = absl::Now();
  return absl::FormatTime("%H:%M:%S", now, absl::LocalTimeZone());
}

}  // namespace

int RunWatchAll() {
  // The full screen only draws (Ctrl-C quits): no keyboard needed.
  if (std::string problem = WatchLoopFlagsProblem(/*needs_keyboard=*/false);
      !problem.empty()) {
    return Fail(ExitCode::kUsage, problem);
  }
  const bool interactive = !FLAGS_batch;
  absl::StatusOr<std::vector<FleetTarget>> targets = FleetTargetsFromFlags();
  if (!targets.ok()) return FailFleetFlags(targets.status());
  const absl::Duration interval = absl::Seconds(FLAGS_interval);
  const std::atomic<bool>& stop = InstallStopSignals();

  FleetWatcher watcher(*std::move(targets));
  watcher.Refresh();
  SleepUnlessStopped(std::min(interval, kWatchMaxPriming), stop);
  for (int printed = 0; !stop.load(std::memory_order_relaxed);) {
    const std::vector<VmState> states = watcher.Refresh();
    if (FLAGS_json) {
      absl::StatusOr<std::string> json = FleetJson(states);
      if (!json.ok()) return Fail(ExitCode::kFailure, json.status());
      std::printf("%s\n", json->c_str());
    } else {
      const size_t live =
          std::count_if(states.begin(), states.end(),
                        [](const VmState& vm) { return vm.live; });
      const std::string heading =
          absl::StrCat("haywire watch --all - ", Clock(), ", ", states.size(),
                       states.size() == 1 ? " VM, " : " VMs, ", live, " live");
      // Full screen: home the cursor and clear, then the block.
      if (interactive) std::fputs("\x1b[H\x1b[2J", stdout);
      std::printf("%s\n%s", heading.c_str(), FleetText(states).c_str());
      if (!interactive) std::fputs("\n", stdout);
    }
    if (std::fflush(stdout) != 0) {
      return Fail(ExitCode::kFailure, "cannot write to standard output");
    }
    if (++printed == FLAGS_iterations) break;
    SleepUnlessStopped(interval, stop);
  }
  return ExitCodeValue(ExitCode::kOk);
}

std::string WatchAllHelp() {
  return "With --all, one line per VM instead: every VM running on this "
         "host (as `haywire vms` finds them), the --vm ones, or the "
         "--mem-file ones (both may be given several times). Columns: VM; "
         "UP, the guest's uptime; LOAD, its 1, 5 and 15 minute load "
         "averages; %US %SY %ID, its CPU split over the refresh (user and "
         "nice; system, irq and softirq; idle and iowait); MEM, used "
         "(MemTotal - MemAvailable) over total; TASKS, its processes; then "
         "the busiest process over the refresh: PID, %CPU (of one CPU, as "
         "top), COMMAND. A VM that cannot be watched shows why after its "
         "name (no live companion, RAM not in a shared file, a key that "
         "does not prove). Each VM's key is the file its QEMU command line "
         "hands the guest (-fw_cfg name=opt/haywire/key,file=PATH), else "
         "<RAM file>.key when that exists. VMs are polled in parallel: a dead "
         "one costs a refresh at "
         "most its own --live-wait-ms and --timeout-ms. On a terminal the "
         "block is redrawn every --interval (Ctrl-C quits); --batch prints "
         "one block per refresh after a heading line, --batch --json one "
         "JSON line per refresh: {\"vms\":[{\"name\",\"qemu_pid\","
         "\"mem_file\",\"live\",\"why_not\",\"authenticated\","
         "\"session_id\",\"hostname\",\"snapshot_ms\",\"uptime_ns\","
         "\"interval_ns\",\"load_average\",\"cpu\",\"mem_kb\",\"tasks\","
         "\"busiest\":{\"pid\",\"comm\",\"cpu_percent\"}}]}.";
}

}  // namespace haywire
