// Copyright 2026 The Haywire Authors.
//
// CompleteCommandLine against companions that serve GET_COMMAND_LINE
// honestly, endlessly, without progress, out of bounds, about another
// process, or (with a key) with window bytes altered after their digest:
// the entry gets the whole command line, stays cut, or the call fails
// clearly.

#include "haywire/host/whole_command_line.h"

#include <sodium.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/auth/vm_key.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

// A command line of `args`, as the kernel keeps it.
std::string Cmdline(const std::vector<std::string>& args) {
  std::string bytes;
  for (const std::string& a : args)
    absl::StrAppend(&bytes, a, std::string(1, '\0'));
  return bytes;
}

// The entry a listing sent: the first arguments, the last one cut.
ProcessEntry CutEntry(uint32_t pid, const std::vector<std::string>& args) {
  ProcessEntry e;
  e.pid = pid;
  e.args = {args[0], args[1].substr(0, 100)};
  e.args_truncated = true;
  return e;
}

// A companion that serves `bytes` as every process's command line, a
// window (4032 bytes) at a time.
class CommandLineCompanion {
 public:
  explicit CommandLineCompanion(const std::string& name) : companion_(name) {
    windows_ = companion_.UseBulkWindows();
  }
  // The handler's data (the members below the companion) outlives its
  // thread.
  ~CommandLineCompanion() { companion_.Stop(); }

  // Serves `bytes` (from each request's offset); `Answer` may change what
  // is sent.
  void Serve(std::string bytes) {
    bytes_ = std::move(bytes);
    companion_.Handle<request::GetCommandLine>(
        [this](const CommandLineRequest& r, const RequestContext& c) {
          ++requests;
          const uint64_t from = std::min<uint64_t>(r.offset, bytes_.size());
          const uint64_t n =
              std::min<uint64_t>(windows_.capacity(), bytes_.size() - from);
          CopyToWindow(companion_.region(), windows_, c.slot,
                       bytes_.data() + from, n);
          CommandLineResponse response;
          response.bytes = n;
          response.ended = from + n == bytes_.size();
          return Respond<request::GetCommandLine>(response);
        });
  }

  TestCompanion& companion() { return companion_; }
  const BulkWindowLayout& windows() const { return windows_; }
  std::atomic<int> requests{0};

 private:
  TestCompanion companion_;
  BulkWindowLayout windows_;
  std::string bytes_;
};

TEST(WholeCommandLineTest, SplitsLikeTheKernelKeepsThem) {
  EXPECT_EQ(SplitCommandLine(std::string("a\0bc\0\0d\0", 8)),
            (std::vector<std::string>{"a", "bc", "", "d"}));
  // A process that rewrote its arguments may leave no final NUL.
  EXPECT_EQ(SplitCommandLine("title: worker"),
            (std::vector<std::string>{"title: worker"}));
  EXPECT_TRUE(SplitCommandLine("").empty());
}

TEST(WholeCommandLineTest, ACutCommandLineIsMadeWholeOverSeveralWindows) {
  CommandLineCompanion fake("whole");
  const std::vector<std::string> args = {"/usr/bin/java",
                                         std::string(10000, 'c'), "Main"};
  fake.Serve(Cmdline(args));
  fake.companion().Start();
  LiveSession session = fake.companion().Connect();
  Client client(&session, Quick());
  ProcessEntry entry = CutEntry(42, args);
  uint64_t budget = 1 << 30;
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_EQ(entry.args, args);
  EXPECT_FALSE(entry.args_truncated);
  EXPECT_EQ(fake.requests.load(), 3);  // 10 KiB in 4032-byte windows
  EXPECT_EQ(budget, (1u << 30) - Cmdline(args).size());
  // A whole command line is not fetched again.
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_EQ(fake.requests.load(), 3);
}

TEST(WholeCommandLineTest, PastTheBoundItStaysTruncated) {
  CommandLineCompanion fake("endless");
  std::string bytes = Cmdline({"/bin/x", std::string(1200 << 10, 'y')});
  fake.Serve(bytes);
  fake.companion().Start();
  LiveSession session = fake.companion().Connect();
  Client client(&session, Quick());
  ProcessEntry entry = CutEntry(42, {"/bin/x", "yyyy"});
  uint64_t budget = 1ull << 40;
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_TRUE(entry.args_truncated);
  ASSERT_EQ(entry.args.size(), 2u);
  EXPECT_EQ(entry.args[0].size() + 1 + entry.args[1].size(),
            kMaxCommandLineBytes);
}

TEST(WholeCommandLineTest, TheBudgetLimitsWhatIsFetched) {
  CommandLineCompanion fake("budget");
  const std::vector<std::string> args = {"/bin/x", std::string(20000, 'z')};
  fake.Serve(Cmdline(args));
  fake.companion().Start();
  LiveSession session = fake.companion().Connect();
  Client client(&session, Quick());
  ProcessEntry entry = CutEntry(42, args);
  uint64_t budget = 5000;
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_TRUE(entry.args_truncated);
  EXPECT_EQ(entry.args[1].size(), 5000u - 7u);
  EXPECT_EQ(budget, 0u);
  EXPECT_EQ(fake.requests.load(), 2);
}

