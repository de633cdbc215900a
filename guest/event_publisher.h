// Copyright 2026 The Haywire Authors.
//
// EventPublisher: the companion's process-event thread, the event ring's
// single writer.
//
// guest-serve creates it before the region (Create() picks the source, so
// the beacon's capability bits can say which one is active), then Start()s
// it on the initialised region: it writes the ring's static line and runs a
// thread that turns the source's observations into ProcessEvents and
// publishes them. Stop() (or the destructor) ends the thread within one
// source wait (at most kEventPublisherWait).
//
// Sources (see proc_connector.h and pid_differ.h):
//   * connector: exact; fork, exec and exit with exit codes. On fork and
//     exec the command line, comm and uid are read from /proc right away
//     (a process that is already gone by then gets an event without them);
//     if the process is already gone, the fork inherits its parent's comm
//     and uid. On exit the comm, uid (and parent, if the kernel does not
//     say) are the last ones seen for that pid.
//   * pid-diff: new pids as kExec (with the command line read then) and
//     vanished pids as kExit without status, every `pid_diff_interval`.
//   * auto: the connector if Open() proves it works here, else pid-diff.
//
// Errors: a source that fails (a netlink socket error, /proc unreadable)
// is retried after a wait that doubles with each consecutive failure, from
// the options' error_backoff.initial up to its max (guest/error_backoff.h),
// and resets on the first success: a persistent failure costs a few system
// calls and log lines a minute instead of a spin.
#ifndef GUEST_EVENT_PUBLISHER_H_
#define GUEST_EVENT_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "guest/error_backoff.h"
#include "guest/pid_differ.h"
#include "guest/proc_connector.h"
#include "guest/procfs.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/page_table.h"

namespace haywire {

enum class EventMode { kAuto, kConnector, kPidDiff, kOff };

// "auto", "connector", "pid-diff" (or "pid_diff"), "off".
absl::StatusOr<EventMode> ParseEventMode(absl::string_view text);

// The longest the thread waits on its source before checking for Stop().
inline constexpr absl::Duration kEventPublisherWait = absl::Milliseconds(100);

struct EventPublisherOptions {
  EventMode mode = EventMode::kAuto;
  absl::Duration pid_diff_interval = absl::Milliseconds(50);
  // Bound on the connector's proof of delivery in Create().
  absl::Duration connector_verify_timeout = absl::Seconds(1);
  // Waits after consecutive failures of the source.
  ErrorBackoffOptions error_backoff;
  // Test seam: when set, called with each wait after a failure instead of
  // sleeping it (the thread then tries again at once).
  std::function<void(absl::Duration)> wait_after_error;
};

class EventPublisher {
 public:
  // Chooses and opens the source. `procfs` must outlive the publisher.
  // Errors: with mode kConnector, why the connector cannot be used; with
  // kPidDiff or kAuto, why procfs cannot be listed. kOff is an
  // InvalidArgument (do not create a publisher then).
  static absl::StatusOr<std::unique_ptr<EventPublisher>> Create(
      const ProcFs* procfs, const EventPublisherOptions& options);

  // A publisher on a connector opened by the caller (ProcConnector::Adopt:
  // tests use a descriptor that fails every read). Errors as Create().
  static absl::StatusOr<std::unique_ptr<EventPublisher>> CreateWithConnector(
      const ProcFs* procfs, const EventPublisherOptions& options,
      std::unique_ptr<ProcConnector> connector);

  EventPublisher(const EventPublisher&) = delete;
  EventPublisher& operator=(const EventPublisher&) = delete;
  ~EventPublisher();

  EventSource source() const { return source_; }
  // kCapEventRing plus the bit of the active source.
  uint64_t capabilities() const;
  // With kAuto and the pid-diff source: why the connector was not used.
  const std::string& fallback_reason() const { return fallback_reason_; }
  // "connector" or "pid-diff".
  absl::string_view source_name() const;

  // Initialises the ring in `pages` (after InitializeRegion) and starts the
  // thread. `pages` must outlive the publisher.
  absl::Status Start(const PageTable& pages, uint32_t first_page,
                     uint32_t page_count);

  // Ends the thread (idempotent).
  void Stop();

  // Events published so far (approximate while running).
  uint64_t published() const {
    return published_.load(std::memory_order_relaxed);
  }
  // Failed reads or polls of the source so far.
  uint64_t source_errors() const {
    return source_errors_.load(std::memory_order_relaxed);
  }

 private:
  EventPublisher(const ProcFs* procfs, EventPublisherOptions options)
      : procfs_(procfs), options_(options), backoff_(options.error_backoff) {}

  void Run();
  void RunConnector();
  void RunPidDiff();
  void Publish(ProcessEvent event);
  // Counts and logs a failure of the source, then waits the backoff's next
  // wait (or until Stop()).
  void WaitAfterError(absl::string_view what, const absl::Status& status);
  // Sleeps `wait`, in steps of at most kEventPublisherWait, until Stop().
  void SleepUnlessStopped(absl::Duration wait);
  // Primes the pid list (both sources need it) and takes the pid-diff
  // source unless a connector was set.
  absl::Status PrimeAndPick();
  // Fills comm, args, uid (and ppid when unknown) from /proc.
  void Enrich(ProcessEvent* event);

  const ProcFs* procfs_;
  EventPublisherOptions options_;
  EventSource source_ = EventSource::kUnknown;
  std::string fallback_reason_;
  std::unique_ptr<ProcConnector> connector_;
  std::unique_ptr<PidDiffer> differ_;
  std::unique_ptr<EventRingWriter> writer_;
  // Connector source: what is known of each process, for exits (the zombie
  // may be reaped before its exit is handled) and for forks of processes
  // already gone.
  absl::flat_hash_map<uint32_t, KnownProcess> known_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> source_errors_{0};
  ErrorBackoff backoff_;
  std::thread thread_;
};

}  // namespace haywire

#endif  // GUEST_EVENT_PUBLISHER_H_
