// Copyright 2026 The Haywire Authors.

#include "haywire/cli/host_flags.h"

#include "absl/time/time.h"
#include "gflags/gflags.h"
#include "gtest/gtest.h"
#include "haywire/host/client.h"

namespace haywire {
namespace {

TEST(ClientOptionsFromFlagsTest, TimeoutBoundsResponsesAndSlots) {
  gflags::FlagSaver saver;
  FLAGS_timeout_ms = 1234;
  const ClientOptions options = ClientOptionsFromFlags();
  EXPECT_EQ(options.request_timeout, absl::Milliseconds(1234));
  EXPECT_EQ(options.busy_timeout, absl::Milliseconds(1234));
}

TEST(ClientOptionsFromFlagsTest, LongLiveWaitAlsoHoldsDuringRequests) {
  gflags::FlagSaver saver;
  FLAGS_live_wait_ms = 30000;
  EXPECT_EQ(ClientOptionsFromFlags().heartbeat_timeout, absl::Seconds(30));
}

TEST(ClientOptionsFromFlagsTest, ShortLiveWaitKeepsTheTwoSecondFloor) {
  gflags::FlagSaver saver;
  FLAGS_live_wait_ms = 350;
  EXPECT_EQ(ClientOptionsFromFlags().heartbeat_timeout,
            ClientOptions().heartbeat_timeout);
  EXPECT_EQ(ClientOptions().heartbeat_timeout, absl::Seconds(2));
}

// Only the built-in --mem-file default is checked for a planted file
// (CheckDefaultPathOwnership); a path the user gives is their choice.
TEST(ConnectOptionsFromFlagsTest, KnowsWhetherTheMemFileIsTheDefault) {
  gflags::FlagSaver saver;
  EXPECT_TRUE(ConnectOptionsFromFlags()->mem_file_is_default);
  gflags::SetCommandLineOption("mem_file", "/tmp/another-vm");
  const ConnectOptions options = *ConnectOptionsFromFlags();
  EXPECT_FALSE(options.mem_file_is_default);
  EXPECT_EQ(options.mem_file, "/tmp/another-vm");
}

TEST(ConnectOptionsFromFlagsTest, SessionFlagNamesTheSession) {
  gflags::FlagSaver saver;
  EXPECT_FALSE(ConnectOptionsFromFlags()->session_id.has_value());
  gflags::SetCommandLineOption("session", "0x00000000000000ab");
  EXPECT_EQ(ConnectOptionsFromFlags()->session_id, 0xABu);
  EXPECT_EQ(gflags::SetCommandLineOption("session", "nothex"), "");
}

}  // namespace
}  // namespace haywire
