// Copyright 2026 The Haywire Authors.

#include "haywire/cli/discover_e2e_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {

using ::testing::StartsWith;

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    ADD_FAILURE() << "stat " << path << ": " << std::strerror(errno);
    return 0;
  }
  return static_cast<uint64_t>(st.st_size);
}

SubprocessResult RunHaywire(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HaywirePath()};
  argv.insert(argv.end(), args.begin(), args.end());
  SubprocessResult result = RunCommand(argv, kDiscoverTimeout);
  ExpectEndedByItself(result);
  return result;
}

SubprocessResult Discover(const std::string& mem_file,
                          std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "discover", absl::StrCat("--mem-file=", mem_file),
      absl::StrCat("--cache-dir=", TestTempPath("cache"))};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunHaywire(args);
}

JsonValue ParseOutput(const SubprocessResult& result) {
  absl::StatusOr<JsonValue> json = ParseJson(result.out);
  EXPECT_TRUE(json.ok()) << json.status() << "\n" << result.DebugString();
  if (!json.ok()) return JsonValue();
  EXPECT_TRUE(json->is_object()) << result.DebugString();
  return *std::move(json);
}

const JsonValue* FindSession(const JsonValue& doc, const std::string& id) {
  const JsonValue& sessions = doc["sessions"];
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions.at(i)["session_id"].as_string() == id) return &sessions.at(i);
  }
  return nullptr;
}

const JsonValue* FindDecoySession(const JsonValue& doc) {
  const JsonValue& sessions = doc["sessions"];
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions.at(i)["hostname"].as_string() == kDecoyHostname &&
        sessions.at(i)["companion_pid"].as_uint() == kDecoyPid) {
      return &sessions.at(i);
    }
  }
  return nullptr;
}

std::vector<std::string> TextRow(const std::string& out,
                                 const std::string& id) {
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StartsWith(line, absl::StrCat(id, " "))) {
      return absl::StrSplit(line, ' ', absl::SkipEmpty());
    }
  }
  return {};
}

struct utsname Uname() {
  struct utsname uts;
  EXPECT_EQ(uname(&uts), 0);
  return uts;
}

void ExpectWellFormedSession(const JsonValue& s, uint64_t file_size) {
  const std::optional<std::string> id = s["session_id"].as_string();
  ASSERT_TRUE(id.has_value()) << s;
  EXPECT_EQ(id->size(), 18u) << s;
  EXPECT_THAT(*id, StartsWith("0x")) << s;
  EXPECT_EQ(id->find_first_not_of("0123456789abcdef", 2), std::string::npos)
      << s;
  EXPECT_TRUE(s["live"].is_bool()) << s;
  EXPECT_TRUE(s["chosen"].is_bool()) << s;
  EXPECT_TRUE(s["pages_found"].as_uint().has_value()) << s;
  EXPECT_TRUE(s["pages_expected"].as_uint().has_value()) << s;
  EXPECT_EQ(s["protocol_version"].as_uint(), kProtocolVersion) << s;
  const std::optional<uint64_t> beacon = s["beacon_offset"].as_uint();
  if (beacon.has_value()) {
    EXPECT_EQ(*beacon % kPageSize, 0u) << s;
    EXPECT_LT(*beacon, file_size) << s;
  }
}

void WriteRamFile(const std::string& path, uint64_t size,
                  const std::vector<std::pair<uint64_t, PageHeader>>& pages) {
  const int fd =
      open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
  for (const auto& [offset, header] : pages) {
    std::vector<std::byte> page(kPageSize);
    std::memcpy(page.data(), &header, sizeof(header));
    ASSERT_EQ(pwrite(fd, page.data(), page.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(kPageSize));
  }
  ASSERT_EQ(close(fd), 0);
}

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 +
         static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace haywire
