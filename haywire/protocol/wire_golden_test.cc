// Copyright 2026 The Haywire Authors.
//
// Golden wire bytes: one fully populated sample of every message, encoded,
// must equal the bytes kept in testdata/wire/NAME.hex, and decode back to the
// sample. A change to the wire format (a tag, an order, a width, a bound)
// changes these bytes and fails here, so it is seen and deliberate.
//
// After a deliberate change, regenerate the files with
//   bazel run //haywire/protocol:wire_golden_test -- --update_golden=$PWD/testdata/wire
// and review the diff.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"
#include "haywire/protocol/process_event_codec.h"
#include "haywire/protocol/wire_format.h"

DEFINE_string(update_golden, "",
              "Write the golden files into this directory instead of "
              "comparing against them.");

namespace haywire {
namespace {

// 16 bytes a line, so a diff of two golden files points at the changed
// field.
std::string ToHexLines(const std::string& bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 16) {
    absl::StrAppend(&out, absl::BytesToHexString(bytes.substr(i, 16)), "\n");
  }
  return out;
}

std::string GoldenPath(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "haywire",
                      "/testdata/wire/", name, ".hex");
}

// Compares `bytes` with the golden file `name` (or writes it).
void ExpectGolden(const std::string& name, const std::string& bytes) {
  const std::string hex = ToHexLines(bytes);
  if (!FLAGS_update_golden.empty()) {
    const std::string path =
        absl::StrCat(FLAGS_update_golden, "/", name, ".hex");
    std::ofstream(path) << hex;
    std::cout << "wrote " << path << "\n";
    return;
  }
  std::ifstream in(GoldenPath(name));
  ASSERT_TRUE(in.good()) << "missing golden file " << GoldenPath(name)
                         << "; see this test's header to create it";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(hex, golden.str())
      << "the wire bytes of " << name << " changed; if on purpose, "
      << "regenerate testdata/wire (see this test's header)";
}

ProcessEntry SampleEntry(uint32_t pid) {
  ProcessEntry e;
  e.pid = pid;
  e.ppid = 1;
  e.uid = 1000;
  e.gid = 1001;
  e.ruid = 1002;
  e.rgid = 1003;
  e.user = "alice";
  e.state = 'S';
  e.threads = 4;
  e.nice = -5;
  e.priority = 15;
  e.tty_nr = 34816;
  e.tty = "pts/0";
  e.start_time_unix_ns = 1'700'000'000'123'456'789;
  e.cpu_time_ns = 42'000'000;
  e.vsz_kb = 123456;
  e.rss_kb = 7890;
  e.shr_kb = 1234;
  e.comm = "server";
  e.args = {"/usr/bin/server", "--port=8080", ""};
  e.session_leader = true;
  e.foreground = false;
  e.multithreaded = true;
  e.has_locked_memory = true;
  return e;
}

ListHeader SampleHeader() {
  ListHeader h;
  h.now_unix_ns = 1'765'000'000'000'000'001;
  h.boot_time_unix_ns = 1'764'000'000'000'000'002;
  h.uptime_ns = 86'400'000'000'003;
  h.mem_total_kb = 16'384'000;
  h.total_processes = 123;
  return h;
}

