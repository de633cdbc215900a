// Copyright 2026 The Haywire Authors.
//
// The watch model without a guest: frames from hand-made snapshots (top's
// %CPU and header arithmetic), highlights, ordering, text and JSON.

#include <stdlib.h>
#include <time.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/util/json_value.h"
#include "haywire/watch/frame.h"
#include "haywire/watch/frame_json.h"
#include "haywire/watch/frame_maker.h"
#include "haywire/watch/frame_text.h"
#include "haywire/watch/process_change_feed.h"
#include "haywire/watch/sort_order.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;

constexpr uint64_t kSecond = 1'000'000'000;

ProcessEntry Proc(uint32_t pid, const std::string& comm, uint64_t cpu_ns,
                  uint64_t start = 1) {
  ProcessEntry e;
  e.pid = pid;
  e.comm = comm;
  e.user = "root";
  e.state = 'S';
  e.priority = 20;
  e.cpu_time_ns = cpu_ns;
  e.start_time_unix_ns = start;
  e.vsz_kb = 1000;
  e.rss_kb = 100;
  e.shr_kb = 50;
  return e;
}

Snapshot Snap(uint64_t at_ns, std::vector<ProcessEntry> processes,
              uint64_t session = 7) {
  Snapshot s;
  s.session_id = session;
  s.summary.cpu_count = 2;
  s.summary.clock_ticks_per_second = 100;
  s.summary.mem_total_kb = 1000;
  s.summary.monotonic_ns = at_ns;
  s.summary.boottime_ns = at_ns;
  s.list.header.uptime_ns = at_ns;
  s.list.header.mem_total_kb = 1000;
  s.list.processes = std::move(processes);
  return s;
}

const FrameRow* RowOf(const Frame& frame, uint32_t pid) {
  for (const FrameRow& row : frame.rows) {
    if (row.entry.pid == pid) return &row;
  }
  return nullptr;
}

TEST(WatchFrameTest, CpuPercentIsTheDeltaOverGuestTimePerCpu) {
  const Snapshot a =
      Snap(10 * kSecond, {Proc(1, "busy", 5 * kSecond),
                          Proc(2, "idle", kSecond), Proc(3, "two", 0)});
  const Snapshot b = Snap(
      12 * kSecond, {Proc(1, "busy", 7 * kSecond), Proc(2, "idle", kSecond),
                     Proc(3, "two", 4 * kSecond)});
  const Frame frame = BuildFrame(&a, b, nullptr);
  EXPECT_EQ(frame.interval_ns, 2 * kSecond);
  EXPECT_DOUBLE_EQ(RowOf(frame, 1)->cpu_percent, 100.0);  // one CPU busy
  EXPECT_DOUBLE_EQ(RowOf(frame, 2)->cpu_percent, 0.0);
  EXPECT_DOUBLE_EQ(RowOf(frame, 3)->cpu_percent, 200.0);  // both CPUs
  EXPECT_DOUBLE_EQ(RowOf(frame, 1)->mem_percent, 10.0);
}

TEST(WatchFrameTest, FirstFrameNewAndReusedPids) {
  const Snapshot a = Snap(10 * kSecond, {Proc(1, "old", 5 * kSecond, 1)});
  const Frame first = BuildFrame(nullptr, a, nullptr);
  EXPECT_EQ(first.interval_ns, 0u);
  EXPECT_DOUBLE_EQ(RowOf(first, 1)->cpu_percent, 0.0);
  // pid 1 reused by a process that used 0.5 s; pid 2 new with 0.25 s.
  const Snapshot b =
      Snap(11 * kSecond, {Proc(1, "new", kSecond / 2, 99 * kSecond),
                          Proc(2, "fresh", kSecond / 4, 98 * kSecond)});
  const Frame frame = BuildFrame(&a, b, nullptr);
  EXPECT_DOUBLE_EQ(RowOf(frame, 1)->cpu_percent, 50.0);
  EXPECT_DOUBLE_EQ(RowOf(frame, 2)->cpu_percent, 25.0);
  // Another session's snapshot is not a previous one.
  const Snapshot other = Snap(10 * kSecond, {Proc(2, "fresh", 0)}, 8);
  EXPECT_EQ(BuildFrame(&other, b, nullptr).interval_ns, 0u);
}

