// Copyright 2026 The Haywire Authors.

#include "haywire/testing/memory_fixture.h"

#include <signal.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "haywire/testing/subprocess.h"

namespace haywire {

absl::StatusOr<std::unique_ptr<MemoryFixture>> MemoryFixture::Start(
    const std::vector<std::string>& args, absl::Duration timeout) {
  std::vector<std::string> argv = {
      RunfilePath("haywire/testing/memory_fixture_main")};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> process =
      BackgroundProcess::Start(argv, "memory_fixture");
  if (!process.ok()) return process.status();
  std::unique_ptr<MemoryFixture> fixture(
      new MemoryFixture(*std::move(process)));
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    const std::string out = fixture->process_->Stdout();
    if (out.find("ready\n") != std::string::npos) {
      for (absl::string_view line : absl::StrSplit(out, '\n')) {
        const std::vector<std::string> f = absl::StrSplit(line, ' ');
        if (f.size() == 2 && f[0] == "needle-bytes") {
          fixture->needle_ = absl::HexStringToBytes(f[1]);
          continue;
        }
        if (f.size() != 3) continue;
        Region r;
        if (!absl::SimpleHexAtoi(f[1], &r.address) ||
            !absl::SimpleAtoi(f[2], &r.length)) {
          return absl::InternalError(absl::StrCat("bad line: ", line));
        }
        fixture->regions_[f[0]] = r;
      }
      return fixture;
    }
    if (fixture->process_->WaitExit(absl::ZeroDuration()).has_value()) {
      return absl::InternalError(
          absl::StrCat("memory_fixture exited: ", fixture->process_->Stderr()));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("memory_fixture did not get ready");
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

MemoryFixture::Region MemoryFixture::region(const std::string& name) const {
  auto it = regions_.find(name);
  return it == regions_.end() ? Region{} : it->second;
}

std::string MemoryFixture::Pattern(int k, uint64_t from, uint64_t n) {
  std::string bytes(n, '\0');
  for (uint64_t i = 0; i < n; ++i) {
    bytes[i] = static_cast<char>((from + i) * 131 + k * 17);
  }
  return bytes;
}

absl::StatusOr<std::string> MemoryFixture::ReportMarker(
    absl::Duration timeout) {
  constexpr absl::string_view kPrefix = "marker-now ";
  auto reports = [this] {
    std::vector<std::string> out;
    for (absl::string_view line :
         absl::StrSplit(process_->Stdout(), '\n', absl::SkipEmpty())) {
      if (absl::ConsumePrefix(&line, kPrefix)) out.emplace_back(line);
    }
    return out;
  };
  const size_t before = reports().size();
  if (::kill(pid(), SIGUSR1) != 0) {
    return absl::InternalError("cannot signal memory_fixture");
  }
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    // A report is whole once its newline is in (StrSplit dropped none).
    const std::string out = process_->Stdout();
    std::vector<std::string> now = reports();
    if (now.size() > before && !out.empty() && out.back() == '\n') {
      return absl::HexStringToBytes(now.back());
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("memory_fixture did not report");
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
}

std::string MemoryFixture::Marker() const {
  std::string m = absl::StrCat("HAYWIRE-MARKER-", pid(), "-");
  m.resize(64, '.');
  return m;
}

}  // namespace haywire
