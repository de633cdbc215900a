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
#include <cstdint>
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

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_SHARED_ACCESS_H_
