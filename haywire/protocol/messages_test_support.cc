// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/messages_test_support.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

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
  e.cgroup = "/system.slice/docker-0123.scope";
  e.ns_pid = 7;
  e.ns_level = 1;
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
                        size_t capacity) {
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

std::string EncodeInfo(const ProcessInfo& info, size_t capacity) {
  WireWriter w(capacity);
  EXPECT_TRUE(EncodeMessage(info, &w));
  return w.data();
}

}  // namespace haywire