TEST(WholeCommandLineTest, AnotherProcesssCommandLineIsNotUsed) {
  CommandLineCompanion fake("other");
  fake.Serve(Cmdline({"/bin/other", std::string(5000, 'o')}));
  fake.companion().Start();
  LiveSession session = fake.companion().Connect();
  Client client(&session, Quick());
  const std::vector<std::string> mine = {"/bin/mine", std::string(5000, 'm')};
  ProcessEntry entry = CutEntry(42, mine);
  const ProcessEntry before = entry;
  uint64_t budget = 1 << 30;
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_EQ(entry.args, before.args);
  EXPECT_TRUE(entry.args_truncated);
}

TEST(WholeCommandLineTest, AnOlderCompanionLeavesTheEntryCut) {
  CommandLineCompanion fake("older");
  fake.Serve(Cmdline({"/bin/x", "y"}));
  fake.companion().Start(/*hidden_capabilities=*/kCapCommandLine);
  LiveSession session = fake.companion().Connect();
  Client client(&session, Quick());
  ProcessEntry entry = CutEntry(42, {"/bin/x", "y"});
  uint64_t budget = 1 << 30;
  ASSERT_TRUE(CompleteCommandLine(client, &entry, &budget).ok());
  EXPECT_TRUE(entry.args_truncated);
  EXPECT_EQ(fake.requests.load(), 0);
}

TEST(WholeCommandLineTest, HostileAnswersFailClearly) {
  struct Case {
    const char* name;
    uint64_t bytes;
    bool ended;
    const char* says;
  } cases[] = {
      {"no-progress", 0, false, "goes on without bytes"},
      {"oversized", 4033, true, "claims 4033 bytes of a 4032-byte window"},
  };
  for (const Case& c : cases) {
    TestCompanion companion(c.name);
    companion.UseBulkWindows();
    companion.Handle<request::GetCommandLine>(
        [&](const CommandLineRequest&, const RequestContext&) {
          CommandLineResponse response;
          response.bytes = c.bytes;
          response.ended = c.ended;
          return Respond<request::GetCommandLine>(response);
        });
    companion.Start();
    LiveSession session = companion.Connect();
    Client client(&session, Quick());
    ProcessEntry entry = CutEntry(42, {"/bin/x", "y"});
    uint64_t budget = 1 << 30;
    const absl::Status s = CompleteCommandLine(client, &entry, &budget);
    EXPECT_EQ(FailureOf(s), Failure::kGuestError) << c.name << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), c.says)) << s;
  }
}

auth::VmKey TestKey() {
  std::array<uint8_t, auth::kVmKeyBytes> bytes;
  bytes.fill(0x5a);
  return auth::VmKey(bytes);
}

// With a key, window bytes travel under the response's tag through their
// digest: a window altered after the companion hashed it (as anyone who
// can write the RAM file could) fails, and the session is given up.
TEST(WholeCommandLineTest, WindowBytesAlteredUnderAKeyAreCaught) {
  const auth::VmKey key = TestKey();
  TestCompanion companion("tampered");
  const BulkWindowLayout windows = companion.UseBulkWindows();
  const std::string honest = Cmdline({"/bin/x", std::string(3000, 'h')});
  companion.Handle<request::GetCommandLine>(
      [&](const CommandLineRequest& r, const RequestContext& c) {
        EXPECT_TRUE(r.want_digest);
        CommandLineResponse response;
        response.bytes = honest.size();
        response.ended = true;
        response.digest = WindowDigestOf(c, honest.data(), honest.size());
        EXPECT_EQ(response.digest.size(), CommandLineResponse::kDigestBytes);
        std::string altered = honest;
        altered[100] = 'X';
        CopyToWindow(companion.region(), windows, c.slot, altered.data(),
                     altered.size());
        return Respond<request::GetCommandLine>(response);
      });
  companion.Start(0, &key);
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.key = std::make_shared<const auth::VmKey>(key);
  Client client(&session, options);
  ProcessEntry entry = CutEntry(42, {"/bin/x", "hhh"});
  uint64_t budget = 1 << 30;
  const absl::Status s = CompleteCommandLine(client, &entry, &budget);
  EXPECT_TRUE(entry.args_truncated);
  EXPECT_EQ(FailureOf(s), Failure::kUnauthenticated) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "authenticated digest")) << s;
  // Nothing more is sent to the session.
  EXPECT_EQ(FailureOf(client.Ping()), Failure::kUnauthenticated);
  // The handler's locals (declared after the companion) outlive its thread.
  companion.Stop();
}

}  // namespace
}  // namespace haywire
