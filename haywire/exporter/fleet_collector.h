// Copyright 2026 The Haywire Authors.
//
// FleetCollector: the exporter's prometheus::Collectable. Each scrape
// refreshes the fleet (every VM in parallel, FleetWatcher) and answers with
// FleetMetricFamilies, so what Prometheus stores is as fresh as the scrape
// and an idle exporter costs the guests nothing. A scrape that comes less
// than `min_refresh` after the previous refresh (two Prometheus servers, a
// curl by hand) is answered from that refresh: the %CPU interval never gets
// shorter than that.
//
// Thread-safe: the HTTP server may call Collect() from several threads;
// refreshes are serialized.
#ifndef HAYWIRE_EXPORTER_FLEET_COLLECTOR_H_
#define HAYWIRE_EXPORTER_FLEET_COLLECTOR_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/time/time.h"
#include "haywire/watch/fleet.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace haywire {

class FleetCollector : public prometheus::Collectable {
 public:
  FleetCollector(std::unique_ptr<FleetWatcher> watcher, size_t top_n,
                 absl::Duration min_refresh);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // Refreshes now (the exporter primes the %CPU interval at start).
  void Refresh();

 private:
  const size_t top_n_;
  const absl::Duration min_refresh_;
  mutable std::mutex mu_;
  std::unique_ptr<FleetWatcher> watcher_;                // guarded by mu_
  mutable std::vector<VmState> last_;                    // guarded by mu_
  mutable absl::Time last_time_ = absl::InfinitePast();  // guarded by mu_
};

}  // namespace haywire

#endif  // HAYWIRE_EXPORTER_FLEET_COLLECTOR_H_
