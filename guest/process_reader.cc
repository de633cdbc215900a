// Copyright 2026 The Haywire Authors.

#include "guest/process_reader.h"

#include <sched.h>

#include <algorithm>
#include <utility>

namespace haywire {

ProcessReader::ProcessReader(const ProcFs* procfs, size_t helpers)
    : procfs_(procfs), helper_count_(helpers) {}

ProcessReader::~ProcessReader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

size_t ProcessReader::DefaultHelpers(size_t max) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
  const int cpus = CPU_COUNT(&set);
  return cpus <= 1 ? 0 : std::min(static_cast<size_t>(cpus - 1), max);
}

void ProcessReader::Drain() {
  for (;;) {
    const size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= pids_.size()) return;
    (*results_)[i] = procfs_->ReadProcess(pids_[i], fields_);
  }
}

void ProcessReader::HelperLoop() {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_ready_.wait(lock, [&] { return stop_ || batch_ != seen; });
      if (stop_) return;
      seen = batch_;
    }
    Drain();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_helpers_;
    }
    work_done_.notify_one();
  }
}

std::vector<absl::StatusOr<ProcessEntry>> ProcessReader::ReadAll(
    absl::Span<const uint32_t> pids, const EntryFields& fields) {
  std::vector<absl::StatusOr<ProcessEntry>> results(
      pids.size(), absl::UnknownError("not read"));
  if (helper_count_ == 0 || pids.size() < 2) {
    for (size_t i = 0; i < pids.size(); ++i) {
      results[i] = procfs_->ReadProcess(pids[i], fields);
    }
    return results;
  }
  if (helpers_.empty()) {
    for (size_t i = 0; i < helper_count_; ++i) {
      helpers_.emplace_back([this] { HelperLoop(); });
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pids_ = pids;
    fields_ = fields;
    results_ = &results;
    next_.store(0, std::memory_order_relaxed);
    busy_helpers_ = helpers_.size();
    ++batch_;
  }
  work_ready_.notify_all();
  Drain();
  {
    std::unique_lock<std::mutex> lock(mu_);
    work_done_.wait(lock, [&] { return busy_helpers_ == 0; });
    results_ = nullptr;
    pids_ = {};
  }
  return results;
}

}  // namespace haywire
