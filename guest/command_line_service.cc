// Copyright 2026 The Haywire Authors.

#include "guest/command_line_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/requests.h"

namespace haywire {

CommandLineService::CommandLineService(std::string proc_root,
                                       const Region* region,
                                       BulkWindowLayout windows)
    : proc_root_(std::move(proc_root)), region_(region), windows_(windows) {}

void CommandLineService::RegisterWith(RequestRouter* router) {
  if (region_ == nullptr || !windows_.present()) return;
  // One byte past a window tells whether the command line goes on.
  buffer_.resize(windows_.capacity() + 1);
  router->Handle<request::GetCommandLine>(
      [this](const CommandLineRequest& r, const RequestContext& c) {
        return Get(r, c);
      });
}

HandlerResult CommandLineService::Get(const CommandLineRequest& request,
                                      const RequestContext& context) {
  const std::string path =
      absl::StrCat(proc_root_, "/", request.pid, "/cmdline");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ESRCH) {
      return ErrorResult(ResponseStatus::kNoSuchProcess,
                         absl::StrCat("no process ", request.pid));
    }
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  uint64_t got = 0;
  int error = 0;
  while (got < buffer_.size()) {
    if (request.offset + got > static_cast<uint64_t>(INT64_MAX)) break;
    const ssize_t n = ::pread(fd, buffer_.data() + got, buffer_.size() - got,
                              static_cast<off_t>(request.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n <= 0) break;
    got += static_cast<uint64_t>(n);
  }
  ::close(fd);
  if (error != 0) {
    // The process exited while it was read (ESRCH), or its memory could
    // not be (the kernel reads the command line from it).
    if (error == ESRCH) {
      return ErrorResult(ResponseStatus::kNoSuchProcess,
                         absl::StrCat("no process ", request.pid));
    }
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat("cannot read ", path, ": ", std::strerror(error)));
  }
  CommandLineResponse response;
  response.ended = got <= windows_.capacity();
  response.bytes = std::min(got, windows_.capacity());
  CopyToWindow(*region_, windows_, context.slot, buffer_.data(),
               response.bytes);
  if (request.want_digest) {
    response.digest = WindowDigestOf(context, buffer_.data(), response.bytes);
  }
  return Respond<request::GetCommandLine>(response);
}

}  // namespace haywire
