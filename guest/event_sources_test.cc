// Copyright 2026 The Haywire Authors.
//
// The guest's event sources against real processes this test starts and
// kills: the process-events connector (skipped, with the reason, where it
// cannot be used: not root, another namespace) and PID diffing, each alone
// and through the EventPublisher into an event ring.
//
// Other processes on the machine produce events too, so every check looks
// for the test's own pids. Every wait is bounded (kDeadline); nothing
// asserts on timing.

#include <signal.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guest/event_publisher.h"
#include "guest/pid_differ.h"
#include "guest/proc_connector.h"
#include "guest/procfs.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_table.h"
#include "haywire/protocol/region.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/child_group.h"
#include "haywire/testing/test_region.h"

namespace haywire {
namespace {

using ::testing::ElementsAre;

constexpr absl::Duration kDeadline = absl::Seconds(60);

// A marker argument unique to this test run.
std::string Marker(absl::string_view what) {
  return absl::StrCat("9", getpid() % 10000, what.size());
}

TEST(ProcConnectorTest, ParsesOnlyProcessEventsFromDatagrams) {
  std::vector<ConnectorEvent> events;
  internal::ParseConnectorDatagram("", &events);
  internal::ParseConnectorDatagram(std::string(3, 'x'), &events);
  internal::ParseConnectorDatagram(std::string(4096, '\xff'), &events);
  EXPECT_TRUE(events.empty());
}

TEST(ProcConnectorTest, SeesForkExecAndExitOfRealProcesses) {
  absl::StatusOr<std::unique_ptr<ProcConnector>> connector =
      ProcConnector::Open();
  if (!connector.ok()) {
    GTEST_SKIP() << "process-events connector unavailable here: "
                 << connector.status().message();
  }
  std::unique_ptr<BackgroundProcess> exits7_process =
      StartInBackground({ShellBinary(), "-c", "exit 7"}, "exit7");
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "30"}, "sleeper");
  ASSERT_NE(exits7_process, nullptr);
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t exits7 = exits7_process->pid();
  const pid_t sleeper = sleeper_process->pid();
  EXPECT_EQ(exits7_process->WaitExit(kDeadline), 7);
  ASSERT_TRUE(sleeper_process->Kill());

  bool fork7 = false, exec7 = false, exit7 = false, exit_sleeper = false;
  const absl::Time deadline = absl::Now() + kDeadline;
  uint64_t lost = 0;
  while (!(fork7 && exec7 && exit7 && exit_sleeper) && absl::Now() < deadline) {
    std::vector<ConnectorEvent> events;
    ASSERT_TRUE(
        (*connector)->Read(absl::Milliseconds(100), &events, &lost).ok());
    for (const ConnectorEvent& e : events) {
      if (e.pid == static_cast<uint32_t>(exits7)) {
        if (e.kind == ConnectorEvent::Kind::kFork) {
          fork7 = true;
          EXPECT_EQ(e.ppid, static_cast<uint32_t>(getpid()));
        }
        if (e.kind == ConnectorEvent::Kind::kExec) exec7 = true;
        if (e.kind == ConnectorEvent::Kind::kExit) {
          exit7 = true;
          EXPECT_EQ(e.exit_code, 7);
          EXPECT_EQ(e.exit_signal, 0);
        }
      }
      if (e.pid == static_cast<uint32_t>(sleeper) &&
          e.kind == ConnectorEvent::Kind::kExit) {
        exit_sleeper = true;
        EXPECT_EQ(e.exit_signal, SIGKILL);
      }
    }
  }
  EXPECT_TRUE(fork7);
  EXPECT_TRUE(exec7);
  EXPECT_TRUE(exit7);
  EXPECT_TRUE(exit_sleeper);
}

