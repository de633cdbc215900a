// Copyright 2026 The Haywire Authors.
//
// `haywire bench` end to end: the real binary against a real guest-serve
// (simulated mode) in another process, under every --poll mode on both
// sides. Checks what the numbers must satisfy whatever the machine (counts,
// percentile order, the fields scripts rely on), never how fast they are:
// timing limits belong to tools/bench, not to tests.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr absl::Duration kRunTimeout = absl::Seconds(120);

class BenchE2eTest : public ::testing::Test {
 protected:
  void StartCompanion(const std::vector<std::string>& extra_args = {}) {
    ram_ = TestTempPath("ram");
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, "serve", extra_args);
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
  }

  SubprocessResult Bench(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        RunfilePath("haywire/haywire"), "bench",
        absl::StrCat("--mem-file=", ram_),
        absl::StrCat("--cache-dir=", TestTempPath("cache"))};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<SubprocessResult> result = RunSubprocess(argv, kRunTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : SubprocessResult{};
  }

  // The latency object `name` of a bench --json document: `count` samples,
  // percentiles in order, all positive.
  static void ExpectLatencies(const JsonValue& doc, const std::string& name,
                              uint64_t count, bool has_rate) {
    const JsonValue& m = doc[name];
    ASSERT_TRUE(m.is_object()) << name << ": " << doc;
    EXPECT_EQ(m["count"].as_uint(), count) << m;
    const uint64_t min = m["min_ns"].as_uint().value_or(0);
    const uint64_t p50 = m["p50_ns"].as_uint().value_or(0);
    const uint64_t p90 = m["p90_ns"].as_uint().value_or(0);
    const uint64_t p99 = m["p99_ns"].as_uint().value_or(0);
    const uint64_t p999 = m["p999_ns"].as_uint().value_or(0);
    const uint64_t max = m["max_ns"].as_uint().value_or(0);
    EXPECT_GT(min, 0u) << m;
    EXPECT_LE(min, p50) << m;
    EXPECT_LE(p50, p90) << m;
    EXPECT_LE(p90, p99) << m;
    EXPECT_LE(p99, p999) << m;
    EXPECT_LE(p999, max) << m;
    if (has_rate) {
      EXPECT_GT(m["per_second"].as_uint().value_or(0), 0u) << m;
    } else {
      EXPECT_FALSE(m["per_second"].as_uint().has_value()) << m;
    }
  }

  std::string ram_;
  std::unique_ptr<CompanionProcess> companion_;
};

TEST_F(BenchE2eTest, JsonHasEveryFieldScriptsUse) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const SubprocessResult r =
      Bench({"--json", "--requests=300", "--clients=3", "--warmup=5",
             "--wake-trials=2", "--wake-idle-ms=30"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  ExpectLatencies(*doc, "ping", 300, true);
  ExpectLatencies(*doc, "info", 300, true);
  ExpectLatencies(*doc, "wake", 2, false);
  EXPECT_EQ((*doc)["clients"].as_uint(), 3u);
  EXPECT_EQ((*doc)["requests"].as_uint(), 300u);
  EXPECT_EQ((*doc)["wake_idle_ms"].as_uint(), 30u);
  // GET_PROCESS_INFO asked about the companion itself by default.
  EXPECT_EQ((*doc)["info_pid"].as_uint(), companion_->printed_pid());
  EXPECT_EQ((*doc)["session_id"].as_string(), companion_->session_text());
  EXPECT_EQ((*doc)["poll"].as_string(), "adaptive");
  EXPECT_EQ((*doc)["keep_slot"].as_bool(), true);
}

TEST_F(BenchE2eTest, PingOnlyWithoutKeepAlive) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const SubprocessResult r = Bench({"--json", "--requests=200", "--clients=2",
                                    "--info=false", "--keep-slot=false"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  absl::StatusOr<JsonValue> doc = ParseJson(r.out);
  ASSERT_TRUE(doc.ok()) << doc.status() << "\n" << r.out;
  ExpectLatencies(*doc, "ping", 200, true);
  EXPECT_FALSE((*doc)["info"].is_object()) << r.out;
  EXPECT_EQ((*doc)["keep_slot"].as_bool(), false);
}

TEST_F(BenchE2eTest, TextTableHasARowPerKind) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  const SubprocessResult r = Bench({"--requests=50", "--warmup=0"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_THAT(r.out, HasSubstr("P50"));
  EXPECT_THAT(r.out, HasSubstr("P99.9"));
  EXPECT_THAT(r.out, HasSubstr("\nping "));
  EXPECT_THAT(r.out, HasSubstr("\ninfo "));
  EXPECT_EQ(r.err, "");
}

// Every combination of the two sides' poll modes serves every request: the
// modes change how long a side waits, never what it sees.
TEST_F(BenchE2eTest, EveryPollModePairWorks) {
  for (const char* companion_mode : {"spin", "adaptive", "sleep"}) {
    ASSERT_NO_FATAL_FAILURE(
        StartCompanion({absl::StrCat("--poll=", companion_mode)}));
    for (const char* client_mode : {"spin", "adaptive", "sleep"}) {
      SCOPED_TRACE(
          absl::StrCat("companion ", companion_mode, ", client ", client_mode));
      const SubprocessResult r =
          Bench({"--json", "--requests=100", "--clients=2", "--warmup=0",
                 absl::StrCat("--poll=", client_mode)});
      ASSERT_EQ(r.exit_code, 0) << r.DebugString();
      absl::StatusOr<JsonValue> doc = ParseJson(r.out);
      ASSERT_TRUE(doc.ok()) << doc.status();
      ExpectLatencies(*doc, "ping", 100, true);
      EXPECT_EQ((*doc)["poll"].as_string(), client_mode);
    }
    companion_.reset();  // expects a clean exit
  }
}

TEST_F(BenchE2eTest, InfoOfAMissingPidFailsWithOneLine) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion());
  // PIDs above the kernel's pid_max limit (4194304) never exist.
  const SubprocessResult r = Bench({"--info-pid=4194305", "--requests=10"});
  EXPECT_EQ(r.exit_code, 10) << r.DebugString();  // kNoSuchProcess
  EXPECT_THAT(r.err, StartsWith("haywire: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(BenchE2eTest, BadFlagsAreUsageErrors) {
  ram_ = TestTempPath("no-such-ram");  // never reached: flags fail first
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--clients=17"},
                                             {"--clients=0"},
                                             {"--requests=0"},
                                             {"--poll=busy"},
                                             {"--wake-trials=-1"}}) {
    SCOPED_TRACE(args[0]);
    const SubprocessResult r = Bench(args);
    EXPECT_EQ(r.exit_code, 2) << r.DebugString();
    EXPECT_THAT(r.err, StartsWith("haywire: "));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(BenchE2eTest, NoCompanionIsReportedLikeEveryHostCommand) {
  ram_ = TestTempPath("empty-ram");
  {
    FILE* f = fopen(ram_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(ftruncate(fileno(f), 64 << 20), 0);
    fclose(f);
  }
  const SubprocessResult r = Bench({"--requests=10"});
  EXPECT_EQ(r.exit_code, 4) << r.DebugString();  // kNoBeacon
  EXPECT_THAT(r.err, HasSubstr("no beacon found"));
}

}  // namespace
}  // namespace haywire
