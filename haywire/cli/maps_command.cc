// Copyright 2026 The Haywire Authors.

#include "haywire/cli/maps_command.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/memory_map_format.h"
#include "haywire/format/process_format.h"
#include "haywire/host/memory_map_listing.h"

namespace haywire {
namespace {

int RunMaps(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  Client& client = *(*connection)->client;
  // pmap's first line: the pid and the command.
  std::string title;
  if (!FLAGS_json) {
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(pid);
    if (!info.ok()) return FailWith(info.status());
    title = absl::StrCat(pid, ":   ", CommandText(info->entry));
  }
  absl::StatusOr<MemoryMap> map = ListMemoryMap(client, pid);
  if (!map.ok()) return FailWith(map.status());
  if (FLAGS_json) {
    std::fputs(MemoryMapJson(pid, map->mappings).c_str(), stdout);
  } else {
    std::printf("%s\n%s", title.c_str(), MemoryMapTable(map->mappings).c_str());
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command MapsCommand() {
  Command command;
  command.name = "maps";
  command.summary = "Show a guest process's memory mappings (like pmap -X)";
  command.usage = "[--mem-file=PATH] [--json] PID";
  command.help =
      "Lists every mapping of a guest process, as /proc/PID/smaps describes "
      "it, with the columns of `pmap -X`: start address, permissions "
      "(r/w/x, p private or s shared), file offset, device, inode, and per "
      "mapping its Size, Rss, Pss, Anonymous, Swap and Locked memory in "
      "KiB, then the mapped file or [heap], [stack], [vdso], or [ anon ] "
      "for anonymous memory; a totals line ends the table. Processes with "
      "tens of thousands of mappings list completely (the companion sends "
      "them in chunks). A kernel thread has no mappings.\n\n"
      "--json prints {\"pid\": N, \"mappings\": [{\"start\": \"0x...\", "
      "\"end\": \"0x...\", \"perms\": \"r-xp\", \"offset\": N, \"dev\": "
      "\"fd:01\", \"inode\": N, \"path\": \"...\", \"rss_kb\": N, \"pss_kb\": "
      "N, \"anon_kb\": N, \"swap_kb\": N, \"locked_kb\": N, ...}]}.\n\n"
      "Examples:\n"
      "  haywire maps 1\n"
      "  haywire maps --json 4242 | jq '.mappings[] | select(.path == "
      "\"[heap]\")'";
  command.flags = HostFlagNames();
  command.min_args = 1;
  command.max_args = 1;
  command.run = RunMaps;
  return command;
}

}  // namespace haywire
