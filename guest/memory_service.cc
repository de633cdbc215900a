// Copyright 2026 The Haywire Authors.

#include "guest/memory_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glog/logging.h"
#include "guest/smaps_reader.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/wire_format.h"
#include "haywire/util/clock.h"
#include "haywire/util/mapping_search.h"

namespace haywire {

MemoryService::MemoryService(std::string proc_root, IteratorTable* iterators,
                             const Region* region, BulkWindowLayout windows)
    : proc_root_(std::move(proc_root)),
      iterators_(iterators),
      region_(region),
      windows_(windows),
      page_bytes_(static_cast<uint64_t>(::sysconf(_SC_PAGESIZE))) {}

void MemoryService::RegisterWith(RequestRouter* router) {
  router->Handle<request::GetMemoryMap>(
      [this](const MemoryMapRequest& r, const RequestContext& c) {
        return Map(r, c);
      });
  router->Handle<request::SearchMemory>(
      [this](const SearchMemoryRequest& r, const RequestContext& c) {
        return Search(r, c);
      });
  if (write_log_ != nullptr) {
    router->Handle<request::WriteMemory>(
        [this](const WriteMemoryRequest& r, const RequestContext& c) {
          return Write(r, c);
        });
  }
  if (region_ != nullptr && windows_.present()) {
    buffer_.resize(windows_.capacity());
    router->Handle<request::ReadMemory>(
        [this](const ReadMemoryRequest& r, const RequestContext& c) {
          return Read(r, c);
        });
  }
}

uint64_t MemoryService::ReadProcess(uint32_t pid, uint64_t address,
                                    uint64_t length, char* out, int* error) {
  *error = 0;
  // process_vm_readv stops at the first page it cannot read and returns
  // what it read before it (whole pages of the remote range), or -1 when it
  // read nothing.
  iovec local{out, length};
  iovec remote{reinterpret_cast<void*>(static_cast<uintptr_t>(address)),
               length};
  const ssize_t n =
      ::process_vm_readv(static_cast<pid_t>(pid), &local, 1, &remote, 1, 0);
  if (n >= 0 && static_cast<uint64_t>(n) == length) return length;
  if (n > 0) {
    *error = EFAULT;
    return static_cast<uint64_t>(n);
  }
  if (errno != EPERM && errno != ENOSYS) {
    *error = errno;
    return 0;
  }
  // Not allowed here (a seccomp filter, an old kernel): /proc/PID/mem,
  // which the kernel checks like ptrace but reads through pread.
  const std::string path = absl::StrCat(proc_root_, "/", pid, "/mem");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    return 0;
  }
  uint64_t done = 0;
  while (done < length) {
    if (address + done > static_cast<uint64_t>(INT64_MAX)) {
      *error = EFAULT;  // pread's offset cannot say it
      break;
    }
    const ssize_t got = ::pread(fd, out + done, length - done,
                                static_cast<off_t>(address + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      *error = got == 0 ? EFAULT : errno;
      break;
    }
    done += static_cast<uint64_t>(got);
  }
  ::close(fd);
  return done;
}

bool MemoryService::HasNoUserMemory(uint32_t pid, int error) const {
  // The kernel answers ESRCH for a process without an mm: a kernel thread,
  // or a zombie. Its /proc directory tells it from one that is gone.
  if (error != ESRCH) return false;
  struct stat st;
  return ::stat(absl::StrCat(proc_root_, "/", pid).c_str(), &st) == 0;
}

HandlerResult MemoryService::Read(const ReadMemoryRequest& request,
                                  const RequestContext& context) {
  const uint64_t length = std::min(request.length, windows_.capacity());
  int error = 0;
  const uint64_t bytes =
      ReadProcess(request.pid, request.address, length, buffer_.data(), &error);
  // No user memory at all: the read faults at its first byte.
  if (HasNoUserMemory(request.pid, error)) error = EFAULT;
  if (bytes == 0 && error == ESRCH) {
    return ErrorResult(ResponseStatus::kNoSuchProcess,
                       absl::StrCat("no process ", request.pid));
  }
  if (bytes == 0 && (error == EPERM || error == EACCES)) {
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat("not allowed to read the memory of process ", request.pid,
                     " (guest-serve needs root or ptrace "
                     "rights over it)"));
  }
  CopyToWindow(*region_, windows_, context.slot, buffer_.data(), bytes);
  ReadMemoryResponse response;
  response.bytes = bytes;
  if (bytes < length) {
    response.fault_address = request.address + bytes;
    response.error = static_cast<uint32_t>(error != 0 ? error : EFAULT);
  }
  if (request.want_digest) {
    response.digest = WindowDigestOf(context, buffer_.data(), bytes);
  }
  return Respond<request::ReadMemory>(response);
}

