// Copyright 2026 The Haywire Authors.

#include "guest/event_publisher.h"

#include <time.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "haywire/protocol/layout.h"
#include "haywire/util/clock.h"

namespace haywire {
namespace {

constexpr size_t kMaxKnownProcesses = 1 << 22;  // pid_max is at most 2^22

}  // namespace

absl::StatusOr<EventMode> ParseEventMode(absl::string_view text) {
  if (text == "auto") return EventMode::kAuto;
  if (text == "connector") return EventMode::kConnector;
  if (text == "pid-diff" || text == "pid_diff") return EventMode::kPidDiff;
  if (text == "off") return EventMode::kOff;
  return absl::InvalidArgumentError(absl::StrCat(
      "--events must be auto, connector, pid-diff or off, not \"", text, "\""));
}

absl::StatusOr<std::unique_ptr<EventPublisher>> EventPublisher::Create(
    const ProcFs* procfs, const EventPublisherOptions& options) {
  if (options.mode == EventMode::kOff) {
    return absl::InvalidArgumentError("events are off");
  }
  std::unique_ptr<EventPublisher> publisher(
      new EventPublisher(procfs, options));
  if (options.mode == EventMode::kConnector ||
      options.mode == EventMode::kAuto) {
    absl::StatusOr<std::unique_ptr<ProcConnector>> connector =
        ProcConnector::Open(options.connector_verify_timeout);
    if (connector.ok()) {
      publisher->connector_ = *std::move(connector);
      publisher->source_ = EventSource::kConnector;
    } else if (options.mode == EventMode::kConnector) {
      return connector.status();
    } else {
      publisher->fallback_reason_ = std::string(connector.status().message());
    }
  }
  if (absl::Status s = publisher->PrimeAndPick(); !s.ok()) return s;
  return publisher;
}

absl::StatusOr<std::unique_ptr<EventPublisher>>
EventPublisher::CreateWithConnector(const ProcFs* procfs,
                                    const EventPublisherOptions& options,
                                    std::unique_ptr<ProcConnector> connector) {
  std::unique_ptr<EventPublisher> publisher(
      new EventPublisher(procfs, options));
  publisher->connector_ = std::move(connector);
  publisher->source_ = EventSource::kConnector;
  if (absl::Status s = publisher->PrimeAndPick(); !s.ok()) return s;
  return publisher;
}

absl::Status EventPublisher::PrimeAndPick() {
  // Both sources need the PID list: the connector to know the comm of
  // processes that were already running when they exit.
  auto differ = std::make_unique<PidDiffer>(procfs_);
  if (absl::Status s = differ->Prime(); !s.ok()) return s;
  if (source_ == EventSource::kConnector) {
    known_ = differ->known();  // the connector's cache
  } else {
    differ_ = std::move(differ);
    source_ = EventSource::kPidDiff;
  }
  return absl::OkStatus();
}

void EventPublisher::SleepUnlessStopped(absl::Duration wait) {
  const absl::Time until = absl::Now() + wait;
  // Relaxed: a flag polled for exit; no data rides on it.
  while (!stop_.load(std::memory_order_relaxed)) {
    const absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    absl::SleepFor(std::min(left, kEventPublisherWait));
  }
}

void EventPublisher::WaitAfterError(absl::string_view what,
                                    const absl::Status& status) {
  // Relaxed: a statistic.
  source_errors_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t failures = backoff_.consecutive_failures() + 1;
  const absl::Duration wait = backoff_.Failed();
  // The first failures of a run, then one line per doubling: a failure that
  // lasts hours logs a few lines an hour.
  if ((failures & (failures - 1)) == 0) {
    LOG(WARNING) << what << ": " << status.message() << " (" << failures
                 << " in a row; retrying in " << absl::FormatDuration(wait)
                 << ")";
  }
  if (options_.wait_after_error) {
    options_.wait_after_error(wait);
  } else {
    SleepUnlessStopped(wait);
  }
}

EventPublisher::~EventPublisher() { Stop(); }

uint64_t EventPublisher::capabilities() const {
  return kCapEventRing |
         (source_ == EventSource::kConnector ? kCapEventsFromConnector
                                             : kCapEventsFromPidDiff);
}

absl::string_view EventPublisher::source_name() const {
  return source_ == EventSource::kConnector ? "connector" : "pid-diff";
}

absl::Status EventPublisher::Start(const PageTable& pages, uint32_t first_page,
                                   uint32_t page_count) {
  if (thread_.joinable()) return absl::FailedPreconditionError("started");
  absl::StatusOr<EventRingWriter> writer =
      EventRingWriter::Create(pages, first_page, page_count, source_);
  if (!writer.ok()) return writer.status();
  writer_ = std::make_unique<EventRingWriter>(*std::move(writer));
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void EventPublisher::Stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void EventPublisher::Run() {
  if (source_ == EventSource::kConnector) {
    RunConnector();
  } else {
    RunPidDiff();
  }
}

void EventPublisher::Publish(ProcessEvent event) {
  event.guest_mono_ns = ClockNs(CLOCK_MONOTONIC);
  event.guest_unix_ns = ClockNs(CLOCK_REALTIME);
  writer_->Publish(event);
  published_.fetch_add(1, std::memory_order_relaxed);
}

void EventPublisher::Enrich(ProcessEvent* event) {
  absl::StatusOr<ProcessEntry> entry = procfs_->ReadProcess(event->pid);
  if (!entry.ok()) return;
  event->comm = entry->comm;
  event->args = entry->args;
  event->args_truncated = entry->args_truncated;
  event->uid = entry->uid;
  event->has_uid = true;
  if (event->ppid == 0) event->ppid = entry->ppid;
}

void EventPublisher::RunConnector() {
  std::vector<ConnectorEvent> batch;
  while (!stop_.load(std::memory_order_relaxed)) {
    batch.clear();
    uint64_t lost = 0;
    absl::Status s = connector_->Read(kEventPublisherWait, &batch, &lost);
    if (!s.ok()) {
      WaitAfterError("connector event source", s);
      continue;
    }
    backoff_.Succeeded();
    if (lost > 0) writer_->AddSourceLost(lost);
    // Exits dropped by a netlink overrun leave entries behind; a cache far
    // larger than any pid space is such leftovers, not live processes.
    if (known_.size() > kMaxKnownProcesses) known_.clear();
    for (const ConnectorEvent& c : batch) {
      ProcessEvent e;
      e.pid = c.pid;
      e.ppid = c.ppid;
      switch (c.kind) {
        case ConnectorEvent::Kind::kFork: {
          e.kind = ProcessEventKind::kFork;
          Enrich(&e);
          if (e.comm.empty()) {
            // Gone already: a fork child runs its parent's program.
            auto parent = known_.find(c.ppid);
            if (parent != known_.end()) {
              e.comm = parent->second.comm;
              e.uid = parent->second.uid;
              e.has_uid = parent->second.has_uid;
            }
          }
          known_[e.pid] = {e.comm, e.ppid, e.uid, e.has_uid};
          break;
        }
        case ConnectorEvent::Kind::kExec:
          e.kind = ProcessEventKind::kExec;
          Enrich(&e);
          known_[e.pid] = {e.comm, e.ppid, e.uid, e.has_uid};
          break;
        case ConnectorEvent::Kind::kExit: {
          e.kind = ProcessEventKind::kExit;
          e.has_exit_status = true;
          e.exit_code = c.exit_code;
          e.exit_signal = c.exit_signal;
          auto known = known_.find(e.pid);
          if (known != known_.end()) {
            e.comm = known->second.comm;
            e.uid = known->second.uid;
            e.has_uid = known->second.has_uid;
            if (e.ppid == 0) e.ppid = known->second.ppid;
            known_.erase(known);
          }
          break;
        }
      }
      Publish(std::move(e));
    }
  }
}

void EventPublisher::RunPidDiff() {
  absl::Time next = absl::Now();
  while (!stop_.load(std::memory_order_relaxed)) {
    absl::StatusOr<std::vector<ProcessEvent>> events = differ_->Poll();
    if (!events.ok()) {
      WaitAfterError("pid-diff event source", events.status());
      next = absl::Now();  // the backoff's wait replaces the interval
      continue;
    }
    backoff_.Succeeded();
    for (ProcessEvent& e : *events) Publish(std::move(e));
    // A fixed cadence, not a fixed sleep: the time a poll takes is not
    // added to the interval.
    next = std::max(next + options_.pid_diff_interval, absl::Now());
    while (!stop_.load(std::memory_order_relaxed)) {
      const absl::Duration left = next - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      absl::SleepFor(std::min(left, kEventPublisherWait));
    }
  }
}

}  // namespace haywire
