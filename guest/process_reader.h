// Copyright 2026 The Haywire Authors.
//
// ProcessReader: reads the ProcessEntry of a batch of pids with the calling
// thread and helper threads together, for LIST_PROCESSES.
//
// A listing is /proc reads (four files per process) done by the companion
// while the host waits; one thread reading them takes as long as procps
// does. A guest with two or more vCPUs has one to spare while the host
// decodes, so a batch is shared out: every thread takes the next unread
// index of the batch (an atomic counter) until none is left, and ReadAll
// returns once all are read, each result at its pid's index. What a batch
// holds is read within the batch's own time, as ps reads its processes one
// after another: nothing is cached between batches.
//
// The helpers start on the first batch and wait on a condition variable
// between batches; with `helpers` 0 (one CPU) everything is read inline.
// ProcFs::ReadProcess is safe to call from several threads (it only reads
// files and its caches are locked or built once).
//
// Not thread-safe itself: one caller at a time (the companion's serving
// thread).
#ifndef HAYWIRE_GUEST_PROCESS_READER_H_
#define HAYWIRE_GUEST_PROCESS_READER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "guest/procfs.h"
#include "haywire/protocol/messages.h"

namespace haywire {

class ProcessReader {
 public:
  // `procfs` must outlive the reader.
  ProcessReader(const ProcFs* procfs, size_t helpers);
  ~ProcessReader();

  ProcessReader(const ProcessReader&) = delete;
  ProcessReader& operator=(const ProcessReader&) = delete;

  // The entry (or the error) of each pid, in order, with `fields` of the
  // optional files read (ProcFs::ReadProcess).
  std::vector<absl::StatusOr<ProcessEntry>> ReadAll(
      absl::Span<const uint32_t> pids, const EntryFields& fields = {});

  // Helpers for this machine: one less than the CPUs this process may run
  // on, at most `max` (0 on one CPU).
  static size_t DefaultHelpers(size_t max = 1);

 private:
  void HelperLoop();
  // Reads indexes of the current batch until none is left.
  void Drain();

  const ProcFs* const procfs_;
  const size_t helper_count_;
  std::vector<std::thread> helpers_;  // started by the first batch

  std::mutex mu_;
  std::condition_variable work_ready_;  // a new batch, or stop
  std::condition_variable work_done_;   // a helper finished its part
  uint64_t batch_ = 0;                  // guarded by mu_: batch number
  size_t busy_helpers_ = 0;             // guarded by mu_
  bool stop_ = false;                   // guarded by mu_

  // The current batch. Written by the caller before it publishes the batch
  // under mu_, read by the helpers after they see it under mu_; each result
  // slot is written by the one thread that took its index, and read by the
  // caller after every helper reported done under mu_.
  absl::Span<const uint32_t> pids_;
  EntryFields fields_;
  std::vector<absl::StatusOr<ProcessEntry>>* results_ = nullptr;
  // The next unread index. Relaxed: it only hands out indexes (each exactly
  // once); the data they lead to is ordered by mu_ as above.
  std::atomic<size_t> next_{0};
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_PROCESS_READER_H_
