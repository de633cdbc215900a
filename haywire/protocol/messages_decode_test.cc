// Copyright 2026 The Haywire Authors.
//
// The decoders of messages.h: what they reject (missing or zero ids, values
// out of range, fields of the wrong shape, overlong strings, duplicates), the
// unknown tags they skip for forward compatibility, requests and error
// messages.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/messages_test_support.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

// The wire tags of messages.cc. They are protocol constants ("never reuse a
// number"), so the test pins them independently of the implementation.
namespace tag {
constexpr uint16_t kListHeader = 1;
constexpr uint16_t kProcessEntry = 2;
constexpr uint16_t kProcessInfo = 3;
constexpr uint16_t kPid = 4;
constexpr uint16_t kIteratorId = 5;
constexpr uint16_t kErrorMessage = 6;

constexpr uint16_t kTotalProcesses = 5;

constexpr uint16_t kEntryPid = 1;
constexpr uint16_t kPpid = 2;
constexpr uint16_t kUid = 3;
constexpr uint16_t kGid = 4;
constexpr uint16_t kUser = 5;
constexpr uint16_t kState = 6;
constexpr uint16_t kThreads = 7;
constexpr uint16_t kNice = 8;
constexpr uint16_t kPriority = 9;
constexpr uint16_t kTtyNr = 10;
constexpr uint16_t kTty = 11;
constexpr uint16_t kComm = 16;
constexpr uint16_t kArg = 17;

constexpr uint16_t kInfoEntry = 1;
constexpr uint16_t kInfoSystem = 2;
constexpr uint16_t kEuid = 18;
constexpr uint16_t kUmask = 24;
constexpr uint16_t kExe = 25;
constexpr uint16_t kCgroup = 29;
constexpr uint16_t kOomScoreAdj = 39;
constexpr uint16_t kCpusAllowed = 40;
}  // namespace tag

// Builders for hand-made (possibly invalid) payloads.
std::string Record(uint16_t t, absl::string_view body) {
  WireWriter w(kWireFieldHeaderBytes + body.size());
  // A record is a string field whose value is a field sequence.
  EXPECT_TRUE(w.PutString(t, body));
  return w.data();
}

std::string U64(uint16_t t, uint64_t v) {
  WireWriter w(64);
  w.PutU64(t, v);
  return w.data();
}

std::string Str(uint16_t t, absl::string_view v) {
  WireWriter w(1 << 20);
  w.PutString(t, v);
  return w.data();
}

// A minimal valid entry body, to which a test adds one bad field.
std::string MinimalEntryBody(uint32_t pid = 7) {
  return U64(tag::kEntryPid, pid);
}

absl::Status ChunkStatus(absl::string_view payload) {
  return DecodeMessage<ListChunk>(payload).status();
}

TEST(MessagesTest, EntryWithoutPidOrWithPidZeroIsRejected) {
  EXPECT_EQ(ChunkStatus(Record(tag::kProcessEntry, "")).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ChunkStatus(Record(tag::kProcessEntry,
                               Str(tag::kComm, "nopid") + U64(tag::kPpid, 1)))
                .code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ChunkStatus(Record(tag::kProcessEntry, U64(tag::kEntryPid, 0))).code(),
      absl::StatusCode::kDataLoss);
  // Encoding an entry with pid 0 does not make it acceptable either.
  ProcessEntry e;
  e.pid = 0;
  EXPECT_FALSE(DecodeMessage<ListChunk>(EncodeChunk({}, {e})).ok());
  // The minimal valid entry is accepted (the rejections above are about the
  // pid, not about the rest).
  absl::StatusOr<ListChunk> ok =
      DecodeMessage<ListChunk>(Record(tag::kProcessEntry, MinimalEntryBody()));
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->entries.size(), 1u);
  EXPECT_EQ(ok->entries[0].pid, 7u);
  EXPECT_EQ(ok->entries[0].state, '?');
}

