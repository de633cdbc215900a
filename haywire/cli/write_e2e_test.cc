// Copyright 2026 The Haywire Authors.
//
// `haywire write` end to end: the real binary against simulated
// companions (this machine's processes standing in for the guest's). A
// write through a keyed companion started with --allow-memory-write
// changes the fixture's marker as the fixture itself then reports it, and
// is logged on the companion's stderr; it is refused without the switch,
// without the key, and guest-serve refuses the switch without a key;
// unwritable memory, bad arguments and a missing process are clear errors.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/cli/ps_e2e_fixture.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/memory_fixture.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/hex_bytes.h"

namespace haywire {
namespace {

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

class WriteE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = TestTempPath("vm.key");
    const SubprocessResult made =
        RunCommand({HaywirePath(), "keygen", "--out=" + key_});
    ASSERT_EQ(made.exit_code, 0) << made.DebugString();
    absl::StatusOr<std::unique_ptr<MemoryFixture>> fixture =
        MemoryFixture::Start({"--needles"});
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = *std::move(fixture);
  }

  // Starts a companion on `ram` with `args` (fatal on failure).
  void StartCompanion(const std::string& ram,
                      const std::vector<std::string>& args) {
    CompanionOptions options;
    options.ram_file = TestTempPath(ram);
    options.log_prefix = TestTempPath(ram + "-serve");
    options.extra_args = args;
    options.extra_args.push_back("--event-source=off");
    absl::StatusOr<std::unique_ptr<CompanionProcess>> companion =
        CompanionProcess::Start(options);
    ASSERT_TRUE(companion.ok()) << companion.status();
    companion_ = *std::move(companion);
    ram_ = options.ram_file;
  }

  SubprocessResult Write(std::vector<std::string> args,
                         const std::string& key_flag) {
    std::vector<std::string> argv = {
        HaywirePath(),        "write",
        "--mem-file=" + ram_, "--cache-dir=" + TestTempPath("cache"),
        kLiveWaitFlag,        key_flag};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  std::string Pid() const { return absl::StrCat(fixture_->pid()); }
  uint64_t Marker() const { return fixture_->region("marker").address; }

  std::string key_;
  std::string ram_;
  std::unique_ptr<MemoryFixture> fixture_;
  std::unique_ptr<CompanionProcess> companion_;
};

TEST_F(WriteE2eTest, AnAllowedWriteChangesWhatTheProcessSees) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion(
      "allowed", {"--key-file=" + key_, "--allow-memory-write"}));
  const std::string key_flag = "--key-file=" + key_;
  const SubprocessResult r =
      Write({Pid(), Hex(Marker() + 3), "de ad be ef"}, key_flag);
  ASSERT_EQ(r.exit_code, 0) << r.DebugString();
  EXPECT_EQ(r.out, absl::StrCat("wrote 4 bytes to process ", Pid(), " at ",
                                Hex(Marker() + 3), "\n"));
  std::string want = fixture_->Marker();
  want.replace(3, 4, "\xde\xad\xbe\xef");
  absl::StatusOr<std::string> seen = fixture_->ReportMarker();
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(HexBytesText(*seen), HexBytesText(want));
  EXPECT_TRUE(
      absl::StrContains(companion_->Output(),
                        absl::StrCat("pid ", Pid(), ", address ",
                                     Hex(Marker() + 3), ", length 4: written")))
      << companion_->Output();

  // From a file, more than one request's worth, across a page boundary
  // (the 8 KiB needle-cross mapping holds 2 pages).
  const uint64_t cross = fixture_->region("needle-cross").address;
  const uint64_t page_start = cross - (4096 - 7);
  std::string bytes(8000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  const std::string in = TestTempPath("patch.bin");
  std::ofstream(in, std::ios::binary) << bytes;
  const SubprocessResult from_file =
      Write({"--in=" + in, Pid(), Hex(page_start + 100)}, key_flag);
  ASSERT_EQ(from_file.exit_code, 0) << from_file.DebugString();
  const SubprocessResult back =
      RunCommand({HaywirePath(), "read", "--mem-file=" + ram_,
                  "--cache-dir=" + TestTempPath("cache"), kLiveWaitFlag,
                  key_flag, "--format=raw", "--out=" + TestTempPath("back.bin"),
                  Pid(), Hex(page_start + 100), "8000"});
  ASSERT_EQ(back.exit_code, 0) << back.DebugString();
  std::ifstream got_file(TestTempPath("back.bin"), std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(got_file)),
                        std::istreambuf_iterator<char>());
  EXPECT_TRUE(got == bytes);

  // Read-only memory and a hole are not written.
  const SubprocessResult readonly =
      Write({Pid(), Hex(fixture_->region("needle-readonly").address), "00"},
            key_flag);
  EXPECT_EQ(readonly.exit_code, 16) << readonly.DebugString();
  EXPECT_TRUE(absl::StrContains(readonly.err, "nothing was written"))
      << readonly.DebugString();
  const SubprocessResult missing = Write({"4194305", "0x1000", "00"}, key_flag);
  EXPECT_EQ(missing.exit_code, 10) << missing.DebugString();

  // Without the key (its channel) nothing is sent.
  const SubprocessResult keyless =
      Write({Pid(), Hex(Marker()), "00"}, "--key-file=none");
  EXPECT_EQ(keyless.exit_code, 14) << keyless.DebugString();
  seen = fixture_->ReportMarker();
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(HexBytesText(*seen), HexBytesText(want));
}

