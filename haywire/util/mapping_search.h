// Copyright 2026 The Haywire Authors.
//
// MappingSearch: finds a byte pattern in one mapping of a process, a block
// at a time: in the companion for SEARCH_MEMORY, on the host for
// `grep --direct`.
//
// The search keeps one number between blocks, `next`: every hit that
// starts below it has been reported. A block reads the mapping from a
// little before `next` (the context of its first hit) to a little past
// `next + block` (the rest of a pattern that starts inside the block, and
// its context), reports the hits that start in [next, next + block), and
// moves `next` on. So a search can stop after any block, or before any hit
// (a full response), and carry on later from `next` alone, in a new
// iterator too. Hits do not overlap: after a hit, `next` moves past its
// last byte (like `grep -o`).
//
// Memory that cannot be read (a file mapping past the file's end, a page
// the kernel will not hand out) is skipped a page at a time and counted;
// the hits on either side of it are still found. The reader is a function,
// so tests can search any bytes; the companion reads with process_vm_readv,
// the host from the RAM file.
#ifndef HAYWIRE_UTIL_MAPPING_SEARCH_H_
#define HAYWIRE_UTIL_MAPPING_SEARCH_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace haywire {

// Reads up to `length` bytes at `address` into `out`; returns how many it
// read and, when fewer, sets `*error` (an errno; EFAULT or EIO for memory
// that is not mapped or not readable).
using MemoryReader = absl::FunctionRef<uint64_t(
    uint64_t address, uint64_t length, char* out, int* error)>;

// What one hit reports: where, and the context bytes on either side.
// Returns false to stop the block before this hit (its response is full).
using HitSink = absl::FunctionRef<bool(
    uint64_t address, absl::string_view before, absl::string_view after)>;

class MappingSearch {
 public:
  struct Step {
    uint64_t scanned_bytes = 0;     // start positions covered
    uint64_t unreadable_bytes = 0;  // skipped: could not be read
    bool stopped = false;           // the sink refused a hit
    int error = 0;  // an errno other than "unreadable" (ESRCH, EPERM...)
  };

  // `pattern` is not empty; `block_bytes` (> 0) bytes of start positions
  // per block; `page_bytes` is the guest page size (unreadable memory is
  // skipped in pages); `context_bytes` of context per side. `buffer`
  // (which must outlive the search) is grown to what a block reads, so
  // one buffer serves many searches.
  MappingSearch(absl::string_view pattern, uint64_t block_bytes,
                uint64_t page_bytes, uint64_t context_bytes,
                std::string* buffer);

  // Whether no hit can start at or after `next` in a mapping ending at
  // `end`.
  bool Done(uint64_t next, uint64_t end) const;

  // Searches one block of the mapping [start, end) from `*next` (start <=
  // *next, !Done(*next, end)) and advances `*next`. With `stopped`,
  // `*next` is the refused hit's address; with an error it is unchanged.
  Step SearchBlock(uint64_t start, uint64_t end, uint64_t* next,
                   MemoryReader read, HitSink sink);

 private:
  const absl::string_view pattern_;
  const uint64_t block_bytes_;
  const uint64_t page_bytes_;
  const uint64_t context_bytes_;
  std::string& buffer_;  // one block, its pattern tail and both contexts
};

}  // namespace haywire

#endif  // HAYWIRE_UTIL_MAPPING_SEARCH_H_