TEST(MessagesTest, UnprintableStateIsRejected) {
  for (uint64_t state :
       {uint64_t{0}, uint64_t{' '}, uint64_t{0x7F}, uint64_t{0x80},
        uint64_t{0xFF}, uint64_t{0x100}, uint64_t{0x153} /* 'S' + 0x100 */}) {
    EXPECT_EQ(ChunkStatus(Record(tag::kProcessEntry,
                                 MinimalEntryBody() + U64(tag::kState, state)))
                  .code(),
              absl::StatusCode::kDataLoss)
        << state;
  }
  for (uint64_t state : {uint64_t{'!'}, uint64_t{'R'}, uint64_t{'~'}}) {
    absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(Record(
        tag::kProcessEntry, MinimalEntryBody() + U64(tag::kState, state)));
    ASSERT_TRUE(chunk.ok()) << state;
    EXPECT_EQ(chunk->entries[0].state, static_cast<char>(state));
  }
}

TEST(MessagesTest, U32FieldsAbove32BitsAreRejected) {
  const uint64_t too_big = uint64_t{1} << 32;
  for (uint16_t t : {tag::kEntryPid, tag::kPpid, tag::kUid, tag::kGid,
                     tag::kThreads, tag::kTtyNr}) {
    EXPECT_EQ(ChunkStatus(Record(tag::kProcessEntry,
                                 MinimalEntryBody() + U64(t, too_big)))
                  .code(),
              absl::StatusCode::kDataLoss)
        << t;
    // 2^32 - 1 is fine.
    EXPECT_TRUE(DecodeMessage<ListChunk>(
                    Record(tag::kProcessEntry,
                           MinimalEntryBody() + U64(t, too_big - 1)))
                    .ok())
        << t;
  }
  // Signed 32-bit fields: outside [INT32_MIN, INT32_MAX] in two's complement.
  for (uint16_t t : {tag::kNice, tag::kPriority}) {
    for (int64_t v : {int64_t{std::numeric_limits<int32_t>::max()} + 1,
                      int64_t{std::numeric_limits<int32_t>::min()} - 1,
                      std::numeric_limits<int64_t>::min()}) {
      EXPECT_FALSE(
          DecodeMessage<ListChunk>(
              Record(tag::kProcessEntry,
                     MinimalEntryBody() + U64(t, static_cast<uint64_t>(v))))
              .ok())
          << t << " " << v;
    }
  }
  EXPECT_FALSE(DecodeMessage<ListChunk>(
                   Record(tag::kListHeader, U64(tag::kTotalProcesses, too_big)))
                   .ok());
  // In a ProcessInfo.
  const std::string entry = Record(tag::kInfoEntry, MinimalEntryBody());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo, entry + U64(tag::kEuid, too_big)))
                   .ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo, entry + U64(tag::kUmask, too_big)))
                   .ok());
  EXPECT_FALSE(
      DecodeMessage<ProcessInfo>(
          Record(tag::kProcessInfo, entry + U64(tag::kOomScoreAdj, too_big)))
          .ok());
  EXPECT_TRUE(
      DecodeMessage<ProcessInfo>(
          Record(tag::kProcessInfo, entry + U64(tag::kEuid, too_big - 1)))
          .ok());
}

TEST(MessagesTest, FieldsOfTheWrongShapeAreRejected) {
  // A 4-byte pid, a 1-byte uid, a comm over its limit, malformed bodies.
  EXPECT_FALSE(DecodeMessage<ListChunk>(
                   Record(tag::kProcessEntry, Str(tag::kEntryPid, "abcd")))
                   .ok());
  EXPECT_FALSE(
      DecodeMessage<ListChunk>(
          Record(tag::kProcessEntry, MinimalEntryBody() + Str(tag::kUid, "x")))
          .ok());
  EXPECT_FALSE(
      DecodeMessage<ListChunk>(
          Record(tag::kProcessEntry,
                 MinimalEntryBody() +
                     Str(tag::kComm, std::string(kMaxNameBytes + 1, 'c'))))
          .ok());
  // A malformed record body.
  EXPECT_FALSE(DecodeMessage<ListChunk>(
                   Record(tag::kProcessEntry, MinimalEntryBody() + "\x01\x00"))
                   .ok());
  EXPECT_FALSE(
      DecodeMessage<ListChunk>(Record(tag::kListHeader, std::string("\x01", 1)))
          .ok());
}

