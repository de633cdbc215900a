// Copyright 2026 The Haywire Authors.

#include "guest/procfs.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/testing/forked_child.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The fixtures are written for these, not for the machine running the test.
constexpr ProcFsConstants kFixtureConstants = {/*clock_ticks_per_second=*/100,
                                               /*page_size=*/4096};
constexpr uint64_t kFixtureBootNs = 1'700'000'000'000'000'000ull;
constexpr uint64_t kNsPerTick = 10'000'000;  // at 100 ticks per second

std::string FixtureDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir == nullptr ? "." : srcdir,
                      "/haywire/testdata/procfs/basic");
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

uint64_t RealtimeNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<uint64_t>(ts.tv_nsec);
}

class FixtureTest : public ::testing::Test {
 protected:
  FixtureTest()
      : procfs_(FixtureDir() + "/proc", FixtureDir() + "/etc/passwd",
                kFixtureConstants) {}

  ProcessEntry Read(uint32_t pid) {
    absl::StatusOr<ProcessEntry> entry = procfs_.ReadProcess(pid);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return entry.ok() ? *entry : ProcessEntry();
  }

  ProcFs procfs_;
};

// ---------------------------------------------------------------------------
// Fixture trees.
// ---------------------------------------------------------------------------

TEST_F(FixtureTest, ListPidsSkipsNonPidEntriesAndSorts) {
  absl::StatusOr<std::vector<uint32_t>> pids = procfs_.ListPids();
  ASSERT_TRUE(pids.ok()) << pids.status();
  // Not "007", "self" or "sys", nor the files stat/uptime/meminfo/version.
  EXPECT_THAT(*pids, ElementsAre(1, 2, 100, 101, 102, 103, 104, 105, 106, 107,
                                 108, 109, 110, 111, 112, 113, 114));
}

TEST_F(FixtureTest, ListPidsOfMissingRootFails) {
  ProcFs procfs(FixtureDir() + "/no-such-dir", "/nonexistent");
  EXPECT_TRUE(absl::IsNotFound(procfs.ListPids().status()));
}

TEST_F(FixtureTest, NormalProcess) {
  const ProcessEntry e = Read(100);
  EXPECT_EQ(e.pid, 100u);
  EXPECT_EQ(e.ppid, 99u);
  EXPECT_EQ(e.ruid, 1000u);  // real ids
  EXPECT_EQ(e.rgid, 1000u);
  EXPECT_EQ(e.uid, 1001u);  // effective ids, as procps's uid and USER
  EXPECT_EQ(e.gid, 1004u);
  EXPECT_EQ(e.user, "bob");  // the name of the effective uid
  EXPECT_EQ(e.state, 'S');
  EXPECT_EQ(e.threads, 4u);
  EXPECT_EQ(e.nice, -5);
  EXPECT_EQ(e.priority, 15);
  EXPECT_EQ(e.tty_nr, 136u * 256 + 3);
  EXPECT_EQ(e.tty, "pts/3");
  EXPECT_EQ(e.start_time_unix_ns, kFixtureBootNs + 12345 * kNsPerTick);
  EXPECT_EQ(e.cpu_time_ns, (250 + 50) * kNsPerTick);
  EXPECT_EQ(e.vsz_kb, 123456789u / 1024);
  EXPECT_EQ(e.rss_kb, 2500u * 4);
  EXPECT_EQ(e.comm, "vim");
  EXPECT_THAT(e.args, ElementsAre("vim", "notes.txt"));
  EXPECT_FALSE(e.args_truncated);
  EXPECT_FALSE(e.session_leader);  // session 99
  EXPECT_TRUE(e.foreground);       // tpgid == pgrp == 100
  EXPECT_TRUE(e.multithreaded);
  EXPECT_TRUE(e.has_locked_memory);  // VmLck: 8 kB
}

