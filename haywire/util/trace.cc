// Copyright 2026 The Haywire Authors.

#include "haywire/util/trace.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "haywire/util/clock.h"

namespace haywire {

bool TraceEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("HAYWIRE_TRACE");
    return value != nullptr && std::strcmp(value, "1") == 0;
  }();
  return enabled;
}

void Trace(absl::string_view step) {
  if (!TraceEnabled()) return;
  // One write per line: lines from threads do not interleave.
  const std::string line = absl::StrCat("haywire-trace ", MonotonicNowNs(), " ",
                                        ::getpid(), " ", step, "\n");
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace haywire
