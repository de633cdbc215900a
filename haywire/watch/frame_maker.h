// Copyright 2026 The Haywire Authors.
//
// FrameMaker: turns the stream of snapshots `haywire watch` takes into
// frames, keeping what a frame needs from the past: the previous snapshot
// (for %CPU deltas) and the recent starts and exits (for highlights).
//
// Changes come from the snapshot's own events when it carries them (the
// guest's event ring, see Snapshot::events), else from a feed installed
// with set_feed(), else from a PidDiffFeed over the snapshots (which is
// always kept up to date as the baseline).
//
// A snapshot of a different session than the previous one (the companion
// was restarted) starts over: no deltas, no highlights, a fresh baseline.
//
// Not thread-safe.
#ifndef HAYWIRE_WATCH_FRAME_MAKER_H_
#define HAYWIRE_WATCH_FRAME_MAKER_H_

#include <cstdint>
#include <optional>

#include "haywire/watch/frame.h"
#include "haywire/watch/process_change_feed.h"

namespace haywire {

class FrameMaker {
 public:
  // Starts and exits stay highlighted for `highlight_hold_ns` of guest time.
  explicit FrameMaker(uint64_t highlight_hold_ns);

  // The frame of `snapshot`, which becomes the previous snapshot.
  Frame Next(Snapshot snapshot);

  // Takes changes from `feed` (not owned; null: back to the PID diff).
  void set_feed(ProcessChangeFeed* feed) { external_feed_ = feed; }

  // Forgets the past (the next frame is a first frame).
  void Reset();

  bool has_previous() const { return previous_.has_value(); }

 private:
  PidDiffFeed pid_diff_;
  ProcessEventFeed ring_feed_;
  ProcessChangeFeed* external_feed_ = nullptr;
  ChangeHighlights highlights_;
  std::optional<Snapshot> previous_;
};

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FRAME_MAKER_H_