TEST_F(FixtureTest, SessionLeaderWithoutTerminal) {
  const ProcessEntry e = Read(1);
  EXPECT_EQ(e.ppid, 0u);
  EXPECT_EQ(e.user, "root");
  EXPECT_EQ(e.tty, "?");
  EXPECT_TRUE(e.session_leader);
  EXPECT_FALSE(e.foreground);  // tpgid -1
  EXPECT_FALSE(e.multithreaded);
  EXPECT_FALSE(e.has_locked_memory);  // VmLck absent
  EXPECT_EQ(e.start_time_unix_ns, kFixtureBootNs + 2 * kNsPerTick);
  EXPECT_EQ(e.cpu_time_ns, 1000 * kNsPerTick);
  EXPECT_EQ(e.rss_kb, 12000u);
  EXPECT_THAT(e.args, ElementsAre("/sbin/init", "splash"));
}

TEST_F(FixtureTest, CommWithSpace) {
  const ProcessEntry e = Read(101);
  EXPECT_EQ(e.comm, "Web Content");
  EXPECT_EQ(e.state, 'S');
  EXPECT_EQ(e.ppid, 100u);
  EXPECT_EQ(e.tty, "ttyS0");
  EXPECT_EQ(e.start_time_unix_ns, kFixtureBootNs + 20000 * kNsPerTick);
  EXPECT_EQ(e.vsz_kb, 4000u);
  EXPECT_THAT(e.args, ElementsAre("/usr/lib/firefox/firefox", "-contentproc"));
}

TEST_F(FixtureTest, CommWithParenthesesAndFakeFields) {
  const ProcessEntry e = Read(102);
  EXPECT_EQ(e.comm, ") R 1 2 3 (");
  EXPECT_EQ(e.state, 'R');
  EXPECT_EQ(e.ppid, 1u);
  EXPECT_TRUE(e.session_leader);
  EXPECT_EQ(e.start_time_unix_ns, kFixtureBootNs + 30000 * kNsPerTick);
}

TEST_F(FixtureTest, CommEndingInParenthesis) {
  const ProcessEntry e = Read(103);
  EXPECT_EQ(e.comm, "a) (b)");
  EXPECT_EQ(e.tty, "tty1");
  EXPECT_EQ(e.nice, 10);
  EXPECT_EQ(e.priority, 30);
  EXPECT_TRUE(e.foreground);
}

TEST_F(FixtureTest, CommWithNewline) {
  const ProcessEntry e = Read(104);
  EXPECT_EQ(e.comm, "line1\nline2");
  EXPECT_EQ(e.state, 'S');
  EXPECT_THAT(e.args, ElementsAre("two-lines"));
}

TEST_F(FixtureTest, KernelThread) {
  const ProcessEntry e = Read(105);
  EXPECT_EQ(e.comm, "kworker/0:1H");
  EXPECT_EQ(e.state, 'I');
  EXPECT_EQ(e.ppid, 2u);
  EXPECT_THAT(e.args, IsEmpty());
  EXPECT_FALSE(e.args_truncated);
  EXPECT_EQ(e.vsz_kb, 0u);
  EXPECT_EQ(e.rss_kb, 0u);
  EXPECT_EQ(e.nice, -20);
  EXPECT_EQ(e.priority, 0);
  EXPECT_EQ(e.tty, "?");

  EXPECT_THAT(Read(2).args, IsEmpty());
}

TEST_F(FixtureTest, LongArgumentIsCutToMaxArgsBytes) {
  const ProcessEntry e = Read(106);
  EXPECT_TRUE(e.args_truncated);
  ASSERT_EQ(e.args.size(), 3u);
  EXPECT_EQ(e.args[0], "python3");
  EXPECT_EQ(e.args[1], "-c");
  // What is left of kMaxArgsBytes after "python3\0-c\0", minus its own NUL.
  EXPECT_EQ(e.args[2], std::string(kMaxArgsBytes - 8 - 3 - 1, 'x'));
  EXPECT_EQ(e.user, "bob");
}

TEST_F(FixtureTest, ManyArgumentsAreCutToMaxArgs) {
  const ProcessEntry e = Read(107);
  EXPECT_TRUE(e.args_truncated);
  ASSERT_EQ(e.args.size(), kMaxArgs);
  EXPECT_EQ(e.args[0], "xargs");
  EXPECT_EQ(e.args[kMaxArgs - 1], "a");
}

