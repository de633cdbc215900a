// Copyright 2026 The Haywire Authors.

#include "haywire/cli/ps_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/container.h"
#include "haywire/format/process_format.h"
#include "haywire/host/whole_command_line.h"
#include "haywire/util/json_writer.h"

DEFINE_string(sort, "pid",
              "Sort key: pid ppid uid user cpu mem rss vsz start time comm "
              "state tty; prefix - for descending (e.g. --sort=-rss).");

DEFINE_string(container, "",
              "Show only the processes of this container: a container id or "
              "its first 4+ hex digits, a Kubernetes pod UID prefix, a "
              "systemd unit (nginx.service), optionally after RUNTIME: "
              "(docker:0123abcd). Adds the CONTAINER column.");
DEFINE_bool(containers, false,
            "Add a CONTAINER column (docker:0123456789ab, nginx.service; "
            "derived from each process's cgroup).");

namespace haywire {
namespace {

size_t TerminalWidth() {
  if (!::isatty(STDOUT_FILENO)) return 0;
  struct winsize ws;
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

// What `ps --json` fetches of whole command lines in all; the processes
// past it keep the listing's cut ones (args_truncated).
constexpr uint64_t kAllCommandLinesBytes = 256ull << 20;

int RunPs(const std::vector<std::string>&) {
  // A bad --sort is a bad command line: report it before touching the RAM
  // file (exit 2, not whatever the file or the session would give).
  {
    std::vector<ProcessEntry> none;
    if (absl::Status s = SortProcesses(FLAGS_sort, ListHeader{}, &none);
        !s.ok()) {
      return Fail(ExitCode::kUsage, s.message());
    }
  }
  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  // The cgroup file is a fifth of the companion's /proc reading per
  // process: fetched only when a container is shown or selected.
  const bool needs_cgroup =
      FLAGS_json || FLAGS_containers || !FLAGS_container.empty();
  absl::StatusOr<ProcessList> list =
      (*connection)->client->ListProcesses(needs_cgroup ? 0 : kListOmitCgroup);
  if (!list.ok()) return FailWith(list.status());
  if (absl::Status s =
          SortProcesses(FLAGS_sort, list->header, &list->processes);
      !s.ok()) {
    return Fail(ExitCode::kUsage, s.message());
  }
  if (!FLAGS_container.empty()) {
    std::vector<ProcessEntry> kept;
    for (ProcessEntry& e : list->processes) {
      const std::optional<Container> c = ContainerOf(e.cgroup);
      if (c.has_value() && ContainerMatches(*c, FLAGS_container)) {
        kept.push_back(std::move(e));
      }
    }
    list->processes = std::move(kept);
  }
  if (FLAGS_json) {
    // Whole command lines for scripts (the table keeps the listing's, cut
    // to the terminal anyway), up to kAllCommandLinesBytes in all.
    uint64_t budget = kAllCommandLinesBytes;
    for (ProcessEntry& e : list->processes) {
      if (absl::Status s =
              CompleteCommandLine(*(*connection)->client, &e, &budget);
          !s.ok()) {
        return FailWith(s);
      }
    }
    JsonWriter json(JsonWriter::Style::kCompact);
    json.BeginObject();
    json.Key("session_id")
        .String(SessionIdText((*connection)->session.report.pages.session_id));
    json.Key("hostname")
        .String((*connection)->session.report.identity.hostname);
    json.Key("now_unix_ns").Uint(list->header.now_unix_ns);
    json.Key("boot_time_unix_ns").Uint(list->header.boot_time_unix_ns);
    json.Key("mem_total_kb").Uint(list->header.mem_total_kb);
    json.Key("processes").BeginArray();
    for (const ProcessEntry& e : list->processes) {
      json.BeginObject();
      WriteProcessJsonFields(e, list->header, &json);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    absl::StatusOr<std::string> out = std::move(json).Finish();
    if (!out.ok()) return Fail(ExitCode::kFailure, out.status());
    std::printf("%s\n", out->c_str());
  } else {
    const bool with_container = FLAGS_containers || !FLAGS_container.empty();
    std::fputs(
        PsTable(list->processes, list->header, TerminalWidth(), with_container)
            .c_str(),
        stdout);
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command PsCommand() {
  Command command;
  command.name = "ps";
  command.summary = "List the guest's processes, like ps aux";
  command.usage =
      "[--mem-file=PATH] [--sort=KEY] [--containers] [--container=ID] "
      "[--json]";
  command.help =
      "Lists every process in the guest through the companion, with the "
      "columns and meanings of `ps aux`: USER PID %CPU (CPU time over time "
      "since start) %MEM (resident over physical memory) VSZ RSS (KiB) TTY "
      "STAT (state and <NLsl+ flags) START TIME (cumulative CPU) COMMAND "
      "([name] for kernel threads). Guest text is shown with escapes for "
      "what a terminal would obey: \\xNN for control characters and bytes "
      "that are not UTF-8, \\uNNNN for C1 and bidi controls, \\\\ for a "
      "backslash. Lines are cut to the terminal width when stdout is a "
      "terminal.\n\n"
      "The listing is a snapshot of the guest's PID list, fetched in chunks; "
      "processes that exit meanwhile are left out.\n\n"
      "--json prints {\"processes\": [{\"pid\", \"ppid\", \"uid\", \"user\", "
      "\"state\", \"comm\", \"args\", \"vsz_kb\", \"rss_kb\", \"start_time\", "
      "\"cpu_time_ms\", \"cpu_percent\", \"mem_percent\", ...}]}, with "
      "whole command lines in \"args\" (up to 1 MiB each; longer ones are "
      "cut and have \"args_truncated\": true).\n\n"
      "Containers: each process's container comes from its cgroup path "
      "(Docker, containerd and Kubernetes pods, CRI-O, Podman, LXC; else "
      "its systemd unit). --containers adds a CONTAINER column "
      "(docker:0123456789ab, containerd:..., nginx.service, - for none); "
      "--container=ID shows only that container's processes (an id or its "
      "first 4 or more hex digits, a pod UID prefix, a unit name). --json "
      "has \"cgroup\", \"container\": {\"runtime\", \"id\", \"pod\"} "
      "(null for none) and \"ns_pid\", \"ns_level\": the pid inside the "
      "process's own PID namespace and how deep that namespace is (0: the "
      "companion's).\n\n"
      "Examples:\n"
      "  haywire ps\n"
      "  haywire ps --containers\n"
      "  haywire ps --container=ae836c95\n"
      "  haywire ps --sort=-rss --mem-file=/dev/hugepages/vm";
  command.flags = HostFlagNames();
  command.flags.push_back("sort");
  command.flags.push_back("container");
  command.flags.push_back("containers");
  command.run = RunPs;
  return command;
}

}  // namespace haywire
