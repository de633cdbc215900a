// Copyright 2026 The Haywire Authors.
//
// WatchRefresher: the guest side of `haywire watch`'s full-screen view, in
// its own thread, so the screen never waits on the guest.
//
// The thread takes a snapshot every interval (GuestPoller), turns it into a
// frame (FrameMaker) and publishes it; the UI thread polls for the newest
// state between keystrokes. When the companion goes away the thread keeps
// trying to reconnect (every `retry`, each attempt bounded by the
// poller's deadlines) and publishes why it has no frame ("companion gone
// (...); waiting for a new session..."); when a new session answers it
// publishes a notice and frames again.
//
// The first frame of a session has no interval to compute %CPU over, so the
// thread takes a second snapshot `priming` later and publishes that frame
// instead (top's first screen does the same).
//
// Thread-safe: Latest(), RefreshNow() and the destructor may be called from
// any one thread while the worker runs.
#ifndef HAYWIRE_CLI_WATCH_REFRESHER_H_
#define HAYWIRE_CLI_WATCH_REFRESHER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "haywire/watch/frame.h"
#include "haywire/watch/frame_maker.h"
#include "haywire/watch/guest_poller.h"
#include "haywire/watch/process_change_feed.h"

namespace haywire {

struct RefresherOptions {
  absl::Duration interval = absl::Seconds(3);
  absl::Duration priming = absl::Milliseconds(500);
  absl::Duration retry = absl::Milliseconds(500);
  uint64_t highlight_hold_ns = 3'000'000'000;
  // Where process starts and exits come from (e.g. a ProcessEventFeed fed
  // by the guest's event ring); null: PID diffs of successive snapshots.
  // Used from the refresher's thread only (a feed fed by another thread
  // must lock inside TakeChanges); must outlive the refresher.
  ProcessChangeFeed* change_feed = nullptr;
};

// What the UI shows, as of `generation`.
struct RefresherState {
  uint64_t generation = 0;     // bumped on every change
  std::optional<Frame> frame;  // the newest frame, if any
  // Non-empty while the guest is not answering: the status line.
  std::string problem;
  // A passing remark ("reconnected to session 0x..."), shown for a while.
  std::string notice;
  absl::Time notice_time;
  uint64_t frames = 0;  // frames published so far
};

class WatchRefresher {
 public:
  // Starts the thread; `first` is the snapshot the caller took to check the
  // connection before taking over the terminal.
  WatchRefresher(std::unique_ptr<GuestPoller> poller, Snapshot first,
                 RefresherOptions options);
  // Stops and joins the thread (it finishes its current, bounded, request).
  ~WatchRefresher();

  WatchRefresher(const WatchRefresher&) = delete;
  WatchRefresher& operator=(const WatchRefresher&) = delete;

  // A copy of the state if its generation is newer than `seen`.
  std::optional<RefresherState> LatestIfNewer(uint64_t seen) const;

  // Refresh now instead of at the end of the interval (the space key).
  void RefreshNow();

 private:
  void Run(Snapshot first);
  // Waits up to `d` or until stopped or asked to refresh; true if stopped.
  bool WaitFor(absl::Duration d);
  void Publish(std::optional<Frame> frame, std::string problem,
               std::string notice);

  std::unique_ptr<GuestPoller> poller_;  // used by the thread only
  const RefresherOptions options_;
  FrameMaker maker_;  // used by the thread only

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;         // guarded by mu_
  bool refresh_now_ = false;  // guarded by mu_
  RefresherState state_;      // guarded by mu_
  std::thread thread_;
};

}  // namespace haywire

#endif  // HAYWIRE_CLI_WATCH_REFRESHER_H_
