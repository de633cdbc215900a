// Copyright 2026 The Haywire Authors.
//
// The TLV wire format (WireWriter, WireReader, value decoders), and a
// deterministic fuzz loop over every payload decoder of messages.h: random
// bytes, random well-formed field trees with values at the bounds, and
// mutations of valid payloads must never crash (ASan/UBSan builds catch
// undefined behaviour) and must only decode to content within the bounds of
// messages.h.

#include "haywire/protocol/wire_format.h"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"

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

// ---------------------------------------------------------------------------
// Fuzzing the message decoders.
// ---------------------------------------------------------------------------

// Checks that decoded content is within the bounds of messages.h; returns
// what is wrong, or "".
std::string EntryViolation(const ProcessEntry& e) {
  if (e.pid == 0) return "pid 0";
  if (e.state < 0x21 || e.state > 0x7E) {
    return absl::StrCat("state ", static_cast<int>(e.state));
  }
  if (e.user.size() > kMaxNameBytes) return "user too long";
  if (e.tty.size() > kMaxNameBytes) return "tty too long";
  if (e.comm.size() > kMaxNameBytes) return "comm too long";
  if (e.args.size() > kMaxArgs) return "too many args";
  size_t bytes = 0;
  for (const std::string& arg : e.args)
    bytes += kWireFieldHeaderBytes + arg.size();
  if (bytes > kMaxArgsBytes) return absl::StrCat("args of ", bytes, " bytes");
  return "";
}

std::string InfoViolation(const ProcessInfo& info) {
  if (std::string v = EntryViolation(info.entry); !v.empty()) return v;
  if (info.exe.size() > kMaxPathBytes) return "exe too long";
  if (info.cwd.size() > kMaxPathBytes) return "cwd too long";
  if (info.root.size() > kMaxPathBytes) return "root too long";
  // messages.h: cgroup is a name (kMaxNameBytes), like comm and user.
  if (info.cgroup.size() > kMaxNameBytes) return "cgroup too long";
  if (info.cpus_allowed_list.size() > kMaxNameBytes) return "cpus too long";
  return "";
}

// Every field of an entry, for comparisons that explain themselves.
std::string Describe(const ProcessEntry& e) {
  return absl::StrCat(
      "pid=", e.pid, " ppid=", e.ppid, " uid=", e.uid, " gid=", e.gid,
      " user=", e.user, " state=", static_cast<int>(e.state),
      " threads=", e.threads, " nice=", e.nice, " prio=", e.priority,
      " tty_nr=", e.tty_nr, " tty=", e.tty, " start=", e.start_time_unix_ns,
      " cpu=", e.cpu_time_ns, " vsz=", e.vsz_kb, " rss=", e.rss_kb,
      " comm=", e.comm, " args=[", absl::StrJoin(e.args, "|"), "]/",
      e.args.size(), " flags=", e.args_truncated, e.session_leader,
      e.foreground, e.multithreaded, e.has_locked_memory);
}

std::string Describe(const ListHeader& h) {
  return absl::StrCat("now=", h.now_unix_ns, " boot=", h.boot_time_unix_ns,
                      " up=", h.uptime_ns, " mem=", h.mem_total_kb,
                      " total=", h.total_processes);
}

template <typename T>
std::string Opt(const std::optional<T>& v) {
  return v.has_value() ? absl::StrCat(*v) : "-";
}

std::string Describe(const ProcessInfo& i) {
  return absl::StrCat(
      Describe(i.entry), " / ", Describe(i.system), " / ",
      absl::StrJoin(
          {Opt(i.vm_peak_kb), Opt(i.vm_size_kb), Opt(i.vm_lck_kb),
           Opt(i.vm_pin_kb), Opt(i.vm_hwm_kb), Opt(i.vm_rss_kb),
           Opt(i.rss_anon_kb), Opt(i.rss_file_kb), Opt(i.rss_shmem_kb),
           Opt(i.vm_data_kb), Opt(i.vm_stk_kb), Opt(i.vm_exe_kb),
           Opt(i.vm_lib_kb), Opt(i.vm_pte_kb), Opt(i.vm_swap_kb)},
          ","),
      " ids=", i.euid, ",", i.suid, ",", i.fsuid, ",", i.egid, ",", i.sgid, ",",
      i.fsgid, " umask=", Opt(i.umask), " exe=", i.exe, " cwd=", i.cwd,
      " root=", i.root, " fds=", Opt(i.fd_count), " cgroup=", i.cgroup,
      " sig=", i.sig_pending, ",", i.sig_shared_pending, ",", i.sig_blocked,
      ",", i.sig_ignored, ",", i.sig_caught,
      " ctxt=", i.voluntary_ctxt_switches, ",", i.nonvoluntary_ctxt_switches,
      " faults=", i.minor_faults, ",", i.major_faults,
      " oom=", Opt(i.oom_score_adj), " cpus=", i.cpus_allowed_list);
}