ListingIterator* MemoryService::OpenListing(uint32_t pid, RequestType type,
                                            const RequestContext& context,
                                            HandlerResult* error) {
  absl::StatusOr<std::unique_ptr<SmapsReader>> smaps =
      SmapsReader::Open(proc_root_, pid);
  if (!smaps.ok()) {
    *error =
        absl::IsNotFound(smaps.status())
            ? ErrorResult(ResponseStatus::kNoSuchProcess,
                          absl::StrCat("no process ", pid))
            : ErrorResult(ResponseStatus::kInternalError,
                          absl::StrCat("cannot read the mappings of "
                                       "process ",
                                       pid, ": ", smaps.status().message()));
    return nullptr;
  }
  ListingIterator* it =
      iterators_->Create(context.host_pid, type, MonotonicNowNs());
  it->map_pid = pid;
  it->smaps = *std::move(smaps);
  return it;
}

std::optional<std::optional<MemoryMapping>> MemoryService::NextMapping(
    ListingIterator* it, absl::string_view during, HandlerResult* error) {
  absl::StatusOr<std::optional<MemoryMapping>> next = it->smaps->Next();
  if (next.ok()) return *std::move(next);
  const uint32_t pid = it->map_pid;
  iterators_->Release(it->id, it->owner_pid);
  *error =
      absl::IsNotFound(next.status())
          ? ErrorResult(
                ResponseStatus::kNoSuchProcess,
                absl::StrCat("process ", pid, " exited during the ", during))
          : ErrorResult(ResponseStatus::kInternalError,
                        absl::StrCat("cannot read the mappings of process ",
                                     pid, ": ", next.status().message()));
  return std::nullopt;
}

HandlerResult MemoryService::Map(const MemoryMapRequest& request,
                                 const RequestContext& context) {
  if (request.iterator_id.has_value()) {
    ListingIterator* it =
        iterators_->Find(*request.iterator_id, context.host_pid,
                         MonotonicNowNs(), RequestType::kGetMemoryMap);
    if (it == nullptr || it->map_pid != request.pid) {
      return ErrorResult(ResponseStatus::kIteratorExpired,
                         "iterator unknown or evicted; resume the map listing "
                         "after its last address");
    }
    return FillMapChunk(it, context.deadline);
  }
  HandlerResult error;
  ListingIterator* it =
      OpenListing(request.pid, RequestType::kGetMemoryMap, context, &error);
  if (it == nullptr) return error;
  it->map_after = request.after_address.value_or(0);
  return FillMapChunk(it, context.deadline);
}

HandlerResult MemoryService::FillMapChunk(ListingIterator* it,
                                          absl::Time deadline) {
  WireWriter writer(kResponsePayloadBytes);
  size_t entries = 0;
  bool ended = false;
  for (;;) {
    // Every chunk that is not the last carries a mapping: the budget
    // applies only once this one holds one.
    if (entries > 0 && absl::Now() >= deadline) break;
    if (!it->pending_mapping.has_value()) {
      HandlerResult error;
      std::optional<std::optional<MemoryMapping>> next =
          NextMapping(it, "listing", &error);
      if (!next.has_value()) return error;
      if (!next->has_value()) {
        ended = true;
        break;
      }
      if ((*next)->end <= it->map_after) continue;  // a resumption's past
      it->pending_mapping = **std::move(next);
    }
    if (!EncodeMemoryMapping(*it->pending_mapping, &writer)) {
      if (entries > 0) break;  // the next chunk starts with it
      // Cannot happen within memory_messages.h's bounds; never loop on it.
      it->pending_mapping.reset();
      continue;
    }
    ++entries;
    ++it->position;
    it->pending_mapping.reset();
  }
  HandlerResult result;
  result.payload = writer.data();
  if (ended) {
    iterators_->Release(it->id, it->owner_pid);
  } else {
    result.flags = kResponseMore;
    result.iterator_id = it->id;
    iterators_->Publish();
  }
  return result;
}

