// Copyright 2026 The Haywire Authors.

#include "haywire/watch/guest_poller.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/event_reader.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/layout.h"

namespace haywire {

namespace {

// Most events read per snapshot; a guest forking faster than this between
// two refreshes loses highlights, never correctness (the listing is exact).
constexpr size_t kMaxEventsPerSnapshot = 100'000;

}  // namespace

struct GuestPoller::Connection {
  LiveSession session;
  std::unique_ptr<Client> client;
  // The event ring, when the companion fills it from the kernel's
  // connector; null otherwise (PID diffs are then as good).
  std::unique_ptr<EventReader> events;
};

GuestPoller::GuestPoller(ConnectOptions connect, ClientOptions client)
    : connect_(std::move(connect)), client_(client) {
  connect_.verify_event_ring = true;
}

GuestPoller::~GuestPoller() = default;

uint64_t GuestPoller::session_id() const {
  return connection_ ? connection_->session.report.pages.session_id : 0;
}

std::optional<AuthOutcome> GuestPoller::auth() const {
  if (connection_ == nullptr) return std::nullopt;
  return connection_->session.auth;
}

absl::Status GuestPoller::Connect() {
  absl::StatusOr<LiveSession> session = ConnectToLiveSession(connect_);
  if (!session.ok()) return session.status();
  auto connection = std::make_unique<Connection>();
  connection->session = *std::move(session);
  connection->client = std::make_unique<Client>(&connection->session, client_);
  const uint64_t caps = connection->session.report.identity.capabilities;
  if ((caps & kCapEventRing) != 0 && (caps & kCapEventsFromConnector) != 0) {
    // Attach at the head: the first listing is the baseline; only what
    // happens after it is a change. On failure, PID diffs stand in.
    absl::StatusOr<std::unique_ptr<EventReader>> reader =
        EventReader::Attach(connection->session);
    if (reader.ok()) connection->events = *std::move(reader);
  }
  connection_ = std::move(connection);
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> GuestPoller::Take() {
  if (connection_ == nullptr) {
    if (absl::Status s = Connect(); !s.ok()) return s;
  }
  Snapshot snapshot;
  snapshot.session_id = session_id();
  if (connection_->events != nullptr) {
    // Before the listing, so every event up to it is in this snapshot.
    std::vector<ProcessEvent> events;
    bool ok = true;
    while (events.size() < kMaxEventsPerSnapshot) {
      absl::StatusOr<EventBatch> batch = connection_->events->Poll();
      if (!batch.ok()) {
        ok = false;  // a ring we cannot read: fall back to PID diffs
        break;
      }
      if (batch->events.empty()) break;
      for (ProcessEvent& e : batch->events) events.push_back(std::move(e));
    }
    if (ok) {
      snapshot.events = std::move(events);
    } else {
      connection_->events.reset();
    }
  }
  // The summary first: its clocks date the listing that follows closely.
  absl::StatusOr<SystemSummary> summary =
      connection_->client->Call<request::GetSystemSummary>();
  if (!summary.ok()) {
    connection_.reset();
    return summary.status();
  }
  snapshot.summary = *std::move(summary);
  absl::StatusOr<ProcessList> list = connection_->client->ListProcesses();
  if (!list.ok()) {
    connection_.reset();
    return list.status();
  }
  snapshot.list = *std::move(list);
  // The next refresh is a second or more away: hand the slot back so other
  // clients are not kept waiting for it meanwhile.
  connection_->client->ReleaseSlot();
  return snapshot;
}

std::string GoneReason(const absl::Status& status) {
  const absl::string_view message = status.message();
  if (FailureOf(status) == Failure::kNoBeacon) {
    return "no beacon in the RAM file: start guest-serve in the VM";
  }
  if (absl::StrContains(message, "is gone")) {
    return "session wiped: guest-serve stopped";
  }
  if (absl::StrContains(message, "no live companion")) {
    return "no live session in the RAM file";
  }
  if (absl::StrContains(message, "heartbeat stale")) {
    // "heartbeat stale for 2.0 s - is guest-serve..." -> up to " -".
    return std::string(message.substr(0, message.find(" -")));
  }
  // The first clause says what is wrong; what to do follows a "; ".
  std::string reason(
      message.substr(0, std::min(message.find("; "), size_t{160})));
  for (char& c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return reason;
}

}  // namespace haywire
