// Copyright 2026 The Haywire Authors.

#include "haywire/host/live_session.h"

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "glog/logging.h"
#include "haywire/host/failure.h"
#include "haywire/host/session_cache.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/page_table.h"
#include "haywire/util/trace.h"

namespace haywire {
namespace {

std::string CacheDirOf(const std::string& dir) {
  return dir.empty() ? DefaultCacheDir() : dir;
}

// A session report rebuilt from a verified cache entry (whose table it
// takes: a copy would cost a page fault per 4 KiB).
SessionPages PagesFromCache(CachedSession&& cached) {
  SessionPages pages;
  pages.session_id = cached.session_id;
  pages.page_count = static_cast<uint32_t>(cached.offsets.size());
  pages.offsets = std::move(cached.offsets);
  pages.beacon_offsets = {pages.offsets[kBeaconPageIndex]};
  pages.pages_found = pages.page_count;
  return pages;
}

std::string ResultText(const SessionAuthResult& r) {
  return absl::StrCat(
      r.description, ": ",
      r.outcome.ok()
          ? std::string(AuthOutcomeName(*r.outcome))
          : absl::StrCat("no answer (", r.outcome.status().message(), ")"),
      r.remembered ? " (earlier, with this key: not challenged again)" : "");
}

void RememberFailure(const SessionCache& cache, const RamFileKey& file_key,
                     uint64_t session_id, uint64_t key_id) {
  absl::Status s = cache.RememberFailedSession(file_key, session_id, key_id);
  if (!s.ok()) LOG(WARNING) << s.message();
}

std::function<void()> FailureRecorder(const SessionCache& cache,
                                      const RamFile& file,
                                      const SessionReport& report,
                                      uint64_t key_id) {
  return [cache, key = file.key(), session_id = report.pages.session_id,
          key_id] { RememberFailure(cache, key, session_id, key_id); };
}

// `challenge`'s outcome for a session, unless the session failed earlier
// with this key: then kFailed without writing to it, and *remembered is
// set. A fresh failure is remembered.
absl::StatusOr<AuthOutcome> ChallengeUnlessFailedBefore(
    const SessionCache& cache, const RamFileKey& file_key, uint64_t session_id,
    uint64_t key_id, absl::FunctionRef<absl::StatusOr<AuthOutcome>()> challenge,
    bool* remembered) {
  *remembered = cache.IsFailedSession(file_key, session_id, key_id);
  if (*remembered) return AuthOutcome::kFailed;
  absl::StatusOr<AuthOutcome> outcome = challenge();
  if (outcome.ok() && *outcome == AuthOutcome::kFailed) {
    RememberFailure(cache, file_key, session_id, key_id);
  }
  return outcome;
}

}  // namespace

absl::StatusOr<const SessionReport*> ChooseAuthenticatedSession(
    const std::shared_ptr<RamFile>& file, const Discovery& discovery,
    const ConnectOptions& options, std::vector<SessionAuthResult>* out) {
  CHECK(options.challenge) << "ChooseAuthenticatedSession needs a challenge";
  std::vector<const SessionReport*> candidates;
  if (options.session_id.has_value()) {
    // ChooseSession checks the named one is live and usable.
    absl::StatusOr<const SessionReport*> named =
        ChooseSession(discovery, options.session_id);
    if (!named.ok()) return named.status();
    candidates.push_back(*named);
  } else {
    for (const SessionReport& s : discovery.sessions) {
      if (s.live && s.usable()) candidates.push_back(&s);
    }
    if (candidates.empty()) {
      // No live usable session: ChooseSession says why.
      absl::StatusOr<const SessionReport*> none = ChooseSession(discovery);
      if (!none.ok()) return none.status();
      candidates.push_back(*none);
    }
  }
  std::vector<SessionAuthResult> local;
  std::vector<SessionAuthResult>& results = out != nullptr ? *out : local;
  results.clear();
  std::vector<const SessionReport*> proven;
  const SessionCache cache(CacheDirOf(options.cache_dir));
  for (const SessionReport* s : candidates) {
    if (results.size() == kMaxChallengedSessions) break;
    SessionAuthResult r;
    r.session_id = s->pages.session_id;
    r.description = DescribeSession(*s);
    r.outcome = ChallengeUnlessFailedBefore(
        cache, file->key(), r.session_id, options.key_id,
        [&] { return ChallengeSession(file, *s, options.challenge); },
        &r.remembered);
    if (r.outcome.ok() && *r.outcome == AuthOutcome::kAuthenticated) {
      proven.push_back(s);
    }
    results.push_back(std::move(r));
  }
  std::vector<std::string> listed;
  for (const SessionAuthResult& r : results) listed.push_back(ResultText(r));
  if (proven.size() == 1) return proven.front();
  if (proven.size() > 1) {
    return MakeFailure(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat(proven.size(), " live sessions in ", discovery.path,
                     " prove the key: ", absl::StrJoin(listed, ", "),
                     "; pick one with --session=ID"),
        Failure::kAmbiguousSession);
  }
  return MakeFailure(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("no live session in ", discovery.path, " proves the key (",
                   absl::StrJoin(listed, ", "),
                   "); check that --key-file is the key QEMU gives the guest "
                   "(-fw_cfg name=opt/haywire/key) and that guest-serve "
                   "found it"),
      Failure::kUnauthenticated);
}

absl::string_view AuthOutcomeName(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kAuthenticated:
      return "authenticated";
    case AuthOutcome::kUnauthenticated:
      return "unauthenticated";
    case AuthOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

absl::StatusOr<AuthOutcome> ChallengeSession(
    std::shared_ptr<RamFile> file, const SessionReport& report,
    const SessionChallenge& challenge) {
  LiveSession candidate;
  candidate.file = std::move(file);
  candidate.report = report;
  candidate.region = RegionInFile(*candidate.file, report.pages);
  return challenge(candidate);
}

Region RegionInFile(const RamFile& file, const SessionPages& pages) {
  CHECK(pages.unambiguous());
  std::vector<std::byte*> table(pages.page_count);
  for (uint32_t i = 0; i < pages.page_count; ++i) {
    table[i] = file.base() + pages.offsets[i];
  }
  return Region(PageTable(std::move(table)));
}

absl::Status RememberSession(const std::string& cache_dir, const RamFile& file,
                             const SessionReport& report) {
  CachedSession cached;
  cached.key = file.key();
  cached.session_id = report.pages.session_id;
  cached.offsets = report.pages.offsets;
  return SessionCache(CacheDirOf(cache_dir)).Store(cached);
}

absl::StatusOr<LiveSession> ConnectToLiveSession(
    const ConnectOptions& options) {
  const absl::Time start = absl::Now();
  if (options.mem_file_is_default) {
    if (absl::Status s = CheckDefaultPathOwnership(options.mem_file); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<std::unique_ptr<RamFile>> file =
      RamFile::Open(options.mem_file, /*writable=*/true);
  if (!file.ok()) return file.status();
  Trace("RAM file open");
  LiveSession session;
  session.file = *std::move(file);
  const RamFile& ram = *session.file;
  const SessionCache cache(CacheDirOf(options.cache_dir));

  if (options.use_cache) {
    std::optional<CachedSession> cached = cache.Load(ram.key());
    if (cached.has_value() &&
        (!options.session_id.has_value() ||
         *options.session_id == cached->session_id) &&
        VerifyCachedSession(ram, *cached, PageRange{0, kFirstBulkPage})) {
      std::vector<SessionReport> reports;
      bool ring_ok = true;
      if (options.verify_event_ring) {
        // The ring's place is in the beacon (verified above).
        absl::StatusOr<CompanionIdentity> identity =
            ReadBeaconInfo(*reinterpret_cast<const BeaconPage*>(
                ram.base() + cached->offsets[kBeaconPageIndex]));
        ring_ok =
            identity.ok() &&
            (identity->event_ring_page_count == 0 ||
             VerifyCachedSession(ram, *cached,
                                 PageRange{identity->event_ring_first_page,
                                           identity->event_ring_page_count}));
      }
      reports.push_back(
          ExamineSession(ram, PagesFromCache(std::move(*cached))));
      // Build the page table before the liveness wait, not after: the wait
      // ends on a heartbeat tick, and the companion looks for the request
      // that follows it once, tick_recheck (1 ms) later. The table is
      // 128 KiB of fresh memory, about 0.6 ms of page faults here; built
      // after the tick, it would make the first request late for that look.
      // (The liveness check cannot move page 0: a cache entry names one
      // beacon copy, PagesFromCache.)
      Region region = RegionInFile(ram, reports[0].pages);
      Trace("cached session's pages verified");
      if (ring_ok) {
        CheckLiveness(ram, options.discover.live_wait, &reports);
        TraceWith([&] {
          return absl::StrCat("heartbeat watched: ",
                              reports[0].live ? "live" : "not live");
        });
      }
      if (ring_ok && reports[0].live && reports[0].live_beacon_copies == 1) {
        session.report = std::move(reports[0]);
        session.region = std::move(region);
        session.from_cache = true;
        if (!options.challenge) {
          session.elapsed = absl::Now() - start;
          return session;
        }
        // With a key, the cached session must prove it; if it does not,
        // the scan below challenges every live session.
        // A failure is remembered, and the scan below does not challenge
        // the session again.
        bool remembered = false;
        absl::StatusOr<AuthOutcome> outcome = ChallengeUnlessFailedBefore(
            cache, ram.key(), session.report.pages.session_id, options.key_id,
            [&] { return options.challenge(session); }, &remembered);
        Trace("cached session challenged");
        if (outcome.ok() && *outcome == AuthOutcome::kAuthenticated) {
          session.auth = *outcome;
          session.remember_auth_failure =
              FailureRecorder(cache, ram, session.report, options.key_id);
          session.elapsed = absl::Now() - start;
          return session;
        }
        session.from_cache = false;
      }
    }
    // Stale, moved or corrupt: forget it and rescan.
    if (cached.has_value()) cache.Forget(ram.key());
  }

  Trace("no usable cached session: scanning the RAM file");
  absl::StatusOr<Discovery> discovery = Discover(ram, options.discover);
  if (!discovery.ok()) return discovery.status();
  Trace("scan done");
  absl::StatusOr<const SessionReport*> chosen =
      options.challenge
          ? ChooseAuthenticatedSession(session.file, *discovery, options)
          : ChooseSession(*discovery, options.session_id);
  if (!chosen.ok()) return chosen.status();
  session.report = **chosen;
  if (options.challenge) {
    session.auth = AuthOutcome::kAuthenticated;
    session.remember_auth_failure =
        FailureRecorder(cache, ram, session.report, options.key_id);
  }
  session.scan = discovery->stats;
  session.region = RegionInFile(ram, session.report.pages);
  if (options.use_cache) {
    absl::Status stored =
        RememberSession(options.cache_dir, ram, session.report);
    if (!stored.ok()) LOG(WARNING) << stored.message();
  }
  session.elapsed = absl::Now() - start;
  return session;
}

}  // namespace haywire