TEST(MessagesTest, OverlongStringsAreRejected) {
  for (uint16_t t : {tag::kUser, tag::kTty, tag::kComm}) {
    EXPECT_TRUE(DecodeMessage<ListChunk>(
                    Record(tag::kProcessEntry,
                           MinimalEntryBody() +
                               Str(t, std::string(kMaxNameBytes, 's'))))
                    .ok())
        << t;
    EXPECT_EQ(
        ChunkStatus(Record(tag::kProcessEntry,
                           MinimalEntryBody() +
                               Str(t, std::string(kMaxNameBytes + 1, 's'))))
            .code(),
        absl::StatusCode::kDataLoss)
        << t;
  }
  const std::string entry = Record(tag::kInfoEntry, MinimalEntryBody());
  for (uint16_t t : {tag::kExe, uint16_t{26}, uint16_t{27}}) {
    EXPECT_TRUE(DecodeMessage<ProcessInfo>(
                    Record(tag::kProcessInfo,
                           entry + Str(t, std::string(kMaxPathBytes, 'p'))))
                    .ok())
        << t;
    EXPECT_FALSE(
        DecodeMessage<ProcessInfo>(
            Record(tag::kProcessInfo,
                   entry + Str(t, std::string(kMaxPathBytes + 1, 'p'))))
            .ok())
        << t;
  }
  // cgroup is bounded as a name (messages.h), as procfs cuts it.
  EXPECT_TRUE(
      DecodeMessage<ProcessInfo>(
          Record(tag::kProcessInfo,
                 entry + Str(tag::kCgroup, std::string(kMaxNameBytes, 'g'))))
          .ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo,
                          entry + Str(tag::kCgroup,
                                      std::string(kMaxNameBytes + 1, 'g'))))
                   .ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo,
                          entry + Str(tag::kCpusAllowed,
                                      std::string(kMaxNameBytes + 1, '1'))))
                   .ok());
}

TEST(MessagesTest, DuplicateListHeaderIsRejected) {
  const std::string header = EncodeChunk(FullHeader(), {});
  EXPECT_EQ(ChunkStatus(header + header).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ChunkStatus(header + EncodeChunk({}, {FullEntry()}) + header).code(),
      absl::StatusCode::kDataLoss);
}

TEST(MessagesTest, TwoProcessInfoRecordsAreRejected) {
  const std::string one = EncodeInfo(FullInfo());
  EXPECT_TRUE(DecodeMessage<ProcessInfo>(one).ok());
  EXPECT_EQ(DecodeMessage<ProcessInfo>(one + one).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(MessagesTest, ProcessInfoWithoutInfoOrEntryIsRejected) {
  EXPECT_FALSE(DecodeMessage<ProcessInfo>("").ok());
  EXPECT_FALSE(
      DecodeMessage<ProcessInfo>(EncodeChunk(FullHeader(), {FullEntry()}))
          .ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(Record(tag::kProcessInfo, "")).ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo,
                          U64(tag::kEuid, 3) + Record(tag::kInfoSystem, "")))
                   .ok());
  // An entry without a pid inside the info.
  EXPECT_FALSE(DecodeMessage<ProcessInfo>(
                   Record(tag::kProcessInfo,
                          Record(tag::kInfoEntry, Str(tag::kComm, "x"))))
                   .ok());
}

