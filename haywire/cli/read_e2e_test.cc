// Copyright 2026 The Haywire Authors.
//
// `haywire read` end to end: the real binary against a simulated companion
// (this machine's processes standing in for the guest's), reading a
// process that holds known bytes at known addresses (memory_fixture).
// Every byte is compared with what the fixture wrote; reads that reach
// unmapped memory, bad arguments and a process that is gone are clear
// errors after which the companion keeps serving; 16 clients read at once,
// and a client killed mid-read does not wedge its slot's window.

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/memory_fixture.h"

namespace haywire {
namespace {

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReadE2eTest : public PsE2eTest {
 protected:
  void SetUp() override {
    PsE2eTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartCompanion());
    file_ = TestTempPath("mapped-file");
    absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
        MemoryFixture::Start({"--file=" + file_});
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = *std::move(fixture);
  }

  std::string Pid() const { return absl::StrCat(fixture_->pid()); }

  // `haywire read --format=raw --out=F PID ADDR LEN`: the bytes, or "" and
  // a failure.
  std::string Raw(uint64_t address, uint64_t length) {
    const std::string out = TestTempPath("raw.bin");
    const SubprocessResult r =
        Haywire({"read", "--format=raw", "--out=" + out, Pid(), Hex(address),
                 absl::StrCat(length)});
    EXPECT_EQ(r.exit_code, 0) << r.DebugString();
    return ReadFile(out);
  }

  std::string file_;
  std::unique_ptr<MemoryFixture> fixture_;
};

TEST_F(ReadE2eTest, EveryRegionReadsExactlyAsWritten) {
  const MemoryFixture::Region marker = fixture_->region("marker");
  EXPECT_EQ(Raw(marker.address, 64), fixture_->Marker());
  // 8192 bytes starting 100 bytes before a page boundary.
  const MemoryFixture::Region spanning = fixture_->region("spanning");
  EXPECT_EQ(Raw(spanning.address, spanning.length),
            MemoryFixture::Pattern(1, 0, spanning.length));
  // 3 MiB: several bulk windows.
  const MemoryFixture::Region big = fixture_->region("big");
  const std::string bytes = Raw(big.address, big.length);
  ASSERT_EQ(bytes.size(), big.length);
  EXPECT_TRUE(bytes == MemoryFixture::Pattern(2, 0, big.length))
      << "first difference at byte "
      << std::mismatch(bytes.begin(), bytes.end(),
                       MemoryFixture::Pattern(2, 0, big.length).begin())
                 .first -
             bytes.begin();
  // From the middle of the big buffer, an odd length.
  EXPECT_EQ(Raw(big.address + 1234567, 777),
            MemoryFixture::Pattern(2, 1234567, 777));
  const MemoryFixture::Region file = fixture_->region("file");
  EXPECT_EQ(Raw(file.address, file.length),
            MemoryFixture::Pattern(3, 0, file.length));
}

TEST_F(ReadE2eTest, TheHexdumpIsXxdsWithGuestAddresses) {
  const MemoryFixture::Region marker = fixture_->region("marker");
  const SubprocessResult r =
      Haywire({"read", Pid(), Hex(marker.address), "20"});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  const std::string m = fixture_->Marker();
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    absl::StrAppendFormat(&hex, "%02x", static_cast<unsigned char>(m[i]));
    if (i % 2 == 1) hex += ' ';
  }
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            absl::StrCat(absl::Hex(marker.address, absl::kZeroPad8), ": ", hex,
                         " ", m.substr(0, 16)));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

TEST_F(ReadE2eTest, AMappingByName) {
  const SubprocessResult r =
      Haywire({"read", "--format=raw", "--out=" + TestTempPath("f.bin"),
               "--mapping=" + file_, Pid()});
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(ReadFile(TestTempPath("f.bin")),
            MemoryFixture::Pattern(3, 0, fixture_->region("file").length));
  const SubprocessResult none =
      Haywire({"read", "--mapping=/no/such/file", Pid()});
  EXPECT_EQ(none.exit_code, 2) << none.DebugString();
  EXPECT_TRUE(absl::StrContains(none.err, "has no mapping named /no/such/file"))
      << none.err;
}

TEST_F(ReadE2eTest, UnmappedMemoryStopsTheReadWhereItStarts) {
  const MemoryFixture::Region edge = fixture_->region("edge");
  if (edge.length == 0) GTEST_SKIP() << "the kernel mapped the fixture's hole";
  const std::string out = TestTempPath("edge.bin");
  const SubprocessResult r = Haywire({"read", "--format=raw", "--out=" + out,
                                      Pid(), Hex(edge.address + 4000), "200"});
  EXPECT_EQ(r.exit_code, 16) << r.DebugString();
  EXPECT_TRUE(absl::StrContains(
      r.err, absl::StrCat("memory at ", Hex(edge.address + edge.length))))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "the 96 bytes before it were written"))
      << r.err;
  // The bytes before the hole were written.
  EXPECT_EQ(ReadFile(out), MemoryFixture::Pattern(4, 4000, 96));
  // Nothing mapped at all.
  const SubprocessResult zero = Haywire({"read", Pid(), "0x10", "16"});
  EXPECT_EQ(zero.exit_code, 16) << zero.DebugString();
  EXPECT_TRUE(absl::StrContains(zero.err, "at 0x10 ")) << zero.err;
  EXPECT_EQ(zero.out, "");
}

