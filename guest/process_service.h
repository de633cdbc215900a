// Copyright 2026 The Haywire Authors.
//
// ProcessService: the companion's process requests.
//
//   LIST_PROCESSES      snapshot the PID list (only pids above after_pid when
//                       the request names one: a listing resumed after its
//                       iterator was evicted) into a new iterator and answer
//                       with the listing header and as many entries as fit
//                       one response page (flag kResponseMore + iterator id
//                       while entries remain);
//   CONTINUE_ITERATION  the next chunk of that iterator;
//   CANCEL_ITERATION    free it;
//   GET_PROCESS_INFO    one process in detail.
//
// A process that exits between the snapshot and its turn is skipped, never
// reported with partial data. An unknown, evicted or foreign iterator id is
// answered with kIteratorExpired; a PID that does not exist with
// kNoSuchProcess (a malformed request never reaches the service: the router
// answers it with kBadRequest). Every error response carries a one-line
// message.
//
// A listing reads its processes a batch at a time (up to 16 pids, as many
// as should still fit the chunk, shared out between the serving thread and
// the ProcessReader's helpers); an entry of a batch that does not fit after
// all opens the next chunk.
//
// Budgets: each handler stops at its RequestContext's deadline. A listing
// chunk then ends early (kResponseMore: the host asks for the rest), and a
// process's open file count that is not counted in time is left out of
// GET_PROCESS_INFO (the field is optional; `haywire info` shows "-").
#ifndef HAYWIRE_GUEST_PROCESS_SERVICE_H_
#define HAYWIRE_GUEST_PROCESS_SERVICE_H_

#include <cstdint>

#include "guest/iterator_table.h"
#include "guest/process_reader.h"
#include "guest/procfs.h"
#include "guest/request_router.h"
#include "haywire/protocol/messages.h"

namespace haywire {

class ProcessService {
 public:
  // `procfs` must outlive the service. `mirror` (may be null) receives the
  // iterator table's state.
  // `read_helpers` threads help read each batch of a listing
  // (process_reader.h; 0: the serving thread alone).
  ProcessService(const ProcFs* procfs, IteratorTablePage* mirror, uint64_t seed,
                 size_t read_helpers = ProcessReader::DefaultHelpers());

  // Registers the four handlers with `router`.
  void RegisterWith(RequestRouter* router);

  HandlerResult List(const ListProcessesRequest& request,
                     const RequestContext& context);
  HandlerResult Continue(const IteratorRequest& request,
                         const RequestContext& context);
  HandlerResult Cancel(const IteratorRequest& request,
                       const RequestContext& context);
  HandlerResult Info(const ProcessInfoRequest& request,
                     const RequestContext& context = {});

  const IteratorTable& iterators() const { return iterators_; }
  // The table, for other listings that share it (MemoryService).
  IteratorTable* mutable_iterators() { return &iterators_; }
  uint64_t processes_skipped() const { return skipped_; }
  // Resumptions answered from the last snapshot.
  uint64_t snapshots_reused() const { return snapshots_reused_; }

 private:
  // Appends entries while they fit one response page and `deadline` has not
  // passed (at least one pid is looked at per chunk, so every chunk makes
  // progress); the iterator continues where the chunk ended.
  HandlerResult FillChunk(ListingIterator* it, bool with_header,
                          absl::Time deadline);

  // The last PID list read, with the header read just before it. A
  // resumed listing whose first snapshot is older than this one is answered
  // from it: with more clients listing than there are iterators, most
  // chunks would otherwise re-read /proc's directory (milliseconds for
  // thousands of processes).
  struct Snapshot {
    ListHeader header;
    std::vector<uint32_t> pids;
    bool valid = false;
  };

  const ProcFs* procfs_;
  ProcessReader reader_;
  IteratorTable iterators_;
  Snapshot last_snapshot_;
  uint64_t snapshots_reused_ = 0;
  uint64_t skipped_ = 0;
  // Entries encoded so far and their bytes: how many of the next batch
  // should fit a chunk.
  uint64_t encoded_entries_ = 0;
  uint64_t encoded_bytes_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_PROCESS_SERVICE_H_