TEST(MessagesTest, TooManyArgsAreRejected) {
  std::string body = MinimalEntryBody();
  for (size_t i = 0; i < kMaxArgs; ++i) body += Str(tag::kArg, "");
  absl::StatusOr<ListChunk> at_limit =
      DecodeMessage<ListChunk>(Record(tag::kProcessEntry, body));
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  EXPECT_EQ(at_limit->entries[0].args.size(), kMaxArgs);
  // One more: too many, and also too many bytes. Both are rejected.
  EXPECT_EQ(
      ChunkStatus(Record(tag::kProcessEntry, body + Str(tag::kArg, ""))).code(),
      absl::StatusCode::kDataLoss);

  // (kMaxArgs + 1 arguments always exceed kMaxArgsBytes too, each costing
  // at least 8 bytes.) A few arguments whose bytes exceed the limit:
  const size_t half = kMaxArgsBytes / 2 - kWireFieldHeaderBytes;
  const std::string two = MinimalEntryBody() +
                          Str(tag::kArg, std::string(half, 'a')) +
                          Str(tag::kArg, std::string(half, 'b'));
  EXPECT_TRUE(DecodeMessage<ListChunk>(Record(tag::kProcessEntry, two)).ok());
  EXPECT_FALSE(DecodeMessage<ListChunk>(
                   Record(tag::kProcessEntry, two + Str(tag::kArg, "")))
                   .ok());
  EXPECT_FALSE(DecodeMessage<ListChunk>(
                   Record(tag::kProcessEntry,
                          MinimalEntryBody() +
                              Str(tag::kArg, std::string(kMaxArgsBytes, 'x'))))
                   .ok());
}

TEST(MessagesTest, UnknownTagsAreSkipped) {
  // Unknown fields at every level, of every shape, including values that
  // would be malformed if they were parsed.
  const std::string junk = U64(999, 1) + Str(0xFFFF, std::string(3000, 'j')) +
                           Str(77, "\x01\x02\x03") + Record(500, U64(1, 0));
  ProcessEntry e = FullEntry();
  WireWriter w(1 << 16);
  ASSERT_TRUE(EncodeProcessEntry(e, &w));
  // Splice junk into the entry's record body: rebuild the record around the
  // encoded fields.
  const std::string entry_body = w.data().substr(kWireFieldHeaderBytes);
  WireWriter hw(1 << 10);
  ASSERT_TRUE(EncodeListHeader(FullHeader(), &hw));
  const std::string header_body = hw.data().substr(kWireFieldHeaderBytes);

  const std::string payload =
      junk + Record(tag::kListHeader, junk + header_body + U64(60, 6)) + junk +
      Record(tag::kProcessEntry, junk + entry_body + U64(61, 0xFF)) + junk;
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(payload);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  ASSERT_TRUE(chunk->header.has_value());
  ExpectHeaderEq(*chunk->header, FullHeader());
  ASSERT_EQ(chunk->entries.size(), 1u);
  ExpectEntryEq(chunk->entries[0], e);

  // ProcessInfo: junk around and inside.
  const std::string info = EncodeInfo(FullInfo());
  const std::string info_body = info.substr(kWireFieldHeaderBytes);
  absl::StatusOr<ProcessInfo> got = DecodeMessage<ProcessInfo>(
      junk + Record(tag::kProcessInfo, junk + info_body + U64(41, 5)) + junk);
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectInfoEq(*got, FullInfo());

  // Requests and error messages.
  absl::StatusOr<ProcessInfoRequest> pid = DecodeMessage<ProcessInfoRequest>(
      junk + EncodeMessage(ProcessInfoRequest{77}) + junk);
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(pid->pid, 77u);
  absl::StatusOr<IteratorRequest> it = DecodeMessage<IteratorRequest>(
      junk + EncodeMessage(IteratorRequest{1234}) + junk);
  ASSERT_TRUE(it.ok()) << it.status();
  EXPECT_EQ(it->iterator_id, 1234u);
  EXPECT_EQ(DecodeErrorMessage(junk + EncodeErrorMessage("boom") + junk),
            "boom");

  // The listing's other message kinds are ignored by DecodeListChunk too.
  absl::StatusOr<ListChunk> mixed = DecodeMessage<ListChunk>(
      EncodeMessage(ProcessInfoRequest{1}) + EncodeMessage(IteratorRequest{2}) +
      EncodeErrorMessage("e") + info);
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_TRUE(mixed->entries.empty());
}