ProcessInfo SampleInfo() {
  ProcessInfo info;
  info.entry = SampleEntry(4242);
  info.system = SampleHeader();
  info.vm_peak_kb = 1;
  info.vm_size_kb = 2;
  info.vm_lck_kb = 3;
  info.vm_pin_kb = 4;
  info.vm_hwm_kb = 5;
  info.vm_rss_kb = 6;
  info.rss_anon_kb = 7;
  info.rss_file_kb = 8;
  info.rss_shmem_kb = 9;
  info.vm_data_kb = 10;
  info.vm_stk_kb = 11;
  info.vm_exe_kb = 12;
  info.vm_lib_kb = 13;
  info.vm_pte_kb = 14;
  info.vm_swap_kb = std::nullopt;  // absent fields are not encoded
  info.euid = 20;
  info.suid = 21;
  info.fsuid = 22;
  info.egid = 23;
  info.sgid = 24;
  info.fsgid = 25;
  info.umask = 022;
  info.exe = "/usr/bin/server";
  info.cwd = "/srv";
  info.root = "/";
  info.fd_count = 17;
  info.cgroup = "0::/system.slice/server.service";
  info.sig_pending = 0x1;
  info.sig_shared_pending = 0x2;
  info.sig_blocked = 0x4;
  info.sig_ignored = 0x8;
  info.sig_caught = 0x10;
  info.voluntary_ctxt_switches = 100;
  info.nonvoluntary_ctxt_switches = 200;
  info.minor_faults = 300;
  info.major_faults = 400;
  info.oom_score_adj = -17;
  info.cpus_allowed_list = "0-1";
  return info;
}

SystemSummary SampleSummary() {
  SystemSummary s;
  s.hostname = "guest";
  s.kernel_release = "6.1.0-57-amd64";
  s.uptime_ns = 3'600'000'000'000;
  s.load_average_milli[0] = 520;
  s.load_average_milli[1] = 310;
  s.load_average_milli[2] = 150;
  s.tasks_total = 100;
  s.tasks_running = 2;
  s.tasks_sleeping = 95;
  s.tasks_stopped = 1;
  s.tasks_zombie = 1;
  s.cpu = {.user = 1,
           .nice = 2,
           .system = 3,
           .idle = 4,
           .iowait = 5,
           .irq = 6,
           .softirq = 7,
           .steal = 8};
  s.clock_ticks_per_second = 100;
  s.cpu_count = 2;
  s.mem_total_kb = 2'000'000;
  s.mem_free_kb = 1'000'000;
  s.mem_available_kb = 1'500'000;
  s.buffers_kb = 10'000;
  s.cached_kb = 200'000;
  s.swap_total_kb = 500'000;
  s.swap_free_kb = 400'000;
  s.now_unix_ns = 1'765'000'000'000'000'009;
  s.monotonic_ns = 3'500'000'000'000;
  s.boottime_ns = 3'600'000'000'001;
  return s;
}

TEST(WireGoldenTest, ProcessInfoRequest) {
  const std::string bytes = EncodeMessage(ProcessInfoRequest{.pid = 4242});
  ExpectGolden("process_info_request", bytes);
  absl::StatusOr<ProcessInfoRequest> back =
      DecodeMessage<ProcessInfoRequest>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->pid, 4242u);
}

TEST(WireGoldenTest, ListProcessesRequest) {
  ExpectGolden("list_processes_request_empty",
               EncodeMessage(ListProcessesRequest{}));
  ListProcessesRequest resume;
  resume.after_pid = 4242;
  resume.listed_since_ns = 86'400'000'000'003;
  const std::string bytes = EncodeMessage(resume);
  ExpectGolden("list_processes_request_resume", bytes);
  absl::StatusOr<ListProcessesRequest> back =
      DecodeMessage<ListProcessesRequest>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->after_pid, 4242u);
  EXPECT_EQ(back->listed_since_ns, 86'400'000'000'003u);
  EXPECT_FALSE(back->omit.has_value());

  ListProcessesRequest omit;
  omit.omit = kListOmitCgroup;
  const std::string omit_bytes = EncodeMessage(omit);
  ExpectGolden("list_processes_request_omit", omit_bytes);
  absl::StatusOr<ListProcessesRequest> omit_back =
      DecodeMessage<ListProcessesRequest>(omit_bytes);
  ASSERT_TRUE(omit_back.ok()) << omit_back.status();
  EXPECT_EQ(omit_back->omit, kListOmitCgroup);
}

TEST(WireGoldenTest, IteratorRequest) {
  const std::string bytes =
      EncodeMessage(IteratorRequest{.iterator_id = 0x0123456789ABCDEF});
  ExpectGolden("iterator_request", bytes);
  absl::StatusOr<IteratorRequest> back = DecodeMessage<IteratorRequest>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->iterator_id, 0x0123456789ABCDEFu);
}