TEST_F(ReadE2eTest, BadArgumentsAndMissingProcessesAreClearErrors) {
  const std::string marker = Hex(fixture_->region("marker").address);
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"read", Pid(), marker, "0"}, 2, "at least 1 byte"},
      {{"read", Pid(), "0xffffffffffffff00", "0x200"}, 2, "wraps"},
      {{"read", Pid(), "zz"}, 2, "is not an address"},
      {{"read", Pid(), marker, "ten"}, 2, "is not a length"},
      {{"read", Pid()}, 2, "either ADDR"},
      {{"read", "--format=dump", Pid(), marker}, 2, "hexdump or raw"},
      {{"read", "4194305", marker, "16"}, 10, "no process with pid 4194305"},
  };
  for (const Case& c : cases) {
    const SubprocessResult r = Haywire(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.DebugString();
    EXPECT_TRUE(absl::StrContains(r.err, c.says)) << r.DebugString();
  }
  // The companion still serves.
  EXPECT_EQ(Raw(fixture_->region("marker").address, 64), fixture_->Marker());
}

TEST_F(ReadE2eTest, SixteenClientsReadAtOnce) {
  const MemoryFixture::Region big = fixture_->region("big");
  std::vector<std::unique_ptr<BackgroundProcess>> clients;
  for (int i = 0; i < 16; ++i) {
    absl::StatusOr<std::unique_ptr<BackgroundProcess>> client =
        BackgroundProcess::Start(
            HostArgs({"read", "--format=raw",
                      "--out=" + TestTempPath(absl::StrCat("c", i, ".bin")),
                      Pid(), Hex(big.address), absl::StrCat(big.length)},
                     {"--timeout-ms=60000"}),
            absl::StrCat("client", i));
    ASSERT_TRUE(client.ok()) << client.status();
    clients.push_back(*std::move(client));
  }
  const std::string want = MemoryFixture::Pattern(2, 0, big.length);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(clients[i]->WaitExit(kRunTimeout), 0) << clients[i]->Stderr();
    EXPECT_TRUE(ReadFile(TestTempPath(absl::StrCat("c", i, ".bin"))) == want)
        << "client " << i;
  }
}

TEST_F(ReadE2eTest, AClientKilledMidReadDoesNotWedgeItsWindow) {
  // A read long enough to be killed in the middle: the fixture's 3 MiB,
  // over and over, through a pipe nobody reads fast.
  const MemoryFixture::Region big = fixture_->region("big");
  for (int round = 0; round < 3; ++round) {
    absl::StatusOr<std::unique_ptr<BackgroundProcess>> client =
        BackgroundProcess::Start(
            {"/bin/sh", "-c",
             absl::StrCat("while :; do '", HaywirePath(), "' read --mem-file='",
                          ram_, "' --cache-dir='", cache_, "' ", kLiveWaitFlag,
                          " --format=raw ", Pid(), " ", Hex(big.address), " ",
                          big.length, " > /dev/null; done")},
            "killed-reader");
    ASSERT_TRUE(client.ok()) << client.status();
    absl::SleepFor(absl::Milliseconds(300));
    ::kill(-(*client)->pid(), SIGKILL);
    client->reset();
  }
  // Every slot is usable again: 16 reads at once still succeed (a slot
  // owned by a dead client is reclaimed).
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Raw(big.address, big.length),
              MemoryFixture::Pattern(2, 0, big.length));
  }
}

// With a VM key the bytes travel under the response's tag (a BLAKE2b-256
// digest of them in the tagged payload): the read is the same, and a
// client without the key is refused.
TEST(ReadKeyedE2eTest, AKeyedReadDeliversTheSameBytes) {
  const std::string ram = TestTempPath("keyed-ram");
  const std::string key = TestTempPath("vm.key");
  const SubprocessResult made =
      RunCommand({HaywirePath(), "keygen", "--out=" + key});
  ASSERT_EQ(made.exit_code, 0) << made.DebugString();
  CompanionOptions options;
  options.ram_file = ram;
  options.log_prefix = TestTempPath("keyed");
  options.extra_args = {"--key-file=" + key, "--event-source=off"};
  absl::StatusOr<std::unique_ptr<CompanionProcess>> companion =
      CompanionProcess::Start(options);
  ASSERT_TRUE(companion.ok()) << companion.status();
  absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
      MemoryFixture::Start({});
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  const MemoryFixture::Region big = (*fixture)->region("big");
  const std::string out = TestTempPath("keyed.bin");
  auto read = [&](const std::string& key_flag) {
    return RunCommand({HaywirePath(), "read", "--mem-file=" + ram,
                       "--cache-dir=" + TestTempPath("keyed-cache"),
                       kLiveWaitFlag, key_flag, "--format=raw", "--out=" + out,
                       absl::StrCat((*fixture)->pid()), Hex(big.address),
                       absl::StrCat(big.length)});
  };
  const SubprocessResult keyed = read("--key-file=" + key);
  ASSERT_EQ(keyed.exit_code, 0) << keyed.DebugString();
  EXPECT_TRUE(ReadFile(out) == MemoryFixture::Pattern(2, 0, big.length));
  const SubprocessResult keyless = read("--key-file=none");
  EXPECT_EQ(keyless.exit_code, 14) << keyless.DebugString();
}

}  // namespace
}  // namespace haywire