// ---------------------------------------------------------------------------
// Requests.
// ---------------------------------------------------------------------------

TEST(MessagesTest, RequestRoundTrips) {
  for (uint32_t pid : {1u, 4242u, std::numeric_limits<uint32_t>::max()}) {
    absl::StatusOr<ProcessInfoRequest> r = DecodeMessage<ProcessInfoRequest>(
        EncodeMessage(ProcessInfoRequest{pid}));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->pid, pid);
  }
  for (uint64_t id : {uint64_t{1}, uint64_t{0xDEADBEEFCAFEF00D},
                      std::numeric_limits<uint64_t>::max()}) {
    absl::StatusOr<IteratorRequest> r =
        DecodeMessage<IteratorRequest>(EncodeMessage(IteratorRequest{id}));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->iterator_id, id);
  }
}

TEST(MessagesTest, RequestsWithoutOrWithZeroIdsAreInvalidArgument) {
  EXPECT_EQ(DecodeMessage<ProcessInfoRequest>("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      DecodeMessage<ProcessInfoRequest>(EncodeMessage(ProcessInfoRequest{0}))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeMessage<ProcessInfoRequest>(EncodeMessage(IteratorRequest{5}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);  // the wrong request
  EXPECT_EQ(DecodeMessage<IteratorRequest>("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeMessage<IteratorRequest>(EncodeMessage(IteratorRequest{0}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeMessage<IteratorRequest>(EncodeMessage(ProcessInfoRequest{5}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MessagesTest, MalformedRequestsAreRejected) {
  EXPECT_FALSE(
      DecodeMessage<ProcessInfoRequest>(U64(tag::kPid, uint64_t{1} << 32))
          .ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfoRequest>(Str(tag::kPid, "1234")).ok());
  EXPECT_FALSE(
      DecodeMessage<IteratorRequest>(Str(tag::kIteratorId, "1234")).ok());
  const std::string valid = EncodeMessage(IteratorRequest{9});
  for (size_t n = 1; n < valid.size(); ++n) {
    EXPECT_FALSE(DecodeMessage<IteratorRequest>(valid.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeMessage<IteratorRequest>(valid + "\x05").ok());
  EXPECT_FALSE(DecodeMessage<ProcessInfoRequest>("garbage!garbage!").ok());
}

// ---------------------------------------------------------------------------
// Error messages.
// ---------------------------------------------------------------------------

TEST(MessagesTest, ErrorMessages) {
  EXPECT_EQ(DecodeErrorMessage(EncodeErrorMessage("no process 42")),
            "no process 42");
  EXPECT_EQ(DecodeErrorMessage(EncodeErrorMessage("")), "");
  const std::string long_message(1000, 'm');
  EXPECT_EQ(DecodeErrorMessage(EncodeErrorMessage(long_message)),
            std::string(kMaxErrorMessageBytes, 'm'));
  EXPECT_LE(EncodeErrorMessage(long_message).size(),
            kMaxErrorMessageBytes + kWireFieldHeaderBytes);
  // No message, malformed payloads, and overlong messages give "".
  EXPECT_EQ(DecodeErrorMessage(""), "");
  EXPECT_EQ(DecodeErrorMessage("\x06\x00\x00"), "");
  EXPECT_EQ(
      DecodeErrorMessage(
          Str(tag::kErrorMessage, std::string(kMaxErrorMessageBytes + 1, 'x'))),
      "");
  EXPECT_EQ(DecodeErrorMessage(EncodeChunk(FullHeader(), {FullEntry()})), "");
}

}  // namespace
}  // namespace haywire
