// Copyright 2026 The Haywire Authors.

#include "haywire/host/discovery.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "haywire/host/failure.h"
#include "haywire/util/poll_policy.h"

namespace haywire {
namespace {

BeaconPage& BeaconAt(const RamFile& file, uint64_t offset) {
  return *reinterpret_cast<BeaconPage*>(file.base() + offset);
}

}  // namespace

std::string SessionIdText(uint64_t id) {
  return absl::StrCat("0x", absl::Hex(id, absl::kZeroPad16));
}

SessionReport ExamineSession(const RamFile& file, SessionPages pages) {
  SessionReport report;
  report.pages = std::move(pages);
  // Any copy with valid info will do for identity; liveness picks the copy.
  for (uint64_t offset : report.pages.beacon_offsets) {
    absl::StatusOr<CompanionIdentity> identity =
        ReadBeaconInfo(BeaconAt(file, offset));
    report.beacon_status = identity.status();
    if (identity.ok()) {
      report.identity = *std::move(identity);
      report.beacon_offset = offset;
      break;
    }
  }
  if (report.beacon_offset == kMissingPage &&
      !report.pages.beacon_offsets.empty()) {
    report.beacon_offset = report.pages.beacon_offsets.front();
  }
  return report;
}

void CheckLiveness(const RamFile& file, absl::Duration wait,
                   std::vector<SessionReport>* sessions) {
  struct Watch {
    SessionReport* report;
    uint64_t offset;
    uint64_t first_counter;
  };
  std::vector<Watch> watches;
  for (SessionReport& report : *sessions) {
    report.live = false;
    report.decided = false;
    if (!report.beacon_status.ok()) {
      report.decided = true;  // no valid beacon: cannot be talked to
      continue;
    }
    for (uint64_t offset : report.pages.beacon_offsets) {
      Heartbeat h = ReadHeartbeat(BeaconAt(file, offset));
      if (offset == report.beacon_offset) report.heartbeat = h;
      watches.push_back({&report, offset, h.counter});
    }
  }
  // Once one session is seen alive, its clock judges the others at once: a
  // session from another boot of the guest, or one whose last heartbeat is
  // well behind the live one's on the same guest clock, is stale. A session
  // whose boot is unknown (a companion that could not read the boot id), or
  // that has not beaten yet (a companion just starting: no heartbeat time to
  // compare), is left to its own heartbeat: it may well be alive.
  auto judge_by_live_clock = [sessions](const SessionReport& live) {
    for (SessionReport& other : *sessions) {
      if (other.decided) continue;
      if (other.identity.boot_id.empty() || live.identity.boot_id.empty()) {
        continue;
      }
      if (other.identity.boot_id != live.identity.boot_id) {
        other.decided = true;
      } else if (other.heartbeat.counter != 0 &&
                 other.heartbeat.mono_ns + 2 * kHeartbeatPeriodNs <
                     live.heartbeat.mono_ns) {
        other.decided = true;
        other.silent_ns = live.heartbeat.mono_ns - other.heartbeat.mono_ns;
      }
    }
  };
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + wait;
  // Poll every beacon copy; a copy whose counter moves is the live one. The
  // wait is bounded and ends as soon as every session has been judged.
  // Spin (not sleep) through the first couple of the reference companion's
  // 10 ms ticks: the command's first request then follows the tick by well
  // under a millisecond, before the companion looks again after it
  // (CompanionOptions::tick_recheck), and is served then.
  const absl::Time spin_until = start + absl::Milliseconds(25);
  absl::Time now = start;
  for (int round = 0;; ++round) {
    for (Watch& w : watches) {
      if (w.report->decided) continue;
      Heartbeat h = ReadHeartbeat(BeaconAt(file, w.offset));
      if (h.counter != w.first_counter) {
        w.report->live = true;
        w.report->decided = true;
        w.report->beacon_offset = w.offset;
        w.report->heartbeat = h;
        judge_by_live_clock(*w.report);
      }
    }
    const bool pending =
        std::any_of(watches.begin(), watches.end(),
                    [](const Watch& w) { return !w.report->decided; });
    if (!pending) break;
    if (now < spin_until) {
      CpuRelax();
      if (round % 64 != 0) continue;  // the clock costs more than a look
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    now = absl::Now();
    if (now >= deadline) break;
  }
  for (SessionReport& report : *sessions) {
    report.decided = true;
    if (report.live) {
      report.pages.offsets[kBeaconPageIndex] = report.beacon_offset;
    }
  }
}

absl::StatusOr<Discovery> Discover(const RamFile& file,
                                   const DiscoverOptions& options) {
  absl::StatusOr<ScanResult> scan = ScanRamFile(file, options.scan);
  if (!scan.ok()) return scan.status();
  Discovery discovery;
  discovery.path = file.path();
  discovery.stats = scan->stats;
  for (SessionPages& pages : GroupBySession(scan->pages)) {
    discovery.sessions.push_back(ExamineSession(file, std::move(pages)));
  }
  CheckLiveness(file, options.live_wait, &discovery.sessions);
  return discovery;
}

absl::StatusOr<const SessionReport*> ChooseSession(const Discovery& discovery) {
  const ScanStats& stats = discovery.stats;
  const std::string scanned =
      absl::StrCat(stats.pages_in_file, " pages scanned");
  if (discovery.sessions.empty()) {
    if (stats.unknown_version > 0) {
      return MakeFailure(
          absl::StatusCode::kFailedPrecondition,
          absl::StrCat("found ", stats.unknown_version, " haywire pages in ",
                       discovery.path, " but of protocol version ",
                       absl::StrJoin(stats.unknown_versions, ", "),
                       "; this haywire speaks version ", kProtocolVersion,
                       ": use the same haywire version in guest and host"),
          Failure::kVersionMismatch);
    }
    std::string rejected;
    const uint64_t bad =
        stats.bad_checksum + stats.bad_magic2 + stats.bad_field;
    if (bad > 0) {
      rejected = absl::StrCat("; ", bad,
                              " pages started with the magic but "
                              "failed validation (",
                              stats.bad_checksum, " bad checksum)");
    }
    return MakeFailure(
        absl::StatusCode::kNotFound,
        absl::StrCat("no beacon found in ", discovery.path, " (", scanned,
                     rejected, "); is guest-serve running in the VM?"),
        Failure::kNoBeacon);
  }
  const SessionReport* best_incomplete = nullptr;
  const SessionReport* bad_beacon = nullptr;
  for (const SessionReport& s : discovery.sessions) {
    if (!s.beacon_status.ok() && s.pages.page_count > 0 &&
        !s.pages.beacon_offsets.empty() && bad_beacon == nullptr) {
      bad_beacon = &s;
    }
    if (!s.live) continue;
    if (!s.pages.complete()) {
      if (best_incomplete == nullptr) best_incomplete = &s;
      continue;
    }
    return &s;  // newest first
  }
  if (best_incomplete != nullptr) {
    const SessionPages& p = best_incomplete->pages;
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("live session ", SessionIdText(p.session_id), " in ",
                     discovery.path, " has ", p.pages_found, " of ",
                     p.page_count, " pages (", p.page_count - p.pages_found,
                     " missing); is the RAM file the whole of guest memory "
                     "(one memory-backend-file, share=on)?"),
        Failure::kSessionIncomplete);
  }
  bool any_beacon = false;
  for (const SessionReport& s : discovery.sessions) {
    any_beacon |= s.beacon_status.ok();
  }
  if (!any_beacon && bad_beacon != nullptr &&
      absl::IsFailedPrecondition(bad_beacon->beacon_status)) {
    return MakeFailure(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("session ", SessionIdText(bad_beacon->pages.session_id),
                     ": ", bad_beacon->beacon_status.message()),
        Failure::kVersionMismatch);
  }
  if (!any_beacon) {
    return MakeFailure(
        absl::StatusCode::kNotFound,
        absl::StrCat("no beacon found in ", discovery.path, " (", scanned, "; ",
                     discovery.sessions.size(),
                     " sessions had pages but no valid beacon page); is "
                     "guest-serve running in the VM?"),
        Failure::kNoBeacon);
  }
  return MakeFailure(
      absl::StatusCode::kUnavailable,
      absl::StrCat("no live companion in ", discovery.path, ": ",
                   discovery.sessions.size(),
                   " stale session(s), heartbeat not advancing; is "
                   "guest-serve running in the VM?"),
      Failure::kNoLiveSession);
}

}  // namespace haywire