class Fuzzer {
 public:
  explicit Fuzzer(uint64_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

  std::string RandomBytes(size_t size, bool mostly_zero) {
    std::string out(size, '\0');
    for (char& c : out) {
      if (!mostly_zero || OneIn(3)) c = static_cast<char>(rng_());
    }
    return out;
  }

  uint64_t InterestingU64() {
    static constexpr uint64_t kValues[] = {0,
                                           1,
                                           2,
                                           0x20,
                                           0x21,
                                           0x52,
                                           0x7E,
                                           0x7F,
                                           0xFF,
                                           0x100,
                                           0x7FFFFFFF,
                                           0x80000000,
                                           0xFFFFFFFF,
                                           0x100000000ull,
                                           0x7FFFFFFFFFFFFFFFull,
                                           0x8000000000000000ull,
                                           0xFFFFFFFF80000000ull,
                                           0xFFFFFFFF7FFFFFFFull,
                                           0xFFFFFFFFFFFFFFFFull};
    if (OneIn(4)) return rng_();
    return kValues[Below(std::size(kValues))];
  }

  size_t InterestingLength() {
    static constexpr size_t kLengths[] = {0,    1,    7,    8,    9,    255,
                                          256,  257,  1023, 1024, 1025, 2039,
                                          2040, 2041, 2047, 2048, 2049};
    if (OneIn(3)) return Below(64);
    return kLengths[Below(std::size(kLengths))];
  }

  // Where a field sequence sits, so that most fields get the shape their
  // tag has there (the tag numbers of messages.cc) and decoding goes deep.
  enum class Context { kTop, kHeader, kEntry, kInfo, kOther };

  enum class Shape { kInteger, kString, kRecord };

  static Shape ShapeOf(Context context, uint16_t tag) {
    switch (context) {
      case Context::kTop:
        if (tag >= 1 && tag <= 3) return Shape::kRecord;
        return tag == 6 ? Shape::kString : Shape::kInteger;
      case Context::kEntry:
        return (tag == 5 || tag == 11 || tag == 16 || tag == 17)
                   ? Shape::kString
                   : Shape::kInteger;
      case Context::kInfo:
        if (tag == 1 || tag == 2) return Shape::kRecord;
        return (tag == 25 || tag == 26 || tag == 27 || tag == 29 || tag == 40)
                   ? Shape::kString
                   : Shape::kInteger;
      default:
        return Shape::kInteger;
    }
  }

  static Context ChildOf(Context context, uint16_t tag) {
    if (context == Context::kTop) {
      if (tag == 1) return Context::kHeader;
      if (tag == 2) return Context::kEntry;
      if (tag == 3) return Context::kInfo;
    }
    if (context == Context::kInfo) {
      if (tag == 1) return Context::kEntry;
      if (tag == 2) return Context::kHeader;
    }
    return Context::kOther;
  }

  // A random well-formed field sequence: mostly the tags messages.cc knows
  // with the right shapes and values at the bounds, sometimes wrong shapes
  // and unknown tags; records nested a few deep.
  void RandomFields(WireWriter* w, Context context, int depth,
                    size_t max_fields) {
    const size_t count = Below(max_fields + 1);
    if (context == Context::kEntry && !OneIn(10)) {
      w->PutU64(1, OneIn(10) ? InterestingU64() : 1 + Below(100000));  // pid
      if (!OneIn(4)) w->PutU64(6, 0x21 + Below(0x5E));  // a valid state
    }
    for (size_t i = 0; i < count; ++i) {
      uint16_t tag = static_cast<uint16_t>(Below(42));
      if (OneIn(20)) tag = static_cast<uint16_t>(rng_());
      Shape shape = ShapeOf(context, tag);
      if (OneIn(12)) shape = static_cast<Shape>(Below(3));
      if (shape == Shape::kRecord && depth >= 3) shape = Shape::kInteger;
      switch (shape) {
        case Shape::kInteger:
          w->PutU64(tag, OneIn(3) ? Below(100) : InterestingU64());
          break;
        case Shape::kString:
          w->PutString(tag, std::string(InterestingLength(),
                                        static_cast<char>('a' + Below(26))));
          break;
        case Shape::kRecord: {
          const size_t record = w->BeginRecord(tag);
          if (record == SIZE_MAX) break;
          // Returns with the writer usable (overflow rolled back).
          RandomFields(w, ChildOf(context, tag), depth + 1,
                       depth == 0 ? 40 : 12);
          w->EndRecord(record);
          break;
        }
      }
      if (w->overflowed()) {
        // The failed field wrote nothing; stop here, usable.
        w->Rollback(w->Mark());
        return;
      }
    }
  }

  std::string RandomString(size_t max) {
    std::string s(Below(max + 1), '\0');
    for (char& c : s)
      c = static_cast<char>(OneIn(8) ? rng_() : 'a' + Below(26));
    return s;
  }

  ProcessEntry RandomEntry() {
    ProcessEntry e;
    e.pid = static_cast<uint32_t>(1 + Below(0xFFFFFFFE));
    e.ppid = static_cast<uint32_t>(rng_());
    e.uid = static_cast<uint32_t>(rng_());
    e.gid = static_cast<uint32_t>(rng_());
    e.user = RandomString(OneIn(4) ? 300 : 12);
    e.state = "RSDZTtXI"[Below(8)];
    e.threads = static_cast<uint32_t>(rng_());
    e.nice = static_cast<int32_t>(Below(40)) - 20;
    e.priority = static_cast<int32_t>(rng_());
    e.tty_nr = static_cast<uint32_t>(rng_());
    e.tty = RandomString(8);
    e.start_time_unix_ns = rng_();
    e.cpu_time_ns = rng_();
    e.vsz_kb = rng_();
    e.rss_kb = rng_();
    e.comm = RandomString(OneIn(4) ? 300 : 15);
    const size_t args = OneIn(6) ? Below(300) : Below(6);
    for (size_t i = 0; i < args; ++i) {
      e.args.push_back(RandomString(OneIn(10) ? 2100 : 20));
    }
    e.args_truncated = OneIn(2);
    e.session_leader = OneIn(2);
    e.foreground = OneIn(2);
    e.multithreaded = OneIn(2);
    e.has_locked_memory = OneIn(2);
    return e;
  }

  ListHeader RandomHeader() {
    ListHeader h;
    h.now_unix_ns = rng_();
    h.boot_time_unix_ns = rng_();
    h.uptime_ns = rng_();
    h.mem_total_kb = rng_();
    h.total_processes = static_cast<uint32_t>(rng_());
    return h;
  }

  std::optional<uint64_t> MaybeU64() {
    if (OneIn(2)) return std::nullopt;
    return rng_();
  }

  ProcessInfo RandomInfo() {
    ProcessInfo i;
    i.entry = RandomEntry();
    i.system = RandomHeader();
    for (std::optional<uint64_t>* v :
         {&i.vm_peak_kb, &i.vm_size_kb, &i.vm_lck_kb, &i.vm_pin_kb,
          &i.vm_hwm_kb, &i.vm_rss_kb, &i.rss_anon_kb, &i.rss_file_kb,
          &i.rss_shmem_kb, &i.vm_data_kb, &i.vm_stk_kb, &i.vm_exe_kb,
          &i.vm_lib_kb, &i.vm_pte_kb, &i.vm_swap_kb}) {
      *v = MaybeU64();
    }
    i.euid = static_cast<uint32_t>(rng_());
    i.fsgid = static_cast<uint32_t>(rng_());
    if (OneIn(2)) i.umask = static_cast<uint32_t>(Below(07777));
    i.exe = RandomString(OneIn(8) ? 1100 : 30);
    i.cwd = RandomString(30);
    i.root = RandomString(2);
    if (OneIn(2)) i.fd_count = static_cast<uint32_t>(rng_());
    i.cgroup = RandomString(40);
    i.sig_caught = rng_();
    i.minor_faults = rng_();
    if (OneIn(2)) i.oom_score_adj = static_cast<int32_t>(Below(2001)) - 1000;
    i.cpus_allowed_list = RandomString(OneIn(8) ? 300 : 10);
    return i;
  }

  // A valid payload of one of the message kinds.
  std::string ValidPayload() {
    switch (Below(5)) {
      case 0:
      case 1: {
        WireWriter w(kResponsePayloadBytes);
        if (OneIn(2)) EncodeListHeader(RandomHeader(), &w);
        const size_t entries = Below(8);
        for (size_t i = 0; i < entries; ++i)
          EncodeProcessEntry(RandomEntry(), &w);
        return w.data();
      }
      case 2: {
        WireWriter w(kResponsePayloadBytes);
        EncodeMessage(RandomInfo(), &w);
        return w.data();
      }
      case 3:
        return OneIn(2) ? EncodeMessage(ProcessInfoRequest{
                              static_cast<uint32_t>(InterestingU64())})
                        : EncodeMessage(IteratorRequest{InterestingU64()});
      default:
        return EncodeErrorMessage(RandomString(OneIn(4) ? 400 : 60));
    }
  }

  void Mutate(std::string* p) {
    const int mutations = 1 + static_cast<int>(Below(4));
    for (int m = 0; m < mutations; ++m) {
      const size_t size = p->size();
      switch (Below(9)) {
        case 0:  // flip a bit
          if (size > 0) (*p)[Below(size)] ^= static_cast<char>(1 << Below(8));
          break;
        case 1:  // set a byte
          if (size > 0) {
            (*p)[Below(size)] = static_cast<char>(InterestingU64() & 0xFF);
          }
          break;
        case 2:  // truncate
          p->resize(Below(size + 1));
          break;
        case 3:  // insert random bytes
          p->insert(Below(size + 1), RandomBytes(1 + Below(16), OneIn(2)));
          break;
        case 4:  // delete a range
          if (size > 0) {
            const size_t at = Below(size);
            p->erase(at, 1 + Below(size - at));
          }
          break;
        case 5:  // duplicate a range (duplicate records, repeated fields)
          if (size > 0) {
            const size_t at = Below(size);
            const std::string piece = p->substr(at, 1 + Below(size - at));
            p->insert(Below(p->size() + 1), piece);
          }
          break;
        case 6:  // overwrite a 32-bit word (often a length)
          if (size >= 4) {
            const size_t at = Below(size - 3);
            uint32_t v = static_cast<uint32_t>(InterestingU64());
            if (OneIn(2)) {
              uint32_t old;
              std::memcpy(&old, p->data() + at, 4);
              v = old + static_cast<uint32_t>(Below(17)) - 8;
            }
            std::memcpy(p->data() + at, &v, 4);
          }
          break;
        case 7:  // overwrite a 16-bit word (often a tag)
          if (size >= 2) {
            const uint16_t v = static_cast<uint16_t>(Below(45));
            std::memcpy(p->data() + Below(size - 1), &v, 2);
          }
          break;
        case 8:  // splice with another valid payload
          *p += pool_.empty() ? ValidPayload() : PoolPayload();
          break;
      }
    }
  }

  // Valid payloads are costly to make; the mutation loop draws from a pool.
  void FillPool(size_t n) {
    for (size_t i = 0; i < n; ++i) pool_.push_back(ValidPayload());
  }
  const std::string& PoolPayload() { return pool_[Below(pool_.size())]; }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> pool_;
};

struct FuzzStats {
  int list_ok = 0;
  int list_with_entries = 0;
  int info_ok = 0;
  int pid_request_ok = 0;
  int iterator_request_ok = 0;
  int error_message_nonempty = 0;
};

// Runs every decoder on `payload`, checking what they accept.
void DecodeAll(absl::string_view payload, FuzzStats* stats) {
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(payload);
  if (chunk.ok()) {
    ++stats->list_ok;
    if (!chunk->entries.empty()) ++stats->list_with_entries;
    // Re-encoding what was accepted gives the same content back: the decoder
    // produced nothing the encoder would have to cut.
    WireWriter w(1 << 20);
    if (chunk->header.has_value()) {
      ASSERT_TRUE(EncodeListHeader(*chunk->header, &w));
    }
    for (const ProcessEntry& e : chunk->entries) {
      ASSERT_EQ(EntryViolation(e), "") << Describe(e);
      ASSERT_TRUE(EncodeProcessEntry(e, &w));
    }
    absl::StatusOr<ListChunk> again = DecodeMessage<ListChunk>(w.data());
    ASSERT_TRUE(again.ok()) << again.status();
    ASSERT_EQ(again->header.has_value(), chunk->header.has_value());
    if (chunk->header.has_value()) {
      ASSERT_EQ(Describe(*again->header), Describe(*chunk->header));
    }
    ASSERT_EQ(again->entries.size(), chunk->entries.size());
    for (size_t i = 0; i < chunk->entries.size(); ++i) {
      ASSERT_EQ(Describe(again->entries[i]), Describe(chunk->entries[i]));
    }
  }
  absl::StatusOr<ProcessInfo> info = DecodeMessage<ProcessInfo>(payload);
  if (info.ok()) {
    ++stats->info_ok;
    ASSERT_EQ(InfoViolation(*info), "") << Describe(*info);
    WireWriter w(1 << 20);
    ASSERT_TRUE(EncodeMessage(*info, &w));
    absl::StatusOr<ProcessInfo> again = DecodeMessage<ProcessInfo>(w.data());
    ASSERT_TRUE(again.ok()) << again.status();
    ASSERT_EQ(Describe(*again), Describe(*info));
  }
  absl::StatusOr<ProcessInfoRequest> pid_request =
      DecodeMessage<ProcessInfoRequest>(payload);
  if (pid_request.ok()) {
    ++stats->pid_request_ok;
    ASSERT_NE(pid_request->pid, 0u);
  }
  absl::StatusOr<IteratorRequest> iterator_request =
      DecodeMessage<IteratorRequest>(payload);
  if (iterator_request.ok()) {
    ++stats->iterator_request_ok;
    ASSERT_NE(iterator_request->iterator_id, 0u);
  }
  const std::string message = DecodeErrorMessage(payload);
  ASSERT_LE(message.size(), kMaxErrorMessageBytes);
  if (!message.empty()) ++stats->error_message_nonempty;
}

constexpr int kFuzzIterations = 100'000;

TEST(MessageFuzzTest, RandomBytes) {
  Fuzzer fuzz(0x5EED0001);
  FuzzStats stats;
  for (int i = 0; i < kFuzzIterations; ++i) {
    const std::string payload =
        fuzz.RandomBytes(fuzz.Below(fuzz.OneIn(10) ? 4000 : 200), i % 2 == 0);
    ASSERT_NO_FATAL_FAILURE(DecodeAll(payload, &stats)) << "iteration " << i;
  }
  // Mostly-zero bytes do parse now and then (an empty payload, zero-length
  // fields): the loop reaches the decoders' success paths too.
  EXPECT_GT(stats.list_ok, 0);
}

TEST(MessageFuzzTest, RandomFieldTrees) {
  Fuzzer fuzz(0x5EED0002);
  FuzzStats stats;
  for (int i = 0; i < kFuzzIterations; ++i) {
    WireWriter w(fuzz.OneIn(4) ? 1 << 14 : kResponsePayloadBytes);
    fuzz.RandomFields(&w, Fuzzer::Context::kTop, 0, 6);
    ASSERT_FALSE(w.overflowed());
    ASSERT_NO_FATAL_FAILURE(DecodeAll(w.data(), &stats)) << "iteration " << i;
  }
  EXPECT_GT(stats.list_with_entries, 100);
  EXPECT_GT(stats.pid_request_ok, 100);
  EXPECT_GT(stats.iterator_request_ok, 100);
  EXPECT_GT(stats.error_message_nonempty, 100);
}

TEST(MessageFuzzTest, MutatedValidPayloads) {
  Fuzzer fuzz(0x5EED0003);
  fuzz.FillPool(4000);
  FuzzStats stats;
  for (int i = 0; i < kFuzzIterations; ++i) {
    std::string payload = fuzz.PoolPayload();
    // The unmutated payload decodes (as what it is).
    if (i % 16 == 0) {
      ASSERT_NO_FATAL_FAILURE(DecodeAll(payload, &stats));
    }
    fuzz.Mutate(&payload);
    ASSERT_NO_FATAL_FAILURE(DecodeAll(payload, &stats)) << "iteration " << i;
  }
  EXPECT_GT(stats.list_with_entries, 1000);
  EXPECT_GT(stats.info_ok, 100);
  EXPECT_GT(stats.pid_request_ok, 100);
  EXPECT_GT(stats.iterator_request_ok, 100);
  EXPECT_GT(stats.error_message_nonempty, 100);
}

}  // namespace
}  // namespace haywire
