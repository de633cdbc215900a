// Copyright 2026 The Haywire Authors.

#include "haywire/cli/discover_command.h"

#include <cstdio>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/ram_layout_format.h"
#include "haywire/host/client.h"
#include "haywire/host/discovery.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/live_session.h"
#include "haywire/host/ram_file.h"
#include "haywire/protocol/layout.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

std::string HexOffset(uint64_t offset) {
  if (offset == kMissingPage) return "-";
  return absl::StrCat("0x", absl::Hex(offset));
}

std::string Ms(absl::Duration d) {
  return absl::StrFormat("%.1f ms", absl::ToDoubleMilliseconds(d));
}

// A text-table cell of guest text: escaped (terminal_text.h), never empty,
// padded or cut (with a trailing '+', like ps) to exactly its column's
// width, so columns stay aligned and splittable.
std::string Cell(const std::string& s, size_t width) {
  return PadToWidth(s.empty() ? "-" : FitToWidth(TerminalSafe(s), width),
                    width);
}

// What discover knows about a session's key: "unchecked" without a key
// (or when it was not challenged), else the challenge's result, or
// "no-answer".
using AuthResults = absl::flat_hash_map<uint64_t, std::string>;

std::string AuthOf(const AuthResults& auth, const SessionReport& s) {
  auto it = auth.find(s.pages.session_id);
  return it == auth.end() ? "unchecked" : it->second;
}

// The chosen session's RAM layout (ram_layout.h), calibrated through its
// companion, or why there is none.
struct LayoutFound {
  std::optional<RamLayout> layout;
  std::string error;
};

LayoutFound CalibrateChosen(const std::shared_ptr<RamFile>& file,
                            const SessionReport& report, bool keyed) {
  LayoutFound found;
  if (!file->writable()) {
    found.error = "the RAM file is not writable by this user";
    return found;
  }
  if ((report.identity.capabilities & kCapPageMap) == 0) {
    found.error = "the companion does not translate pages (GET_PAGE_MAP)";
    return found;
  }
  LiveSession session;
  session.file = file;
  session.report = report;
  session.region = RegionInFile(*file, report.pages);
  if (keyed) session.auth = AuthOutcome::kAuthenticated;
  Client client(&session, ClientOptionsFromFlags());
  absl::StatusOr<RamLayout> layout = CalibrateRamLayout(client, session);
  if (layout.ok()) {
    found.layout = *std::move(layout);
  } else {
    found.error = std::string(layout.status().message());
  }
  return found;
}

