// Copyright 2026 The Haywire Authors.
//
// The messages of messages.h round-trip: a process entry, a listing chunk
// and a process info come back field for field, optionals present or absent
// each on their own.

#include <cstdint>
#include <limits>
#include <optional>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/messages_test_support.h"

namespace haywire {
namespace {

TEST(MessagesTest, ProcessEntryRoundTripWithEveryField) {
  const ProcessEntry e = FullEntry();
  ExpectEntryEq(RoundTripEntry(e), e);
}

TEST(MessagesTest, ProcessEntryDefaultsAndExtremes) {
  ProcessEntry e;
  e.pid = std::numeric_limits<uint32_t>::max();
  e.ppid = std::numeric_limits<uint32_t>::max();
  e.uid = std::numeric_limits<uint32_t>::max();
  e.gid = 0;
  e.nice = std::numeric_limits<int32_t>::min();
  e.priority = std::numeric_limits<int32_t>::max();
  e.state = '~';  // highest printable
  e.tty_nr = std::numeric_limits<uint32_t>::max();
  ExpectEntryEq(RoundTripEntry(e), e);
  e.state = '!';  // lowest printable
  e.nice = 19;
  e.priority = -51;
  ExpectEntryEq(RoundTripEntry(e), e);
}

TEST(MessagesTest, EachFlagIsItsOwnBit) {
  using Flag = bool ProcessEntry::*;
  const Flag flags[] = {&ProcessEntry::args_truncated,
                        &ProcessEntry::session_leader,
                        &ProcessEntry::foreground, &ProcessEntry::multithreaded,
                        &ProcessEntry::has_locked_memory};
  for (Flag set : flags) {
    ProcessEntry e;
    e.pid = 1;
    e.*set = true;
    const ProcessEntry got = RoundTripEntry(e);
    for (Flag f : flags) EXPECT_EQ(got.*f, f == set);
  }
}

TEST(MessagesTest, ListChunkWithHeaderAndEntries) {
  ProcessEntry a = FullEntry();
  ProcessEntry b;
  b.pid = 2;
  b.comm = "kthreadd";
  b.state = 'I';
  ProcessEntry c = FullEntry();
  c.pid = 3;
  c.args.clear();
  absl::StatusOr<ListChunk> chunk =
      DecodeMessage<ListChunk>(EncodeChunk(FullHeader(), {a, b, c}));
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  ASSERT_TRUE(chunk->header.has_value());
  ExpectHeaderEq(*chunk->header, FullHeader());
  ASSERT_EQ(chunk->entries.size(), 3u);
  ExpectEntryEq(chunk->entries[0], a);
  ExpectEntryEq(chunk->entries[1], b);
  ExpectEntryEq(chunk->entries[2], c);
}

TEST(MessagesTest, ListChunkWithoutHeaderAndEmptyChunk) {
  absl::StatusOr<ListChunk> chunk =
      DecodeMessage<ListChunk>(EncodeChunk({}, {FullEntry()}));
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_FALSE(chunk->header.has_value());
  EXPECT_EQ(chunk->entries.size(), 1u);

  // A continuation whose processes all exited is an empty payload.
  absl::StatusOr<ListChunk> empty = DecodeMessage<ListChunk>("");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_FALSE(empty->header.has_value());
  EXPECT_TRUE(empty->entries.empty());

  // A header alone (an empty listing).
  ListHeader h;
  h.total_processes = 0;
  absl::StatusOr<ListChunk> header_only =
      DecodeMessage<ListChunk>(EncodeChunk(h, {}));
  ASSERT_TRUE(header_only.ok());
  ASSERT_TRUE(header_only->header.has_value());
  ExpectHeaderEq(*header_only->header, h);
  EXPECT_TRUE(header_only->entries.empty());
}

TEST(MessagesTest, ProcessInfoRoundTripWithEveryOptionalPresent) {
  const ProcessInfo info = FullInfo();
  absl::StatusOr<ProcessInfo> got =
      DecodeMessage<ProcessInfo>(EncodeInfo(info));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectInfoEq(*got, info);
  // Present zeroes stay present.
  EXPECT_EQ(got->vm_lck_kb, std::optional<uint64_t>(0));
  EXPECT_EQ(got->umask, std::optional<uint32_t>(0));
  EXPECT_EQ(got->fd_count, std::optional<uint32_t>(0));
}

TEST(MessagesTest, ProcessInfoRoundTripWithEveryOptionalAbsent) {
  ProcessInfo info;
  info.entry.pid = 2;
  info.entry.comm = "kthreadd";
  absl::StatusOr<ProcessInfo> got =
      DecodeMessage<ProcessInfo>(EncodeInfo(info));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectInfoEq(*got, info);
  for (const std::optional<uint64_t>* v :
       {&got->vm_peak_kb, &got->vm_size_kb, &got->vm_lck_kb, &got->vm_pin_kb,
        &got->vm_hwm_kb, &got->vm_rss_kb, &got->rss_anon_kb, &got->rss_file_kb,
        &got->rss_shmem_kb, &got->vm_data_kb, &got->vm_stk_kb, &got->vm_exe_kb,
        &got->vm_lib_kb, &got->vm_pte_kb, &got->vm_swap_kb}) {
    EXPECT_FALSE(v->has_value());
  }
  EXPECT_FALSE(got->umask.has_value());
  EXPECT_FALSE(got->fd_count.has_value());
  EXPECT_FALSE(got->oom_score_adj.has_value());
}

TEST(MessagesTest, ProcessInfoOptionalsAreIndependent) {
  // Each optional alone present: the others stay absent.
  using U64Opt = std::optional<uint64_t> ProcessInfo::*;
  const U64Opt opts[] = {&ProcessInfo::vm_peak_kb,   &ProcessInfo::vm_size_kb,
                         &ProcessInfo::vm_lck_kb,    &ProcessInfo::vm_pin_kb,
                         &ProcessInfo::vm_hwm_kb,    &ProcessInfo::vm_rss_kb,
                         &ProcessInfo::rss_anon_kb,  &ProcessInfo::rss_file_kb,
                         &ProcessInfo::rss_shmem_kb, &ProcessInfo::vm_data_kb,
                         &ProcessInfo::vm_stk_kb,    &ProcessInfo::vm_exe_kb,
                         &ProcessInfo::vm_lib_kb,    &ProcessInfo::vm_pte_kb,
                         &ProcessInfo::vm_swap_kb};
  uint64_t value = 100;
  for (U64Opt set : opts) {
    ProcessInfo info;
    info.entry.pid = 9;
    info.*set = ++value;
    absl::StatusOr<ProcessInfo> got =
        DecodeMessage<ProcessInfo>(EncodeInfo(info));
    ASSERT_TRUE(got.ok()) << got.status();
    for (U64Opt o : opts) {
      if (o == set) {
        EXPECT_EQ((*got).*o, std::optional<uint64_t>(value));
      } else {
        EXPECT_FALSE(((*got).*o).has_value());
      }
    }
  }
}

TEST(MessagesTest, NegativeOomScoreAdjAndNice) {
  ProcessInfo info;
  info.entry.pid = 5;
  info.entry.nice = -5;
  info.oom_score_adj = -17;
  absl::StatusOr<ProcessInfo> got =
      DecodeMessage<ProcessInfo>(EncodeInfo(info));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->entry.nice, -5);
  EXPECT_EQ(got->oom_score_adj, -17);
}

}  // namespace
}  // namespace haywire
