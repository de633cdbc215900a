// Copyright 2026 The Haywire Authors.
//
// MemoryService: the companion's requests about a process's memory.
//
//   GET_MEMORY_MAP  naming a pid (and, for a resumed listing, after_address):
//                   opens the process's /proc/PID/smaps into a new iterator
//                   and answers with as many mappings as fit one response
//                   page, kResponseMore and the iterator id while more may
//                   follow; naming the iterator too: the next chunk.
//                   CANCEL_ITERATION frees an unfinished one (ProcessService
//                   serves it for every iterator of the shared table).
//   READ_MEMORY     up to a bulk window of the process's memory from an
//                   address, read with process_vm_readv (or, where that is
//                   not allowed, /proc/PID/mem) and copied into the
//                   request's slot's window; a read that stops early says
//                   where and why (served only with bulk windows).
//   SEARCH_MEMORY   naming a pid and a pattern: opens smaps into a new
//                   iterator and searches the readable mappings a block
//                   at a time (haywire/util/mapping_search.h), answering
//                   with the hits that fit one response page, or what it
//                   found within the budget, and kResponseMore while
//                   mappings remain; naming the iterator too: the next
//                   chunk. Pseudo mappings the kernel never lets a process
//                   read ([vvar], [vsyscall]) and anonymous mappings with
//                   no page resident or swapped (only zeros) are not
//                   searched.
//   WRITE_MEMORY    only after AllowWrites(): the request's bytes written
//                   into the process with process_vm_writev (so only
//                   memory the process may write itself; no /proc/PID/mem
//                   fallback, which would write read-only pages), each
//                   write logged (pid, address, length, result). The
//                   companion serves it only from a slot it has taken
//                   (requests.h kTakesSlot).
//
// The iterator keeps smaps open (smaps_reader.h), so a process with 65 000
// mappings lists completely while the companion holds one read block and
// one mapping. Errors, each with a one-line message: kNoSuchProcess for a
// pid that does not exist or exits during the listing (its iterator is
// freed), kIteratorExpired for an unknown, evicted or foreign iterator or
// one of another pid, kInternalError for an smaps that cannot be read or is
// malformed. A kernel thread has no mappings: one empty chunk (a search
// finds nothing), and a read or write of it faults at its first byte.
//
// Budget: a chunk ends at its RequestContext's deadline once it holds a
// mapping (the rest comes in the next chunk).
#ifndef HAYWIRE_GUEST_MEMORY_SERVICE_H_
#define HAYWIRE_GUEST_MEMORY_SERVICE_H_

#include <cstdio>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "guest/iterator_table.h"
#include "guest/request_router.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/region.h"

namespace haywire {

class MemoryService {
 public:
  // `proc_root` is where procfs is mounted; `iterators` (shared with the
  // process listings) must outlive the service. `region` (may be null when
  // `windows` is absent) holds the slots' bulk windows.
  MemoryService(std::string proc_root, IteratorTable* iterators,
                const Region* region = nullptr, BulkWindowLayout windows = {});

  // Serve WRITE_MEMORY too, logging every write to `log` (guest-serve:
  // stderr). Call before RegisterWith. The caller makes sure requests are
  // authenticated (guest-serve allows writes only with a VM key).
  void AllowWrites(std::FILE* log) { write_log_ = log; }

  // Registers GET_MEMORY_MAP and SEARCH_MEMORY, READ_MEMORY when there are
  // windows, WRITE_MEMORY when writes are allowed.
  void RegisterWith(RequestRouter* router);

  HandlerResult Map(const MemoryMapRequest& request,
                    const RequestContext& context);
  HandlerResult Read(const ReadMemoryRequest& request,
                     const RequestContext& context);
  HandlerResult Search(const SearchMemoryRequest& request,
                       const RequestContext& context);
  HandlerResult Write(const WriteMemoryRequest& request,
                      const RequestContext& context);

  // Bytes of start positions SEARCH_MEMORY covers per read, and at most
  // per chunk (a chunk also ends at its deadline).
  static constexpr uint64_t kSearchBlockBytes = 1 << 20;
  static constexpr uint64_t kSearchBytesPerChunk = 64ull << 20;

 private:
  HandlerResult FillMapChunk(ListingIterator* it, absl::Time deadline);
  HandlerResult FillSearchChunk(ListingIterator* it, absl::Time deadline);
  // The next mapping of `it` (an inner nullopt at the end); on an error
  // the iterator is released, `*error` holds the answer (naming what was
  // `during`) and the outer optional is empty.
  std::optional<std::optional<MemoryMapping>> NextMapping(
      ListingIterator* it, absl::string_view during, HandlerResult* error);
  // A new iterator of `type` over `pid`'s smaps; null, with the answer in
  // `*error`, when smaps cannot be opened.
  ListingIterator* OpenListing(uint32_t pid, RequestType type,
                               const RequestContext& context,
                               HandlerResult* error);
  // Whether `error` (from process_vm_readv/writev) means that `pid` exists
  // but has no user memory (a kernel thread, a zombie).
  bool HasNoUserMemory(uint32_t pid, int error) const;
  // Reads `length` bytes of `pid` at `address` into `out`; returns the
  // bytes read and, when fewer, the errno that stopped it.
  uint64_t ReadProcess(uint32_t pid, uint64_t address, uint64_t length,
                       char* out, int* error);

  const std::string proc_root_;
  IteratorTable* iterators_;
  const Region* region_;
  const BulkWindowLayout windows_;
  std::string buffer_;  // one window's worth, reused
  const uint64_t page_bytes_;
  std::string search_buffer_;       // one search block's worth, reused
  std::FILE* write_log_ = nullptr;  // null: writes are not served
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_MEMORY_SERVICE_H_
