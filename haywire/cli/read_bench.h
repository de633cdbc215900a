// Copyright 2026 The Haywire Authors.
//
// `haywire bench --read-pid=PID`: how fast a guest process's memory can be
// read, three ways, in interleaved rounds within one run: through the
// companion (READ_MEMORY, a bulk window per round trip), directly from the
// RAM file (translation by the companion, bytes by pread; read --direct),
// and the floor, a plain pread of as many bytes from the RAM file; and one
// translation of the range alone (a direct read makes two).
#ifndef HAYWIRE_CLI_READ_BENCH_H_
#define HAYWIRE_CLI_READ_BENCH_H_

#include "haywire/cli/host_flags.h"

namespace haywire {

// Whether --read-pid asks for this benchmark.
bool ReadBenchRequested();

// Runs it on `connection` and prints the result (--json); the exit code.
int RunReadBench(HostConnection& connection);

}  // namespace haywire

#endif  // HAYWIRE_CLI_READ_BENCH_H_
