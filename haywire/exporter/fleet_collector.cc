// Copyright 2026 The Haywire Authors.

#include "haywire/exporter/fleet_collector.h"

#include <utility>

#include "absl/time/clock.h"
#include "haywire/exporter/fleet_metrics.h"

namespace haywire {

FleetCollector::FleetCollector(std::unique_ptr<FleetWatcher> watcher,
                               size_t top_n, absl::Duration min_refresh)
    : top_n_(top_n), min_refresh_(min_refresh), watcher_(std::move(watcher)) {}

void FleetCollector::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  last_ = watcher_->Refresh();
  last_time_ = absl::Now();
}

std::vector<prometheus::MetricFamily> FleetCollector::Collect() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Now() - last_time_ >= min_refresh_) {
    last_ = watcher_->Refresh();
    last_time_ = absl::Now();
  }
  return FleetMetricFamilies(last_, top_n_);
}

}  // namespace haywire
