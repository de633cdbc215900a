// Copyright 2026 The Haywire Authors.
//
// The bounds the encoders of messages.h apply: strings and command lines cut
// to their limits (and flagged), records written all or nothing, and the
// layout guarantee that the largest process entry plus a listing header fits
// one response page.

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/messages_test_support.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

TEST(MessagesTest, LongStringsAreCutToTheirBounds) {
  ProcessEntry e;
  e.pid = 1;
  e.user = std::string(kMaxNameBytes + 50, 'u');
  e.tty = std::string(kMaxNameBytes + 1, 't');
  e.comm = std::string(1000, 'c');
  const ProcessEntry got = RoundTripEntry(e);
  EXPECT_EQ(got.user, std::string(kMaxNameBytes, 'u'));
  EXPECT_EQ(got.tty, std::string(kMaxNameBytes, 't'));
  EXPECT_EQ(got.comm, std::string(kMaxNameBytes, 'c'));

  ProcessInfo info;
  info.entry.pid = 1;
  info.exe = std::string(kMaxPathBytes + 1, 'e');
  info.cwd = std::string(5000, 'w');
  info.root = std::string(kMaxPathBytes, 'r');        // exactly at the limit
  info.cgroup = std::string(kMaxPathBytes + 7, 'g');  // a name (messages.h)
  info.cpus_allowed_list = std::string(kMaxNameBytes + 1, '0');
  absl::StatusOr<ProcessInfo> decoded =
      DecodeMessage<ProcessInfo>(EncodeInfo(info, 1 << 16));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->exe, std::string(kMaxPathBytes, 'e'));
  EXPECT_EQ(decoded->cwd, std::string(kMaxPathBytes, 'w'));
  EXPECT_EQ(decoded->root, std::string(kMaxPathBytes, 'r'));
  EXPECT_EQ(decoded->cgroup, std::string(kMaxNameBytes, 'g'));
  EXPECT_EQ(decoded->cpus_allowed_list, std::string(kMaxNameBytes, '0'));
}

TEST(MessagesTest, ArgsAtExactlyTheLimitsAreNotTruncated) {
  // kMaxArgs empty arguments cost exactly kMaxArgsBytes: both limits met.
  static_assert(kMaxArgs * kWireFieldHeaderBytes == kMaxArgsBytes);
  ProcessEntry e;
  e.pid = 1;
  e.args.assign(kMaxArgs, "");
  ProcessEntry got = RoundTripEntry(e);
  EXPECT_EQ(got.args.size(), kMaxArgs);
  EXPECT_FALSE(got.args_truncated);

  // Two arguments that fill kMaxArgsBytes exactly.
  const size_t half = kMaxArgsBytes / 2 - kWireFieldHeaderBytes;
  e.args = {std::string(half, 'a'), std::string(half, 'b')};
  got = RoundTripEntry(e);
  EXPECT_EQ(got.args, e.args);
  EXPECT_FALSE(got.args_truncated);

  // One argument filling it alone.
  e.args = {std::string(kMaxArgsBytes - kWireFieldHeaderBytes, 'x')};
  got = RoundTripEntry(e);
  EXPECT_EQ(got.args, e.args);
  EXPECT_FALSE(got.args_truncated);
}

TEST(MessagesTest, ArgsBeyondKMaxArgsAreTruncated) {
  ProcessEntry e;
  e.pid = 1;
  e.args.assign(kMaxArgs + 1, "");
  ProcessEntry got = RoundTripEntry(e);
  EXPECT_EQ(got.args.size(), kMaxArgs);
  EXPECT_TRUE(got.args_truncated);

  e.args.clear();
  for (size_t i = 0; i < 1000; ++i) e.args.push_back(absl::StrCat(i));
  got = RoundTripEntry(e);
  EXPECT_TRUE(got.args_truncated);
  ASSERT_LE(got.args.size(), kMaxArgs);
  // What is kept is a prefix.
  EXPECT_THAT(got.args, ElementsAreArray(e.args.begin(),
                                         e.args.begin() + got.args.size()));
}

