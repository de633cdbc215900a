// Copyright 2026 The Haywire Authors.

#include "haywire/watch/frame_maker.h"

#include <utility>

namespace haywire {

FrameMaker::FrameMaker(uint64_t highlight_hold_ns)
    : highlights_(highlight_hold_ns) {}

void FrameMaker::Reset() {
  pid_diff_.Reset();
  (void)ring_feed_.TakeChanges();  // the old session's
  highlights_.Clear();
  previous_.reset();
}

Frame FrameMaker::Next(Snapshot snapshot) {
  if (previous_.has_value() && previous_->session_id != snapshot.session_id) {
    Reset();
  }
  const uint64_t now = snapshot.summary.monotonic_ns;
  pid_diff_.OnSnapshot(snapshot.list.processes, now);
  std::vector<ProcessChange> changes = pid_diff_.TakeChanges();
  if (snapshot.events.has_value()) {
    for (const ProcessEvent& e : *snapshot.events) ring_feed_.OnEvent(e);
    changes = ring_feed_.TakeChanges();
  } else if (external_feed_ != nullptr) {
    changes = external_feed_->TakeChanges();
  }
  highlights_.Add(changes);
  highlights_.Expire(now);
  Frame frame =
      BuildFrame(previous_ ? &*previous_ : nullptr, snapshot, &highlights_);
  for (const ProcessChange& c : changes) {
    (c.kind == ProcessChange::Kind::kStarted ? frame.started_pids
                                             : frame.exited_pids)
        .push_back(c.pid);
  }
  previous_ = std::move(snapshot);
  return frame;
}

}  // namespace haywire
