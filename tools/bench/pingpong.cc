// Copyright 2026 The Haywire Authors.
//
// pingpong: the physical floor for Haywire's transport. Two processes map
// one file (MAP_SHARED, like the VM's RAM file) and bounce one 64-bit word
// in one cache line: the parent writes an odd value, the child answers with
// the next even one. Each round trip is two cache-line transfers between
// cores, nothing else, timed exactly like `haywire bench` times a PING
// (CLOCK_MONOTONIC around each round trip), so the two are comparable.
//
//   pingpong [--file=PATH] [--round_trips=N] [--json]
//
// Prints p50/p90/p99/p99.9/max of the round trip and the mean of an
// untimed run (round trips / elapsed), which shows the clock's own share.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "haywire/util/clock.h"
#include "haywire/util/latency_stats.h"
#include "haywire/util/poll_policy.h"

DEFINE_string(file, "/tmp/haywire-pingpong", "File to map (created, removed).");
DEFINE_int32(round_trips, 200000, "Timed round trips.");
DEFINE_bool(json, false, "Print JSON.");

namespace {

// The child: answers every odd value v with v + 1 until it sees 0.
[[noreturn]] void Responder(uint64_t* word) {
  std::atomic_ref<uint64_t> line(*word);
  uint64_t last = 0;
  for (;;) {
    uint64_t v;
    // Acquire/release: the same orders the protocol's slot word uses, so
    // the floor includes their cost (none on x86, barriers on arm64).
    while ((v = line.load(std::memory_order_acquire)) == last || (v & 1) == 0) {
      if (v == 0 && last != 0) _exit(0);
      haywire::CpuRelax();
    }
    if (v == UINT64_MAX) _exit(0);
    last = v + 1;
    line.store(last, std::memory_order_release);
  }
}

}  // namespace

int main(int argc, char** argv) {
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  const int fd = open(FLAGS_file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ftruncate(fd, 4096) != 0) {
    std::fprintf(stderr, "pingpong: cannot create %s\n", FLAGS_file.c_str());
    return 1;
  }
  void* map = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    std::fprintf(stderr, "pingpong: cannot map %s\n", FLAGS_file.c_str());
    return 1;
  }
  close(fd);
  unlink(FLAGS_file.c_str());
  auto* word = static_cast<uint64_t*>(map);
  const pid_t child = fork();
  if (child == 0) Responder(word);
  std::atomic_ref<uint64_t> line(*word);
  uint64_t value = 1;
  auto round_trip = [&] {
    line.store(value, std::memory_order_release);
    while (line.load(std::memory_order_acquire) != value + 1) {
      haywire::CpuRelax();
    }
    value += 2;
  };
  for (int i = 0; i < 10000; ++i) round_trip();  // warm up, both spinning
  std::vector<uint64_t> samples;
  samples.reserve(FLAGS_round_trips);
  for (int i = 0; i < FLAGS_round_trips; ++i) {
    const uint64_t begin = haywire::MonotonicNowNs();
    round_trip();
    samples.push_back(haywire::MonotonicNowNs() - begin);
  }
  const uint64_t untimed_begin = haywire::MonotonicNowNs();
  for (int i = 0; i < FLAGS_round_trips; ++i) round_trip();
  const double untimed_mean =
      static_cast<double>(haywire::MonotonicNowNs() - untimed_begin) /
      FLAGS_round_trips;
  line.store(UINT64_MAX, std::memory_order_release);
  waitpid(child, nullptr, 0);

  const haywire::LatencySummary s =
      haywire::SummarizeLatencies(std::move(samples));
  if (FLAGS_json) {
    std::printf(
        "{\"round_trips\": %llu, \"p50_ns\": %llu, \"p90_ns\": %llu, "
        "\"p99_ns\": %llu, \"p999_ns\": %llu, \"max_ns\": %llu, "
        "\"mean_ns\": %.1f, \"untimed_mean_ns\": %.1f}\n",
        static_cast<unsigned long long>(s.count),
        static_cast<unsigned long long>(s.p50_ns),
        static_cast<unsigned long long>(s.p90_ns),
        static_cast<unsigned long long>(s.p99_ns),
        static_cast<unsigned long long>(s.p999_ns),
        static_cast<unsigned long long>(s.max_ns), s.mean_ns, untimed_mean);
  } else {
    std::printf(
        "cache-line ping-pong, %llu round trips: p50 %llu ns, p90 %llu ns, "
        "p99 %llu ns, p99.9 %llu ns, max %llu ns; untimed mean %.1f ns\n",
        static_cast<unsigned long long>(s.count),
        static_cast<unsigned long long>(s.p50_ns),
        static_cast<unsigned long long>(s.p90_ns),
        static_cast<unsigned long long>(s.p99_ns),
        static_cast<unsigned long long>(s.p999_ns),
        static_cast<unsigned long long>(s.max_ns), untimed_mean);
  }
  return 0;
}