HandlerResult MemoryService::Write(const WriteMemoryRequest& request,
                                   const RequestContext& context) {
  // process_vm_writev stops at the first page it cannot write and returns
  // what it wrote before it, or -1 when it wrote nothing.
  const uint64_t length = request.data.size();
  iovec local{const_cast<char*>(request.data.data()), length};
  iovec remote{reinterpret_cast<void*>(static_cast<uintptr_t>(request.address)),
               length};
  const ssize_t n = ::process_vm_writev(static_cast<pid_t>(request.pid), &local,
                                        1, &remote, 1, 0);
  int error = n < 0 ? errno : (static_cast<uint64_t>(n) < length ? EFAULT : 0);
  const uint64_t bytes = n < 0 ? 0 : static_cast<uint64_t>(n);
  if (HasNoUserMemory(request.pid, error)) error = EFAULT;
  std::fprintf(write_log_,
               "guest-serve: WRITE_MEMORY from host station %u: pid %u, "
               "address 0x%llx, length %llu: %s\n",
               context.host_pid, request.pid,
               static_cast<unsigned long long>(request.address),
               static_cast<unsigned long long>(length),
               error == 0 ? "written"
                          : absl::StrCat("wrote ", bytes, " bytes (",
                                         std::strerror(error), ")")
                                .c_str());
  std::fflush(write_log_);
  if (bytes == 0 && error == ESRCH) {
    return ErrorResult(ResponseStatus::kNoSuchProcess,
                       absl::StrCat("no process ", request.pid));
  }
  if (bytes == 0 && (error == EPERM || error == EACCES)) {
    return ErrorResult(
        ResponseStatus::kInternalError,
        absl::StrCat("not allowed to write the memory of process ", request.pid,
                     " (guest-serve needs root or ptrace rights over it)"));
  }
  WriteMemoryResponse response;
  response.bytes = bytes;
  if (bytes < length) {
    response.fault_address = request.address + bytes;
    response.error = static_cast<uint32_t>(error);
  }
  return Respond<request::WriteMemory>(response);
}

HandlerResult MemoryService::Search(const SearchMemoryRequest& request,
                                    const RequestContext& context) {
  if (request.iterator_id.has_value()) {
    ListingIterator* it =
        iterators_->Find(*request.iterator_id, context.host_pid,
                         MonotonicNowNs(), RequestType::kSearchMemory);
    if (it == nullptr || it->map_pid != request.pid ||
        it->search_pattern != request.pattern) {
      return ErrorResult(ResponseStatus::kIteratorExpired,
                         "iterator unknown or evicted; resume the search at "
                         "its next address");
    }
    return FillSearchChunk(it, context.deadline);
  }
  HandlerResult error;
  ListingIterator* it =
      OpenListing(request.pid, RequestType::kSearchMemory, context, &error);
  if (it == nullptr) return error;
  it->search_pattern = request.pattern;
  it->search_next = request.from_address;
  it->search_max_hits = request.max_hits;
  it->search_hits = 0;
  return FillSearchChunk(it, context.deadline);
}

namespace {

// Mappings whose pages the kernel never hands to another process
// (VM_IO/VM_PFNMAP, or outside the process's page tables).
bool NeverReadable(const MemoryMapping& m) {
  return (m.perms & kMapRead) == 0 || m.path == "[vvar]" ||
         m.path == "[vvar_vclock]" || m.path == "[vsyscall]";
}

// Anonymous memory with no page resident or swapped holds only zeros: a
// search would read it page by page (terabytes, for a sanitizer's shadow
// or a runtime's reservation) to find nothing but zero patterns.
bool UntouchedAnonymous(const MemoryMapping& m) {
  const bool anonymous = m.inode == 0 && (m.path.empty() || m.path[0] == '[');
  return anonymous && m.rss_kb == 0 && m.swap_kb == 0;
}

// What a search chunk says about a mapping: where it is and what it maps.
MemoryMapping SearchMappingOf(const MemoryMapping& m) {
  MemoryMapping lite;
  lite.start = m.start;
  lite.end = m.end;
  lite.perms = m.perms;
  lite.offset = m.offset;
  lite.dev_major = m.dev_major;
  lite.dev_minor = m.dev_minor;
  lite.inode = m.inode;
  lite.path = m.path;
  lite.path_truncated = m.path_truncated;
  return lite;
}

// Room kept for SearchChunk's three integers.
constexpr size_t kSearchTrailerBytes = 64;

}  // namespace

