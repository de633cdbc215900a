// Copyright 2026 The Haywire Authors.
//
// The /proc parsers (guest/procfs_parse.h) on crafted text: every field,
// the malformed and hostile forms, and the limits on what is kept.

#include "guest/procfs_parse.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A valid stat line with `comm` and the fields after it replaced by `tail`
// where given.
std::string StatLine(absl::string_view comm = "cat",
                     absl::string_view ppid = "1",
                     absl::string_view tty_nr = "0") {
  return absl::StrCat("42 (", comm, ") S ", ppid, " 42 42 ", tty_nr,
                      " -1 4194304 7 0 8 0 11 12 0 0 20 0 1 0 500 1048576 3 "
                      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 "
                      "0 0 0 0 0 0 0 0 0 0\n");
}

TEST(ParseStatTest, Fields) {
  absl::StatusOr<internal::StatFields> s = internal::ParseStat(StatLine());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->pid, 42u);
  EXPECT_EQ(s->comm, "cat");
  EXPECT_EQ(s->state, 'S');
  EXPECT_EQ(s->ppid, 1u);
  EXPECT_EQ(s->pgrp, 42);
  EXPECT_EQ(s->session, 42);
  EXPECT_EQ(s->tty_nr, 0u);
  EXPECT_EQ(s->tpgid, -1);
  EXPECT_EQ(s->minflt, 7u);
  EXPECT_EQ(s->majflt, 8u);
  EXPECT_EQ(s->utime, 11u);
  EXPECT_EQ(s->stime, 12u);
  EXPECT_EQ(s->priority, 20);
  EXPECT_EQ(s->nice, 0);
  EXPECT_EQ(s->num_threads, 1u);
  EXPECT_EQ(s->starttime, 500u);
  EXPECT_EQ(s->vsize, 1048576u);
  EXPECT_EQ(s->rss, 3u);
}

TEST(ParseStatTest, CommEndsAtLastParenthesis) {
  for (absl::string_view comm :
       {")", "(", ") (", "a) S 1 2 (b", ")))", "x\ny", "", "two words"}) {
    absl::StatusOr<internal::StatFields> s =
        internal::ParseStat(StatLine(comm));
    ASSERT_TRUE(s.ok()) << comm << ": " << s.status();
    EXPECT_EQ(s->comm, comm);
    EXPECT_EQ(s->ppid, 1u);
  }
}