TEST(WatchFrameTest, IntervalFallsBackToTheSummaryClock) {
  Snapshot a = Snap(10 * kSecond, {Proc(1, "p", 0)});
  Snapshot b = Snap(10 * kSecond, {Proc(1, "p", kSecond)});
  b.summary.boottime_ns = 14 * kSecond;
  EXPECT_DOUBLE_EQ(RowOf(BuildFrame(&a, b, nullptr), 1)->cpu_percent, 25.0);
}

TEST(WatchFrameTest, CpuSplitFromTickDeltas) {
  CpuTimes before{.user = 100, .nice = 0, .system = 50, .idle = 1000};
  CpuTimes after{
      .user = 150, .nice = 0, .system = 75, .idle = 1100, .iowait = 25};
  const CpuSplit split = CpuSplitBetween(&before, after);
  EXPECT_DOUBLE_EQ(split.user, 25.0);
  EXPECT_DOUBLE_EQ(split.system, 12.5);
  EXPECT_DOUBLE_EQ(split.idle, 50.0);
  EXPECT_DOUBLE_EQ(split.iowait, 12.5);
  EXPECT_DOUBLE_EQ(CpuSplitBetween(&after, after).idle, 100.0);
  EXPECT_DOUBLE_EQ(TopCpuPercent(5 * kSecond, kSecond, 2), 200.0);  // capped
  EXPECT_DOUBLE_EQ(TopCpuPercent(kSecond, 0, 2), 0.0);
}

TEST(WatchHighlightTest, StartsAndExitsAreHeldForAFewSeconds) {
  FrameMaker maker(3 * kSecond);
  maker.Next(Snap(10 * kSecond, {Proc(1, "a", 0), Proc(2, "b", 0)}));
  Frame f = maker.Next(Snap(11 * kSecond, {Proc(1, "a", 0), Proc(3, "c", 0)}));
  EXPECT_THAT(f.started_pids, ElementsAre(3));
  EXPECT_THAT(f.exited_pids, ElementsAre(2));
  ASSERT_NE(RowOf(f, 3), nullptr);
  EXPECT_EQ(RowOf(f, 3)->change, ProcessChange::Kind::kStarted);
  ASSERT_NE(RowOf(f, 2), nullptr);  // shown with its last values
  EXPECT_EQ(RowOf(f, 2)->change, ProcessChange::Kind::kExited);
  EXPECT_EQ(RowOf(f, 2)->entry.comm, "b");
  EXPECT_FALSE(RowOf(f, 1)->change.has_value());
  // Still held 2 s later, gone 4 s later.
  f = maker.Next(Snap(13 * kSecond, {Proc(1, "a", 0), Proc(3, "c", 0)}));
  EXPECT_TRUE(f.started_pids.empty());
  EXPECT_EQ(RowOf(f, 3)->change, ProcessChange::Kind::kStarted);
  EXPECT_NE(RowOf(f, 2), nullptr);
  f = maker.Next(Snap(15 * kSecond, {Proc(1, "a", 0), Proc(3, "c", 0)}));
  EXPECT_FALSE(RowOf(f, 3)->change.has_value());
  EXPECT_EQ(RowOf(f, 2), nullptr);
  // A new session starts over: no changes, no deltas.
  f = maker.Next(Snap(1 * kSecond, {Proc(9, "z", kSecond)}, 8));
  EXPECT_TRUE(f.started_pids.empty());
  EXPECT_TRUE(f.exited_pids.empty());
  EXPECT_EQ(f.interval_ns, 0u);
}

TEST(WatchHighlightTest, ReusedPidIsAnExitAndAStart) {
  PidDiffFeed feed;
  feed.OnSnapshot({Proc(5, "old", 0, 1)}, 1);
  EXPECT_TRUE(feed.TakeChanges().empty());  // baseline
  feed.OnSnapshot({Proc(5, "new", 0, 2 + 5 * kSecond)}, 2);
  const std::vector<ProcessChange> changes = feed.TakeChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ProcessChange::Kind::kExited);
  EXPECT_EQ(changes[0].entry.comm, "old");
  EXPECT_EQ(changes[1].kind, ProcessChange::Kind::kStarted);
  EXPECT_EQ(changes[1].entry.comm, "new");
}

TEST(WatchHighlightTest, BtimeJitterIsNotARestart) {
  PidDiffFeed feed;
  feed.OnSnapshot({Proc(5, "p", 0, 10 * kSecond)}, 1);
  feed.OnSnapshot({Proc(5, "p", 0, 11 * kSecond)}, 2);  // btime moved 1 s
  EXPECT_TRUE(feed.TakeChanges().empty());
  const Snapshot a = Snap(10 * kSecond, {Proc(5, "p", kSecond, 10 * kSecond)});
  const Snapshot b =
      Snap(11 * kSecond, {Proc(5, "p", kSecond + kSecond / 10, 9 * kSecond)});
  EXPECT_NEAR(RowOf(BuildFrame(&a, b, nullptr), 5)->cpu_percent, 10.0, 1e-9);
}