TEST(PidDifferTest, SeesStartsAndExitsOfRealProcesses) {
  ProcFs procfs("/proc", "/etc/passwd");
  PidDiffer differ(&procfs);
  ASSERT_TRUE(differ.Prime().ok());
  const std::string marker = Marker("pid-diff");
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "30", marker}, "sleeper");
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t sleeper = sleeper_process->pid();

  bool started = false;
  absl::Time deadline = absl::Now() + kDeadline;
  while (!started && absl::Now() < deadline) {
    absl::StatusOr<std::vector<ProcessEvent>> events = differ.Poll();
    ASSERT_TRUE(events.ok()) << events.status();
    for (const ProcessEvent& e : *events) {
      if (e.pid != static_cast<uint32_t>(sleeper)) continue;
      // The forked child may be seen before its exec; wait for the
      // program, as a start is only reported once.
      ASSERT_EQ(e.kind, ProcessEventKind::kExec);
      started = true;
      EXPECT_EQ(e.ppid, static_cast<uint32_t>(getpid()));
      EXPECT_TRUE(e.has_uid);
      EXPECT_EQ(e.uid, geteuid());
      if (e.args.size() == 3) {
        EXPECT_THAT(e.args, ElementsAre(SleepBinary(), "30", marker));
        EXPECT_EQ(e.comm, "sleep");
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(started);

  ASSERT_TRUE(sleeper_process->Kill());
  bool exited = false;
  deadline = absl::Now() + kDeadline;
  while (!exited && absl::Now() < deadline) {
    absl::StatusOr<std::vector<ProcessEvent>> events = differ.Poll();
    ASSERT_TRUE(events.ok()) << events.status();
    for (const ProcessEvent& e : *events) {
      if (e.pid == static_cast<uint32_t>(sleeper)) {
        EXPECT_EQ(e.kind, ProcessEventKind::kExit);
        EXPECT_FALSE(e.has_exit_status);  // pid diffing cannot know it
        exited = true;
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(exited);
}

TEST(EventModeTest, Parses) {
  EXPECT_EQ(*ParseEventMode("auto"), EventMode::kAuto);
  EXPECT_EQ(*ParseEventMode("connector"), EventMode::kConnector);
  EXPECT_EQ(*ParseEventMode("pid-diff"), EventMode::kPidDiff);
  EXPECT_EQ(*ParseEventMode("pid_diff"), EventMode::kPidDiff);
  EXPECT_EQ(*ParseEventMode("off"), EventMode::kOff);
  EXPECT_FALSE(ParseEventMode("netlink").ok());
}

// A region in memory with a ring, fed by a real EventPublisher.
class PublisherTest : public ::testing::TestWithParam<EventMode> {
 protected:
  static constexpr uint32_t kRingPages = 16;
  static constexpr uint32_t kPages = kFirstBulkPage + kRingPages;

  void TearDown() override {
    // The publisher writes into the region: stop it before unmapping.
    if (publisher_ != nullptr) publisher_->Stop();
    publisher_.reset();
    memory_.reset();
  }

  std::unique_ptr<TestRegion> memory_;
  ProcFs procfs_{"/proc", "/etc/passwd"};
  std::unique_ptr<EventPublisher> publisher_;
};

TEST_P(PublisherTest, PublishesTheTestsProcessesIntoTheRing) {
  EventPublisherOptions options;
  options.mode = GetParam();
  absl::StatusOr<std::unique_ptr<EventPublisher>> publisher =
      EventPublisher::Create(&procfs_, options);
  if (GetParam() == EventMode::kConnector && !publisher.ok()) {
    GTEST_SKIP() << "process-events connector unavailable here: "
                 << publisher.status().message();
  }
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  publisher_ = *std::move(publisher);
  const bool exact = publisher_->source() == EventSource::kConnector;
  EXPECT_EQ(publisher_->capabilities() & kCapEventRing, kCapEventRing);
  EXPECT_NE(publisher_->capabilities() &
                (exact ? kCapEventsFromConnector : kCapEventsFromPidDiff),
            0u);

  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(getpid());
  identity.capabilities = publisher_->capabilities();
  identity.event_ring_first_page = kFirstBulkPage;
  identity.event_ring_page_count = kRingPages;
  absl::StatusOr<std::unique_ptr<TestRegion>> memory =
      TestRegion::Create(kPages, 77, identity);
  ASSERT_TRUE(memory.ok()) << memory.status();
  memory_ = *std::move(memory);
  const PageTable& pages = memory_->pages();
  ASSERT_TRUE(publisher_->Start(pages, kFirstBulkPage, kRingPages).ok());
  absl::StatusOr<EventRingReader> reader = EventRingReader::Attach(
      pages, kFirstBulkPage, kRingPages, EventRingStart::kOldest);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->source(), publisher_->source());

  // A sleeper (long enough for pid diffing), killed by a signal.
  const std::string marker = Marker("publisher");
  std::unique_ptr<BackgroundProcess> sleeper_process =
      StartInBackground({SleepBinary(), "30", marker}, "sleeper");
  ASSERT_NE(sleeper_process, nullptr);
  const pid_t sleeper = sleeper_process->pid();
  bool started = false;
  absl::Time deadline = absl::Now() + kDeadline;
  while (!started && absl::Now() < deadline) {
    absl::StatusOr<EventBatch> batch = reader->Poll();
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const ProcessEvent& e : batch->events) {
      if (e.pid == static_cast<uint32_t>(sleeper) &&
          e.kind == ProcessEventKind::kExec &&
          e.args == std::vector<std::string>{SleepBinary(), "30", marker}) {
        started = true;
        EXPECT_EQ(e.comm, "sleep");
        EXPECT_EQ(e.ppid, static_cast<uint32_t>(getpid()));
        EXPECT_GT(e.guest_mono_ns, 0u);
        EXPECT_GT(e.guest_unix_ns, 0u);
      }
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(started) << "no exec event for pid " << sleeper;
  ASSERT_TRUE(sleeper_process->Kill());
  bool exited = false;
  deadline = absl::Now() + kDeadline;
  while (!exited && absl::Now() < deadline) {
    absl::StatusOr<EventBatch> batch = reader->Poll();
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const ProcessEvent& e : batch->events) {
      if (e.pid == static_cast<uint32_t>(sleeper) &&
          e.kind == ProcessEventKind::kExit) {
        exited = true;
        EXPECT_EQ(e.comm, "sleep");
        EXPECT_EQ(e.has_exit_status, exact);
        EXPECT_TRUE(e.has_uid);
        EXPECT_EQ(e.uid, geteuid());
        if (exact) {
          EXPECT_EQ(e.exit_signal, SIGKILL);
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(exited) << "no exit event for pid " << sleeper;

  if (exact) {
    // Exit codes, and processes too short-lived for any PID list.
    std::unique_ptr<BackgroundProcess> quick_process =
        StartInBackground({ShellBinary(), "-c", "exit 5"}, "exit5");
    ASSERT_NE(quick_process, nullptr);
    const pid_t quick = quick_process->pid();
    ASSERT_EQ(quick_process->WaitExit(kDeadline), 5);
    bool quick_exit = false;
    deadline = absl::Now() + kDeadline;
    while (!quick_exit && absl::Now() < deadline) {
      absl::StatusOr<EventBatch> batch = reader->Poll();
      ASSERT_TRUE(batch.ok()) << batch.status();
      for (const ProcessEvent& e : batch->events) {
        if (e.pid == static_cast<uint32_t>(quick) &&
            e.kind == ProcessEventKind::kExit) {
          quick_exit = true;
          EXPECT_TRUE(e.has_exit_status);
          EXPECT_EQ(e.exit_code, 5);
          EXPECT_EQ(e.exit_signal, 0);
        }
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_TRUE(quick_exit);
  }
  publisher_->Stop();
  EXPECT_GT(publisher_->published(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Sources, PublisherTest,
                         ::testing::Values(EventMode::kConnector,
                                           EventMode::kPidDiff),
                         [](const auto& info) {
                           return info.param == EventMode::kConnector
                                      ? std::string("Connector")
                                      : std::string("PidDiff");
                         });

}  // namespace
}  // namespace haywire
