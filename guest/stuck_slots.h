// Copyright 2026 The Haywire Authors.
//
// StuckSlotSweeper: the companion frees request slots whose state word sits
// in a state it did not set, for longer than a timeout.
//
// Every slot's state word is moved by CAS between the owner host and the
// companion (haywire/protocol/slot.h), and most states are left within
// microseconds. Some are left only by their holder, so a holder that never
// comes back loses the slot for good:
//
//   * kClaimed: a host claimed the slot and never published (it was killed,
//     stopped, or is hostile). Hosts reclaim it only if they can see the
//     owner's PID is dead, which a host in another PID namespace cannot.
//   * kInProgress, kAbandoned: only a companion that takes a request (T4)
//     sets kInProgress; this companion answers in place and never does, so
//     any such word the sweep sees was written by someone else, and nobody
//     else may leave these states (docs/PROTOCOL.md 9.6).
//   * a word that is not well-formed (a state above kAbandoned, a free state
//     with an owner, a taken state without one): garbage from a buggy or
//     hostile writer, which no CAS of the protocol ever moves.
//   * kResponseReady that is not the word this companion published there:
//     forged.
//   * kResponseReady that this companion did publish, kept by its owner for
//     its next request (keep-alive): legitimate while the owner lives, so
//     it gets a longer timeout (`kept_timeout`); a client that finds its kept
//     slot gone claims another one (haywire/host/client.cc, TakeKeptSlot).
//
// A well-formed kFree or kRequestReady word is never stuck (the latter is
// served on the next pass). A word is freed only if it stayed exactly the
// same (state, generation, owner) for the whole timeout: one CAS from that
// word to kFree with its generation and owner 0 (ResetStuckSlot). An actor
// that still holds the old word then fails its next CAS, as after a reclaim.
//
// Times are CLOCK_MONOTONIC nanoseconds, so a stepped wall clock frees
// nothing early. Not thread-safe: the serving thread sweeps between
// requests, so it never frees a slot it is serving.
#ifndef HAYWIRE_GUEST_STUCK_SLOTS_H_
#define HAYWIRE_GUEST_STUCK_SLOTS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/slot.h"

namespace haywire {

struct StuckSlotOptions {
  // kClaimed, kInProgress, kAbandoned, malformed and forged words. A host
  // writes its request between its claim and its publish in microseconds;
  // ten seconds is a host that is not coming back.
  absl::Duration timeout = absl::Seconds(10);
  // kResponseReady words this companion published (a kept slot).
  absl::Duration kept_timeout = absl::Seconds(60);
};

// How the sweep treats a word.
enum class SlotWordClass {
  kLive,     // well-formed kFree or kRequestReady: never stuck.
  kKept,     // the kResponseReady word the companion published: kept_timeout.
  kForeign,  // anything else: timeout.
};

// Classifies `raw`, the state word of a slot whose last response this
// companion published as `published` (a kResponseReady word; nullopt when
// it has published none since the region was created).
SlotWordClass ClassifySlotWord(uint64_t raw,
                               const std::optional<SlotWord>& published);

class StuckSlotSweeper {
 public:
  explicit StuckSlotSweeper(StuckSlotOptions options = {})
      : options_(options) {}

  // Records that the companion published `word` (kResponseReady) in slot
  // `index`.
  void Published(uint32_t index, const SlotWord& word) {
    published_[index] = word;
  }

  // Looks at every slot's word once (relaxed: a stuck word is one that does
  // not change, and the freeing CAS re-checks it exactly) and frees those
  // that stayed the same for their timeout. Returns how many it freed.
  int Sweep(const std::array<RequestSlotPage*, kRequestSlotCount>& slots,
            uint64_t now_mono_ns);

  // Slots freed so far; any thread may read it (relaxed: a statistic, no
  // data rides on it), only the serving loop writes it.
  uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }

 private:
  struct Watch {
    bool watching = false;
    uint64_t word = 0;  // the word seen unchanged since `since_ns`.
    uint64_t since_ns = 0;
  };

  StuckSlotOptions options_;
  std::array<Watch, kRequestSlotCount> watch_;
  std::array<std::optional<SlotWord>, kRequestSlotCount> published_;
  std::atomic<uint64_t> freed_{0};
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_STUCK_SLOTS_H_
