// Copyright 2026 The Haywire Authors.
//
// A main() for fuzz targets outside libFuzzer: runs LLVMFuzzerTestOneInput
// once on every file named on the command line, or on every regular file of
// a directory named there (in name order, so a failure is reproducible).
// The normal build links each target with it, so `bazel test` replays the
// committed corpus (seeds and crash-* regression inputs) under gcc and its
// sanitizers; a target whose input crashes or trips a check aborts the test.
// It fails when it finds no input at all, so a corpus that went missing is
// noticed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      // Runfiles are symlinks: follow them.
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file(error)) inputs.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(arg, error)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "fuzz driver: %s: no such file or directory\n",
                   argv[i]);
      return 1;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "fuzz driver: no inputs (usage: %s FILE|DIR...)\n",
                 argc > 0 ? argv[0] : "fuzzer");
    return 1;
  }
  for (const std::filesystem::path& path : inputs) {
    std::string data;
    if (!ReadFile(path, &data)) {
      std::fprintf(stderr, "fuzz driver: cannot read %s\n", path.c_str());
      return 1;
    }
    std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), data.size());
    // Copied to a buffer of its exact size, so ASan catches a read past it.
    std::vector<uint8_t> exact(data.begin(), data.end());
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
  }
  std::fprintf(stderr, "fuzz driver: %zu inputs ran\n", inputs.size());
  return 0;
}
