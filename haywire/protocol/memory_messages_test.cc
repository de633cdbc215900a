// Copyright 2026 The Haywire Authors.
//
// GET_MEMORY_MAP's messages: every field survives the wire, validation
// refuses what a real kernel cannot produce, and a full chunk stays within
// a response page.

#include "haywire/protocol/memory_messages.h"

#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

MemoryMapping Full(uint64_t start) {
  MemoryMapping m;
  m.start = start;
  m.end = start + 0x3000;
  m.perms = kMapRead | kMapExecute | kMapShared;
  m.offset = 0x1234000;
  m.dev_major = 0x103;
  m.dev_minor = 0x1f;
  m.inode = 1ull << 40;
  m.path = "/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)";
  m.path_truncated = true;
  m.size_kb = 12;
  m.rss_kb = 11;
  m.pss_kb = 10;
  m.shared_clean_kb = 9;
  m.shared_dirty_kb = 8;
  m.private_clean_kb = 7;
  m.private_dirty_kb = 6;
  m.referenced_kb = 5;
  m.anonymous_kb = 4;
  m.swap_kb = 3;
  m.locked_kb = 2;
  return m;
}

TEST(MemoryMessagesTest, EveryMappingFieldSurvivesTheWire) {
  MemoryMapChunk chunk;
  chunk.mappings = {Full(0x1000), Full(0x7fff0000)};
  absl::StatusOr<MemoryMapChunk> out =
      DecodeMessage<MemoryMapChunk>(EncodeMessage(chunk));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->mappings.size(), 2u);
  const MemoryMapping& a = chunk.mappings[1];
  const MemoryMapping& b = out->mappings[1];
  EXPECT_EQ(b.start, a.start);
  EXPECT_EQ(b.end, a.end);
  EXPECT_EQ(b.perms, a.perms);
  EXPECT_EQ(b.offset, a.offset);
  EXPECT_EQ(b.dev_major, a.dev_major);
  EXPECT_EQ(b.dev_minor, a.dev_minor);
  EXPECT_EQ(b.inode, a.inode);
  EXPECT_EQ(b.path, a.path);
  EXPECT_EQ(b.path_truncated, a.path_truncated);
  EXPECT_EQ(b.size_kb, a.size_kb);
  EXPECT_EQ(b.rss_kb, a.rss_kb);
  EXPECT_EQ(b.pss_kb, a.pss_kb);
  EXPECT_EQ(b.shared_clean_kb, a.shared_clean_kb);
  EXPECT_EQ(b.shared_dirty_kb, a.shared_dirty_kb);
  EXPECT_EQ(b.private_clean_kb, a.private_clean_kb);
  EXPECT_EQ(b.private_dirty_kb, a.private_dirty_kb);
  EXPECT_EQ(b.referenced_kb, a.referenced_kb);
  EXPECT_EQ(b.anonymous_kb, a.anonymous_kb);
  EXPECT_EQ(b.swap_kb, a.swap_kb);
  EXPECT_EQ(b.locked_kb, a.locked_kb);
}

TEST(MemoryMessagesTest, ImpossibleMappingsAreRefused) {
  MemoryMapping empty = Full(0x1000);
  empty.end = empty.start;
  MemoryMapping reversed = Full(0x5000);
  reversed.end = 0x1000;
  MemoryMapping bad_perms = Full(0x1000);
  bad_perms.perms = 1u << 7;
  for (const MemoryMapping& m : {empty, reversed, bad_perms}) {
    MemoryMapChunk chunk;
    chunk.mappings = {m};
    EXPECT_EQ(
        DecodeMessage<MemoryMapChunk>(EncodeMessage(chunk)).status().code(),
        absl::StatusCode::kDataLoss);
  }
  MemoryMapChunk overlapping;
  overlapping.mappings = {Full(0x1000), Full(0x2000)};
  EXPECT_EQ(
      DecodeMessage<MemoryMapChunk>(EncodeMessage(overlapping)).status().code(),
      absl::StatusCode::kDataLoss);
  MemoryMapChunk descending;
  descending.mappings = {Full(0x9000), Full(0x1000)};
  EXPECT_FALSE(DecodeMessage<MemoryMapChunk>(EncodeMessage(descending)).ok());
}

TEST(MemoryMessagesTest, RequestsNameAPidAndANonzeroIterator) {
  MemoryMapRequest no_pid;
  EXPECT_FALSE(DecodeMessage<MemoryMapRequest>(EncodeMessage(no_pid)).ok());
  MemoryMapRequest iterator_zero;
  iterator_zero.pid = 5;
  iterator_zero.iterator_id = 0;
  EXPECT_FALSE(
      DecodeMessage<MemoryMapRequest>(EncodeMessage(iterator_zero)).ok());
  absl::StatusOr<MemoryMapRequest> r =
      DecodeMessage<MemoryMapRequest>(EncodeMessage(MemoryMapRequest{
          .pid = 5, .iterator_id = 77, .after_address = 0x4000}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->pid, 5u);
  EXPECT_EQ(r->iterator_id, 77u);
  EXPECT_EQ(r->after_address, 0x4000u);
}

TEST(MemoryMessagesTest, AppendingStopsAtThePageAndWritesNothingPartial) {
  WireWriter writer(kResponsePayloadBytes);
  MemoryMapping m = Full(0);
  m.path = std::string(kMaxPathBytes, 'p');
  size_t appended = 0;
  while (EncodeMemoryMapping(m, &writer)) {
    ++appended;
    m.start += 0x10000;
    m.end += 0x10000;
  }
  EXPECT_GE(appended, 3u);
  EXPECT_LE(writer.data().size(), kResponsePayloadBytes);
  absl::StatusOr<MemoryMapChunk> out =
      DecodeMessage<MemoryMapChunk>(writer.data());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->mappings.size(), appended);
}

TEST(MemoryMessagesTest, PermsTextIsMapsColumn) {
  EXPECT_EQ(MemoryMapPermsText(0), "---p");
  EXPECT_EQ(MemoryMapPermsText(kMapRead | kMapWrite), "rw-p");
  EXPECT_EQ(MemoryMapPermsText(kMapRead | kMapExecute), "r-xp");
  EXPECT_EQ(MemoryMapPermsText(kMapPermsMask), "rwxs");
}

}  // namespace
}  // namespace haywire
