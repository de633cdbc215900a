// Copyright 2026 The Haywire Authors.

#include "guest/procfs.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"

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
    child_ = fork();
    ASSERT_GE(child_, 0);
    if (child_ == 0) {
      char byte;
      close(pipe_[1]);
      while (read(pipe_[0], &byte, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    close(pipe_[0]);
  }
  void TearDown() override {
    if (pipe_[1] >= 0) close(pipe_[1]);
    if (child_ > 0 && !reaped_) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
  }

  // Lets the child exit, without reaping it.
  void LetExit() {
    close(pipe_[1]);
    pipe_[1] = -1;
  }
  void Reap() {
    ASSERT_EQ(waitpid(child_, nullptr, 0), child_);
    reaped_ = true;
  }

  int pipe_[2] = {-1, -1};
  pid_t child_ = -1;
  bool reaped_ = false;
};

TEST_F(ChildTest, ReapedProcessIsNotFound) {
  ProcFs procfs("/proc", "/etc/passwd");
  absl::StatusOr<ProcessEntry> alive = procfs.ReadProcess(child_);
  ASSERT_TRUE(alive.ok()) << alive.status();
  EXPECT_EQ(alive->ppid, static_cast<uint32_t>(getpid()));

  LetExit();
  Reap();
  absl::StatusOr<ProcessEntry> gone = procfs.ReadProcess(child_);
  EXPECT_TRUE(absl::IsNotFound(gone.status())) << gone.status();
  absl::StatusOr<ProcessInfo> gone_info = procfs.ReadProcessInfo(child_);
  EXPECT_TRUE(absl::IsNotFound(gone_info.status())) << gone_info.status();
}

TEST_F(ChildTest, ZombieHasNoArgs) {
  ProcFs procfs("/proc", "/etc/passwd");
  LetExit();
  // Wait for the exit without reaping (WNOWAIT keeps the zombie).
  siginfo_t info;
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(child_), &info, WEXITED | WNOWAIT),
            0);
  absl::StatusOr<ProcessEntry> zombie = procfs.ReadProcess(child_);
  ASSERT_TRUE(zombie.ok()) << zombie.status();
  EXPECT_EQ(zombie->state, 'Z');
  EXPECT_THAT(zombie->args, IsEmpty());
  EXPECT_EQ(zombie->vsz_kb, 0u);
  absl::StatusOr<ProcessInfo> zombie_info = procfs.ReadProcessInfo(child_);
  ASSERT_TRUE(zombie_info.ok()) << zombie_info.status();
  EXPECT_FALSE(zombie_info->vm_size_kb.has_value());
  Reap();
}

// ---------------------------------------------------------------------------
// Parsers.
// ---------------------------------------------------------------------------

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