void WriteJson(const Discovery& d, const SessionReport* chosen,
               absl::Duration total, const AuthResults& auth,
               const LayoutFound& layout) {
  JsonWriter json(JsonWriter::Style::kPretty);
  json.BeginObject();
  json.Key("mem_file").String(d.path);
  json.Key("pages_scanned").Uint(d.stats.pages_in_file);
  json.Key("pages_examined").Uint(d.stats.pages_examined);
  json.Key("scan_ms").Double(absl::ToDoubleMilliseconds(d.stats.elapsed));
  json.Key("total_ms").Double(absl::ToDoubleMilliseconds(total));
  json.Key("sessions_ignored").Uint(d.sessions_ignored);
  json.Key("rejected_pages").BeginObject();
  json.Key("bad_magic2").Uint(d.stats.bad_magic2);
  json.Key("bad_checksum").Uint(d.stats.bad_checksum);
  json.Key("unknown_version").Uint(d.stats.unknown_version);
  json.Key("bad_field").Uint(d.stats.bad_field);
  json.EndObject();
  json.Key("sessions").BeginArray();
  for (const SessionReport& s : d.sessions) {
    const bool beacon_ok = s.beacon_status.ok();
    json.BeginObject();
    json.Key("session_id").String(SessionIdText(s.pages.session_id));
    json.Key("live").Bool(s.live);
    json.Key("usable").Bool(s.usable());
    json.Key("auth").String(AuthOf(auth, s));
    json.Key("chosen").Bool(&s == chosen);
    json.Key("pages_found").Uint(s.pages.pages_found);
    json.Key("pages_expected").Uint(s.pages.page_count);
    json.Key("page_runs").Uint(s.pages.Runs());
    json.Key("duplicate_pages").Uint(s.pages.duplicate_pages);
    json.Key("conflicting_pages").BeginArray();
    for (uint32_t index : s.pages.conflicting_indices) json.Uint(index);
    json.EndArray();
    json.Key("live_beacon_copies").Uint(s.live_beacon_copies);
    json.Key("beacon_offset");
    if (s.beacon_offset == kMissingPage) {
      json.Null();
    } else {
      json.Uint(s.beacon_offset);
    }
    json.Key("beacon_valid").Bool(beacon_ok);
    if (!beacon_ok) json.Key("beacon_error").String(s.beacon_status.message());
    json.Key("companion_pid").Uint(beacon_ok ? s.identity.pid : 0);
    json.Key("hostname").String(beacon_ok ? s.identity.hostname : "");
    json.Key("kernel").String(beacon_ok ? s.identity.kernel_release : "");
    json.Key("boot_id").String(beacon_ok ? s.identity.boot_id : "");
    json.Key("start_time_unix_ns")
        .Uint(beacon_ok ? s.identity.start_unix_ns : 0);
    json.Key("protocol_version").Uint(kProtocolVersion);
    json.Key("heartbeat_counter").Uint(s.heartbeat.counter);
    json.EndObject();
  }
  json.EndArray();
  json.Key("chosen_session");
  if (chosen != nullptr) {
    json.String(SessionIdText(chosen->pages.session_id));
  } else {
    json.Null();
  }
  json.Key("ram_layout");
  if (layout.layout.has_value()) {
    WriteRamLayoutJson(*layout.layout, &json);
  } else {
    json.Null();
  }
  if (!layout.error.empty()) json.Key("ram_layout_error").String(layout.error);
  json.EndObject();
  absl::StatusOr<std::string> out = std::move(json).Finish();
  std::printf("%s\n", out.ok() ? out->c_str() : "{}");
}