TEST_F(FixtureTest, Zombie) {
  const ProcessEntry e = Read(108);
  EXPECT_EQ(e.state, 'Z');
  EXPECT_THAT(e.args, IsEmpty());
  EXPECT_FALSE(e.args_truncated);
  EXPECT_FALSE(e.has_locked_memory);
  EXPECT_EQ(e.cpu_time_ns, 4 * kNsPerTick);

  absl::StatusOr<ProcessInfo> info = procfs_.ReadProcessInfo(108);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->vm_size_kb.has_value());
  EXPECT_FALSE(info->vm_rss_kb.has_value());
  EXPECT_FALSE(info->vm_lck_kb.has_value());
  EXPECT_FALSE(info->vm_swap_kb.has_value());
}

TEST_F(FixtureTest, UnknownUidIsShownAsNumber) {
  const ProcessEntry e = Read(109);
  EXPECT_EQ(e.uid, 4242u);
  EXPECT_EQ(e.user, "4242");
  EXPECT_EQ(e.tty, "hvc0");
}

TEST_F(FixtureTest, MissingPasswdMeansNumericUsers) {
  ProcFs procfs(FixtureDir() + "/proc", FixtureDir() + "/etc/no-such-file",
                kFixtureConstants);
  absl::StatusOr<ProcessEntry> e = procfs.ReadProcess(100);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->user, "1001");  // the effective uid, as a number
}

TEST_F(FixtureTest, MalformedStatFailsThatPidOnly) {
  absl::StatusOr<ProcessEntry> e = procfs_.ReadProcess(110);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(e.status().message(), HasSubstr("pid 110"));
  EXPECT_THAT(e.status().message(), HasSubstr("/110/stat"));
  EXPECT_THAT(e.status().message(), HasSubstr("ppid"));

  // A listing reads every other process.
  absl::StatusOr<std::vector<uint32_t>> pids = procfs_.ListPids();
  ASSERT_TRUE(pids.ok());
  std::vector<uint32_t> failed;
  for (uint32_t pid : *pids) {
    if (!procfs_.ReadProcess(pid).ok()) failed.push_back(pid);
  }
  EXPECT_THAT(failed, ElementsAre(110, 111, 112, 114));
}

TEST_F(FixtureTest, MalformedStatus) {
  absl::StatusOr<ProcessEntry> e = procfs_.ReadProcess(114);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(e.status().message(), HasSubstr("pid 114"));
  EXPECT_THAT(e.status().message(), HasSubstr("/114/status"));
  EXPECT_THAT(e.status().message(), HasSubstr("Uid"));
}

TEST_F(FixtureTest, StatusGoneAfterStatIsNotFound) {
  // The process exited between the read of stat and that of status.
  EXPECT_TRUE(absl::IsNotFound(procfs_.ReadProcess(111).status()));
  EXPECT_TRUE(absl::IsNotFound(procfs_.ReadProcessInfo(111).status()));
}

TEST_F(FixtureTest, EmptyStatIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(procfs_.ReadProcess(112).status()));
}

TEST_F(FixtureTest, NoSuchPidIsNotFound) {
  absl::StatusOr<ProcessEntry> e = procfs_.ReadProcess(4000000);
  EXPECT_TRUE(absl::IsNotFound(e.status())) << e.status();
  EXPECT_THAT(e.status().message(), HasSubstr("pid 4000000"));
}

TEST_F(FixtureTest, CmdlineWithoutFinalNul) {
  EXPECT_THAT(Read(113).args, ElementsAre("postgres: checkpointer   "));
}

