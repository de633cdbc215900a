// Copyright 2026 The Haywire Authors.
//
// CommandLineService: GET_COMMAND_LINE, a process's whole command line.
//
// Listings and GET_PROCESS_INFO carry a command line cut to kMaxArgsBytes
// (2 KiB), so that an entry fits a response page; Java, Kubernetes and CI
// processes have command lines of 10-100 KiB and more. This answers with
// /proc/PID/cmdline itself, from an offset, as many bytes as fit the
// request's slot's bulk window, and says whether the command line ends
// there; a host reads on from where the bytes ended. Errors, each with a
// one-line message: kNoSuchProcess for a pid that does not exist,
// kInternalError for a cmdline that cannot be read. A kernel thread's
// command line is empty (0 bytes, ended). Served only with bulk windows.
#ifndef HAYWIRE_GUEST_COMMAND_LINE_SERVICE_H_
#define HAYWIRE_GUEST_COMMAND_LINE_SERVICE_H_

#include <string>

#include "guest/request_router.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/region.h"

namespace haywire {

class CommandLineService {
 public:
  // `proc_root` is where procfs is mounted; `region` holds the slots'
  // bulk windows (`windows`).
  CommandLineService(std::string proc_root, const Region* region,
                     BulkWindowLayout windows);

  // Registers GET_COMMAND_LINE when there are windows.
  void RegisterWith(RequestRouter* router);

  HandlerResult Get(const CommandLineRequest& request,
                    const RequestContext& context);

 private:
  const std::string proc_root_;
  const Region* region_;
  const BulkWindowLayout windows_;
  std::string buffer_;  // one window and one byte more, reused
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_COMMAND_LINE_SERVICE_H_
