// Copyright 2026 The Haywire Authors.

#include "haywire/cli/physmap_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/ram_layout_format.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/physical_map.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

std::string HexText(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

std::string Json(const PhysicalMap& map, const RamLayout& layout) {
  JsonWriter json(JsonWriter::Style::kPretty);
  json.BeginObject();
  json.Key("pid").Uint(map.pid);
  json.Key("page_bytes").Uint(map.page_bytes);
  json.Key("ram_layout");
  WriteRamLayoutJson(layout, &json);
  json.Key("mappings").BeginArray();
  for (const PhysicalMapping& pm : map.mappings) {
    json.BeginObject();
    json.Key("start").String(HexText(pm.mapping.start));
    json.Key("end").String(HexText(pm.mapping.end));
    json.Key("perms").String(MemoryMapPermsText(pm.mapping.perms));
    json.Key("path").String(pm.mapping.path);
    json.Key("present_pages").Uint(pm.present_pages);
    json.Key("swapped_pages").Uint(pm.swapped_pages);
    json.Key("not_present_pages").Uint(pm.not_present_pages);
    json.Key("runs").BeginArray();
    for (const PhysicalRun& run : pm.runs) {
      json.BeginObject();
      json.Key("address").String(HexText(run.address));
      json.Key("pages").Uint(run.pages);
      json.Key("guest_physical").String(HexText(run.guest_physical));
      if (run.file_offset.has_value()) {
        json.Key("file_offset").String(HexText(*run.file_offset));
      } else {
        json.Key("file_offset").Null();
      }
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  absl::StatusOr<std::string> out = std::move(json).Finish();
  return absl::StrCat(out.ok() ? *out : "{}", "\n");
}

std::string Table(const PhysicalMap& map, const RamLayout& layout) {
  std::string out = absl::StrCat("guest RAM: ", RamLayoutSummary(layout), "\n");
  absl::StrAppendFormat(&out, "%-16s %10s %8s %8s %8s  %-18s %s\n", "Address",
                        "Kbytes", "Present", "Swapped", "Absent", "First frame",
                        "Mapping");
  uint64_t kb = 0, present = 0, swapped = 0, absent = 0;
  for (const PhysicalMapping& pm : map.mappings) {
    const uint64_t size_kb = (pm.mapping.end - pm.mapping.start) / 1024;
    kb += size_kb;
    present += pm.present_pages;
    swapped += pm.swapped_pages;
    absent += pm.not_present_pages;
    absl::StrAppendFormat(
        &out, "%016x %10d %8d %8d %8d  %-18s %s\n", pm.mapping.start, size_kb,
        pm.present_pages, pm.swapped_pages, pm.not_present_pages,
        pm.runs.empty() ? std::string("-") : HexText(pm.runs[0].guest_physical),
        pm.mapping.path.empty() ? std::string("[ anon ]")
                                : TerminalSafe(pm.mapping.path));
  }
  absl::StrAppendFormat(&out, "%-16s %10d %8d %8d %8d\n", "total", kb, present,
                        swapped, absent);
  return out;
}

int RunPhysmap(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  Client& client = *(*connection)->client;
  absl::StatusOr<RamLayout> layout =
      CalibrateRamLayout(client, (*connection)->session);
  if (!layout.ok()) return FailWith(layout.status());
  absl::StatusOr<PhysicalMap> map = MapPhysical(client, pid, *layout);
  if (!map.ok()) return FailWith(map.status());
  const std::string text =
      FLAGS_json ? Json(*map, *layout) : Table(*map, *layout);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command PhysmapCommand() {
  Command command;
  command.name = "physmap";
  command.summary =
      "Show where a guest process's pages lie in guest RAM and the RAM file";
  command.usage = "[--mem-file=PATH] [--json] PID";
  command.help =
      "For every mapping of a guest process (as `haywire maps` lists them): "
      "its size, how many of its pages are present in guest RAM, swapped "
      "out or not present, and the guest-physical address of its first "
      "present page; above the table, the RAM file's layout (x86 pc/q35 or "
      "arm64 virt) as calibrated from the companion's own region pages. "
      "--json adds every run of present pages: virtual address, pages, "
      "guest-physical address and offset in the RAM file (the same frame in "
      "two processes is memory they share). The companion reads "
      "/proc/PID/pagemap as root; a simulated guest has no guest-physical "
      "memory for its processes.\n\n"
      "Examples:\n"
      "  haywire physmap 4242\n"
      "  haywire physmap --json 4242 | jq '.mappings[].runs[]'";
  command.flags = HostFlagNames();
  command.exit_codes = {ExitCode::kOk, ExitCode::kUsage,
                        ExitCode::kNoSuchProcess, ExitCode::kVersionMismatch,
                        ExitCode::kGuestError};
  command.min_args = 1;
  command.max_args = 1;
  command.run = RunPhysmap;
  return command;
}

}  // namespace haywire