TEST_F(FixtureTest, ReadSystem) {
  const uint64_t before = RealtimeNs();
  absl::StatusOr<ListHeader> header = procfs_.ReadSystem();
  const uint64_t after = RealtimeNs();
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_GE(header->now_unix_ns, before);
  EXPECT_LE(header->now_unix_ns, after);
  EXPECT_EQ(header->boot_time_unix_ns, kFixtureBootNs);
  EXPECT_EQ(header->uptime_ns, 12'345'670'000'000u);
  EXPECT_EQ(header->mem_total_kb, 16318412u);
  EXPECT_EQ(header->total_processes, 0u);
}

TEST(BrokenRootTest, MissingSystemFilesAreNotMistakenForExitedProcesses) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string root = absl::StrCat(srcdir == nullptr ? "." : srcdir,
                                        "/haywire/testdata/procfs/"
                                        "no_system_files/proc");
  ProcFs procfs(root, "/nonexistent", kFixtureConstants);
  absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
  ASSERT_TRUE(pids.ok()) << pids.status();
  EXPECT_THAT(*pids, ElementsAre(5));
  EXPECT_EQ(procfs.ReadProcess(5).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(procfs.ReadProcessInfo(5).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(procfs.ReadSystem().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FixtureTest, ProcessInfoWithEveryField) {
  absl::StatusOr<ProcessInfo> info = procfs_.ReadProcessInfo(100);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->entry.comm, "vim");
  EXPECT_EQ(info->entry.pid, 100u);
  EXPECT_EQ(info->system.boot_time_unix_ns, kFixtureBootNs);
  EXPECT_EQ(info->system.mem_total_kb, 16318412u);
  EXPECT_EQ(info->vm_peak_kb, 120600u);
  EXPECT_EQ(info->vm_size_kb, 120563u);
  EXPECT_EQ(info->vm_lck_kb, 8u);
  EXPECT_EQ(info->vm_pin_kb, 4u);
  EXPECT_EQ(info->vm_hwm_kb, 10100u);
  EXPECT_EQ(info->vm_rss_kb, 10000u);
  EXPECT_EQ(info->rss_anon_kb, 4000u);
  EXPECT_EQ(info->rss_file_kb, 5900u);
  EXPECT_EQ(info->rss_shmem_kb, 100u);
  EXPECT_EQ(info->vm_data_kb, 3000u);
  EXPECT_EQ(info->vm_stk_kb, 132u);
  EXPECT_EQ(info->vm_exe_kb, 2000u);
  EXPECT_EQ(info->vm_lib_kb, 8000u);
  EXPECT_EQ(info->vm_pte_kb, 88u);
  EXPECT_EQ(info->vm_swap_kb, 16u);
  EXPECT_EQ(info->euid, 1001u);
  EXPECT_EQ(info->suid, 1002u);
  EXPECT_EQ(info->fsuid, 1003u);
  EXPECT_EQ(info->egid, 1004u);
  EXPECT_EQ(info->sgid, 1005u);
  EXPECT_EQ(info->fsgid, 1006u);
  EXPECT_EQ(info->umask, 027u);
  EXPECT_EQ(info->sig_pending, 1u);
  EXPECT_EQ(info->sig_shared_pending, 2u);
  EXPECT_EQ(info->sig_blocked, 0x10000u);
  EXPECT_EQ(info->sig_ignored, 0x3000u);
  EXPECT_EQ(info->sig_caught, 0x1ef804effu);
  EXPECT_EQ(info->voluntary_ctxt_switches, 1500u);
  EXPECT_EQ(info->nonvoluntary_ctxt_switches, 42u);
  EXPECT_EQ(info->cpus_allowed_list, "0-3");
  EXPECT_EQ(info->minor_faults, 1234u);
  EXPECT_EQ(info->major_faults, 5u);
  EXPECT_EQ(info->fd_count, 4u);
  EXPECT_EQ(info->cgroup, "0::/user.slice/user-1000.slice/session-2.scope");
  EXPECT_EQ(info->oom_score_adj, 200);
  // The fixture has no exe/cwd/root links: unreadable is empty, not an error.
  EXPECT_EQ(info->exe, "");
  EXPECT_EQ(info->cwd, "");
  EXPECT_EQ(info->root, "");
}

TEST_F(FixtureTest, ProcessInfoOfKernelThreadHasGaps) {
  absl::StatusOr<ProcessInfo> info = procfs_.ReadProcessInfo(105);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->vm_size_kb.has_value());
  EXPECT_FALSE(info->fd_count.has_value());
  EXPECT_FALSE(info->oom_score_adj.has_value());
  EXPECT_EQ(info->cgroup, "");
  EXPECT_EQ(info->umask, 022u);
  EXPECT_EQ(info->sig_caught, 0u);
}

