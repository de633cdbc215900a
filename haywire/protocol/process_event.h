// Copyright 2026 The Haywire Authors.
//
// ProcessEvent: one process start or exit, as the companion observed it.
//
// The companion publishes these into the region's event ring (see
// event_ring.h for the shared-memory format); host readers decode them back
// into this struct. It is the decoded, validated form: every string is
// bounded by messages.h's limits and every field was checked by the decoder.
#ifndef HAYWIRE_PROTOCOL_PROCESS_EVENT_H_
#define HAYWIRE_PROTOCOL_PROCESS_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace haywire {

enum class ProcessEventKind : uint16_t {
  kFork = 1,  // a new process (not a new thread) was created
  kExec = 2,  // a process replaced its program; args are the new command line
  kExit = 3,  // a process (thread group) ended
};

struct ProcessEvent {
  uint64_t sequence = 0;       // position in the ring: 0, 1, 2... per session
  uint64_t guest_mono_ns = 0;  // guest CLOCK_MONOTONIC when observed
  uint64_t guest_unix_ns = 0;  // guest CLOCK_REALTIME when observed (for
                               // wall-clock display; may step)
  ProcessEventKind kind = ProcessEventKind::kFork;
  uint32_t pid = 0;
  uint32_t ppid = 0;  // parent (fork, exec); 0 when unknown
  uint32_t uid = 0;   // effective uid when known
  bool has_uid = false;
  // Exit only: wait(2)-style status split into code and signal, when the
  // source knows them (the connector does, PID diffing does not).
  bool has_exit_status = false;
  int32_t exit_code = 0;    // WEXITSTATUS-like, valid when exit_signal == 0
  int32_t exit_signal = 0;  // terminating signal, 0 when exited normally
  std::string comm;         // at most kMaxNameBytes
  std::vector<std::string> args;  // exec (and fork when known); bounded like
                                  // ProcessEntry::args
  bool args_truncated = false;
};

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_PROCESS_EVENT_H_
