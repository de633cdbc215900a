// Copyright 2026 The Haywire Authors.
//
// A deterministic fuzz loop over every payload decoder of messages.h: random
// bytes, random well-formed field trees with values at the bounds, and
// mutations of valid payloads must never crash (ASan/UBSan builds catch
// undefined behaviour) and must only decode to content within the bounds of
// messages.h.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/message_bounds.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

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
      e.foreground, e.multithreaded, e.has_locked_memory, " cgroup=", e.cgroup,
      " ns=", e.ns_pid, "/", e.ns_level);
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
    e.cgroup = RandomString(OneIn(4) ? 300 : 40);
    e.ns_pid = static_cast<uint32_t>(rng_());
    e.ns_level = static_cast<uint32_t>(Below(40));
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
