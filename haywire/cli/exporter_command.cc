// Copyright 2026 The Haywire Authors.

#include "haywire/cli/exporter_command.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gflags/gflags.h"
#include "haywire/cli/fleet_flags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/stop_signals.h"
#include "haywire/exporter/fleet_collector.h"
#include "haywire/watch/fleet.h"
#include "prometheus/exposer.h"

DEFINE_string(listen, "127.0.0.1:9742",
              "Where to serve /metrics: ADDRESS:PORT (port 0: any free port, "
              "printed at start). Keep it on a trusted address: the metrics "
              "show what runs inside the guests.");
DEFINE_int32(top, 10,
             "How many processes per VM the top-N series show (by CPU and by "
             "resident memory), 0 to 100.");

namespace haywire {
namespace {

// Two scrapes closer than this share one refresh of the guests.
constexpr absl::Duration kMinRefresh = absl::Seconds(1);

int RunExporter(const std::vector<std::string>&) {
  if (FLAGS_top < 0 || FLAGS_top > 100) {
    return Fail(ExitCode::kUsage, "--top must be between 0 and 100");
  }
  if (FLAGS_listen.empty()) {
    return Fail(ExitCode::kUsage, "--listen needs ADDRESS:PORT");
  }
  absl::StatusOr<std::vector<FleetTarget>> targets = FleetTargetsFromFlags();
  if (!targets.ok()) return FailFleetFlags(targets.status());
  const size_t vm_count = targets->size();
  auto collector = std::make_shared<FleetCollector>(
      std::make_unique<FleetWatcher>(*std::move(targets)),
      static_cast<size_t>(FLAGS_top), kMinRefresh);
  const std::atomic<bool>& stop = InstallStopSignals();
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(FLAGS_listen, 2);
  } catch (const std::exception& e) {
    return Fail(ExitCode::kFailure,
                absl::StrCat("cannot listen on ", FLAGS_listen, ": ", e.what(),
                             "; is another exporter running there? pick "
                             "another --listen"));
  }
  // The first refresh only starts the %CPU interval of each VM.
  collector->Refresh();
  exposer->RegisterCollectable(collector);
  std::vector<std::string> ports;
  for (const int port : exposer->GetListeningPorts()) {
    ports.push_back(absl::StrCat(port));
  }
  std::fprintf(stderr,
               "haywire exporter: serving %zu VM%s at %s, port %s, path "
               "/metrics\n",
               vm_count, vm_count == 1 ? "" : "s", FLAGS_listen.c_str(),
               absl::StrJoin(ports, ",").c_str());
  std::fflush(stderr);
  while (!stop.load(std::memory_order_relaxed)) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  exposer->RemoveCollectable(collector);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command ExporterCommand() {
  Command command;
  command.name = "exporter";
  command.summary = "Serve every VM's guest metrics to Prometheus";
  command.usage =
      "[--listen=ADDRESS:PORT] [--top=N] [--vm=NAME]... [--mem-file=PATH]...";
  command.help =
      "A Prometheus exporter for the VMs on this host: every VM `haywire "
      "vms` finds, the --vm ones, or the --mem-file ones (both may be given "
      "several times). Each scrape of http://ADDRESS:PORT/metrics asks every "
      "VM's companion for its summary and process list, in parallel (a dead "
      "VM costs the scrape at most its own --live-wait-ms and "
      "--timeout-ms), and answers with, per VM (label vm): "
      "haywire_vm_up, haywire_vm_authenticated (VMs with a key), "
      "haywire_vm_snapshot_seconds, haywire_guest_uptime_seconds, "
      "haywire_guest_load1/load5/load15, haywire_guest_cpus, "
      "haywire_guest_cpu_ratio{mode} (over the time since the previous "
      "scrape), haywire_guest_memory_*_bytes and haywire_guest_swap_*_bytes "
      "(/proc/meminfo), haywire_guest_processes and "
      "haywire_guest_processes_state{state}, the top --top processes by CPU "
      "(haywire_guest_process_cpu_ratio{pid,comm}, 1 = one CPU busy) and by "
      "resident memory (haywire_guest_process_resident_bytes{pid,comm}), "
      "and the counters haywire_guest_process_starts_total and "
      "haywire_guest_process_exits_total.\n\n"
      "Series per VM are bounded (about 40 plus 2 x --top) whatever the "
      "guest runs. Process names come from the guest and may hold anything: "
      "they are shown as `haywire ps` shows them (control characters and "
      "bad UTF-8 as \\xNN), cut at 64 bytes. Scrapes less than 1 s apart "
      "share one refresh. Each VM's key is the file its QEMU command line "
      "hands the guest (-fw_cfg name=opt/haywire/key,file=PATH), else "
      "<RAM file>.key when that exists.\n\n"
      "Runs until SIGINT or SIGTERM. docs/FLEET.md has Prometheus's "
      "scrape configuration, federation and remote-write for many hosts.\n\n"
      "Examples:\n"
      "  haywire exporter\n"
      "  haywire exporter --listen=127.0.0.1:9742 --vm=web1 --vm=db1\n"
      "  curl -s http://127.0.0.1:9742/metrics | grep haywire_guest_load1";
  command.flags = FleetFlagNames();
  command.flags.push_back("listen");
  command.flags.push_back("top");
  command.run = RunExporter;
  return command;
}

}  // namespace haywire
