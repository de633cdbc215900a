// Copyright 2026 The Haywire Authors.
//
// IteratorTable: the companion's chunked-listing iterators.
//
// LIST_PROCESSES snapshots the PID list and hands the host an iterator id;
// CONTINUE_ITERATION returns the next chunk; CANCEL_ITERATION frees it.
// GET_MEMORY_MAP listings live in the same table: their iterator holds the
// process's open smaps instead of a PID list, and only GET_MEMORY_MAP
// continues them (SEARCH_MEMORY's likewise; each lookup names the request type that started the
// iteration). The table holds kIteratorCount iterators; creating one more
// evicts the least recently used. Ids are random 64-bit numbers and every lookup also checks
// the owner's station id, so a host can never continue another host's
// listing: an evicted, unknown or foreign id is simply "expired".
//
// The table lives in the companion's private memory; Publish() mirrors it
// into the region's IteratorTablePage (entry k = slot k: id, owner, the
// request type that started it, last use, position, snapshot size (0 for a
// map listing, whose length is known only at its end); zero when unused)
// so a host can see what is in use. Every field is a relaxed store: the
// mirror is informational and publishes nothing; hosts must not act on it.
// The constructor, Create() and Release() publish; Find() does not, so the
// caller publishes after it has advanced the iterator (ProcessService does
// after every chunk).
#ifndef HAYWIRE_GUEST_ITERATOR_TABLE_H_
#define HAYWIRE_GUEST_ITERATOR_TABLE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "guest/smaps_reader.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/messages.h"

namespace haywire {

struct ListingIterator {
  uint64_t id = 0;  // 0: unused
  uint32_t owner_pid = 0;
  RequestType type = RequestType::kListProcesses;  // what started it
  uint64_t last_used_ns = 0;
  size_t position = 0;  // entries read (for a process listing: into pids)

  // LIST_PROCESSES.
  std::vector<uint32_t> pids;  // the snapshot
  ListHeader header;
  // Whether entries read /proc/PID/cgroup (ListProcessesRequest::omit).
  bool read_cgroup = true;
  // What was read of pids[position - ahead.size(), position) (a batch,
  // process_reader.h; an error for a process that exited) and not sent
  // yet. Between chunks it holds at most the one entry that did not fit.
  std::deque<absl::StatusOr<ProcessEntry>> ahead;

  // GET_MEMORY_MAP.
  uint32_t map_pid = 0;
  uint64_t map_after = 0;  // mappings ending at or below it are skipped
  std::unique_ptr<SmapsReader> smaps;
  std::optional<MemoryMapping> pending_mapping;  // read, not yet sent

  // SEARCH_MEMORY (also map_pid and smaps; pending_mapping is the mapping
  // being searched).
  std::string search_pattern;
  uint64_t search_next = 0;      // every hit below it has been sent
  uint64_t search_max_hits = 0;  // 0: no limit
  uint64_t search_hits = 0;      // sent so far
};

class IteratorTable {
 public:
  // `mirror` may be null (tests).
  explicit IteratorTable(IteratorTablePage* mirror, uint64_t seed);

  // A new, empty iterator of request type `type` for `owner_pid`, evicting
  // the least recently used one when the table is full. Never returns null.
  ListingIterator* Create(uint32_t owner_pid, RequestType type,
                          uint64_t now_ns);
  // A new process listing over `pids`.
  ListingIterator* Create(uint32_t owner_pid, std::vector<uint32_t> pids,
                          uint64_t now_ns);

  // The live iterator `id` of `owner_pid` started by a request of `type`,
  // or null if it is unknown, evicted, someone else's or of another type.
  // Marks it used.
  ListingIterator* Find(uint64_t id, uint32_t owner_pid, uint64_t now_ns,
                        RequestType type = RequestType::kListProcesses);

  // Frees iterator `id` (if it exists and is `owner_pid`'s). Returns whether
  // it did.
  bool Release(uint64_t id, uint32_t owner_pid);

  size_t in_use() const;
  uint64_t evictions() const { return evictions_; }

  // Writes every entry's state into the mirror page (relaxed stores of the
  // six fields of all kIteratorCount entries; header and reserved bytes are
  // never written). Call after advancing an iterator found with Find().
  void Publish() const;

 private:
  // The iterator Create() hands out, filled in but not yet published:
  // a free entry, or the least recently used one (evicted).
  ListingIterator* Claim(uint32_t owner_pid, RequestType type, uint64_t now_ns);

  std::array<ListingIterator, kIteratorCount> slots_;
  IteratorTablePage* mirror_;
  std::mt19937_64 ids_;
  uint64_t evictions_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_ITERATOR_TABLE_H_
