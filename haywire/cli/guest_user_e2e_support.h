// Copyright 2026 The Haywire Authors.
//
// What the end-to-end tests with an unprivileged guest user's companion
// (hostile_companion_e2e_test, authenticated_companion_e2e_test) share:
// a scratch directory uid 65534 can use, and reading `ps --json`.
//
// Everything uid 65534 needs (the haywire binary, the RAM file, a fake
// /proc, logs) lives in a fresh world-readable directory under /tmp, which
// stands in for TEST_TMPDIR while the test runs: the test's own TEST_TMPDIR
// is under root's home, which nobody cannot enter. Test-only.
#ifndef HAYWIRE_CLI_GUEST_USER_E2E_SUPPORT_H_
#define HAYWIRE_CLI_GUEST_USER_E2E_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "haywire/testing/subprocess.h"

namespace haywire {

// uid 65534: the unprivileged guest user.
inline constexpr uint32_t kNobody = 65534;

// A world-readable scratch directory under /tmp with a copy of the haywire
// binary; TEST_TMPDIR points at it while the object lives. Removed at the
// end.
class SharedScratch {
 public:
  SharedScratch();
  ~SharedScratch();
  SharedScratch(const SharedScratch&) = delete;
  SharedScratch& operator=(const SharedScratch&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& binary() const { return binary_; }

 private:
  std::string dir_;
  std::string old_tmpdir_;
  std::string binary_;
};

// `haywire ARGS --cache-dir=CACHE --live-wait-ms=...` (RunHaywire).
SubprocessResult RunWithCache(const std::string& cache,
                              std::vector<std::string> args);

// The pids of `ps --json` output.
std::vector<uint64_t> ListedPids(const SubprocessResult& result);

}  // namespace haywire

#endif  // HAYWIRE_CLI_GUEST_USER_E2E_SUPPORT_H_
