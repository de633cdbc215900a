// Copyright 2026 The Haywire Authors.

#include "haywire/watch/guest_poller.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"

namespace haywire {

struct GuestPoller::Connection {
  LiveSession session;
  std::unique_ptr<Client> client;
};

GuestPoller::GuestPoller(ConnectOptions connect, ClientOptions client)
    : connect_(std::move(connect)), client_(client) {}

GuestPoller::~GuestPoller() = default;

uint64_t GuestPoller::session_id() const {
  return connection_ ? connection_->session.report.pages.session_id : 0;
}

absl::Status GuestPoller::Connect() {
  absl::StatusOr<LiveSession> session = ConnectToLiveSession(connect_);
  if (!session.ok()) return session.status();
  auto connection = std::make_unique<Connection>();
  connection->session = *std::move(session);
  connection->client =
      std::make_unique<Client>(&connection->session, client_);
  connection_ = std::move(connection);
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> GuestPoller::Take() {
  if (connection_ == nullptr) {
    if (absl::Status s = Connect(); !s.ok()) return s;
  }
  Snapshot snapshot;
  snapshot.session_id = session_id();
  // The summary first: its clocks date the listing that follows closely.
  absl::StatusOr<SystemSummary> summary =
      connection_->client->GetSystemSummary();
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
  return snapshot;
}

std::string GoneReason(const absl::Status& status) {
  const absl::string_view message = status.message();
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
  std::string reason(message.substr(0, 100));
  for (char& c : reason) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return reason;
}

}  // namespace haywire
