// Copyright 2026 The Haywire Authors.
//
// The TLV wire format: WireWriter (capacity, overflow, rollback, nested
// records), WireReader (truncated, overlong and reserved-bit fields) and the
// value decoders.

#include "haywire/protocol/wire_format.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

// Little-endian helpers for building raw payloads by hand.
std::string Le(uint64_t value, size_t bytes) {
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
  return out;
}

std::string RawField(uint16_t tag, absl::string_view value,
                     uint16_t reserved = 0) {
  return Le(tag, 2) + Le(reserved, 2) + Le(value.size(), 4) +
         std::string(value);
}

// All fields of `data`, asserting that it is well formed.
std::vector<WireField> ReadAll(absl::string_view data) {
  std::vector<WireField> fields;
  WireReader reader(data);
  for (;;) {
    WireField field;
    absl::StatusOr<bool> more = reader.Next(&field);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    fields.push_back(field);
  }
  return fields;
}

// The first error of reading all of `data` (OK when it is well formed).
absl::Status ReadError(absl::string_view data) {
  WireReader reader(data);
  for (;;) {
    WireField field;
    absl::StatusOr<bool> more = reader.Next(&field);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

// ---------------------------------------------------------------------------
// WireWriter / WireReader.
// ---------------------------------------------------------------------------

TEST(WireFormatTest, FieldLayoutOnTheWire) {
  WireWriter w(1024);
  ASSERT_TRUE(w.PutU64(0x0102, 0x1122334455667788ull));
  ASSERT_TRUE(w.PutString(0xABCD, "hi"));
  const std::string expected =
      std::string("\x02\x01\x00\x00\x08\x00\x00\x00", 8) +
      std::string("\x88\x77\x66\x55\x44\x33\x22\x11", 8) +
      std::string("\xCD\xAB\x00\x00\x02\x00\x00\x00", 8) + "hi";
  EXPECT_EQ(w.data(), expected);
  EXPECT_EQ(w.size(), expected.size());
  EXPECT_FALSE(w.overflowed());
}

TEST(WireFormatTest, RoundTripOfEveryValueKind) {
  const std::string binary("a\0b\nc\xff", 6);
  const std::string big(5000, 'z');
  WireWriter w(1 << 16);
  ASSERT_TRUE(w.PutU64(1, 0));
  ASSERT_TRUE(w.PutU64(2, std::numeric_limits<uint64_t>::max()));
  ASSERT_TRUE(w.PutI64(3, std::numeric_limits<int64_t>::min()));
  ASSERT_TRUE(w.PutI64(4, -1));
  ASSERT_TRUE(w.PutI64(5, std::numeric_limits<int64_t>::max()));
  ASSERT_TRUE(w.PutBool(6, true));
  ASSERT_TRUE(w.PutBool(7, false));
  ASSERT_TRUE(w.PutString(8, ""));
  ASSERT_TRUE(w.PutString(9, binary));
  ASSERT_TRUE(w.PutString(0xFFFF, big));
  ASSERT_TRUE(w.PutU64(0, 42));  // tag 0 is just a tag

  const std::vector<WireField> f = ReadAll(w.data());
  ASSERT_EQ(f.size(), 11u);
  EXPECT_EQ(f[0].tag, 1);
  EXPECT_EQ(*WireU64(f[0]), 0u);
  EXPECT_EQ(*WireU64(f[1]), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(*WireI64(f[2]), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*WireI64(f[3]), -1);
  EXPECT_EQ(*WireI64(f[4]), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*WireBool(f[5]), true);
  EXPECT_EQ(*WireBool(f[6]), false);
  EXPECT_EQ(f[7].tag, 8);
  EXPECT_EQ(*WireString(f[7], 0), "");
  EXPECT_EQ(*WireString(f[8], 6), binary);
  EXPECT_EQ(f[9].tag, 0xFFFF);
  EXPECT_EQ(*WireString(f[9], big.size()), big);
  EXPECT_EQ(f[10].tag, 0);
  EXPECT_EQ(*WireU64(f[10]), 42u);
}

TEST(WireFormatTest, EmptyDataHasNoFields) {
  WireReader reader("");
  WireField field;
  absl::StatusOr<bool> more = reader.Next(&field);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST(WireFormatTest, ReaderStopsAtTheEndAndStaysThere) {
  WireWriter w(64);
  ASSERT_TRUE(w.PutU64(7, 1));
  WireReader reader(w.data());
  WireField field;
  ASSERT_TRUE(*reader.Next(&field));
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<bool> more = reader.Next(&field);
    ASSERT_TRUE(more.ok());
    EXPECT_FALSE(*more);
  }
}

TEST(WireFormatTest, ExactFitSucceedsOneByteLessFails) {
  {
    WireWriter w(16);
    EXPECT_TRUE(w.PutU64(1, 5));
    EXPECT_EQ(w.size(), 16u);
    EXPECT_FALSE(w.overflowed());
  }
  {
    WireWriter w(15);
    EXPECT_FALSE(w.PutU64(1, 5));
    EXPECT_EQ(w.size(), 0u);  // nothing written
    EXPECT_TRUE(w.overflowed());
  }
  {
    WireWriter w(8 + 10);
    EXPECT_TRUE(w.PutString(1, std::string(10, 'x')));
    EXPECT_EQ(w.size(), 18u);
  }
  {
    WireWriter w(8 + 10);
    EXPECT_FALSE(w.PutString(1, std::string(11, 'x')));
    EXPECT_EQ(w.size(), 0u);
  }
  {
    WireWriter w(0);
    EXPECT_FALSE(w.PutString(1, ""));
    EXPECT_EQ(w.BeginRecord(1), SIZE_MAX);
    EXPECT_EQ(w.size(), 0u);
  }
}

TEST(WireFormatTest, OverflowIsStickyUntilRollback) {
  WireWriter w(40);
  ASSERT_TRUE(w.PutU64(1, 1));                          // 16
  EXPECT_FALSE(w.PutString(2, std::string(100, 'a')));  // does not fit
  EXPECT_TRUE(w.overflowed());
  // Even a field that would fit is refused: the writer already lost data.
  EXPECT_FALSE(w.PutU64(3, 3));
  EXPECT_EQ(w.size(), 16u);
  w.Rollback(w.Mark());
  EXPECT_FALSE(w.overflowed());
  EXPECT_TRUE(w.PutU64(3, 3));
  EXPECT_EQ(w.size(), 32u);
}

TEST(WireFormatTest, CapacityIsNeverExceededByRandomWrites) {
  std::mt19937_64 rng(20260101);
  for (int round = 0; round < 2000; ++round) {
    const size_t capacity = rng() % 600;
    WireWriter w(capacity);
    std::vector<size_t> open_records;
    for (int op = 0; op < 60; ++op) {
      const size_t before = w.size();
      const bool was_overflowed = w.overflowed();
      bool ok = true;
      switch (rng() % 6) {
        case 0:
          ok = w.PutU64(static_cast<uint16_t>(rng()), rng());
          break;
        case 1:
          ok = w.PutString(static_cast<uint16_t>(rng()),
                           std::string(rng() % 80, 's'));
          break;
        case 2: {
          const size_t mark = w.BeginRecord(static_cast<uint16_t>(rng()));
          ok = mark != SIZE_MAX;
          if (ok) open_records.push_back(mark);
          break;
        }
        case 3:
          if (!open_records.empty()) {
            w.EndRecord(open_records.back());
            open_records.pop_back();
          }
          break;
        case 4:
          ok = w.PutBool(static_cast<uint16_t>(rng()), rng() % 2);
          break;
        case 5:
          if (w.overflowed()) {
            // Roll back to the innermost open record's start or to a mark.
            const size_t mark =
                open_records.empty() ? w.Mark() : open_records.back();
            w.Rollback(mark);
            if (!open_records.empty()) open_records.pop_back();
            EXPECT_FALSE(w.overflowed());
            EXPECT_EQ(w.size(), mark);
          }
          break;
      }
      ASSERT_LE(w.size(), capacity);
      ASSERT_EQ(w.data().size(), w.size());
      if (!ok) {
        EXPECT_EQ(w.size(), before) << "a failed Put wrote something";
        EXPECT_TRUE(w.overflowed());
      }
      if (was_overflowed && w.overflowed()) {
        EXPECT_EQ(w.size(), before);
      }
    }
    while (!open_records.empty()) {
      w.EndRecord(open_records.back());
      open_records.pop_back();
    }
    // Whatever was written is well formed.
    EXPECT_TRUE(ReadError(w.data()).ok());
  }
}

TEST(WireFormatTest, RollbackDropsEverythingAfterTheMark) {
  WireWriter w(1024);
  ASSERT_TRUE(w.PutU64(1, 11));
  const std::string before = w.data();
  const size_t mark = w.Mark();
  EXPECT_EQ(mark, before.size());
  ASSERT_TRUE(w.PutString(2, "dropped"));
  const size_t record = w.BeginRecord(3);
  ASSERT_NE(record, SIZE_MAX);
  ASSERT_TRUE(w.PutU64(4, 44));
  w.EndRecord(record);
  w.Rollback(mark);
  EXPECT_EQ(w.data(), before);
  EXPECT_EQ(w.size(), before.size());
  // And writing continues normally.
  ASSERT_TRUE(w.PutU64(5, 55));
  const std::vector<WireField> f = ReadAll(w.data());
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].tag, 1);
  EXPECT_EQ(f[1].tag, 5);
  EXPECT_EQ(*WireU64(f[1]), 55u);
}

TEST(WireFormatTest, RollbackToAMarkBeyondTheEndKeepsTheData) {
  WireWriter w(64);
  ASSERT_TRUE(w.PutU64(1, 1));
  const std::string before = w.data();
  w.Rollback(1000);
  EXPECT_EQ(w.data(), before);
}

TEST(WireFormatTest, RollbackAfterOverflowRestoresAUsableWriter) {
  WireWriter w(40);
  ASSERT_TRUE(w.PutU64(1, 1));
  const size_t mark = w.Mark();
  ASSERT_TRUE(w.PutU64(2, 2));
  EXPECT_FALSE(w.PutU64(3, 3));  // 48 > 40
  EXPECT_FALSE(w.PutU64(4, 4));
  w.Rollback(mark);
  EXPECT_FALSE(w.overflowed());
  EXPECT_EQ(w.size(), 16u);
  ASSERT_TRUE(w.PutU64(5, 5));
  EXPECT_EQ(w.size(), 32u);
  EXPECT_FALSE(w.PutU64(6, 6));
  EXPECT_EQ(w.size(), 32u);
}

TEST(WireFormatTest, NestedRecords) {
  WireWriter w(1024);
  ASSERT_TRUE(w.PutU64(1, 10));
  const size_t outer = w.BeginRecord(2);
  ASSERT_NE(outer, SIZE_MAX);
  ASSERT_TRUE(w.PutString(3, "outer"));
  const size_t inner = w.BeginRecord(4);
  ASSERT_NE(inner, SIZE_MAX);
  ASSERT_TRUE(w.PutU64(5, 50));
  const size_t innermost = w.BeginRecord(6);
  ASSERT_NE(innermost, SIZE_MAX);
  w.EndRecord(innermost);  // empty record
  w.EndRecord(inner);
  ASSERT_TRUE(w.PutI64(7, -7));
  w.EndRecord(outer);
  ASSERT_TRUE(w.PutU64(8, 80));

  const std::vector<WireField> top = ReadAll(w.data());
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].tag, 1);
  EXPECT_EQ(top[1].tag, 2);
  EXPECT_EQ(top[2].tag, 8);
  EXPECT_EQ(*WireU64(top[2]), 80u);

  const std::vector<WireField> outer_fields = ReadAll(top[1].value);
  ASSERT_EQ(outer_fields.size(), 3u);
  EXPECT_EQ(*WireString(outer_fields[0], 100), "outer");
  EXPECT_EQ(outer_fields[1].tag, 4);
  EXPECT_EQ(outer_fields[2].tag, 7);
  EXPECT_EQ(*WireI64(outer_fields[2]), -7);
  // The outer length covers exactly its three fields.
  EXPECT_EQ(top[1].value.size(), (8 + 5) + (8 + 16 + 8) + 16);

  const std::vector<WireField> inner_fields = ReadAll(outer_fields[1].value);
  ASSERT_EQ(inner_fields.size(), 2u);
  EXPECT_EQ(*WireU64(inner_fields[0]), 50u);
  EXPECT_EQ(inner_fields[1].tag, 6);
  EXPECT_TRUE(inner_fields[1].value.empty());
}

