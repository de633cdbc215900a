// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_command.h"

#include "haywire/cli/host_flags.h"
#include "haywire/cli/watch_all.h"
#include "haywire/cli/watch_events.h"
#include "haywire/cli/watch_view_command.h"

namespace haywire {
namespace {

int RunWatch(const std::vector<std::string>& args) {
  if (FLAGS_all) {
    if (FLAGS_events) {
      return Fail(ExitCode::kUsage, "--all and --events cannot be combined");
    }
    return RunWatchAll();
  }
  if (!FLAGS_events) return RunWatchView(args);
  absl::StatusOr<WatchEventsOptions> options = WatchEventsOptionsFromFlags();
  if (!options.ok()) return Fail(ExitCode::kUsage, options.status().message());
  return RunWatchEvents(*options);
}

}  // namespace

Command WatchCommand() {
  Command command;
  command.name = "watch";
  command.summary =
      "Follow the guest live: a top-like view, or process events as they "
      "happen";
  command.usage =
      "[--mem-file=PATH] [--interval=SECONDS] [--sort-by=COLUMN] "
      "[--filter=TEXT] [--batch [--iterations=N] [--json]] | --events "
      "[--json] [--max-events=N] [--duration=SECONDS] | --all "
      "[--vm=NAME]... [--mem-file=PATH]... [--batch [--json]]";
  command.help =
      WatchViewHelp() +
      "\n\n"
      "With --events, prints every process the guest starts (exec, fork) and "
      "every process that ends (exit, with its exit code or the signal that "
      "killed it), one line each, like execsnoop and exitsnoop: TIME (the "
      "guest's wall clock) EVENT PID PPID UID COMM ARGS / STATUS. The guest "
      "companion pushes the events into its region; nothing is polled from "
      "the guest's /proc by this command.\n\n"
      "How exact the stream is depends on the companion's --event-source: "
      "the kernel's connector (guest-serve as root) sees every process, with "
      "exit codes; PID diffing misses processes that live less than 50 ms and "
      "shows \"exited\" without a status. A line \"-- lost N events --\" "
      "means this command fell behind the guest's ring and N events were "
      "overwritten before they were read.\n\n"
      "Runs until SIGINT or SIGTERM, --max-events events or --duration "
      "seconds. When the companion goes away it prints one line on stderr "
      "and follows the next live session of the RAM file, waiting at most "
      "--reconnect-timeout-ms.\n\n"
      "--json prints JSON lines: {\"type\":\"session\",...} when attached, "
      "then {\"type\":\"exec\"|\"fork\"|\"exit\",\"sequence\",\"pid\","
      "\"ppid\",\"uid\",\"comm\",\"args\",\"exit_code\",\"exit_signal\",...}, "
      "{\"type\":\"lost\",\"count\":N,\"reason\":...} and "
      "{\"type\":\"companion_gone\",...}.\n\n" +
      WatchAllHelp() +
      "\n\n"
      "Examples:\n"
      "  haywire watch --events\n"
      "  haywire watch --events --json --duration=10 > events.jsonl\n"
      "  haywire watch --all\n"
      "  haywire watch --all --batch --json --iterations=1";
  command.flags = HostFlagNames();
  for (const std::string& flag : WatchEventsFlagNames()) {
    command.flags.push_back(flag);
  }
  for (const std::string& flag : WatchViewFlagNames()) {
    command.flags.push_back(flag);
  }
  command.flags.push_back("all");
  command.run = RunWatch;
  return command;
}

}  // namespace haywire