TEST(ParseStatTest, OnlyTheRequiredFields) {
  // Fields up to rss (24) are enough; old kernels print fewer than 52.
  absl::StatusOr<internal::StatFields> s = internal::ParseStat(
      "7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 9 4096 1\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rss, 1u);
  EXPECT_EQ(internal::ParseStat("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 "
                                "0 9 4096\n")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(ParseStatTest, NegativeTtyNrIsTakenModulo32Bits) {
  // Minor 0xfff00 on major 136: the kernel prints the dev_t with %d.
  absl::StatusOr<internal::StatFields> s =
      internal::ParseStat(StatLine("bash", "1", "-2147448832"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->tty_nr, 0x80008800u);
}

TEST(ParseStatTest, Malformed) {
  const std::string bad_lines[] = {
      "",
      "42 cat S 1",
      "42 (cat S 1 42",
      "(cat) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1",
      "x42 (cat) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1",
      "42 (cat)S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1",
      StatLine("cat", "1x"),
      StatLine("cat", "-1"),          // ppid is unsigned
      StatLine("cat", "+1"),          // no signs where the kernel has none
      StatLine("cat", " 1"),          // two spaces
      StatLine("cat", "4294967296"),  // past uint32
      StatLine("cat", "99999999999999999999999"),
      StatLine("cat", "1", "4294967296"),
      StatLine("cat", "1", "-2147483649"),
      absl::StrCat("42 (cat) 5", StatLine().substr(10)),  // state not a letter
      absl::StrCat("42 (cat) SS", StatLine().substr(10)),
  };
  for (const std::string& line : bad_lines) {
    absl::StatusOr<internal::StatFields> s = internal::ParseStat(line);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss)
        << "accepted: " << line;
  }
}

TEST(ParseStatTest, NiceOutOfRange) {
  std::string line = StatLine();
  // Field 19 (nice) is the "0" after " 20 ".
  const size_t at = line.find(" 20 0 ");
  ASSERT_NE(at, std::string::npos);
  line.replace(at, 6, " 20 99999999999 ");
  EXPECT_EQ(internal::ParseStat(line).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ParseStatusFieldsTest, Fields) {
  absl::StatusOr<internal::StatusFields> s = internal::ParseStatusFields(
      "Name:\tbash\nUmask:\t0002\nUid:\t1\t2\t3\t4\nGid:\t5 6 7 8\n"
      "VmSize:\t  100 kB\nVmLck:\t0 kB\nSigCgt:\t000000004b817efb\n"
      "Future_field:\twhatever\nvoluntary_ctxt_switches:\t9\n"
      "Cpus_allowed_list:\t0,2-5\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->uid, ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(s->gid, ElementsAre(5, 6, 7, 8));
  EXPECT_EQ(s->umask, 02u);
  EXPECT_EQ(s->vm_size_kb, 100u);
  EXPECT_EQ(s->vm_lck_kb, 0u);
  EXPECT_FALSE(s->vm_rss_kb.has_value());
  EXPECT_EQ(s->sig_caught, 0x4b817efbu);
  EXPECT_EQ(s->voluntary_ctxt_switches, 9u);
  EXPECT_EQ(s->cpus_allowed_list, "0,2-5");
}

TEST(ParseStatusFieldsTest, Malformed) {
  const std::string ids = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
  const std::string bad[] = {
      "",
      "Uid:\t0\t0\t0\t0\n",                       // no Gid
      "Uid:\t0\t0\t0\nGid:\t0\t0\t0\t0\n",        // three uids
      "Uid:\t0\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",  // five
      "Uid:\t0\t0\t0\t-1\nGid:\t0\t0\t0\t0\n",
      "Uid:\t0\t0\t0\t4294967296\nGid:\t0\t0\t0\t0\n",
      ids + "VmSize:\t100\n",  // no unit
      ids + "VmSize:\t100 MB\n",
      ids + "VmSize:\tlots kB\n",
      ids + "SigBlk:\t00000000000000000\n",  // 17 hex digits
      ids + "SigBlk:\tzz\n",
      ids + "Umask:\t0999\n",
      ids + "voluntary_ctxt_switches:\t-3\n",
  };
  for (const std::string& text : bad) {
    EXPECT_EQ(internal::ParseStatusFields(text).status().code(),
              absl::StatusCode::kDataLoss)
        << "accepted: " << text;
  }
}

// dev_t as the kernel encodes it for stat's tty_nr.
uint32_t Dev(uint32_t major, uint32_t minor) {
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

TEST(TtyNameTest, KnownDevices) {
  EXPECT_EQ(internal::TtyName(0), "?");
  EXPECT_EQ(internal::TtyName(Dev(136, 0)), "pts/0");
  EXPECT_EQ(internal::TtyName(Dev(136, 300)), "pts/300");
  EXPECT_EQ(internal::TtyName(Dev(136, 70000)), "pts/70000");
  EXPECT_EQ(internal::TtyName(Dev(137, 4)), "pts/260");  // 2.4-era majors
  EXPECT_EQ(internal::TtyName(Dev(4, 0)), "tty0");
  EXPECT_EQ(internal::TtyName(Dev(4, 1)), "tty1");
  EXPECT_EQ(internal::TtyName(Dev(4, 63)), "tty63");
  EXPECT_EQ(internal::TtyName(Dev(4, 64)), "ttyS0");
  EXPECT_EQ(internal::TtyName(Dev(4, 255)), "ttyS191");
  EXPECT_EQ(internal::TtyName(Dev(5, 1)), "console");
  EXPECT_EQ(internal::TtyName(Dev(229, 0)), "hvc0");
  EXPECT_EQ(internal::TtyName(Dev(204, 64)), "ttyAMA0");
}

TEST(TtyNameTest, UnknownDevices) {
  EXPECT_EQ(internal::TtyName(Dev(5, 0)), "?");  // /dev/tty
  EXPECT_EQ(internal::TtyName(Dev(4, 256)), "?");
  EXPECT_EQ(internal::TtyName(Dev(8, 1)), "?");  // a disk
  EXPECT_EQ(internal::TtyName(Dev(204, 5)), "?");
  EXPECT_EQ(internal::TtyName(0xffffffffu), "?");
}

TEST(SplitCmdlineTest, Pieces) {
  using internal::SplitCmdline;
  EXPECT_THAT(SplitCmdline("").args, IsEmpty());
  EXPECT_THAT(SplitCmdline(std::string("a\0", 2)).args, ElementsAre("a"));
  EXPECT_THAT(SplitCmdline(std::string("a\0b", 3)).args, ElementsAre("a", "b"));
  EXPECT_THAT(SplitCmdline(std::string("\0", 1)).args, ElementsAre(""));
  EXPECT_THAT(SplitCmdline(std::string("a\0\0", 3)).args, ElementsAre("a", ""));
  EXPECT_FALSE(SplitCmdline(std::string("a\0b\0", 4)).truncated);
}

TEST(SplitCmdlineTest, ByteLimitCountsTerminators) {
  using internal::SplitCmdline;
  // Exactly kMaxArgsBytes with the NUL: kept whole.
  const std::string fits(kMaxArgsBytes - 1, 'a');
  internal::Cmdline c = SplitCmdline(fits + '\0');
  EXPECT_FALSE(c.truncated);
  EXPECT_THAT(c.args, ElementsAre(fits));
  // One more byte: cut.
  c = SplitCmdline(fits + "b" + '\0');
  EXPECT_TRUE(c.truncated);
  EXPECT_THAT(c.args, ElementsAre(fits));
  // A cut that would leave an arg with no room drops it instead.
  c = SplitCmdline(std::string(kMaxArgsBytes - 1, 'a') + '\0' + "b" + '\0');
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.args.size(), 1u);
}

TEST(SplitCmdlineTest, CutKeepsUtf8Whole) {
  // "é" is two bytes; the cut falls between them and backs off one byte.
  std::string arg(kMaxArgsBytes - 2, 'a');
  arg += "\xc3\xa9";
  internal::Cmdline c = internal::SplitCmdline(arg + '\0');
  EXPECT_TRUE(c.truncated);
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0], std::string(kMaxArgsBytes - 2, 'a'));
}

TEST(SplitCmdlineTest, CountLimit) {
  std::string raw;
  for (size_t i = 0; i < kMaxArgs; ++i) raw += std::string("a\0", 2);
  EXPECT_FALSE(internal::SplitCmdline(raw).truncated);
  internal::Cmdline c = internal::SplitCmdline(raw + std::string("b\0", 2));
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.args.size(), kMaxArgs);
}

TEST(ParsePasswdTest, FirstEntryWinsAndJunkIsSkipped) {
  const auto users = internal::ParsePasswd(
      "root:x:0:0:root:/root:/bin/bash\r\n"
      "# comment\n"
      "\n"
      "+:::\n"
      "-baduser:::\n"
      "dup:x:0:0::/:/bin/sh\n"
      ":x:5:5::/:/bin/sh\n"
      "short:x\n"
      "neg:x:-1:0::/:\n"
      "big:x:4294967296:0::/:\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin");
  EXPECT_EQ(users.size(), 2u);
  EXPECT_EQ(users.at(0), "root");
  EXPECT_EQ(users.at(65534), "nobody");
}

TEST(ParsePasswdTest, LongNameIsCut) {
  const auto users = internal::ParsePasswd(
      absl::StrCat(std::string(1000, 'u'), ":x:7:7::/:/bin/sh\n"));
  EXPECT_EQ(users.at(7), std::string(kMaxNameBytes, 'u'));
}

TEST(NumbersTest, TicksToNs) {
  EXPECT_EQ(*internal::TicksToNs(150, 100), 1'500'000'000u);
  EXPECT_EQ(*internal::TicksToNs(1, 3), 333'333'333u);
  EXPECT_TRUE(internal::TicksToNs(~0ull, 100).status().code() ==
              absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(internal::TicksToNs(1, 0).ok());
}

TEST(NumbersTest, Uptime) {
  EXPECT_EQ(*internal::ParseUptimeNs("12345.67 45678.90\n"),
            12'345'670'000'000u);
  EXPECT_EQ(*internal::ParseUptimeNs("3\n"), 3'000'000'000u);
  EXPECT_EQ(*internal::ParseUptimeNs("0.123456789"), 123'456'789u);
  for (absl::string_view bad :
       {"", "abc", "1.", ".5", "-1.0", "1.2.3", "1.0000000001",
        "99999999999999999999.0", "18446744073.0"}) {
    EXPECT_EQ(internal::ParseUptimeNs(bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

TEST(NumbersTest, SystemFileValues) {
  EXPECT_EQ(*internal::FindStatValue("cpu 1 2\nbtime 1700000000\n", "btime"),
            1700000000u);
  EXPECT_TRUE(absl::IsNotFound(
      internal::FindStatValue("cpu 1 2\nbtimex 5\n", "btime").status()));
  EXPECT_EQ(internal::FindStatValue("btime soon\n", "btime").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(*internal::FindMeminfoKb("MemTotal:   2048 kB\n", "MemTotal"),
            2048u);
  EXPECT_EQ(
      internal::FindMeminfoKb("MemTotal: 2048\n", "MemTotal").status().code(),
      absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::IsNotFound(
      internal::FindMeminfoKb("MemFree: 1 kB\n", "MemTotal").status()));
}

}  // namespace
}  // namespace haywire

namespace haywire {
namespace {

TEST(CgroupPathTest, UnifiedV1AndHybrid) {
  // cgroup v2 only.
  EXPECT_EQ(internal::CgroupPathOf("0::/system.slice/nginx.service\n"),
            "/system.slice/nginx.service");
  // Hybrid: systemd's unified line is "/", Docker's cgroupfs driver put the
  // container in the v1 controllers.
  EXPECT_EQ(internal::CgroupPathOf("12:pids:/docker/abc\n"
                                   "1:name=systemd:/docker/abc\n0::/\n"),
            "/docker/abc");
  // Hybrid with a real unified path: the unified one.
  EXPECT_EQ(internal::CgroupPathOf("1:name=systemd:/user.slice\n"
                                   "0::/user.slice/session-2.scope\n"),
            "/user.slice/session-2.scope");
  // A colon inside the path is the path's.
  EXPECT_EQ(internal::CgroupPathOf("0::/a:b\n"), "/a:b");
  EXPECT_EQ(internal::CgroupPathOf("0::/\n"), "/");
  EXPECT_EQ(internal::CgroupPathOf(""), "");
  EXPECT_EQ(internal::CgroupPathOf("garbage without colons\n"), "");
  // Bounded like every name.
  EXPECT_EQ(internal::CgroupPathOf("0::/" + std::string(1000, 'x')).size(),
            kMaxNameBytes);
}

TEST(ParseStatusNsPidTest, NamespacePids) {
  const std::string base = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
  absl::StatusOr<internal::StatusFields> nested =
      internal::ParseStatusFields(base + "NSpid:\t4242\t17\t1\n");
  ASSERT_TRUE(nested.ok()) << nested.status();
  EXPECT_EQ(nested->ns_pids, (std::vector<uint32_t>{4242, 17, 1}));
  absl::StatusOr<internal::StatusFields> none =
      internal::ParseStatusFields(base);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->ns_pids.empty());
  EXPECT_FALSE(internal::ParseStatusFields(base + "NSpid:\t1\tx\n").ok());
  EXPECT_FALSE(internal::ParseStatusFields(base + "NSpid:\t0\n").ok());
  std::string deep = base + "NSpid:";
  for (int i = 0; i < 40; ++i) deep += "\t1";
  EXPECT_FALSE(internal::ParseStatusFields(deep + "\n").ok());
}

}  // namespace
}  // namespace haywire
