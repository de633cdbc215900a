// Copyright 2026 The Haywire Authors.

#include "haywire/util/mapping_search.h"

#include <string.h>

#include <algorithm>
#include <cerrno>

namespace haywire {

MappingSearch::MappingSearch(absl::string_view pattern, uint64_t block_bytes,
                             uint64_t page_bytes, uint64_t context_bytes,
                             std::string* buffer)
    : pattern_(pattern),
      block_bytes_(block_bytes),
      page_bytes_(page_bytes),
      context_bytes_(context_bytes),
      buffer_(*buffer) {}

bool MappingSearch::Done(uint64_t next, uint64_t end) const {
  return next >= end || end - next < pattern_.size();
}

MappingSearch::Step MappingSearch::SearchBlock(uint64_t start, uint64_t end,
                                               uint64_t* next,
                                               MemoryReader read,
                                               HitSink sink) {
  Step step;
  const uint64_t length = pattern_.size();
  const uint64_t s = *next;
  // The most a block reads: the context before it, its start positions,
  // the rest of a pattern starting at the last one, the context after.
  const uint64_t most =
      context_bytes_ + block_bytes_ + (length - 1) + context_bytes_;
  if (buffer_.size() < most) buffer_.resize(most);
  uint64_t before = std::min(context_bytes_, s - start);
  for (;;) {
    const uint64_t r = s - before;
    const uint64_t want = std::min(end - r, most - (context_bytes_ - before));
    int error = 0;
    uint64_t got = read(r, want, buffer_.data(), &error);
    got = std::min(got, want);
    const bool faulted = got < want;
    if (faulted && error != EFAULT && error != EIO) {
      step.error = error != 0 ? error : EIO;
      return step;
    }
    const uint64_t available_end = r + got;
    if (available_end <= s) {
      if (before > 0) {  // the page before `s` is the unreadable one
        before = 0;
        continue;
      }
      // `s` itself cannot be read: skip the rest of its page.
      const uint64_t skip = std::min(page_bytes_ - s % page_bytes_, end - s);
      step.unreadable_bytes = skip;
      *next = s + skip;
      return step;
    }
    // Hits may start in [s, limit): within the block, and with the whole
    // pattern in what was read.
    uint64_t limit = s + std::min(block_bytes_, end - s);
    limit = got >= length ? std::min(limit, available_end - length + 1) : s;
    limit = std::max(limit, s);
    const char* bytes = buffer_.data();
    uint64_t from = s;
    while (from < limit) {
      const uint64_t offset = from - r;
      const void* found = ::memmem(bytes + offset, (limit - from) + length - 1,
                                   pattern_.data(), length);
      if (found == nullptr) break;
      const uint64_t at =
          static_cast<uint64_t>(static_cast<const char*>(found) - bytes);
      const uint64_t context_start = at - std::min(context_bytes_, at);
      const uint64_t after_start = at + length;
      const uint64_t after_end = std::min(got, after_start + context_bytes_);
      if (!sink(r + at,
                absl::string_view(bytes + context_start, at - context_start),
                absl::string_view(bytes + after_start,
                                  after_end - after_start))) {
        step.stopped = true;
        step.scanned_bytes = r + at - s;
        *next = r + at;
        return step;
      }
      from = r + after_start;
    }
    // Past the block; short of it where the read stopped (the next block
    // starts at the unreadable page, and skips it); past the last hit.
    uint64_t moved_to = s + std::min(block_bytes_, end - s);
    if (faulted) moved_to = std::min(moved_to, available_end);
    moved_to = std::max(moved_to, from);
    step.scanned_bytes = moved_to - s;
    *next = moved_to;
    return step;
  }
}

}  // namespace haywire