TEST(WatchHighlightTest, EventFeedMapsForkAndExit) {
  ProcessEventFeed feed;
  ProcessEvent fork;
  fork.kind = ProcessEventKind::kFork;
  fork.pid = 42;
  fork.comm = "worker";
  fork.guest_mono_ns = 5;
  ProcessEvent exec = fork;
  exec.kind = ProcessEventKind::kExec;
  ProcessEvent exit = fork;
  exit.kind = ProcessEventKind::kExit;
  exit.guest_mono_ns = 6;
  feed.OnEvent(fork);
  feed.OnEvent(exec);
  feed.OnEvent(exit);
  const std::vector<ProcessChange> changes = feed.TakeChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ProcessChange::Kind::kStarted);
  EXPECT_EQ(changes[0].entry.comm, "worker");
  EXPECT_EQ(changes[1].kind, ProcessChange::Kind::kExited);
  EXPECT_TRUE(feed.TakeChanges().empty());

  // Installed in a FrameMaker, it replaces the PID diff.
  FrameMaker maker(3 * kSecond);
  maker.set_feed(&feed);
  maker.Next(Snap(10 * kSecond, {Proc(1, "a", 0)}));
  feed.OnEvent(exit);
  const Frame f = maker.Next(Snap(11 * kSecond, {Proc(1, "a", 0)}));
  EXPECT_THAT(f.exited_pids, ElementsAre(42));
  EXPECT_TRUE(f.started_pids.empty());
}

TEST(WatchHighlightTest, SnapshotEventsFromTheRingReplaceThePidDiff) {
  // The listings are identical, yet a process started and ended between
  // them: only the event ring (Snapshot::events) can tell, and when a
  // snapshot carries events they are what the frame highlights.
  FrameMaker maker(3 * kSecond);
  Snapshot first = Snap(10 * kSecond, {Proc(1, "a", 0)});
  first.events.emplace();  // a ring, nothing happened yet
  maker.Next(std::move(first));
  Snapshot second = Snap(11 * kSecond, {Proc(1, "a", 0)});
  ProcessEvent fork;
  fork.kind = ProcessEventKind::kFork;
  fork.pid = 77;
  fork.comm = "short";
  fork.guest_mono_ns = 10 * kSecond + 1;
  ProcessEvent exit = fork;
  exit.kind = ProcessEventKind::kExit;
  exit.guest_mono_ns = 10 * kSecond + 2;
  second.events = std::vector<ProcessEvent>{fork, exit};
  const Frame f = maker.Next(std::move(second));
  EXPECT_THAT(f.started_pids, ElementsAre(77));
  EXPECT_THAT(f.exited_pids, ElementsAre(77));

  // A listing change without events is not reported while the ring is
  // the source (it would be a duplicate of the ring's own fork/exit).
  Snapshot third = Snap(12 * kSecond, {Proc(1, "a", 0), Proc(5, "b", 0)});
  third.events.emplace();
  const Frame g = maker.Next(std::move(third));
  EXPECT_TRUE(g.started_pids.empty());
  EXPECT_TRUE(g.exited_pids.empty());

  // Without a ring (events nullopt), the PID diff speaks again.
  const Frame h = maker.Next(Snap(13 * kSecond, {Proc(1, "a", 0)}));
  EXPECT_THAT(h.exited_pids, ElementsAre(5));
}

std::vector<uint32_t> Pids(const std::vector<FrameRow>& rows) {
  std::vector<uint32_t> pids;
  for (const FrameRow& row : rows) pids.push_back(row.entry.pid);
  return pids;
}