void WriteText(const Discovery& d, const SessionReport* chosen,
               absl::Duration total, const AuthResults& auth,
               const LayoutFound& layout) {
  std::printf(
      "%s: %llu pages (%s), %zu session%s\n", TerminalSafe(d.path).c_str(),
      static_cast<unsigned long long>(d.stats.pages_in_file),
      absl::StrFormat("%.1f MiB", d.stats.pages_in_file * kPageSize / 1048576.0)
          .c_str(),
      d.sessions.size(), d.sessions.size() == 1 ? "" : "s");
  if (!d.sessions.empty()) {
    std::printf("%-18s %-5s %13s %5s %-12s %7s %-16s %-20s %s\n", "SESSION",
                "STATE", "PAGES", "RUNS", "BEACON", "PID", "HOSTNAME", "KERNEL",
                "VER");
  }
  for (const SessionReport& s : d.sessions) {
    const bool ok = s.beacon_status.ok();
    std::printf(
        "%-18s %-5s %13s %5u %-12s %7s %s %s %u%s\n",
        SessionIdText(s.pages.session_id).c_str(), s.live ? "live" : "stale",
        absl::StrCat(s.pages.pages_found, "/", s.pages.page_count).c_str(),
        s.pages.Runs(), HexOffset(s.beacon_offset).c_str(),
        ok ? absl::StrCat(s.identity.pid).c_str() : "-",
        Cell(ok ? s.identity.hostname : "", 16).c_str(),
        Cell(ok ? s.identity.kernel_release : "", 20).c_str(),
        static_cast<unsigned>(kProtocolVersion),
        &s == chosen ? "  <- using" : "");
    if (!auth.empty()) {
      std::printf("  key: %s\n", AuthOf(auth, s).c_str());
    }
    if (&s == chosen && layout.layout.has_value()) {
      std::printf("  guest RAM: %s\n",
                  RamLayoutSummary(*layout.layout).c_str());
    } else if (&s == chosen && !layout.error.empty()) {
      std::printf("  guest RAM layout unknown: %s\n",
                  TerminalSafe(layout.error).c_str());
    }
    if (!s.pages.conflicting_indices.empty()) {
      std::printf("  page %s found more than once: not usable\n",
                  absl::StrJoin(s.pages.conflicting_indices, ", ").c_str());
    }
    if (s.live_beacon_copies > 1) {
      std::printf("  %u beacon copies with moving heartbeats: not usable\n",
                  s.live_beacon_copies);
    }
    if (!ok && !s.pages.beacon_offsets.empty()) {
      std::printf("  beacon rejected: %s\n",
                  TerminalSafe(s.beacon_status.message()).c_str());
    }
    if (s.pages.duplicate_pages > 0 || s.pages.inconsistent_pages > 0) {
      std::printf("  %u duplicate and %u inconsistent pages ignored\n",
                  s.pages.duplicate_pages, s.pages.inconsistent_pages);
    }
  }
  if (d.sessions_ignored > 0) {
    std::printf(
        "%llu more sessions (the ones with the fewest pages) were not "
        "examined\n",
        static_cast<unsigned long long>(d.sessions_ignored));
  }
  const ScanStats& st = d.stats;
  const uint64_t rejected =
      st.bad_magic2 + st.bad_checksum + st.unknown_version + st.bad_field;
  if (rejected > 0) {
    std::printf(
        "rejected %llu pages that start with the magic: %llu second magic, "
        "%llu checksum, %llu version, %llu field\n",
        static_cast<unsigned long long>(rejected),
        static_cast<unsigned long long>(st.bad_magic2),
        static_cast<unsigned long long>(st.bad_checksum),
        static_cast<unsigned long long>(st.unknown_version),
        static_cast<unsigned long long>(st.bad_field));
  }
  if (FLAGS_verbose) {
    std::printf(
        "scan: %llu of %llu pages in %llu data extents examined in %s; "
        "liveness and beacons %s; total %s\n",
        static_cast<unsigned long long>(st.pages_examined),
        static_cast<unsigned long long>(st.pages_in_file),
        static_cast<unsigned long long>(st.data_extents),
        Ms(st.elapsed).c_str(), Ms(total - st.elapsed).c_str(),
        Ms(total).c_str());
  }
}