HandlerResult MemoryService::FillSearchChunk(ListingIterator* it,
                                             absl::Time deadline) {
  MappingSearch search(it->search_pattern, kSearchBlockBytes, page_bytes_,
                       kSearchContextBytes, &search_buffer_);
  SearchChunk chunk;
  // Sizes the chunk as it grows: the records appended here are the ones
  // the chunk's encoding holds.
  WireWriter fit(kResponsePayloadBytes - kSearchTrailerBytes);
  const uint32_t pid = it->map_pid;
  bool ended = false;
  uint64_t scanned = 0;
  for (;;) {
    if (!it->pending_mapping.has_value()) {
      HandlerResult error;
      std::optional<std::optional<MemoryMapping>> next =
          NextMapping(it, "search", &error);
      if (!next.has_value()) return error;
      if (!next->has_value()) {
        ended = true;
        break;
      }
      const MemoryMapping& m = **next;
      if (m.end <= it->search_next || NeverReadable(m) ||
          UntouchedAnonymous(m)) {
        it->search_next = std::max(it->search_next, m.end);
      } else {
        it->search_next = std::max(it->search_next, m.start);
        it->pending_mapping = **std::move(next);
      }
    }
    if (it->pending_mapping.has_value()) {
      const MemoryMapping& m = *it->pending_mapping;
      bool mapping_sent =
          !chunk.mappings.empty() && chunk.mappings.back().start == m.start;
      bool full = false;
      bool enough = false;
      MappingSearch::Step step;
      if (!search.Done(it->search_next, m.end)) {
        step = search.SearchBlock(
            m.start, m.end, &it->search_next,
            [&](uint64_t address, uint64_t length, char* out, int* error) {
              return ReadProcess(pid, address, length, out, error);
            },
            [&](uint64_t address, absl::string_view before,
                absl::string_view after) {
              const size_t mark = fit.Mark();
              MemoryMapping lite;
              if (!mapping_sent) {
                lite = SearchMappingOf(m);
                if (!wire::AppendRecord(SearchChunk::kMappingTag, lite, &fit)) {
                  full = true;
                  return false;
                }
              }
              SearchHit hit{address, std::string(before), std::string(after)};
              if (!wire::AppendRecord(SearchChunk::kHitTag, hit, &fit)) {
                fit.Rollback(mark);
                full = true;
                return false;
              }
              if (!mapping_sent) {
                chunk.mappings.push_back(std::move(lite));
                mapping_sent = true;
              }
              chunk.hits.push_back(std::move(hit));
              ++it->search_hits;
              // The last hit asked for ends the listing.
              enough = it->search_max_hits != 0 &&
                       it->search_hits >= it->search_max_hits;
              return !enough;
            });
      }
      scanned += step.scanned_bytes;
      chunk.scanned_bytes += step.scanned_bytes;
      chunk.unreadable_bytes += step.unreadable_bytes;
      if (step.error != 0) {
        iterators_->Release(it->id, it->owner_pid);
        if (step.error == ESRCH) {
          return ErrorResult(
              ResponseStatus::kNoSuchProcess,
              absl::StrCat("process ", pid, " exited during the search"));
        }
        if (step.error == EPERM || step.error == EACCES) {
          return ErrorResult(
              ResponseStatus::kInternalError,
              absl::StrCat("not allowed to read the memory of process ", pid,
                           " (guest-serve needs root or ptrace rights over "
                           "it)"));
        }
        return ErrorResult(ResponseStatus::kInternalError,
                           absl::StrCat("cannot read the memory of process ",
                                        pid, ": ", std::strerror(step.error)));
      }
      if (enough) {
        ended = true;
        break;
      }
      if (full) break;
      if (search.Done(it->search_next, m.end)) {
        it->search_next = std::max(it->search_next, m.end);
        it->pending_mapping.reset();
      }
    }
    // Every pass moved search_next on (or sent hits): the chunk may end.
    if (scanned >= kSearchBytesPerChunk || absl::Now() >= deadline) break;
  }
  chunk.next_address = it->search_next;
  std::optional<std::string> payload =
      EncodeMessage(chunk, kResponsePayloadBytes);
  CHECK(payload.has_value()) << "a search chunk outgrew its response page";
  HandlerResult result;
  result.payload = *std::move(payload);
  if (ended) {
    iterators_->Release(it->id, it->owner_pid);
  } else {
    result.flags = kResponseMore;
    result.iterator_id = it->id;
    iterators_->Publish();
  }
  return result;
}

}  // namespace haywire
