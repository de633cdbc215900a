// Copyright 2026 The Haywire Authors.
//
// The messages of messages.h: round trips, the bounds encoders apply and
// decoders enforce, forward compatibility, and the layout guarantee that the
// largest process entry plus a listing header fits one response page.

#include "haywire/protocol/messages.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

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

// ---- Comparison helpers -----------------------------------------------------

void ExpectEntryEq(const ProcessEntry& a, const ProcessEntry& b) {
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.ppid, b.ppid);
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.gid, b.gid);
  EXPECT_EQ(a.ruid, b.ruid);
  EXPECT_EQ(a.rgid, b.rgid);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.nice, b.nice);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.tty_nr, b.tty_nr);
  EXPECT_EQ(a.tty, b.tty);
  EXPECT_EQ(a.start_time_unix_ns, b.start_time_unix_ns);
  EXPECT_EQ(a.cpu_time_ns, b.cpu_time_ns);
  EXPECT_EQ(a.vsz_kb, b.vsz_kb);
  EXPECT_EQ(a.rss_kb, b.rss_kb);
  EXPECT_EQ(a.comm, b.comm);
  EXPECT_EQ(a.args, b.args);
  EXPECT_EQ(a.args_truncated, b.args_truncated);
  EXPECT_EQ(a.session_leader, b.session_leader);
  EXPECT_EQ(a.foreground, b.foreground);
  EXPECT_EQ(a.multithreaded, b.multithreaded);
  EXPECT_EQ(a.has_locked_memory, b.has_locked_memory);
}

void ExpectHeaderEq(const ListHeader& a, const ListHeader& b) {
  EXPECT_EQ(a.now_unix_ns, b.now_unix_ns);
  EXPECT_EQ(a.boot_time_unix_ns, b.boot_time_unix_ns);
  EXPECT_EQ(a.uptime_ns, b.uptime_ns);
  EXPECT_EQ(a.mem_total_kb, b.mem_total_kb);
  EXPECT_EQ(a.total_processes, b.total_processes);
}

void ExpectInfoEq(const ProcessInfo& a, const ProcessInfo& b) {
  ExpectEntryEq(a.entry, b.entry);
  ExpectHeaderEq(a.system, b.system);
  EXPECT_EQ(a.vm_peak_kb, b.vm_peak_kb);
  EXPECT_EQ(a.vm_size_kb, b.vm_size_kb);
  EXPECT_EQ(a.vm_lck_kb, b.vm_lck_kb);
  EXPECT_EQ(a.vm_pin_kb, b.vm_pin_kb);
  EXPECT_EQ(a.vm_hwm_kb, b.vm_hwm_kb);
  EXPECT_EQ(a.vm_rss_kb, b.vm_rss_kb);
  EXPECT_EQ(a.rss_anon_kb, b.rss_anon_kb);
  EXPECT_EQ(a.rss_file_kb, b.rss_file_kb);
  EXPECT_EQ(a.rss_shmem_kb, b.rss_shmem_kb);
  EXPECT_EQ(a.vm_data_kb, b.vm_data_kb);
  EXPECT_EQ(a.vm_stk_kb, b.vm_stk_kb);
  EXPECT_EQ(a.vm_exe_kb, b.vm_exe_kb);
  EXPECT_EQ(a.vm_lib_kb, b.vm_lib_kb);
  EXPECT_EQ(a.vm_pte_kb, b.vm_pte_kb);
  EXPECT_EQ(a.vm_swap_kb, b.vm_swap_kb);
  EXPECT_EQ(a.euid, b.euid);
  EXPECT_EQ(a.suid, b.suid);
  EXPECT_EQ(a.fsuid, b.fsuid);
  EXPECT_EQ(a.egid, b.egid);
  EXPECT_EQ(a.sgid, b.sgid);
  EXPECT_EQ(a.fsgid, b.fsgid);
  EXPECT_EQ(a.umask, b.umask);
  EXPECT_EQ(a.exe, b.exe);
  EXPECT_EQ(a.cwd, b.cwd);
  EXPECT_EQ(a.root, b.root);
  EXPECT_EQ(a.fd_count, b.fd_count);
  EXPECT_EQ(a.cgroup, b.cgroup);
  EXPECT_EQ(a.sig_pending, b.sig_pending);
  EXPECT_EQ(a.sig_shared_pending, b.sig_shared_pending);
  EXPECT_EQ(a.sig_blocked, b.sig_blocked);
  EXPECT_EQ(a.sig_ignored, b.sig_ignored);
  EXPECT_EQ(a.sig_caught, b.sig_caught);
  EXPECT_EQ(a.voluntary_ctxt_switches, b.voluntary_ctxt_switches);
  EXPECT_EQ(a.nonvoluntary_ctxt_switches, b.nonvoluntary_ctxt_switches);
  EXPECT_EQ(a.minor_faults, b.minor_faults);
  EXPECT_EQ(a.major_faults, b.major_faults);
  EXPECT_EQ(a.oom_score_adj, b.oom_score_adj);
  EXPECT_EQ(a.cpus_allowed_list, b.cpus_allowed_list);
}

// ---- Fixtures ---------------------------------------------------------------