TEST(WireFormatTest, EndRecordOfFailedBeginIsHarmless) {
  WireWriter w(20);
  ASSERT_TRUE(w.PutU64(1, 1));
  const size_t record = w.BeginRecord(2);  // 16 + 8 > 20
  EXPECT_EQ(record, SIZE_MAX);
  const std::string before = w.data();
  w.EndRecord(record);
  EXPECT_EQ(w.data(), before);
  // A mark that no longer exists (rolled back) is ignored too.
  w.Rollback(0);
  w.EndRecord(8);
  EXPECT_EQ(w.size(), 0u);
}

TEST(WireFormatTest, ReaderRejectsTruncatedHeader) {
  const std::string field = RawField(1, Le(5, 8));
  for (size_t n = 1; n < kWireFieldHeaderBytes; ++n) {
    const absl::Status s = ReadError(field.substr(0, n));
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << n;
    // After a valid field, too.
    const absl::Status after = ReadError(field + field.substr(0, n));
    EXPECT_EQ(after.code(), absl::StatusCode::kDataLoss) << n;
  }
}

TEST(WireFormatTest, ReaderRejectsLengthPastTheEnd) {
  const std::string field = RawField(1, Le(5, 8));
  // Every cut inside the value.
  for (size_t n = kWireFieldHeaderBytes; n < field.size(); ++n) {
    EXPECT_EQ(ReadError(field.substr(0, n)).code(), absl::StatusCode::kDataLoss)
        << n;
  }
  // Lengths that would wrap a 32-bit or pointer computation.
  for (uint64_t length :
       {uint64_t{9}, uint64_t{0x7FFFFFFF}, uint64_t{0x80000000},
        uint64_t{0xFFFFFFFF}, uint64_t{0xFFFFFFF8}}) {
    const std::string raw =
        Le(1, 2) + Le(0, 2) + Le(length, 4) + std::string(8, 'v');
    EXPECT_EQ(ReadError(raw).code(), absl::StatusCode::kDataLoss) << length;
  }
  // Exactly to the end is fine.
  EXPECT_TRUE(ReadError(field).ok());
}

