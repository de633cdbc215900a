// Copyright 2026 The Haywire Authors.
//
// Trace: opt-in timestamps of a command's steps, to find where its time goes.
//
// With HAYWIRE_TRACE=1 in the environment (read once, at the first call),
// every Trace() call prints one line to stderr:
//
//   haywire-trace <CLOCK_MONOTONIC ns> <pid> <step>
//
// CLOCK_MONOTONIC is one clock for every process on a machine, so a caller
// that reads it before it starts the command (tools/bench/run --vm) can
// also time the process start; a guest's clock is its own, so lines from a
// companion are compared only with each other. Without the variable a call
// costs one load of a flag; the step text is built only when tracing
// (TraceWith takes a callable that builds it).
#ifndef HAYWIRE_UTIL_TRACE_H_
#define HAYWIRE_UTIL_TRACE_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace haywire {

// Whether HAYWIRE_TRACE is set to 1.
bool TraceEnabled();

// Prints `step` with the time, when tracing.
void Trace(absl::string_view step);

// Prints the string `make_step()` returns, when tracing.
template <typename MakeStep>
void TraceWith(MakeStep&& make_step) {
  if (TraceEnabled()) Trace(std::forward<MakeStep>(make_step)());
}

}  // namespace haywire

#endif  // HAYWIRE_UTIL_TRACE_H_