ProcessEntry FullEntry() {
  ProcessEntry e;
  e.pid = 4242;
  e.ppid = 1;
  e.uid = 1000;
  e.gid = 1001;
  e.ruid = 998;
  e.rgid = 997;
  e.user = "alice";
  e.state = 'S';
  e.threads = 17;
  e.nice = -20;
  e.priority = -100;
  e.tty_nr = 136 * 256 + 3;
  e.tty = "pts/3";
  e.start_time_unix_ns = 1'700'000'000'123'456'789ull;
  e.cpu_time_ns = std::numeric_limits<uint64_t>::max();
  e.vsz_kb = 123456789;
  e.rss_kb = 98765;
  e.comm = "Web Content";
  e.args = {"/usr/bin/firefox",
            "arg with spaces",
            "",
            "line1\nline2",
            std::string("nul\0inside", 10),
            "",
            "\t tab"};
  e.args_truncated = false;
  e.session_leader = true;
  e.foreground = true;
  e.multithreaded = true;
  e.has_locked_memory = true;
  return e;
}

ListHeader FullHeader() {
  ListHeader h;
  h.now_unix_ns = 1'800'000'000'000'000'000ull;
  h.boot_time_unix_ns = 1'700'000'000'000'000'000ull;
  h.uptime_ns = 12345'670'000'000ull;
  h.mem_total_kb = 16318412;
  h.total_processes = std::numeric_limits<uint32_t>::max();
  return h;
}

ProcessInfo FullInfo() {
  ProcessInfo i;
  i.entry = FullEntry();
  i.system = FullHeader();
  i.vm_peak_kb = 1;
  i.vm_size_kb = 2;
  i.vm_lck_kb = 0;  // present, and zero
  i.vm_pin_kb = 4;
  i.vm_hwm_kb = 5;
  i.vm_rss_kb = 6;
  i.rss_anon_kb = 7;
  i.rss_file_kb = 8;
  i.rss_shmem_kb = 9;
  i.vm_data_kb = 10;
  i.vm_stk_kb = 11;
  i.vm_exe_kb = 12;
  i.vm_lib_kb = 13;
  i.vm_pte_kb = 14;
  i.vm_swap_kb = std::numeric_limits<uint64_t>::max();
  i.euid = 1001;
  i.suid = 1002;
  i.fsuid = 1003;
  i.egid = 1004;
  i.sgid = 1005;
  i.fsgid = std::numeric_limits<uint32_t>::max();
  i.umask = 0;  // present, and zero
  i.exe = "/usr/lib/firefox/firefox (deleted)";
  i.cwd = "/home/alice/dir with space";
  i.root = "/";
  i.fd_count = 0;
  i.cgroup = "0::/user.slice/user-1000.slice/session-2.scope";
  i.sig_pending = 1;
  i.sig_shared_pending = 2;
  i.sig_blocked = 0x10000;
  i.sig_ignored = 0x3000;
  i.sig_caught = 0xFFFFFFFFFFFFFFFFull;
  i.voluntary_ctxt_switches = 1500;
  i.nonvoluntary_ctxt_switches = 42;
  i.minor_faults = 1234;
  i.major_faults = 5;
  i.oom_score_adj = -1000;
  i.cpus_allowed_list = "0-3,8-11";
  return i;
}

std::string EncodeChunk(const std::optional<ListHeader>& header,
                        const std::vector<ProcessEntry>& entries,
                        size_t capacity = kResponsePayloadBytes) {
  WireWriter w(capacity);
  if (header.has_value()) {
    EXPECT_TRUE(EncodeListHeader(*header, &w));
  }
  for (const ProcessEntry& e : entries) EXPECT_TRUE(EncodeProcessEntry(e, &w));
  return w.data();
}

ProcessEntry RoundTripEntry(const ProcessEntry& e) {
  absl::StatusOr<ListChunk> chunk =
      DecodeMessage<ListChunk>(EncodeChunk({}, {e}, 1 << 16));
  EXPECT_TRUE(chunk.ok()) << chunk.status();
  if (!chunk.ok() || chunk->entries.size() != 1) {
    ADD_FAILURE() << "no entry";
    return ProcessEntry();
  }
  EXPECT_FALSE(chunk->header.has_value());
  return chunk->entries[0];
}

std::string EncodeInfo(const ProcessInfo& info,
                       size_t capacity = kResponsePayloadBytes) {
  WireWriter w(capacity);
  EXPECT_TRUE(EncodeMessage(info, &w));
  return w.data();
}

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

// ---------------------------------------------------------------------------
// Round trips.
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Bounds applied by encoders.
// ---------------------------------------------------------------------------

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
    EXPECT_LE(got.args.size(), kMaxArgs);
    EXPECT_TRUE(got.args_truncated);
  }

  // And the arithmetic behind it, with the largest possible encoding: every
  // integer field, three names at kMaxNameBytes, kMaxArgsBytes of arguments.
  constexpr size_t kIntegerFields = 17;  // 16 numbers + the flags word
  constexpr size_t kLargestEntry =
      kWireFieldHeaderBytes +  // the record
      kIntegerFields * (kWireFieldHeaderBytes + 8) +
      3 * (kWireFieldHeaderBytes + kMaxNameBytes) + kMaxArgsBytes;
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

// ---------------------------------------------------------------------------
// Decoders reject malformed content.
// ---------------------------------------------------------------------------

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