TEST(WireGoldenTest, ListChunk) {
  WireWriter writer(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeListHeader(SampleHeader(), &writer));
  ASSERT_TRUE(EncodeProcessEntry(SampleEntry(1), &writer));
  ProcessEntry truncated = SampleEntry(77);
  truncated.args_truncated = true;
  truncated.state = 'R';
  ASSERT_TRUE(EncodeProcessEntry(truncated, &writer));
  ExpectGolden("list_chunk", writer.data());
  absl::StatusOr<ListChunk> back = DecodeMessage<ListChunk>(writer.data());
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->header.has_value());
  EXPECT_EQ(back->header->total_processes, 123u);
  ASSERT_EQ(back->entries.size(), 2u);
  EXPECT_EQ(back->entries[1].pid, 77u);
  EXPECT_TRUE(back->entries[1].args_truncated);
  EXPECT_FALSE(back->entries[0].args_truncated);
}

TEST(WireGoldenTest, ProcessInfo) {
  WireWriter writer(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeMessage(SampleInfo(), &writer));
  ExpectGolden("process_info", writer.data());
  absl::StatusOr<ProcessInfo> back = DecodeMessage<ProcessInfo>(writer.data());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->entry.pid, 4242u);
  EXPECT_EQ(back->cpus_allowed_list, "0-1");
  EXPECT_FALSE(back->vm_swap_kb.has_value());
}

TEST(WireGoldenTest, SystemSummary) {
  WireWriter writer(kResponsePayloadBytes);
  ASSERT_TRUE(EncodeMessage(SampleSummary(), &writer));
  ExpectGolden("system_summary", writer.data());
  absl::StatusOr<SystemSummary> back =
      DecodeMessage<SystemSummary>(writer.data());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->hostname, "guest");
  EXPECT_EQ(back->cpu.steal, 8u);
}

// An event ring entry's payload: an exec with a uid, and an exit with its
// status and a command line cut at its byte bound.
TEST(WireGoldenTest, ProcessEvents) {
  ProcessEvent exec;
  exec.kind = ProcessEventKind::kExec;
  exec.pid = 4242;
  exec.ppid = 1;
  exec.has_uid = true;
  exec.uid = 1000;
  exec.guest_mono_ns = 3'500'000'000'000;
  exec.guest_unix_ns = 1'765'000'000'000'000'009;
  exec.comm = "server";
  exec.args = {"/usr/bin/server", "--port=8080", ""};
  const std::string exec_bytes = EncodeProcessEvent(exec);
  ExpectGolden("process_event_exec", exec_bytes);
  absl::StatusOr<ProcessEvent> back = DecodeProcessEvent(exec_bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->args, exec.args);
  EXPECT_EQ(back->uid, 1000u);

  ProcessEvent exit;
  exit.kind = ProcessEventKind::kExit;
  exit.pid = 77;
  exit.ppid = 4242;
  exit.has_exit_status = true;
  exit.exit_code = -3;
  exit.exit_signal = 9;
  exit.comm = "sleep";
  exit.args.assign(kMaxArgs + 1, "x");
  const std::string exit_bytes = EncodeProcessEvent(exit);
  ExpectGolden("process_event_exit", exit_bytes);
  back = DecodeProcessEvent(exit_bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_LT(back->args.size(), exit.args.size());
  EXPECT_TRUE(back->args_truncated);
  EXPECT_EQ(back->exit_code, -3);
  EXPECT_FALSE(back->has_uid);
}

TEST(WireGoldenTest, ErrorMessage) {
  const std::string bytes = EncodeErrorMessage("no process 4242");
  ExpectGolden("error_message", bytes);
  EXPECT_EQ(DecodeErrorMessage(bytes), "no process 4242");
}

}  // namespace
}  // namespace haywire

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  return RUN_ALL_TESTS();
}
