// Copyright 2026 The Haywire Authors.
//
// GuestPoller: takes `haywire watch`'s snapshots (GET_SYSTEM_SUMMARY, then
// LIST_PROCESSES) from the live session of one RAM file, and survives the
// companion going away.
//
// It connects on first use and keeps the connection while requests succeed.
// Any failure drops the connection and is returned; the next Take()
// connects afresh through the live-session code (cache, then a full
// discovery scan), so a companion restarted in the guest (a new session id)
// is found again without the caller doing anything but calling Take().
// Every step is bounded: the connection by the discovery options' heartbeat
// watch, each request by the client's deadlines.
//
// Not thread-safe: one poller per thread (the watch view gives it its own
// worker thread so the screen never waits on the guest).
#ifndef HAYWIRE_WATCH_GUEST_POLLER_H_
#define HAYWIRE_WATCH_GUEST_POLLER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "haywire/host/client.h"
#include "haywire/host/live_session.h"
#include "haywire/watch/frame.h"

namespace haywire {

class GuestPoller {
 public:
  GuestPoller(ConnectOptions connect, ClientOptions client);
  ~GuestPoller();

  // One snapshot of the guest. Errors carry a Failure (failure.h).
  absl::StatusOr<Snapshot> Take();

  bool connected() const { return connection_ != nullptr; }
  // The session of the current connection; 0 when not connected.
  uint64_t session_id() const;
  // What the connection's challenge found (nullopt: not connected, or
  // connected without a key).
  std::optional<AuthOutcome> auth() const;

 private:
  struct Connection;
  absl::Status Connect();

  ConnectOptions connect_;
  ClientOptions client_;
  std::unique_ptr<Connection> connection_;
};

// Why the companion is not answering, in a few words for a status line:
// "session wiped: guest-serve stopped", "heartbeat stale for 2.0 s"...
std::string GoneReason(const absl::Status& status);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_GUEST_POLLER_H_