TEST_F(WriteE2eTest, RefusedWithoutTheSwitch) {
  ASSERT_NO_FATAL_FAILURE(StartCompanion("keyed", {"--key-file=" + key_}));
  const SubprocessResult r =
      Write({Pid(), Hex(Marker()), "00 11"}, "--key-file=" + key_);
  EXPECT_EQ(r.exit_code, 18) << r.DebugString();
  EXPECT_TRUE(absl::StrContains(r.err, "--allow-memory-write"))
      << r.DebugString();
  absl::StatusOr<std::string> seen = fixture_->ReportMarker();
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, fixture_->Marker());
}

TEST_F(WriteE2eTest, TheSwitchNeedsAKey) {
  const SubprocessResult r = RunCommand(
      {HaywirePath(), "guest-serve", "--ram-file=" + TestTempPath("nokey"),
       "--event-source=off", "--allow-memory-write", "--key-file=none"});
  EXPECT_EQ(r.exit_code, 2) << r.DebugString();
  EXPECT_TRUE(absl::StrContains(r.err, "--allow-memory-write needs the VM key"))
      << r.DebugString();
}

TEST_F(WriteE2eTest, BadArguments) {
  ASSERT_NO_FATAL_FAILURE(
      StartCompanion("args", {"--key-file=" + key_, "--allow-memory-write"}));
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{Pid(), Hex(Marker())}, "either as HEXBYTES or with --in"},
      {{Pid(), Hex(Marker()), "abc"}, "odd number of hex digits"},
      {{Pid(), Hex(Marker()), ""}, "nothing to write"},
      {{Pid(), "zz", "00"}, "is not an address"},
      {{Pid(), "0xffffffffffffffff", "00 00"}, "wraps"},
      {{"0", Hex(Marker()), "00"}, "is not a process id"},
      {{"--in=/no/such/file", Pid(), Hex(Marker())}, "--in=/no/such/file"},
  };
  for (const Case& c : cases) {
    const SubprocessResult r = Write(c.args, "--key-file=" + key_);
    EXPECT_EQ(r.exit_code, 2) << r.DebugString();
    EXPECT_TRUE(absl::StrContains(r.err, c.says)) << r.DebugString();
  }
}

}  // namespace
}  // namespace haywire
