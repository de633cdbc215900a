// Copyright 2026 The Haywire Authors.
//
// ProcConnector: the kernel's process-events connector, as a stream of
// process (not thread) starts, execs and exits.
//
// The kernel multicasts a message for every fork, exec and exit to netlink
// sockets of family NETLINK_CONNECTOR subscribed to CN_IDX_PROC
// (PROC_CN_MCAST_LISTEN). Subscribing needs CAP_NET_ADMIN (root), and only
// works in the initial network namespace; in a PID namespace the pids are
// the initial namespace's, which would not match this /proc. So Open() also
// proves the connector works *here*: it forks a child and waits for that
// child's fork event, with the pid this process saw.
//
// Only thread-group events are kept: a fork whose child is a new thread
// group (child pid == child tgid), an exec (reported for the thread group),
// and the exit of a thread group leader (pid == tgid). The exit status is
// the wait(2) status the kernel reports, split into code and signal.
//
// Not thread-safe: one thread reads.
#ifndef GUEST_PROC_CONNECTOR_H_
#define GUEST_PROC_CONNECTOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace haywire {

struct ConnectorEvent {
  enum class Kind { kFork, kExec, kExit };
  Kind kind = Kind::kFork;
  uint32_t pid = 0;   // the process (thread group id)
  uint32_t ppid = 0;  // fork: the parent's tgid; exit: the parent's tgid
                      // (0 when the kernel does not say)
  // Exit only.
  int32_t exit_code = 0;    // WEXITSTATUS when exit_signal == 0
  int32_t exit_signal = 0;  // WTERMSIG, 0 for a normal exit
};

class ProcConnector {
 public:
  // Opens, subscribes, and verifies delivery with a forked child, waiting at
  // most `verify_timeout` for its event. Errors: PermissionDenied without
  // CAP_NET_ADMIN, Unavailable when the kernel lacks the connector or does
  // not deliver this namespace's events, Internal for other failures; each
  // message says what was tried.
  static absl::StatusOr<std::unique_ptr<ProcConnector>> Open(
      absl::Duration verify_timeout = absl::Seconds(2));

  // Takes `fd`, a netlink socket already bound and subscribed elsewhere, as
  // is (no check). Tests adopt other descriptors to make Read() fail.
  static std::unique_ptr<ProcConnector> Adopt(int fd) {
    return std::unique_ptr<ProcConnector>(new ProcConnector(fd));
  }

  ProcConnector(const ProcConnector&) = delete;
  ProcConnector& operator=(const ProcConnector&) = delete;
  // Unsubscribes (PROC_CN_MCAST_IGNORE) and closes the socket.
  ~ProcConnector();

  // Waits up to `timeout` for messages, then drains what is queued without
  // waiting, appending process events to `events`. Adds to `*lost` when the
  // socket's receive buffer overflowed (ENOBUFS): events were dropped by the
  // kernel, and how many is unknown, so 1 is added per overflow.
  absl::Status Read(absl::Duration timeout, std::vector<ConnectorEvent>* events,
                    uint64_t* lost);

 private:
  explicit ProcConnector(int fd) : fd_(fd) {}
  absl::Status Subscribe(bool listen);

  int fd_ = -1;
};

namespace internal {

// Parses one datagram (netlink messages carrying cn_msg + proc_event) and
// appends the process events it holds. Malformed messages are skipped.
// Exposed for tests.
void ParseConnectorDatagram(absl::string_view datagram,
                            std::vector<ConnectorEvent>* events);

}  // namespace internal
}  // namespace haywire

#endif  // GUEST_PROC_CONNECTOR_H_