TEST(WatchSortTest, SortsByAnyColumnAndFilters) {
  std::vector<FrameRow> rows(4);
  rows[0].entry = Proc(10, "bash", 3 * kSecond);
  rows[0].cpu_percent = 5;
  rows[1].entry = Proc(11, "Spinner", kSecond);
  rows[1].cpu_percent = 99;
  rows[1].entry.rss_kb = 5;
  rows[2].entry = Proc(12, "sleep", 0);
  rows[2].entry.args = {"sleep", "1000"};
  rows[3].entry = Proc(13, "vim", 2 * kSecond);
  rows[3].entry.rss_kb = 900;

  ViewOrder order;  // %CPU, highest first; ties by pid
  std::vector<FrameRow> r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(11, 10, 12, 13));
  order.sort = Column::kMem;
  r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(13, 10, 12, 11));
  order.sort = Column::kTime;
  r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(10, 13, 11, 12));
  order.sort = Column::kPid;
  order.reverse = true;
  r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(10, 11, 12, 13));
  order.filter = "SPIN";  // case-insensitive, in the name
  r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(11));
  order.filter = "1000";  // in the command line
  r = rows;
  ApplyViewOrder(order, &r);
  EXPECT_THAT(Pids(r), ElementsAre(12));

  EXPECT_EQ(NextColumn(Column::kCpu), Column::kMem);
  EXPECT_EQ(PreviousColumn(Column::kCpu), Column::kState);
  EXPECT_EQ(PreviousColumn(Column::kPid), Column::kPid);
  EXPECT_EQ(NextColumn(Column::kCommand), Column::kCommand);
  EXPECT_EQ(ColumnFromName("%cpu"), Column::kCpu);
  EXPECT_EQ(ColumnFromName("RES"), Column::kRes);
  EXPECT_EQ(ColumnFromName("bogus"), std::nullopt);
}

TEST(WatchTextTest, PiecesLookLikeTop) {
  EXPECT_EQ(UptimeText(5 * 60 * kSecond), "up 5 min");
  EXPECT_EQ(UptimeText((3 * 3600 + 18 * 60) * kSecond), "up  3:18");
  EXPECT_EQ(UptimeText((86400 + 4 * 3600 + 5 * 60) * kSecond),
            "up 1 day,  4:05");
  EXPECT_EQ(UptimeText((3 * 86400 + 60) * kSecond), "up 3 days, 1 min");
  EXPECT_EQ(TimePlusText(370'000'000), "0:00.37");
  EXPECT_EQ(TimePlusText((93 * 60 + 33) * kSecond + 930'000'000), "93:33.93");
  EXPECT_EQ(TimePlusText(uint64_t{200000} * 60 * kSecond), "3333:20");
  EXPECT_EQ(ScaledKib(271172, 7), "271172");
  // As procps's scale_mem: the smallest unit that fits, with a decimal
  // when that fits too.
  EXPECT_EQ(ScaledKib(12345678, 7), "12056m");
  EXPECT_EQ(ScaledKib(1234567, 6), "1206m");
  EXPECT_EQ(ScaledKib(20000000, 7), "19531m");
  EXPECT_EQ(ScaledKib(2000000, 6), "1953m");
  EXPECT_EQ(ScaledKib(200000, 5), "195m");
  EXPECT_EQ(ScaledKib(2000000, 6), "1953m");
  EXPECT_EQ(ScaledKib(10000000, 6), "9766m");
  EXPECT_EQ(ScaledKib(1200000, 5), "1172m");
  EXPECT_EQ(ScaledKib(123456789, 6), "117.7g");
  EXPECT_EQ(PriorityText(20), "20");
  EXPECT_EQ(PriorityText(-100), "rt");
}

