// Copyright 2026 The Haywire Authors.
//
// SystemService: the companion's GET_SYSTEM_SUMMARY handler, the numbers
// `top` shows above its process table (uptime, load, task counts, CPU
// times, memory and swap) plus the guest clocks that date them.
//
// The request carries no fields (unknown ones are skipped). A summary that cannot be read (a missing or malformed
// file under the proc root) is answered with kInternalError and a one-line
// message naming the file.
#ifndef HAYWIRE_GUEST_SYSTEM_SERVICE_H_
#define HAYWIRE_GUEST_SYSTEM_SERVICE_H_

#include <string>

#include "guest/procfs.h"
#include "guest/request_router.h"

namespace haywire {

class SystemService {
 public:
  // `procfs` must outlive the service. `hostname` and `kernel_release` (from
  // uname, as published in the beacon) are reported in every summary.
  SystemService(const ProcFs* procfs, std::string hostname,
                std::string kernel_release);

  // Registers the GET_SYSTEM_SUMMARY handler with `router`.
  void RegisterWith(RequestRouter* router);

  HandlerResult Summary();

 private:
  const ProcFs* procfs_;
  const std::string hostname_;
  const std::string kernel_release_;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_SYSTEM_SERVICE_H_
