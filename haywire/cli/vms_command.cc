// Copyright 2026 The Haywire Authors.

#include "haywire/cli/vms_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "haywire/cli/host_flags.h"
#include "haywire/host/discovery.h"
#include "haywire/host/ram_file.h"
#include "haywire/host/vm_finder.h"
#include "haywire/util/byte_size.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

// What a VM's RAM file holds, from a discovery scan of it.
struct SessionState {
  // "live", "stale" (sessions, none live), "none" (no Haywire pages),
  // "not-shared" (RAM not in a shared file), "unreadable" (the file).
  std::string state;
  std::string detail;  // the problem, or the live companion
  uint64_t companion_pid = 0;
  std::string hostname;
};

SessionState StateOf(const RunningVm& vm) {
  SessionState s;
  if (!vm.ram.problem.empty()) {
    s.state = "not-shared";
    s.detail = vm.ram.problem;
    return s;
  }
  absl::StatusOr<std::unique_ptr<RamFile>> file =
      RamFile::Open(vm.ram.ram_file, /*writable=*/false);
  if (!file.ok()) {
    s.state = "unreadable";
    s.detail = std::string(file.status().message());
    return s;
  }
  DiscoverOptions options;
  options.live_wait = absl::Milliseconds(std::max(FLAGS_live_wait_ms, 0));
  absl::StatusOr<Discovery> found = Discover(**file, options);
  if (!found.ok()) {
    s.state = "none";
    s.detail = std::string(found.status().message());
    return s;
  }
  s.state = found->sessions.empty() ? "none" : "stale";
  for (const SessionReport& r : found->sessions) {
    if (!r.live || !r.usable()) continue;
    if (s.state == "live") {
      s.detail = "several live sessions (haywire discover lists them)";
      continue;
    }
    s.state = "live";
    s.companion_pid = r.identity.pid;
    s.hostname = r.identity.hostname;
    s.detail =
        absl::StrCat("companion ", r.identity.pid, " on ", r.identity.hostname);
  }
  return s;
}

int RunVms(const std::vector<std::string>&) {
  absl::StatusOr<std::vector<RunningVm>> vms = FindRunningVms();
  if (!vms.ok()) return Fail(ExitCode::kFailure, vms.status().message());
  std::vector<SessionState> states;
  for (const RunningVm& vm : *vms) states.push_back(StateOf(vm));
  if (FLAGS_json) {
    JsonWriter json(JsonWriter::Style::kPretty);
    json.BeginObject();
    json.Key("vms").BeginArray();
    for (size_t i = 0; i < vms->size(); ++i) {
      const RunningVm& vm = (*vms)[i];
      const SessionState& s = states[i];
      json.BeginObject();
      json.Key("name").String(vm.ram.name);
      json.Key("qemu_pid").Uint(vm.qemu_pid);
      json.Key("ram_file").String(vm.ram.ram_file);
      json.Key("ram_bytes").Uint(vm.ram.ram_bytes);
      json.Key("shared").Bool(vm.ram.shared);
      json.Key("session").String(s.state);
      json.Key("companion_pid").Uint(s.companion_pid);
      json.Key("hostname").String(s.hostname);
      json.Key("detail").String(s.detail);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    absl::StatusOr<std::string> text = std::move(json).Finish();
    if (!text.ok()) return Fail(ExitCode::kFailure, text.status().message());
    std::printf("%s\n", text->c_str());
  } else if (vms->empty()) {
    std::printf("no QEMU VM runs on this host\n");
  } else {
    std::printf("%-16s %8s %10s %-10s %s\n", "NAME", "PID", "RAM", "SESSION",
                "RAM FILE / WHY");
    for (size_t i = 0; i < vms->size(); ++i) {
      const RunningVm& vm = (*vms)[i];
      const SessionState& s = states[i];
      const std::string name = vm.ram.name.empty() ? "-" : vm.ram.name;
      std::printf("%-16s %8u %10s %-10s %s\n",
                  PadToWidth(FitToWidth(TerminalSafe(name), 16), 16).c_str(),
                  vm.qemu_pid,
                  vm.ram.ram_bytes == 0
                      ? "-"
                      : FormatByteSize(vm.ram.ram_bytes).c_str(),
                  s.state.c_str(),
                  TerminalSafe(
                      s.state == "not-shared" || s.state == "unreadable"
                          ? s.detail
                          : absl::StrCat(vm.ram.ram_file,
                                         s.state == "live"
                                             ? absl::StrCat(" (", s.detail, ")")
                                             : ""))
                      .c_str());
    }
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command VmsCommand() {
  Command command;
  command.name = "vms";
  command.summary = "List the VMs on this host and whether Haywire can see in";
  command.usage = "[--json] [--live-wait-ms=N]";
  command.help =
      "Finds the QEMU processes running on this host (qemu-system-*, "
      "qemu-kvm; libvirt's too) and reads from each command line its name "
      "(-name), its RAM size and where its RAM lives. Haywire can look "
      "inside a VM whose RAM is a shared file (-object "
      "memory-backend-file,...,mem-path=FILE,share=on, used by -machine "
      "memory-backend= or -numa memdev=); for those, vms scans the file as "
      "discover does and says whether a companion is live there (live), only "
      "stale sessions are left (stale), or there is none (none). A VM whose "
      "RAM is not a shared file (not-shared) is listed with the option to "
      "add; a RAM file this user cannot read is unreadable.\n\n"
      "Every host command takes --vm=NAME (or the QEMU pid) instead of "
      "--mem-file.\n\n"
      "--json prints {\"vms\": [{\"name\", \"qemu_pid\", \"ram_file\", "
      "\"ram_bytes\", \"shared\", \"session\", \"companion_pid\", "
      "\"hostname\", \"detail\"}]}.\n\n"
      "Examples:\n"
      "  haywire vms\n"
      "  haywire ps --vm=web1";
  command.flags = {"json", "live_wait_ms"};
  command.exit_codes = {ExitCode::kOk, ExitCode::kUsage, ExitCode::kFailure};
  command.run = RunVms;
  return command;
}

}  // namespace haywire
