// Copyright 2026 The Haywire Authors.

#include "guest/proc_connector.h"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace haywire {
namespace {

std::string Errno(int error) { return std::strerror(error); }

}  // namespace

namespace internal {

void ParseConnectorDatagram(absl::string_view datagram,
                            std::vector<ConnectorEvent>* events) {
  const char* p = datagram.data();
  size_t rest = datagram.size();
  // Bounded by the datagram: every step consumes at least one aligned
  // netlink header.
  while (rest >= sizeof(nlmsghdr)) {
    nlmsghdr header;
    std::memcpy(&header, p, sizeof(header));
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > rest) return;
    const size_t body_bytes = header.nlmsg_len - NLMSG_HDRLEN;
    const char* body = p + NLMSG_HDRLEN;
    const size_t step = std::min<size_t>(NLMSG_ALIGN(header.nlmsg_len), rest);
    p += step;
    rest -= step;
    if (header.nlmsg_type == NLMSG_ERROR || header.nlmsg_type == NLMSG_NOOP) {
      continue;
    }
    if (body_bytes < sizeof(cn_msg)) continue;
    cn_msg message;
    std::memcpy(&message, body, sizeof(message));
    if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC) {
      continue;
    }
    if (message.len < sizeof(proc_event) ||
        message.len > body_bytes - sizeof(cn_msg)) {
      continue;
    }
    proc_event event;
    std::memcpy(&event, body + sizeof(cn_msg), sizeof(event));
    ConnectorEvent out;
    switch (event.what) {
      case proc_event::PROC_EVENT_FORK: {
        const auto& fork = event.event_data.fork;
        // A new thread of an existing process is not a process.
        if (fork.child_pid != fork.child_tgid) continue;
        out.kind = ConnectorEvent::Kind::kFork;
        out.pid = static_cast<uint32_t>(fork.child_tgid);
        out.ppid = static_cast<uint32_t>(fork.parent_tgid);
        break;
      }
      case proc_event::PROC_EVENT_EXEC:
        out.kind = ConnectorEvent::Kind::kExec;
        out.pid = static_cast<uint32_t>(event.event_data.exec.process_tgid);
        break;
      case proc_event::PROC_EVENT_EXIT: {
        const auto& exit = event.event_data.exit;
        // Only the thread group leader's exit ends the process.
        if (exit.process_pid != exit.process_tgid) continue;
        out.kind = ConnectorEvent::Kind::kExit;
        out.pid = static_cast<uint32_t>(exit.process_tgid);
        out.ppid = static_cast<uint32_t>(exit.parent_tgid);
        // exit_code is the wait(2) status the parent will see.
        const int status = static_cast<int>(exit.exit_code);
        if (WIFSIGNALED(status)) {
          out.exit_signal = WTERMSIG(status);
        } else {
          out.exit_code = WEXITSTATUS(status);
        }
        break;
      }
      default:
        continue;  // uid/gid/sid/ptrace/comm/coredump changes: not needed
    }
    events->push_back(out);
  }
}

}  // namespace internal

absl::Status ProcConnector::Subscribe(bool listen) {
  struct {
    nlmsghdr header;
    // cn_msg ends in a flexible array; the operation follows it.
    alignas(NLMSG_ALIGNTO) char body[sizeof(cn_msg) + sizeof(proc_cn_mcast_op)];
  } request;
  std::memset(&request, 0, sizeof(request));
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = NLMSG_DONE;
  request.header.nlmsg_pid = static_cast<uint32_t>(getpid());
  cn_msg message = {};
  message.id.idx = CN_IDX_PROC;
  message.id.val = CN_VAL_PROC;
  message.len = sizeof(proc_cn_mcast_op);
  const proc_cn_mcast_op op =
      listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
  std::memcpy(request.body, &message, sizeof(message));
  std::memcpy(request.body + sizeof(cn_msg), &op, sizeof(op));
  if (send(fd_, &request, sizeof(request), 0) < 0) {
    const int error = errno;
    return absl::ErrnoToStatus(
        error,
        absl::StrCat("cannot subscribe to process events: ", Errno(error)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ProcConnector>> ProcConnector::Open(
    absl::Duration verify_timeout) {
  const int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        NETLINK_CONNECTOR);
  if (fd < 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        "no process-events connector (netlink NETLINK_CONNECTOR socket: ",
        Errno(error), ")"));
  }
  std::unique_ptr<ProcConnector> connector(new ProcConnector(fd));
  sockaddr_nl address = {};
  address.nl_family = AF_NETLINK;
  address.nl_groups = CN_IDX_PROC;
  address.nl_pid = 0;  // let the kernel choose
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
    const int error = errno;
    if (error == EPERM || error == EACCES) {
      return absl::PermissionDeniedError(
          "subscribing to the process-events connector needs root "
          "(CAP_NET_ADMIN)");
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot bind to the process-events connector: ", Errno(error)));
  }
  if (absl::Status s = connector->Subscribe(true); !s.ok()) {
    if (absl::IsPermissionDenied(s)) {
      return absl::PermissionDeniedError(
          "subscribing to the process-events connector needs root "
          "(CAP_NET_ADMIN)");
    }
    return s;
  }

  // Proof of delivery: a child that exits at once must show up with the pid
  // this process knows it by.
  const pid_t child = fork();
  if (child < 0) {
    const int error = errno;
    return absl::InternalError(
        absl::StrCat("fork to test the connector: ", Errno(error)));
  }
  if (child == 0) _exit(0);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const absl::Time deadline = absl::Now() + verify_timeout;
  std::vector<ConnectorEvent> events;
  uint64_t lost = 0;
  while (absl::Now() < deadline) {
    events.clear();
    if (absl::Status s =
            connector->Read(deadline - absl::Now(), &events, &lost);
        !s.ok()) {
      return s;
    }
    for (const ConnectorEvent& e : events) {
      if (e.kind == ConnectorEvent::Kind::kFork &&
          e.pid == static_cast<uint32_t>(child)) {
        return connector;
      }
    }
  }
  return absl::UnavailableError(absl::StrCat(
      "the process-events connector delivered no event for a test child "
      "within ",
      absl::FormatDuration(verify_timeout),
      " (another PID or network namespace?)"));
}

ProcConnector::~ProcConnector() {
  if (fd_ >= 0) {
    (void)Subscribe(false);
    close(fd_);
  }
}

absl::Status ProcConnector::Read(absl::Duration timeout,
                                 std::vector<ConnectorEvent>* events,
                                 uint64_t* lost) {
  pollfd p = {fd_, POLLIN, 0};
  const int ms = static_cast<int>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(timeout)));
  const int ready = poll(&p, 1, ms);
  if (ready < 0 && errno != EINTR) {
    const int error = errno;
    return absl::InternalError(
        absl::StrCat("poll on the process-events connector: ", Errno(error)));
  }
  if (ready <= 0) return absl::OkStatus();
  // Drain what is queued (bounded: the socket is non-blocking, and at most
  // this many datagrams are taken per call so a flood cannot starve the
  // caller's other duties).
  alignas(nlmsghdr) char buffer[8192];
  for (int i = 0; i < 1024; ++i) {
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) {
      const int error = errno;
      if (error == EAGAIN || error == EINTR) break;
      if (error == ENOBUFS) {
        ++*lost;
        continue;
      }
      return absl::InternalError(
          absl::StrCat("reading the process-events connector: ", Errno(error)));
    }
    internal::ParseConnectorDatagram(
        absl::string_view(buffer, static_cast<size_t>(n)), events);
  }
  return absl::OkStatus();
}

}  // namespace haywire