TEST(WatchTextTest, BatchFrameHasTopsLines) {
  setenv("TZ", "UTC", 1);
  tzset();
  Snapshot a = Snap(10 * kSecond, {Proc(1, "init", 0)});
  Snapshot b = Snap(11 * kSecond, {Proc(1, "init", kSecond / 2),
                                   Proc(4242, "ev\x1b[2Jil", 0)});
  SystemSummary& s = b.summary;
  s.now_unix_ns = (5 * 3600 + 16 * 60 + 29) * kSecond;
  s.uptime_ns = (3 * 3600 + 23 * 60) * kSecond;
  s.load_average_milli[0] = 2280;
  s.load_average_milli[1] = 2790;
  s.load_average_milli[2] = 5840;
  s.tasks_total = 77;
  s.tasks_running = 2;
  s.tasks_sleeping = 75;
  a.summary.cpu = {.user = 0, .system = 0, .idle = 0};
  s.cpu = {.user = 50, .system = 25, .idle = 0, .iowait = 25};
  s.mem_total_kb = 24105 * 1024;
  s.mem_free_kb = 12256 * 1024;
  s.mem_available_kb = 22711 * 1024;
  s.buffers_kb = 855 * 1024;
  s.cached_kb = 10000 * 1024;
  const Frame frame = BuildFrame(&a, b, nullptr);
  const std::string text = TopBatchText(frame, ViewOrder());
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_GE(lines.size(), 10u) << text;
  EXPECT_EQ(lines[0],
            "top - 05:16:29 up  3:23,  load average: 2.28, 2.79, 5.84");
  EXPECT_EQ(lines[1],
            "Tasks:  77 total,   2 running,  75 sleeping,   0 stopped,   0 "
            "zombie");
  EXPECT_EQ(lines[2],
            "%Cpu(s): 50.0 us, 25.0 sy,  0.0 ni,  0.0 id, 25.0 wa,  0.0 hi,  "
            "0.0 si,  0.0 st");
  EXPECT_EQ(lines[3],
            "MiB Mem :  24105.0 total,  12256.0 free,   1394.0 used,  10855.0 "
            "buff/cache");
  EXPECT_EQ(lines[4],
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used.  22711.0 "
            "avail Mem");
  EXPECT_EQ(lines[5], "");
  EXPECT_EQ(lines[6],
            "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     "
            "TIME+ COMMAND");
  EXPECT_EQ(lines[7],
            "    1 root      20   0    1000    100     50 S  50.0   0.0   "
            "0:00.50 init");
  // Control characters of a hostile name never reach the terminal.
  EXPECT_EQ(lines[8],
            " 4242 root      20   0    1000    100     50 S   0.0   0.0   "
            "0:00.00 ev\\x1b[2Jil");
}

TEST(WatchTextTest, ColumnsAreCountedInColumnsNotBytes) {
  FrameRow row;
  row.entry = Proc(7, "n\xC3\xA4me", 0);
  // 6 columns (8 bytes): padded to USER's 8 columns like ASCII.
  row.entry.user = "j\xC3\xBCrg\xC3\xABn";
  EXPECT_EQ(
      TopRow(row, 5, false),
      "    7 j\xC3\xBCrg\xC3\xABn    20   0    1000    100     50 S   0.0   "
      "0.0   0:00.00 n\xC3\xA4me");
  // 10 columns: cut to 7 and '+', never inside a character.
  row.entry.user =
      "\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F"
      "\xC3\x9F";
  EXPECT_EQ(TopRow(row, 5, false),
            "    7 \xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F\xC3\x9F+  "
            "20   0    1000    100     50 S   0.0   "
            "0.0   0:00.00 n\xC3\xA4me");
  // A C1 CSI and a lone 0x9B in the name are shown as escapes.
  row.entry.comm =
      "a\xC2\x9B"
      "b\x9B";
  EXPECT_THAT(TopRow(row, 5, false), ::testing::EndsWith(R"(a\u009bb\x9b)"));
}

TEST(WatchJsonTest, FrameJsonParsesWithPsFieldNames) {
  Snapshot a = Snap(10 * kSecond, {Proc(1, "init", 0)});
  Snapshot b = Snap(11 * kSecond, {Proc(1, "init", kSecond / 2)});
  b.summary.hostname = "guest\n1";
  b.summary.tasks_total = 1;
  b.summary.tasks_running = 1;
  b.summary.load_average_milli[0] = 1500;
  FrameMaker maker(3 * kSecond);
  maker.Next(a);
  const Frame frame = maker.Next(b);
  absl::StatusOr<std::string> json = FrameJson(frame, ViewOrder());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->find('\n'), std::string::npos);
  absl::StatusOr<JsonValue> v = ParseJson(*json);
  ASSERT_TRUE(v.ok()) << v.status() << *json;
  EXPECT_EQ((*v)["session_id"].as_string(), "0x0000000000000007");
  EXPECT_EQ((*v)["hostname"].as_string(), "guest\n1");
  EXPECT_EQ((*v)["interval_ns"].as_uint(), kSecond);
  EXPECT_EQ((*v)["load_average"].at(0).as_double(), 1.5);
  EXPECT_EQ((*v)["tasks"]["running"].as_uint(), 1u);
  const JsonValue& p = (*v)["processes"].at(0);
  EXPECT_EQ(p["pid"].as_uint(), 1u);
  EXPECT_EQ(p["comm"].as_string(), "init");
  EXPECT_EQ(p["cpu_percent"].as_double(), 50.0);  // 0.5 s in 1 s
  EXPECT_EQ(p["shr_kb"].as_uint(), 50u);
  EXPECT_EQ(p["rss_kb"].as_uint(), 100u);
  EXPECT_TRUE(p.Find("cpu_time_ms") != nullptr);
}

}  // namespace
}  // namespace haywire