int RunDiscover(const std::vector<std::string>&) {
  const absl::Time start = absl::Now();
  const absl::StatusOr<ConnectOptions> connect = ConnectOptionsFromFlags();
  if (!connect.ok()) return FailWith(connect.status());
  const ConnectOptions& options = *connect;
  if (options.mem_file_is_default) {
    if (absl::Status s = CheckDefaultPathOwnership(options.mem_file); !s.ok()) {
      return FailWith(s);
    }
  }
  // Read-write, to challenge the live sessions (with a key) and calibrate
  // the chosen one's RAM layout; without a key a read-only file is enough
  // to discover.
  const bool keyed = static_cast<bool>(options.challenge);
  absl::StatusOr<std::unique_ptr<RamFile>> opened =
      RamFile::Open(options.mem_file, /*writable=*/true);
  if (!opened.ok() && !keyed) {
    opened = RamFile::Open(options.mem_file, /*writable=*/false);
  }
  if (!opened.ok()) return FailWith(opened.status());
  const std::shared_ptr<RamFile> file = *std::move(opened);
  absl::StatusOr<Discovery> discovery = Discover(*file, options.discover);
  if (!discovery.ok()) return FailWith(discovery.status());
  AuthResults auth;
  absl::StatusOr<const SessionReport*> chosen;
  if (keyed) {
    std::vector<SessionAuthResult> results;
    chosen = ChooseAuthenticatedSession(file, *discovery, options, &results);
    for (const SessionAuthResult& r : results) {
      auth[r.session_id] = r.outcome.ok()
                               ? std::string(AuthOutcomeName(*r.outcome))
                               : "no-answer";
    }
  } else {
    chosen = ChooseSession(*discovery, options.session_id);
  }
  LayoutFound layout;
  if (chosen.ok()) layout = CalibrateChosen(file, **chosen, keyed);
  const absl::Duration total = absl::Now() - start;
  if (chosen.ok()) {
    // Later commands (ps, info, watch) start from this page table.
    absl::Status cached = RememberSession(options.cache_dir, *file, **chosen);
    if (!cached.ok() && FLAGS_verbose) {
      std::fprintf(stderr, "haywire: %s\n",
                   TerminalSafe(cached.message()).c_str());
    }
  }
  const SessionReport* picked = chosen.ok() ? *chosen : nullptr;
  if (FLAGS_json) {
    WriteJson(*discovery, picked, total, auth, layout);
  } else {
    WriteText(*discovery, picked, total, auth, layout);
  }
  std::fflush(stdout);
  if (!chosen.ok()) return FailWith(chosen.status());
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command DiscoverCommand() {
  Command command;
  command.name = "discover";
  command.summary = "Find Haywire sessions in a VM's RAM file";
  command.usage = "[--mem-file=PATH] [--json] [--verbose]";
  command.help =
      "Scans the VM's RAM file for the pages of a guest-serve companion's "
      "region. Every region page carries a checksummed header naming its "
      "session and position, so the region is rebuilt even though its pages "
      "lie scattered across guest RAM. Each session found is reported with "
      "its pages found and expected, the file offset of its beacon page, the "
      "companion's PID, the guest's hostname and kernel, and whether it is "
      "live (its heartbeat advances within --live-wait-ms) or stale (left "
      "over from an earlier companion). Each session is judged by its own "
      "heartbeat only: any guest user can run a companion (or forge its "
      "pages), so when more than one live session could be used, discover "
      "lists them all and exits 13; pick one with --session=ID (every host "
      "command takes it).\n\n"
      "With the VM's key (--key-file, or <mem-file>.key), discover also "
      "challenges each live session to prove the key and shows the result "
      "(authenticated, unauthenticated: the companion has no key, failed: "
      "it does not hold this one, no-answer); only a session that proves "
      "the key is used, even when it is the only one (exit 14 when none "
      "does).\n\n"
      "For the session it uses, discover also asks the companion where its "
      "region pages lie in guest-physical memory and, from where it found "
      "them in the file, derives the RAM file's layout (x86 pc/q35 or arm64 "
      "virt; what read --direct and grep --direct use): --json's "
      "ram_layout, with how many region pages confirmed it, or "
      "ram_layout_error.\n\n"
      "Only data extents of the file are read, in large populated chunks; "
      "--verbose says how long the scan took. The live session's page table "
      "is cached so that ps, info and watch connect without rescanning.\n\n"
      "Exit status is 0 when a live, complete session was found.\n\n"
      "Examples:\n"
      "  haywire discover\n"
      "  haywire discover --mem-file=/dev/hugepages/vm --json";
  command.flags = HostFlagNames();
  command.exit_codes = {ExitCode::kOk,
                        ExitCode::kUsage,
                        ExitCode::kMemFileUnusable,
                        ExitCode::kNoBeacon,
                        ExitCode::kNoLiveSession,
                        ExitCode::kSessionIncomplete,
                        ExitCode::kVersionMismatch,
                        ExitCode::kAmbiguousSession,
                        ExitCode::kUnauthenticated,
                        ExitCode::kKeyFileUnusable,
                        ExitCode::kFailure};
  command.run = RunDiscover;
  return command;
}

}  // namespace haywire
