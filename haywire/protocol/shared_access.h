// Copyright 2026 The Haywire Authors.
//
// Access to words that another process (the guest companion, or another host
// client) reads or writes concurrently.
//
// The region lives in memory shared across processes, and often across a
// virtual machine boundary. The two sides follow the C++ memory model, not x86
// habits: every shared word is accessed through `std::atomic_ref` with an
// explicit memory order (arm64 guests and hosts reorder plain accesses). These
// helpers exist so call sites read as `LoadAcquire(slot->state)` and name
// their order, and so the alignment `atomic_ref` requires is checked once.
#ifndef HAYWIRE_PROTOCOL_SHARED_ACCESS_H_
#define HAYWIRE_PROTOCOL_SHARED_ACCESS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace haywire {

template <typename T>
concept SharedWord = std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>;

// Every shared word must be lock-free and naturally aligned; the layout pins
// offsets, and this pins that atomic_ref needs nothing more than that.
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free);
static_assert(std::atomic_ref<uint32_t>::is_always_lock_free);
static_assert(std::atomic_ref<uint64_t>::required_alignment == 8);
static_assert(std::atomic_ref<uint32_t>::required_alignment == 4);

template <SharedWord T>
inline T LoadRelaxed(T& word) {
  return std::atomic_ref<T>(word).load(std::memory_order_relaxed);
}

template <SharedWord T>
inline T LoadAcquire(T& word) {
  return std::atomic_ref<T>(word).load(std::memory_order_acquire);
}

template <SharedWord T>
inline void StoreRelaxed(T& word, T value) {
  std::atomic_ref<T>(word).store(value, std::memory_order_relaxed);
}

template <SharedWord T>
inline void StoreRelease(T& word, T value) {
  std::atomic_ref<T>(word).store(value, std::memory_order_release);
}

// Strong CAS with acq_rel on success (the winner both sees what the previous
// owner published and publishes what it wrote) and acquire on failure (the
// loser's `expected` is a value it may act upon).
template <SharedWord T>
inline bool CompareExchange(T& word, T& expected, T desired) {
  return std::atomic_ref<T>(word).compare_exchange_strong(
      expected, desired, std::memory_order_acq_rel, std::memory_order_acquire);
}

template <SharedWord T>
inline T FetchAddRelease(T& word, T delta) {
  return std::atomic_ref<T>(word).fetch_add(delta, std::memory_order_release);
}

// ---- Byte ranges ------------------------------------------------------------
//
// Payloads are byte arrays the other side may be rewriting while we copy
// them (a request page a new owner refills after its previous request was
// withdrawn; a response page a confused host made someone else's). A plain
// memcpy there is a data race, which the C++ memory model leaves undefined,
// so payloads cross the boundary as 8-byte atomic words, like the event ring
// entries do: the writer stores each word with release, the reader loads each
// with acquire. A reader that then sees an unchanged state word knows that
// none of the words it copied came from a writer that had moved the state
// on: a copied word written after such a move would carry that move (release
// then acquire) to the reader, and its re-load of the state would see it.
// On x86 both orders cost nothing over plain moves; on arm64 they are
// STLR/LDAR.
//
// `shared` must be 8-byte aligned (the layout pins every payload offset to a
// multiple of 8); ranges are whole words, and the bytes past `bytes` in the
// last word are written as zero and ignored when read.

inline constexpr size_t WordsFor(size_t bytes) { return (bytes + 7) / 8; }

namespace shared_access_internal {

// The byte-range copies below, one loop each way, for any memory order.
template <std::memory_order kOrder>
inline void StoreBytes(void* shared, const void* src, size_t bytes) {
  auto* words = static_cast<uint64_t*>(shared);
  const auto* in = static_cast<const unsigned char*>(src);
  const size_t whole = bytes / 8;
  for (size_t i = 0; i < whole; ++i) {
    uint64_t word;
    std::memcpy(&word, in + 8 * i, 8);
    std::atomic_ref<uint64_t>(words[i]).store(word, kOrder);
  }
  if (const size_t tail = bytes % 8; tail != 0) {
    uint64_t word = 0;
    std::memcpy(&word, in + 8 * whole, tail);
    std::atomic_ref<uint64_t>(words[whole]).store(word, kOrder);
  }
}

template <std::memory_order kOrder>
inline void LoadBytes(void* dst, const void* shared, size_t bytes) {
  // The words are loaded through a non-const pointer because atomic_ref
  // needs one (C++20); nothing is written.
  auto* words = static_cast<uint64_t*>(const_cast<void*>(shared));
  auto* out = static_cast<unsigned char*>(dst);
  const size_t whole = bytes / 8;
  for (size_t i = 0; i < whole; ++i) {
    const uint64_t word = std::atomic_ref<uint64_t>(words[i]).load(kOrder);
    std::memcpy(out + 8 * i, &word, 8);
  }
  if (const size_t tail = bytes % 8; tail != 0) {
    const uint64_t word = std::atomic_ref<uint64_t>(words[whole]).load(kOrder);
    std::memcpy(out + 8 * whole, &word, tail);
  }
}

}  // namespace shared_access_internal

// Copies `bytes` bytes from `src` into the shared range at `shared`.
inline void StoreBytesRelease(void* shared, const void* src, size_t bytes) {
  shared_access_internal::StoreBytes<std::memory_order_release>(shared, src,
                                                                bytes);
}

// Copies `bytes` bytes of the shared range at `shared` into `dst`.
inline void LoadBytesAcquire(void* dst, const void* shared, size_t bytes) {
  shared_access_internal::LoadBytes<std::memory_order_acquire>(dst, shared,
                                                               bytes);
}

// Copies `bytes` bytes from `src` into the shared range at `shared` with
// relaxed stores: bulk data that a later release (the slot's completing
// CAS) publishes.
inline void StoreBytesRelaxed(void* shared, const void* src, size_t bytes) {
  shared_access_internal::StoreBytes<std::memory_order_relaxed>(shared, src,
                                                                bytes);
}

// ThreadSanitizer does not model fences (gcc refuses to compile one under
// -fsanitize=thread), so a TSan build orders bulk copies with per-word
// acquire loads instead of relaxed loads and a fence: the same guarantee.
#if defined(__SANITIZE_THREAD__)
#define HAYWIRE_FENCELESS 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HAYWIRE_FENCELESS 1
#endif
#endif

// Copies `bytes` bytes out of the shared range at `shared` with relaxed
// loads: for bulk data (a bulk window, layout.h) published by a release
// the caller has already acquired (the slot's state word). A caller that
// re-checks that word afterwards, seqlock-style, calls
// AcquireFenceAfterCopy() between the copy and the re-check, which orders
// it as per-word acquire loads would, at the cost of one fence instead of
// one LDAR per word on arm64.
inline void LoadBytesRelaxed(void* dst, const void* shared, size_t bytes) {
#ifdef HAYWIRE_FENCELESS
  LoadBytesAcquire(dst, shared, bytes);
#else
  shared_access_internal::LoadBytes<std::memory_order_relaxed>(dst, shared,
                                                               bytes);
#endif
}

// See LoadBytesRelaxed. (Under TSan the loads were acquire loads already.)
inline void AcquireFenceAfterCopy() {
#ifndef HAYWIRE_FENCELESS
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
}

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_SHARED_ACCESS_H_