TEST(MessagesTest, ArgsBeyondKMaxArgsBytesAreTruncated) {
  ProcessEntry e;
  e.pid = 1;
  // One byte over: the second argument is cut to what fits, not dropped.
  const size_t half = kMaxArgsBytes / 2 - kWireFieldHeaderBytes;
  e.args = {std::string(half, 'a'), std::string(half + 1, 'b'), "c"};
  ProcessEntry got = RoundTripEntry(e);
  EXPECT_THAT(got.args,
              ElementsAre(std::string(half, 'a'), std::string(half, 'b')));
  EXPECT_TRUE(got.args_truncated);

  // 300 one-byte arguments cost 9 bytes each: the byte limit comes first.
  e.args.assign(300, "z");
  got = RoundTripEntry(e);
  EXPECT_EQ(got.args.size(), kMaxArgsBytes / (kWireFieldHeaderBytes + 1));
  EXPECT_TRUE(got.args_truncated);

  // A single argument longer than the limit.
  e.args = {std::string(kMaxArgsBytes, 'q'), "after"};
  got = RoundTripEntry(e);
  EXPECT_TRUE(got.args_truncated);
  size_t bytes = 0;
  for (const std::string& arg : got.args)
    bytes += kWireFieldHeaderBytes + arg.size();
  EXPECT_LE(bytes, kMaxArgsBytes);
  EXPECT_TRUE(got.args.empty() || got.args[0].size() <= kMaxArgsBytes);
}

TEST(MessagesTest, ArgsTruncatedFromTheCallerIsKept) {
  ProcessEntry e;
  e.pid = 1;
  e.args = {"cut", "short"};
  e.args_truncated = true;  // procfs already cut the command line
  const ProcessEntry got = RoundTripEntry(e);
  EXPECT_EQ(got.args, e.args);
  EXPECT_TRUE(got.args_truncated);
}

