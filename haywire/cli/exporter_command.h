// Copyright 2026 The Haywire Authors.
//
// `haywire exporter`: a Prometheus exporter for every VM on the host (or
// the --vm / --mem-file ones): an HTTP endpoint (prometheus-cpp's Exposer)
// whose /metrics refreshes the fleet on each scrape
// (haywire/exporter/fleet_collector.h).
#ifndef HAYWIRE_CLI_EXPORTER_COMMAND_H_
#define HAYWIRE_CLI_EXPORTER_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command ExporterCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_EXPORTER_COMMAND_H_
