// Copyright 2026 The Haywire Authors.

#include "haywire/host/discovery.h"

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
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
    bool moved = false;
  };
  std::vector<Watch> watches;
  for (SessionReport& report : *sessions) {
    report.live = false;
    report.live_beacon_copies = 0;
    if (!report.beacon_status.ok()) continue;  // cannot be talked to
    for (uint64_t offset : report.pages.beacon_offsets) {
      Heartbeat h = ReadHeartbeat(BeaconAt(file, offset));
      if (offset == report.beacon_offset) report.heartbeat = h;
      watches.push_back({&report, offset, h.counter});
    }
  }
  // A session is decided when its heartbeat has moved, unless it has more
  // than one beacon copy: then every copy is watched to the end, because a
  // second ticking copy makes the session untrustworthy.
  auto undecided = [](const Watch& w) {
    return !w.moved &&
           (!w.report->live || w.report->pages.beacon_offsets.size() > 1);
  };
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + wait;
  // Poll every beacon copy; a copy whose counter moves is live. The wait is
  // bounded and ends as soon as every session has been judged.
  // Spin (not sleep) through the first couple of the reference companion's
  // 10 ms ticks: the command's first request then follows the tick by well
  // under a millisecond, before the companion looks again after it
  // (CompanionOptions::tick_recheck), and is served then.
  const absl::Time spin_until = start + absl::Milliseconds(25);
  absl::Time now = start;
  for (int round = 0;; ++round) {
    for (Watch& w : watches) {
      if (w.moved) continue;
      Heartbeat h = ReadHeartbeat(BeaconAt(file, w.offset));
      if (h.counter != w.first_counter) {
        w.moved = true;
        SessionReport& report = *w.report;
        if (report.live_beacon_copies++ == 0) {
          report.live = true;
          report.beacon_offset = w.offset;
          report.heartbeat = h;
        }
      }
    }
    if (std::none_of(watches.begin(), watches.end(), undecided)) break;
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
    if (report.live && !report.pages.offsets.empty()) {
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
  for (SessionPages& pages :
       GroupBySession(scan->pages, &discovery.sessions_ignored)) {
    discovery.sessions.push_back(ExamineSession(file, std::move(pages)));
  }
  CheckLiveness(file, options.live_wait, &discovery.sessions);
  return discovery;
}

std::optional<uint64_t> ParseSessionId(absl::string_view text) {
  if (absl::StartsWith(text, "0x") || absl::StartsWith(text, "0X")) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t id = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    id = id << 4 | static_cast<uint64_t>(digit);
  }
  return id;
}

std::string DescribeSession(const SessionReport& s) {
  return absl::StrCat(SessionIdText(s.pages.session_id), " (pid ",
                      s.identity.pid, ", host ", s.identity.hostname, ", ",
                      s.pages.pages_found, " pages)");
}

namespace {

// Why a live session cannot be written to, or "".
std::string WhyNotUsable(const SessionReport& s, const std::string& path) {
  const SessionPages& p = s.pages;
  if (!p.complete()) {
    return absl::StrCat("live session ", SessionIdText(p.session_id), " in ",
                        path, " has ", p.pages_found, " of ", p.page_count,
                        " pages (", p.page_count - p.pages_found,
                        " missing); is the RAM file the whole of guest memory "
                        "(one memory-backend-file, share=on)?");
  }
  if (!p.conflicting_indices.empty()) {
    return absl::StrCat(
        "live session ", SessionIdText(p.session_id), " in ", path,
        " has page ", p.conflicting_indices.front(), " (",
        p.conflicting_indices.size() == 1
            ? std::string("the only one")
            : absl::StrCat(p.conflicting_indices.size(), " in all"),
        ") at more than one place in the file, so the host cannot tell the "
        "companion's current page; restart guest-serve in the VM");
  }
  if (s.live_beacon_copies > 1) {
    return absl::StrCat("live session ", SessionIdText(p.session_id), " in ",
                        path, " has ", s.live_beacon_copies,
                        " beacon pages with moving heartbeats (a forgery?); "
                        "restart guest-serve in the VM");
  }
  return "";
}

}  // namespace

absl::StatusOr<const SessionReport*> ChooseSession(
    const Discovery& discovery, std::optional<uint64_t> session_id) {
  const ScanStats& stats = discovery.stats;
  const std::string scanned =
      absl::StrCat(stats.pages_in_file, " pages scanned");
  if (session_id.has_value()) {
    for (const SessionReport& s : discovery.sessions) {
      if (s.pages.session_id != *session_id) continue;
      if (!s.beacon_status.ok() || !s.live) {
        return MakeFailure(
            absl::StatusCode::kUnavailable,
            absl::StrCat("session ", SessionIdText(*session_id), " in ",
                         discovery.path,
                         " is not live (heartbeat not advancing); run "
                         "haywire discover to see the sessions"),
            Failure::kNoLiveSession);
      }
      if (std::string why = WhyNotUsable(s, discovery.path); !why.empty()) {
        return MakeFailure(absl::StatusCode::kDataLoss, why,
                           Failure::kSessionIncomplete);
      }
      return &s;
    }
    return MakeFailure(
        absl::StatusCode::kNotFound,
        absl::StrCat("no session ", SessionIdText(*session_id), " in ",
                     discovery.path,
                     "; run haywire discover to see the sessions"),
        Failure::kNoLiveSession);
  }
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
  std::vector<const SessionReport*> usable;
  const SessionReport* first_unusable_live = nullptr;
  const SessionReport* bad_beacon = nullptr;
  for (const SessionReport& s : discovery.sessions) {
    if (!s.beacon_status.ok() && s.pages.page_count > 0 &&
        !s.pages.beacon_offsets.empty() && bad_beacon == nullptr) {
      bad_beacon = &s;
    }
    if (!s.live) continue;
    if (s.usable()) {
      usable.push_back(&s);
    } else if (first_unusable_live == nullptr) {
      first_unusable_live = &s;
    }
  }
  if (usable.size() == 1) return usable.front();
  if (usable.size() > 1) {
    std::vector<std::string> names;
    for (const SessionReport* s : usable) names.push_back(DescribeSession(*s));
    return MakeFailure(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(usable.size(), " live sessions in ", discovery.path, ": ",
                     absl::StrJoin(names, ", "),
                     "; any guest user can run a companion, so pick the "
                     "real one with --session=ID"),
        Failure::kAmbiguousSession);
  }
  if (first_unusable_live != nullptr) {
    return MakeFailure(absl::StatusCode::kDataLoss,
                       WhyNotUsable(*first_unusable_live, discovery.path),
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
