// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_refresher.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "haywire/host/discovery.h"

namespace haywire {

WatchRefresher::WatchRefresher(std::unique_ptr<GuestPoller> poller,
                               Snapshot first, RefresherOptions options)
    : poller_(std::move(poller)),
      options_(options),
      maker_(options.highlight_hold_ns) {
  maker_.set_feed(options.change_feed);
  thread_ = std::thread([this, first = std::move(first)]() mutable {
    // Terminal signals (SIGWINCH on resize) belong to the UI thread, where
    // curses turns them into KEY_RESIZE.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    Run(std::move(first));
  });
}

WatchRefresher::~WatchRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::optional<RefresherState> WatchRefresher::LatestIfNewer(
    uint64_t seen) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_.generation <= seen) return std::nullopt;
  return state_;
}

void WatchRefresher::RefreshNow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    refresh_now_ = true;
  }
  wake_.notify_all();
}

bool WatchRefresher::WaitFor(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, absl::ToChronoNanoseconds(d),
                 [this] { return stop_ || refresh_now_; });
  refresh_now_ = false;
  return stop_;
}

void WatchRefresher::Publish(std::optional<Frame> frame, std::string problem,
                             std::string notice) {
  std::lock_guard<std::mutex> lock(mu_);
  ++state_.generation;
  if (frame.has_value()) {
    state_.frame = std::move(frame);
    ++state_.frames;
  }
  state_.problem = std::move(problem);
  if (!notice.empty()) {
    state_.notice = std::move(notice);
    state_.notice_time = absl::Now();
  }
}

void WatchRefresher::Run(Snapshot first) {
  std::optional<Snapshot> next = std::move(first);
  uint64_t primed_session = 0;
  uint64_t last_session = next->session_id;
  absl::Time gone_since = absl::InfiniteFuture();
  std::string gone_reason;  // why it went away (later retries say less)
  for (;;) {
    if (!next.has_value()) {
      absl::StatusOr<Snapshot> taken = poller_->Take();
      if (!taken.ok()) {
        const absl::Time now = absl::Now();
        if (gone_since == absl::InfiniteFuture()) {
          gone_since = now;
          gone_reason = GoneReason(taken.status());
        }
        Publish(std::nullopt,
                absl::StrFormat("companion gone (%s, %.0f s ago); waiting "
                                "for a new session...",
                                gone_reason,
                                absl::ToDoubleSeconds(now - gone_since)),
                "");
        if (WaitFor(options_.retry)) return;
        continue;
      }
      next = *std::move(taken);
    }
    gone_since = absl::InfiniteFuture();
    std::string notice;
    if (next->session_id != last_session) {
      notice = absl::StrCat("reconnected: new session ",
                            SessionIdText(next->session_id));
      last_session = next->session_id;
    }
    Frame frame = maker_.Next(*std::move(next));
    next.reset();
    if (frame.interval_ns == 0 && primed_session != frame.session_id) {
      // A session's first snapshot: show it (header, processes) but take
      // the next one soon, for %CPU.
      primed_session = frame.session_id;
      Publish(std::move(frame), "", std::move(notice));
      if (WaitFor(options_.priming)) return;
      continue;
    }
    Publish(std::move(frame), "", std::move(notice));
    if (WaitFor(options_.interval)) return;
  }
}

}  // namespace haywire
