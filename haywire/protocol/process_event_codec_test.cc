// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/process_event_codec.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

TEST(ProcessEventCodecTest, RoundTripsEveryField) {
  ProcessEvent e;
  e.kind = ProcessEventKind::kExit;
  e.pid = 4000000000u;
  e.ppid = 7;
  e.uid = 1000;
  e.has_uid = true;
  e.guest_mono_ns = 123456789;
  e.guest_unix_ns = 1700000000123456789ull;
  e.has_exit_status = true;
  e.exit_code = 0;
  e.exit_signal = 9;
  e.comm = "sleep";
  e.args = {"sleep", "30", ""};
  absl::StatusOr<ProcessEvent> back = DecodeProcessEvent(EncodeProcessEvent(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->kind, e.kind);
  EXPECT_EQ(back->pid, e.pid);
  EXPECT_EQ(back->ppid, e.ppid);
  EXPECT_EQ(back->uid, e.uid);
  EXPECT_TRUE(back->has_uid);
  EXPECT_EQ(back->guest_mono_ns, e.guest_mono_ns);
  EXPECT_EQ(back->guest_unix_ns, e.guest_unix_ns);
  EXPECT_TRUE(back->has_exit_status);
  EXPECT_EQ(back->exit_code, 0);
  EXPECT_EQ(back->exit_signal, 9);
  EXPECT_EQ(back->comm, "sleep");
  EXPECT_EQ(back->args, e.args);
  EXPECT_FALSE(back->args_truncated);
}

TEST(ProcessEventCodecTest, OptionalFieldsStayAbsent) {
  ProcessEvent e;
  e.kind = ProcessEventKind::kExit;
  e.pid = 5;
  absl::StatusOr<ProcessEvent> back = DecodeProcessEvent(EncodeProcessEvent(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->has_uid);
  EXPECT_FALSE(back->has_exit_status);
}

TEST(ProcessEventCodecTest, HugeCommandLinesAreCutToTheBounds) {
  ProcessEvent e;
  e.kind = ProcessEventKind::kExec;
  e.pid = 1;
  e.comm = std::string(5000, 'c');
  e.args.assign(1000, std::string(100, 'a'));
  const std::string payload = EncodeProcessEvent(e);
  EXPECT_LE(payload.size(), kMaxProcessEventPayloadBytes);
  absl::StatusOr<ProcessEvent> back = DecodeProcessEvent(payload);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->comm.size(), kMaxNameBytes);
  EXPECT_TRUE(back->args_truncated);
  EXPECT_FALSE(back->args.empty());
  // One argument larger than the whole budget is cut, not dropped.
  e.args = {std::string(10000, 'x')};
  back = DecodeProcessEvent(EncodeProcessEvent(e));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->args.size(), 1u);
  EXPECT_EQ(back->args[0].size(), kMaxArgsBytes - kWireFieldHeaderBytes);
  EXPECT_TRUE(back->args_truncated);
}

TEST(ProcessEventCodecTest, RejectsMissingAndOutOfRangeFields) {
  {
    WireWriter w(1024);
    w.PutU64(2, 1);  // pid only
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(1024);
    w.PutU64(1, 2);  // kind only
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(1024);
    w.PutU64(1, 9);  // unknown kind
    w.PutU64(2, 1);
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(1024);
    w.PutU64(1, 1);
    w.PutU64(2, uint64_t{1} << 32);  // pid out of range
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(1024);
    w.PutU64(1, 3);
    w.PutU64(2, 1);
    w.PutI64(8, 200);  // signal out of range, and no exit code
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(4096);
    w.PutU64(1, 2);
    w.PutU64(2, 1);
    w.PutString(9, std::string(kMaxNameBytes + 1, 'c'));  // comm too long
    EXPECT_FALSE(DecodeProcessEvent(w.data()).ok());
  }
  {
    WireWriter w(1024);
    w.PutU64(1, 2);
    w.PutU64(2, 1);
    w.PutU64(77, 1);  // unknown tags are skipped
    EXPECT_TRUE(DecodeProcessEvent(w.data()).ok());
  }
}

TEST(ProcessEventCodecTest, GarbageNeverCrashes) {
  std::mt19937_64 random(5);
  ProcessEvent e;
  e.kind = ProcessEventKind::kExec;
  e.pid = 42;
  e.comm = "bash";
  e.args = {"bash", "-c", "true"};
  const std::string valid = EncodeProcessEvent(e);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid;
    const int flips = 1 + static_cast<int>(random() % 8);
    for (int j = 0; j < flips; ++j) {
      bytes[random() % bytes.size()] = static_cast<char>(random());
    }
    if (random() % 4 == 0) bytes.resize(random() % (bytes.size() + 1));
    absl::StatusOr<ProcessEvent> decoded = DecodeProcessEvent(bytes);
    if (decoded.ok()) {
      EXPECT_LE(decoded->comm.size(), kMaxNameBytes);
      EXPECT_LE(decoded->args.size(), kMaxArgs);
    }
  }
}

}  // namespace
}  // namespace haywire