TEST_F(FixtureTest, ConcurrentReaders) {
  // The passwd table and the btime cache are filled lazily; under TSan this
  // checks that filling them races with nothing.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(Read(100).user, "bob");
        EXPECT_TRUE(procfs_.ReadSystem().ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// ---------------------------------------------------------------------------
// The real /proc.
// ---------------------------------------------------------------------------

std::vector<std::string> SelfCmdline() {
  const std::string raw = ReadFileOrDie("/proc/self/cmdline");
  absl::string_view body = raw;
  absl::ConsumeSuffix(&body, absl::string_view("\0", 1));
  return absl::StrSplit(body, '\0');
}

TEST(RealProcTest, ReadsItself) {
  ProcFs procfs("/proc", "/etc/passwd");
  const uint64_t before = RealtimeNs();
  absl::StatusOr<ProcessEntry> e = procfs.ReadProcess(getpid());
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(e->ppid, static_cast<uint32_t>(getppid()));
  EXPECT_EQ(e->uid, getuid());
  EXPECT_EQ(e->gid, getgid());
  EXPECT_FALSE(e->user.empty());
  EXPECT_EQ(e->state, 'R');  // it is running: it is reading its own stat
  EXPECT_GE(e->threads, 1u);
  EXPECT_EQ(e->multithreaded, e->threads > 1);

  const std::string comm = ReadFileOrDie("/proc/self/comm");
  EXPECT_EQ(e->comm, absl::StripSuffix(comm, "\n"));
  EXPECT_EQ(e->comm, std::string(program_invocation_short_name).substr(0, 15));
  EXPECT_EQ(e->args, SelfCmdline());
  EXPECT_FALSE(e->args_truncated);

  absl::StatusOr<ListHeader> system = procfs.ReadSystem();
  ASSERT_TRUE(system.ok()) << system.status();
  // btime is whole seconds and moves with clock adjustments; allow slack.
  EXPECT_GE(e->start_time_unix_ns + 2'000'000'000ull,
            system->boot_time_unix_ns);
  EXPECT_LE(e->start_time_unix_ns, before + 2'000'000'000ull);
  EXPECT_GT(e->vsz_kb, 0u);
  EXPECT_GT(e->rss_kb, 0u);
  struct timespec cpu;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
  EXPECT_LE(e->cpu_time_ns, static_cast<uint64_t>(cpu.tv_sec) * 1'000'000'000 +
                                static_cast<uint64_t>(cpu.tv_nsec) +
                                100'000'000);
}

TEST(RealProcTest, ProcessInfoOfItself) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<ProcessInfo> info = procfs.ReadProcessInfo(getpid());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->euid, geteuid());
  EXPECT_EQ(info->egid, getegid());

  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe));
  ASSERT_GT(n, 0);
  EXPECT_EQ(info->exe,
            std::string(exe, static_cast<size_t>(n)).substr(0, kMaxPathBytes));
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(info->cwd, std::string(cwd).substr(0, kMaxPathBytes));
  EXPECT_FALSE(info->root.empty());

  ASSERT_TRUE(info->fd_count.has_value());
  EXPECT_GE(*info->fd_count, 3u);  // stdin, stdout, stderr at least
  EXPECT_TRUE(info->oom_score_adj.has_value());
  EXPECT_TRUE(info->vm_size_kb.has_value());
  EXPECT_TRUE(info->vm_rss_kb.has_value());
  EXPECT_FALSE(info->cpus_allowed_list.empty());
  EXPECT_GT(info->voluntary_ctxt_switches + info->nonvoluntary_ctxt_switches,
            0u);
  EXPECT_GT(info->system.mem_total_kb, 0u);
  EXPECT_GT(info->system.uptime_ns, 0u);
}

