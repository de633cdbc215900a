// Copyright 2026 The Haywire Authors.
//
// `haywire bench`: round-trip latency and throughput against a live
// companion (a real VM or a simulated guest), as users measure it.
#ifndef HAYWIRE_CLI_BENCH_COMMAND_H_
#define HAYWIRE_CLI_BENCH_COMMAND_H_

#include "haywire/cli/command.h"

namespace haywire {

Command BenchCommand();

}  // namespace haywire

#endif  // HAYWIRE_CLI_BENCH_COMMAND_H_
