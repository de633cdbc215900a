// Copyright 2026 The Haywire Authors.
//
// Would lz4 make bulk windows faster? A window's bytes cross shared memory
// as two copies (the companion's into the window, the host's out of it);
// compression would replace the first with LZ4_compress_default and the
// second with LZ4_decompress_safe and move fewer bytes. This measures, on
// one core, each of those against a plain copy of one 256 KiB window, for
// memory that compresses well (zeros, a 256-byte period like
// memory_fixture's patterns), typical memory (this binary's own code and
// data, read from /proc/self/exe) and incompressible bytes (random).
//
//   lz4_cost [--json]
#include <lz4.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr size_t kWindow = 256 << 10;

template <typename F>
double NsPerRun(F f) {
  // Enough runs for ~0.2 s.
  int runs = 1;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i) f();
    const double ns = std::chrono::duration<double, std::nano>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
    if (ns > 2e8) return ns / runs;
    runs *= 2;
  }
}

struct Row {
  std::string name;
  double copy_mb_s, compress_mb_s, decompress_mb_s, ratio;
};

Row Measure(const std::string& name, const std::string& data) {
  std::vector<char> dst(LZ4_compressBound(static_cast<int>(data.size())));
  std::vector<char> back(data.size());
  volatile char sink = 0;
  const double copy = NsPerRun([&] {
    std::memcpy(back.data(), data.data(), data.size());
    sink = sink + back[data.size() / 2];
  });
  int compressed = 0;
  const double compress = NsPerRun([&] {
    compressed = LZ4_compress_default(data.data(), dst.data(),
                                      static_cast<int>(data.size()),
                                      static_cast<int>(dst.size()));
  });
  const double decompress = NsPerRun([&] {
    LZ4_decompress_safe(dst.data(), back.data(), compressed,
                        static_cast<int>(back.size()));
  });
  if (std::memcmp(back.data(), data.data(), data.size()) != 0) {
    std::fprintf(stderr, "lz4_cost: round trip differs\n");
  }
  auto mb_s = [&](double ns) { return data.size() / 1e6 / (ns / 1e9); };
  return {name, mb_s(copy), mb_s(compress), mb_s(decompress),
          static_cast<double>(data.size()) / compressed};
}

}  // namespace

int main(int argc, char** argv) {
  const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;
  std::string zeros(kWindow, '\0');
  std::string pattern(kWindow, '\0');
  for (size_t i = 0; i < kWindow; ++i) pattern[i] = static_cast<char>(i * 131);
  std::ifstream exe("/proc/self/exe", std::ios::binary);
  std::stringstream exe_bytes;
  exe_bytes << exe.rdbuf();
  std::string code = exe_bytes.str().substr(0, kWindow);
  code.resize(kWindow, '\0');
  std::string random(kWindow, '\0');
  std::mt19937_64 rng(1);
  for (size_t i = 0; i < kWindow; i += 8) {
    const uint64_t v = rng();
    std::memcpy(&random[i], &v, 8);
  }
  const std::vector<Row> rows = {
      Measure("zeros", zeros), Measure("256-byte period", pattern),
      Measure("program code and data", code), Measure("random", random)};
  if (json) {
    std::printf("{\"window_bytes\": %zu, \"rows\": [", kWindow);
    for (size_t i = 0; i < rows.size(); ++i) {
      std::printf(
          "%s{\"name\": \"%s\", \"copy_mb_s\": %.0f, \"compress_mb_s\": "
          "%.0f, \"decompress_mb_s\": %.0f, \"ratio\": %.2f}",
          i ? ", " : "", rows[i].name.c_str(), rows[i].copy_mb_s,
          rows[i].compress_mb_s, rows[i].decompress_mb_s, rows[i].ratio);
    }
    std::printf("]}\n");
  } else {
    std::printf("%-24s %10s %12s %14s %7s\n", "256 KiB of", "copy MB/s",
                "compress MB/s", "decompress MB/s", "ratio");
    for (const Row& r : rows) {
      std::printf("%-24s %10.0f %12.0f %14.0f %7.2f\n", r.name.c_str(),
                  r.copy_mb_s, r.compress_mb_s, r.decompress_mb_s, r.ratio);
    }
  }
  return 0;
}