TEST(RealProcTest, ListPidsIncludesItself) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
  ASSERT_TRUE(pids.ok()) << pids.status();
  EXPECT_TRUE(std::is_sorted(pids->begin(), pids->end()));
  EXPECT_NE(
      std::find(pids->begin(), pids->end(), static_cast<uint32_t>(getpid())),
      pids->end());
}

// Every process of the machine reads cleanly or is gone: no DataLoss from a
// real kernel's files.
TEST(RealProcTest, EveryProcessParses) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<std::vector<uint32_t>> pids = procfs.ListPids();
  ASSERT_TRUE(pids.ok()) << pids.status();
  for (uint32_t pid : *pids) {
    absl::StatusOr<ProcessEntry> e = procfs.ReadProcess(pid);
    EXPECT_TRUE(e.ok() || absl::IsNotFound(e.status()) ||
                absl::IsPermissionDenied(e.status()))
        << e.status();
    absl::StatusOr<ProcessInfo> info = procfs.ReadProcessInfo(pid);
    EXPECT_TRUE(info.ok() || absl::IsNotFound(info.status()) ||
                absl::IsPermissionDenied(info.status()))
        << info.status();
  }
}

// A child blocked on a pipe: alive, then a zombie, then reaped.
class ChildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe(pipe_), 0);
    absl::StatusOr<std::unique_ptr<ForkedChild>> child =
        ForkedChild::Start([this] {
          char byte;
          close(pipe_[1]);
          while (read(pipe_[0], &byte, 1) < 0 && errno == EINTR) {
          }
          return 0;
        });
    close(pipe_[0]);
    ASSERT_TRUE(child.ok()) << child.status();
    child_ = std::move(*child);
  }
  void TearDown() override {
    if (pipe_[1] >= 0) close(pipe_[1]);
  }

  // Lets the child exit, without reaping it.
  void LetExit() {
    close(pipe_[1]);
    pipe_[1] = -1;
  }
  pid_t pid() const { return child_->pid(); }

  int pipe_[2] = {-1, -1};
  std::unique_ptr<ForkedChild> child_;
};

TEST_F(ChildTest, ReapedProcessIsNotFound) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<ProcessEntry> alive = procfs.ReadProcess(pid());
  ASSERT_TRUE(alive.ok()) << alive.status();
  EXPECT_EQ(alive->ppid, static_cast<uint32_t>(getpid()));

  LetExit();
  ASSERT_EQ(child_->WaitExit(absl::Seconds(60)), 0);
  absl::StatusOr<ProcessEntry> gone = procfs.ReadProcess(pid());
  EXPECT_TRUE(absl::IsNotFound(gone.status())) << gone.status();
  absl::StatusOr<ProcessInfo> gone_info = procfs.ReadProcessInfo(pid());
  EXPECT_TRUE(absl::IsNotFound(gone_info.status())) << gone_info.status();
}

TEST_F(ChildTest, ZombieHasNoArgs) {
  ProcFs procfs("/proc", "/etc/passwd");
  LetExit();
  ASSERT_TRUE(child_->WaitZombie(absl::Seconds(60)));
  absl::StatusOr<ProcessEntry> zombie = procfs.ReadProcess(pid());
  ASSERT_TRUE(zombie.ok()) << zombie.status();
  EXPECT_EQ(zombie->state, 'Z');
  EXPECT_THAT(zombie->args, IsEmpty());
  EXPECT_EQ(zombie->vsz_kb, 0u);
  absl::StatusOr<ProcessInfo> zombie_info = procfs.ReadProcessInfo(pid());
  ASSERT_TRUE(zombie_info.ok()) << zombie_info.status();
  EXPECT_FALSE(zombie_info->vm_size_kb.has_value());
  EXPECT_EQ(child_->WaitExit(absl::Seconds(60)), 0);
}

}  // namespace
}  // namespace haywire
