// Copyright 2026 The Haywire Authors.

#include "guest/iterator_table.h"

#include "haywire/protocol/shared_access.h"

namespace haywire {

IteratorTable::IteratorTable(IteratorTablePage* mirror, uint64_t seed)
    : mirror_(mirror), ids_(seed) {
  Publish();
}

ListingIterator* IteratorTable::Claim(uint32_t owner_pid, RequestType type,
                                      uint64_t now_ns) {
  ListingIterator* victim = &slots_[0];
  for (ListingIterator& it : slots_) {
    if (it.id == 0) {
      victim = &it;
      break;
    }
    if (it.last_used_ns < victim->last_used_ns) victim = &it;
  }
  if (victim->id != 0) ++evictions_;
  uint64_t id = 0;
  while (id == 0) id = ids_();
  *victim = ListingIterator{};
  victim->id = id;
  victim->owner_pid = owner_pid;
  victim->type = type;
  victim->last_used_ns = now_ns;
  return victim;
}

ListingIterator* IteratorTable::Create(uint32_t owner_pid, RequestType type,
                                       uint64_t now_ns) {
  ListingIterator* it = Claim(owner_pid, type, now_ns);
  Publish();
  return it;
}

ListingIterator* IteratorTable::Create(uint32_t owner_pid,
                                       std::vector<uint32_t> pids,
                                       uint64_t now_ns) {
  ListingIterator* it = Claim(owner_pid, RequestType::kListProcesses, now_ns);
  it->pids = std::move(pids);
  Publish();
  return it;
}

ListingIterator* IteratorTable::Find(uint64_t id, uint32_t owner_pid,
                                     uint64_t now_ns, RequestType type) {
  if (id == 0) return nullptr;
  for (ListingIterator& it : slots_) {
    if (it.id == id && it.owner_pid == owner_pid && it.type == type) {
      it.last_used_ns = now_ns;
      return &it;
    }
  }
  return nullptr;
}

bool IteratorTable::Release(uint64_t id, uint32_t owner_pid) {
  if (id == 0) return false;
  for (ListingIterator& it : slots_) {
    if (it.id == id && it.owner_pid == owner_pid) {
      it = ListingIterator{};
      Publish();
      return true;
    }
  }
  return false;
}

size_t IteratorTable::in_use() const {
  size_t n = 0;
  for (const ListingIterator& it : slots_) n += it.id != 0;
  return n;
}

void IteratorTable::Publish() const {
  if (mirror_ == nullptr) return;
  // Relaxed: informational for hosts; nothing is published through it.
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    const ListingIterator& it = slots_[i];
    IteratorEntry& e = mirror_->entries[i];
    StoreRelaxed(e.iterator_id, it.id);
    StoreRelaxed(e.owner_pid, it.owner_pid);
    StoreRelaxed(e.request_type,
                 it.id == 0 ? 0u : static_cast<uint32_t>(it.type));
    StoreRelaxed(e.last_used_mono_ns, it.last_used_ns);
    StoreRelaxed(e.position, static_cast<uint32_t>(it.position));
    StoreRelaxed(e.total, static_cast<uint32_t>(it.pids.size()));
  }
}

}  // namespace haywire
