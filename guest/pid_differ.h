// Copyright 2026 The Haywire Authors.
//
// PidDiffer: process starts and exits found by comparing successive PID
// lists, for guests where the process-events connector is unavailable (not
// root, another namespace, a kernel without CONFIG_PROC_EVENTS).
//
// Each Poll() lists the pids in procfs and compares them with the previous
// list. A new pid is reported as kExec, with the command line, comm, uid and
// parent it has when it is read: PID diffing cannot tell a fork from an
// exec, and what a user wants to see is the program that started, so a
// process that forked and exec'ed between two polls appears once, as the
// program it became. A vanished pid is reported as kExit without an exit
// status (only its parent learns it) and with the comm, parent and uid it
// had when last read.
//
// A new process is often caught between its fork and its exec (still
// running its parent's program) or in the middle of the exec (its stat and
// its cmdline disagree, or its command line is still empty). So it is read
// until two reads agree, and a new process that still has its parent's comm,
// or no command line while not a kernel thread, is held back for up to
// kPidDifferMaxDeferrals polls, to be reported as the program it execs.
//
// A poll first reads the process table's stamp (ProcFs::ReadProcessTableStamp,
// one small file): while it is unchanged and no new process is held back,
// nothing started or ended, and the pid list is not read again. An idle
// guest's poll then costs one read instead of a listing of /proc. The
// stamp's last pid is that of the reader's pid namespace while the thread
// count is global, so in a container an exit can coincide with a start
// elsewhere and leave the stamp as it was: every kPidDifferListEvery-th
// poll lists anyway, which bounds how late such an exit is seen. Without a
// readable stamp every poll lists the pids.
//
// Limits, by construction: a process that lives shorter than the polling
// interval is never seen; an exec by a process already known is not seen;
// a pid reused within one interval is seen as one process. The connector
// (proc_connector.h) has none of these limits.
//
// Not thread-safe: one thread polls.
#ifndef GUEST_PID_DIFFER_H_
#define GUEST_PID_DIFFER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "guest/procfs.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

inline constexpr int kPidDifferMaxDeferrals = 2;
// A poll lists the pids at least this often, stamp or not (see above).
inline constexpr int kPidDifferListEvery = 100;  // 5 s at 50 ms

// What is remembered of a process for its exit event.
struct KnownProcess {
  std::string comm;  // "" if it could not be read
  uint32_t ppid = 0;
  uint32_t uid = 0;
  bool has_uid = false;
};

class PidDiffer {
 public:
  // `procfs` must outlive the differ.
  explicit PidDiffer(const ProcFs* procfs) : procfs_(procfs) {}

  // Takes the first list, reporting nothing: processes that already run are
  // not "started".
  absl::Status Prime();

  // The starts (kExec) and exits (kExit) since the previous list, exits
  // first, each in pid order. guest_mono_ns and guest_unix_ns are left for
  // the caller to stamp.
  absl::StatusOr<std::vector<ProcessEvent>> Poll();

  // Every process in the latest list.
  const absl::flat_hash_map<uint32_t, KnownProcess>& known() const {
    return known_;
  }

 private:
  const ProcFs* procfs_;
  // The process table's stamp, or nullopt when it cannot be read.
  std::optional<ProcessTableStamp> ReadStamp() const;
  // ReadProcess() until two successive reads agree (at most 3 reads).
  absl::StatusOr<ProcessEntry> ReadSettled(uint32_t pid) const;

  absl::flat_hash_map<uint32_t, KnownProcess> known_;
  // New pids held back (see above) -> polls so far.
  absl::flat_hash_map<uint32_t, int> deferred_;
  // The stamp read just before the latest pid list, if it could be read.
  std::optional<ProcessTableStamp> stamp_;
  // Polls answered from the stamp alone since the last listing.
  int unlisted_polls_ = 0;
};

}  // namespace haywire

#endif  // GUEST_PID_DIFFER_H_