TEST(WireFormatTest, ReaderRejectsNonzeroReserved) {
  for (uint16_t reserved : {uint16_t{1}, uint16_t{0x100}, uint16_t{0xFFFF}}) {
    EXPECT_EQ(ReadError(RawField(1, Le(5, 8), reserved)).code(),
              absl::StatusCode::kDataLoss)
        << reserved;
    EXPECT_EQ(ReadError(RawField(1, "") + RawField(2, "x", reserved)).code(),
              absl::StatusCode::kDataLoss)
        << reserved;
  }
}

TEST(WireFormatTest, ReaderReturnsFieldsBeforeTheError) {
  const std::string data = RawField(1, Le(7, 8)) + RawField(2, "ab") +
                           std::string("\x03\x00\x00", 3);
  WireReader reader(data);
  WireField field;
  ASSERT_TRUE(*reader.Next(&field));
  EXPECT_EQ(field.tag, 1);
  ASSERT_TRUE(*reader.Next(&field));
  EXPECT_EQ(field.tag, 2);
  EXPECT_EQ(field.value, "ab");
  EXPECT_EQ(reader.Next(&field).status().code(), absl::StatusCode::kDataLoss);
}

TEST(WireFormatTest, IntegerDecodersRejectWrongSizes) {
  for (size_t size : {0, 1, 4, 7, 9, 16}) {
    WireField field{1, absl::string_view("0123456789abcdef", size)};
    EXPECT_EQ(WireU64(field).status().code(), absl::StatusCode::kDataLoss)
        << size;
    EXPECT_EQ(WireI64(field).status().code(), absl::StatusCode::kDataLoss)
        << size;
    EXPECT_EQ(WireBool(field).status().code(), absl::StatusCode::kDataLoss)
        << size;
  }
}

TEST(WireFormatTest, BoolRejectsValuesOtherThanZeroAndOne) {
  const std::string zero = Le(0, 8), one = Le(1, 8), two = Le(2, 8),
                    high = Le(1ull << 63, 8), all = Le(~0ull, 8);
  EXPECT_EQ(*WireBool(WireField{1, zero}), false);
  EXPECT_EQ(*WireBool(WireField{1, one}), true);
  EXPECT_FALSE(WireBool(WireField{1, two}).ok());
  EXPECT_FALSE(WireBool(WireField{1, high}).ok());
  EXPECT_FALSE(WireBool(WireField{1, all}).ok());
}

TEST(WireFormatTest, StringDecoderEnforcesItsLimit) {
  const std::string s(100, 'q');
  EXPECT_EQ(*WireString(WireField{1, s}, 100), s);
  EXPECT_EQ(*WireString(WireField{1, s}, 1000), s);
  EXPECT_EQ(WireString(WireField{1, s}, 99).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(*WireString(WireField{1, ""}, 0), "");
  EXPECT_FALSE(WireString(WireField{1, "x"}, 0).ok());
}

}  // namespace
}  // namespace haywire
