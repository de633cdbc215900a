// Copyright 2026 The Haywire Authors.

#include "haywire/cli/guest_user_e2e_support.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/cli/discover_e2e_support.h"
#include "haywire/testing/command_checks.h"
#include "haywire/util/json_value.h"

namespace haywire {

namespace fs = std::filesystem;

SharedScratch::SharedScratch() {
  char pattern[] = "/tmp/haywire-guest-user-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  EXPECT_NE(made, nullptr);
  dir_ = made == nullptr ? "/tmp" : made;
  ::chmod(dir_.c_str(), 0755);
  const char* old = std::getenv("TEST_TMPDIR");
  old_tmpdir_ = old == nullptr ? "" : old;
  ::setenv("TEST_TMPDIR", dir_.c_str(), 1);
  binary_ = dir_ + "/haywire";
  fs::copy_file(HaywirePath(), binary_);
  ::chmod(binary_.c_str(), 0755);
}

SharedScratch::~SharedScratch() {
  ::setenv("TEST_TMPDIR", old_tmpdir_.c_str(), 1);
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

SubprocessResult RunWithCache(const std::string& cache,
                              std::vector<std::string> args) {
  args.push_back(absl::StrCat("--cache-dir=", cache));
  args.push_back(kLiveWaitFlag);
  return RunHaywire(args);
}

std::vector<uint64_t> ListedPids(const SubprocessResult& result) {
  std::vector<uint64_t> pids;
  const JsonValue doc = ParseOutput(result);
  const JsonValue& processes = doc["processes"];
  for (size_t i = 0; i < processes.size(); ++i) {
    pids.push_back(processes.at(i)["pid"].as_uint().value_or(0));
  }
  return pids;
}

}  // namespace haywire
