// Copyright 2026 The Haywire Authors.

#include "guest/stuck_slots.h"

#include "haywire/protocol/shared_access.h"

namespace haywire {

SlotWordClass ClassifySlotWord(uint64_t raw,
                               const std::optional<SlotWord>& published) {
  const SlotWord word = SlotWord::Unpack(raw);
  if (!word.IsWellFormed()) return SlotWordClass::kForeign;
  switch (word.state) {
    case SlotState::kFree:
    case SlotState::kRequestReady:
      return SlotWordClass::kLive;
    case SlotState::kResponseReady:
      return published.has_value() && *published == word
                 ? SlotWordClass::kKept
                 : SlotWordClass::kForeign;
    default:
      return SlotWordClass::kForeign;
  }
}

int StuckSlotSweeper::Sweep(
    const std::array<RequestSlotPage*, kRequestSlotCount>& slots,
    uint64_t now_mono_ns) {
  int freed = 0;
  for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
    // Relaxed: only a hint. A word that changes is not stuck, and the
    // freeing CAS names the exact word, so a stale view frees nothing.
    const uint64_t raw = LoadRelaxed(slots[i]->state);
    Watch& watch = watch_[i];
    const SlotWordClass kind = ClassifySlotWord(raw, published_[i]);
    if (kind == SlotWordClass::kLive) {
      watch.watching = false;
      continue;
    }
    if (!watch.watching || watch.word != raw) {
      watch = {true, raw, now_mono_ns};
      continue;
    }
    const absl::Duration limit =
        kind == SlotWordClass::kKept ? options_.kept_timeout : options_.timeout;
    if (now_mono_ns - watch.since_ns <
        static_cast<uint64_t>(absl::ToInt64Nanoseconds(limit))) {
      continue;
    }
    watch.watching = false;
    if (ResetStuckSlot(*slots[i], raw)) {
      ++freed;
      // Single writer: a relaxed load and store, no read-modify-write.
      freed_.store(freed_.load(std::memory_order_relaxed) + 1,
                   std::memory_order_relaxed);
    }
  }
  return freed;
}

}  // namespace haywire