// The largest entry the encoder can produce plus a listing header fits one
// response page: the guest relies on this to always make progress (a chunk
// holds at least one entry after the header).
TEST(MessagesTest, LargestEntryPlusHeaderFitsOneResponsePage) {
  ProcessEntry e;
  e.pid = std::numeric_limits<uint32_t>::max();
  e.ppid = e.uid = e.gid = e.threads = e.tty_nr =
      std::numeric_limits<uint32_t>::max();
  e.nice = std::numeric_limits<int32_t>::min();
  e.priority = std::numeric_limits<int32_t>::min();
  e.start_time_unix_ns = e.cpu_time_ns = e.vsz_kb = e.rss_kb = e.shr_kb =
      std::numeric_limits<uint64_t>::max();
  // Longer than allowed: the encoder cuts them to their limits.
  e.user = std::string(kMaxNameBytes * 4, 'u');
  e.tty = std::string(kMaxNameBytes * 4, 't');
  e.comm = std::string(kMaxNameBytes * 4, 'c');
  e.cgroup = std::string(kMaxNameBytes * 4, 'g');
  e.ns_pid = e.ns_level = std::numeric_limits<uint32_t>::max();
  e.session_leader = e.foreground = e.multithreaded = e.has_locked_memory =
      e.args_truncated = true;

  // Every shape of a command line at the limits.
  std::vector<std::vector<std::string>> arg_sets;
  arg_sets.push_back(std::vector<std::string>(kMaxArgs, ""));
  arg_sets.push_back({std::string(kMaxArgsBytes - kWireFieldHeaderBytes, 'x')});
  arg_sets.push_back(std::vector<std::string>(
      kMaxArgs / 2,
      std::string(kMaxArgsBytes / (kMaxArgs / 2) - kWireFieldHeaderBytes,
                  'y')));
  arg_sets.push_back(std::vector<std::string>(5000, std::string(3, 'z')));
  arg_sets.push_back(std::vector<std::string>(3, std::string(5000, 'w')));

  for (const std::vector<std::string>& args : arg_sets) {
    e.args = args;
    WireWriter w(kResponsePayloadBytes);
    ASSERT_TRUE(EncodeListHeader(FullHeader(), &w));
    ASSERT_TRUE(EncodeProcessEntry(e, &w))
        << "largest entry does not fit after the header; " << w.size()
        << " bytes used of " << kResponsePayloadBytes;
    EXPECT_LE(w.size(), kResponsePayloadBytes);

    absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(w.data());
    ASSERT_TRUE(chunk.ok()) << chunk.status();
    ASSERT_EQ(chunk->entries.size(), 1u);
    const ProcessEntry& got = chunk->entries[0];
    EXPECT_EQ(got.user.size(), kMaxNameBytes);
    EXPECT_EQ(got.tty.size(), kMaxNameBytes);
    EXPECT_EQ(got.comm.size(), kMaxNameBytes);
    EXPECT_EQ(got.cgroup.size(), kMaxNameBytes);
    EXPECT_LE(got.args.size(), kMaxArgs);
    EXPECT_TRUE(got.args_truncated);
  }

  // And the arithmetic behind it, with the largest possible encoding: every
  // integer field, four names (user, tty, comm, cgroup) at kMaxNameBytes,
  // kMaxArgsBytes of arguments.
  constexpr size_t kIntegerFields = 19;  // 18 numbers + the flags word
  constexpr size_t kLargestEntry =
      kWireFieldHeaderBytes +  // the record
      kIntegerFields * (kWireFieldHeaderBytes + 8) +
      4 * (kWireFieldHeaderBytes + kMaxNameBytes) + kMaxArgsBytes;
  constexpr size_t kHeader =
      kWireFieldHeaderBytes + 5 * (kWireFieldHeaderBytes + 8);
  static_assert(kLargestEntry + kHeader <= kResponsePayloadBytes);
  e.args = std::vector<std::string>(kMaxArgs, "");
  WireWriter alone(1 << 16);
  ASSERT_TRUE(EncodeProcessEntry(e, &alone));
  EXPECT_EQ(alone.size(), kLargestEntry);
}

TEST(MessagesTest, EncodersAreAllOrNothing) {
  const ProcessEntry e = FullEntry();
  WireWriter probe(1 << 16);
  ASSERT_TRUE(EncodeProcessEntry(e, &probe));
  const size_t entry_size = probe.size();

  for (size_t capacity :
       {size_t{0}, size_t{7}, size_t{8}, size_t{100}, entry_size - 1}) {
    WireWriter w(capacity);
    EXPECT_FALSE(EncodeProcessEntry(e, &w)) << capacity;
    EXPECT_EQ(w.size(), 0u) << capacity;
    EXPECT_FALSE(w.overflowed()) << capacity;  // usable for a smaller record
  }
  WireWriter exact(entry_size);
  EXPECT_TRUE(EncodeProcessEntry(e, &exact));

  // A full writer keeps what it had and can still take something smaller.
  WireWriter w(entry_size + 50);
  ASSERT_TRUE(EncodeProcessEntry(e, &w));
  const std::string before = w.data();
  EXPECT_FALSE(EncodeProcessEntry(e, &w));
  EXPECT_EQ(w.data(), before);
  ProcessEntry small;
  small.pid = 1;
  EXPECT_FALSE(EncodeProcessEntry(small, &w));  // ~250 bytes > 50
  ListHeader h;
  EXPECT_FALSE(EncodeListHeader(h, &w));  // 88 bytes > 50
  EXPECT_EQ(w.data(), before);
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(w.data());
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->entries.size(), 1u);

  WireWriter info_writer(100);
  EXPECT_FALSE(EncodeMessage(FullInfo(), &info_writer));
  EXPECT_EQ(info_writer.size(), 0u);
}

}  // namespace
}  // namespace haywire
