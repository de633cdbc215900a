// Copyright 2026 The Haywire Authors.
//
// MemoryFixture: memory_fixture_main started in the background, with the
// regions it announced (name -> address and length) and the bytes each one
// holds, for tests that check what `haywire maps`, `read` and `grep`
// report about it. Test-only.
#ifndef HAYWIRE_TESTING_MEMORY_FIXTURE_H_
#define HAYWIRE_TESTING_MEMORY_FIXTURE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "haywire/testing/background_process.h"

namespace haywire {

class MemoryFixture {
 public:
  struct Region {
    uint64_t address = 0;
    uint64_t length = 0;
  };

  // Starts the fixture with `args` (see memory_fixture_main.cc) and waits
  // up to `timeout` for its "ready".
  static absl::StatusOr<std::unique_ptr<MemoryFixture>> Start(
      const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(60));

  pid_t pid() const { return process_->pid(); }
  // The announced region `name` (marker, spanning, big, file, extra, edge,
  // needle-*, hidden-needle); a zero region when it was not announced.
  Region region(const std::string& name) const;
  // The bytes the fixture wrote at the start of pattern region `k` (1
  // spanning, 2 big, 3 file, 4 edge), `n` of them from offset `from`.
  static std::string Pattern(int k, uint64_t from, uint64_t n);
  // The marker's 64 bytes.
  std::string Marker() const;
  // The marker's 64 bytes as the fixture itself reads them now (it prints
  // them on SIGUSR1), within `timeout`.
  absl::StatusOr<std::string> ReportMarker(
      absl::Duration timeout = absl::Seconds(30));
  // With --needles: the 16 needle bytes ("" without).
  const std::string& needle() const { return needle_; }

 private:
  explicit MemoryFixture(std::unique_ptr<BackgroundProcess> process)
      : process_(std::move(process)) {}

  std::unique_ptr<BackgroundProcess> process_;
  std::map<std::string, Region> regions_;
  std::string needle_;
};

}  // namespace haywire

#endif  // HAYWIRE_TESTING_MEMORY_FIXTURE_H_
