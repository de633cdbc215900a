// Copyright 2026 The Haywire Authors.
//
// Client's requests on a process's memory: READ_MEMORY through the
// request slots' bulk windows (haywire/protocol/bulk_window.h), and
// WRITE_MEMORY.

#include <sodium.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "haywire/host/client.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

BulkWindowLayout WindowsOf(const LiveSession& session) {
  return BulkWindowLayout{session.report.identity.bulk_window_first_page,
                          session.report.identity.bulk_window_pages};
}

// `status`, or for the companion's "no process" the host's own message.
absl::Status NamingThePid(const absl::Status& status, uint32_t pid) {
  if (FailureOf(status) != Failure::kNoSuchProcess) return status;
  return MakeFailure(absl::StatusCode::kNotFound,
                     absl::StrCat("no process with pid ", pid, " in the guest"),
                     Failure::kNoSuchProcess);
}

}  // namespace

uint64_t Client::bulk_window_capacity() const {
  if ((session_->report.identity.capabilities & kCapReadMemory) == 0) return 0;
  return WindowsOf(*session_).capacity();
}

absl::StatusOr<BulkWindowLayout> Client::UsableWindows(
    uint64_t capability, absl::string_view what) const {
  const CompanionIdentity& identity = session_->report.identity;
  const BulkWindowLayout windows = WindowsOf(*session_);
  if ((identity.capabilities & capability) == 0 || !windows.present()) {
    return MakeFailure(
        absl::StatusCode::kUnimplemented,
        absl::StrCat("the companion does not serve ", what,
                     " (no bulk windows, or an older guest-serve); update "
                     "guest-serve in the VM, or start it without "
                     "--bulk-window-kb=0"),
        Failure::kVersionMismatch);
  }
  if (absl::Status s = ValidateBulkWindows(
          windows, session_->region.page_count(),
          identity.event_ring_first_page, identity.event_ring_page_count);
      !s.ok()) {
    return MakeFailure(absl::StatusCode::kDataLoss,
                       absl::StrCat("the companion's beacon: ", s.message()),
                       Failure::kGuestError);
  }
  return windows;
}

absl::Status Client::ReceiveWindow(const BulkWindowLayout& windows,
                                   uint64_t bytes, bool want_digest,
                                   absl::string_view digest,
                                   absl::string_view what, char* out) {
  auto release = [this] {
    if (!options_.keep_slot) ReleaseSlot();
  };
  auto broken = [&](absl::string_view why) {
    release();
    return MakeFailure(absl::StatusCode::kDataLoss,
                       absl::StrCat("the companion's ", what, " answer ", why),
                       Failure::kGuestError);
  };
  if (bytes > windows.capacity()) {
    return broken(absl::StrCat("claims ", bytes, " bytes of a ",
                               windows.capacity(), "-byte window"));
  }
  if (!kept_.has_value()) return broken("left no slot to read");
  const uint32_t slot = static_cast<uint32_t>(kept_->index);
  // The window's pages must be this session's bulk pages, where discovery
  // (or the cache) says they are: checked once per slot.
  if ((windows_checked_ & (1u << slot)) == 0) {
    for (uint32_t k = 0; k < windows.pages_per_window; ++k) {
      const uint32_t index = windows.page(slot, k);
      const PageHeader h = ReadPageHeader(session_->region.pages().page(index));
      if (CheckPageHeader(h) != HeaderVerdict::kValid ||
          h.session_id != session_->report.pages.session_id ||
          h.page_index != index ||
          h.kind != static_cast<uint16_t>(PageKind::kBulk)) {
        return broken(absl::StrCat("uses page ", index,
                                   ", which is not one of its bulk pages"));
      }
    }
    windows_checked_ |= 1u << slot;
  }
  CopyFromWindow(session_->region, windows, slot, bytes, out);
  // Seqlock-style: the slot must still be ours, as kept, after the copy
  // (bulk_window.h); the fence orders the relaxed copy before the re-check.
  AcquireFenceAfterCopy();
  if (LoadRelaxed(session_->region.request_slot(slot).state) !=
      kept_->word.Pack()) {
    kept_.reset();
    return MakeFailure(absl::StatusCode::kAborted,
                       "the request slot changed hands while its bulk window "
                       "was read",
                       Failure::kGuestError);
  }
  release();
  if (want_digest) {
    // A key always opens a channel before the request is sent (CallRaw).
    const bool matches =
        channel_.has_value() &&
        auth::ConstantTimeEqual(
            auth::SipHash128(channel_->window_key,
                             absl::MakeConstSpan(
                                 reinterpret_cast<const uint8_t*>(out), bytes)),
            absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(digest.data()),
                                digest.size()));
    if (!matches) {
      MarkSessionFailed();
      return MakeFailure(
          absl::StatusCode::kPermissionDenied,
          absl::StrCat("the bytes of a ", what,
                       " answer do not match its authenticated digest "
                       "(altered in the RAM file); nothing more is sent to "
                       "this session"),
          Failure::kUnauthenticated);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ReadMemoryResponse> Client::ReadMemory(uint32_t pid,
                                                      uint64_t address,
                                                      uint64_t length,
                                                      char* out) {
  absl::StatusOr<BulkWindowLayout> windows =
      UsableWindows(kCapReadMemory, "READ_MEMORY");
  if (!windows.ok()) return windows.status();
  ReadMemoryRequest request;
  request.pid = pid;
  request.address = address;
  request.length = std::min(length, windows->capacity());
  request.want_digest = authenticated() || options_.key != nullptr;
  absl::StatusOr<ReadMemoryResponse> response =
      CallForWindow<request::ReadMemory>(request);
  if (!response.ok()) return NamingThePid(response.status(), pid);
  if (response->bytes > request.length ||
      (response->bytes < request.length &&
       response->fault_address != address + response->bytes)) {
    if (!options_.keep_slot) ReleaseSlot();
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the companion's READ_MEMORY answer ",
                     response->bytes > request.length
                         ? absl::StrCat("claims ", response->bytes,
                                        " bytes for a read of ", request.length)
                         : std::string("stops early without naming the "
                                       "address after its bytes")),
        Failure::kGuestError);
  }
  if (absl::Status s =
          ReceiveWindow(*windows, response->bytes, request.want_digest,
                        response->digest, "READ_MEMORY", out);
      !s.ok()) {
    return s;
  }
  return response;
}

absl::StatusOr<bool> Client::GetCommandLine(uint32_t pid, uint64_t offset,
                                            std::string* out) {
  absl::StatusOr<BulkWindowLayout> windows =
      UsableWindows(kCapCommandLine, "GET_COMMAND_LINE");
  if (!windows.ok()) return windows.status();
  CommandLineRequest request;
  request.pid = pid;
  request.offset = offset;
  request.want_digest = authenticated() || options_.key != nullptr;
  absl::StatusOr<CommandLineResponse> response =
      CallForWindow<request::GetCommandLine>(request);
  if (!response.ok()) return NamingThePid(response.status(), pid);
  const size_t before = out->size();
  out->resize(before + std::min(response->bytes, windows->capacity()));
  if (absl::Status s = ReceiveWindow(*windows, response->bytes,
                                     request.want_digest, response->digest,
                                     "GET_COMMAND_LINE", out->data() + before);
      !s.ok()) {
    out->resize(before);
    return s;
  }
  return response->ended;
}

absl::StatusOr<uint32_t> Client::GetPageMap(uint32_t pid, uint64_t first_page,
                                            uint64_t pages,
                                            std::vector<uint64_t>* out) {
  absl::StatusOr<BulkWindowLayout> windows =
      UsableWindows(kCapPageMap, "GET_PAGE_MAP");
  if (!windows.ok()) return windows.status();
  PageMapRequest request;
  request.pid = pid;
  request.first_page = first_page;
  request.pages = std::min(pages, windows->capacity() / kPageMapEntryBytes);
  request.want_digest = authenticated() || options_.key != nullptr;
  absl::StatusOr<PageMapResponse> response =
      CallForWindow<request::GetPageMap>(request);
  if (!response.ok()) return NamingThePid(response.status(), pid);
  if (response->pages > request.pages) {
    if (!options_.keep_slot) ReleaseSlot();
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the companion's GET_PAGE_MAP answer claims ",
                     response->pages, " entries for ", request.pages, " pages"),
        Failure::kGuestError);
  }
  const size_t before = out->size();
  out->resize(before + response->pages);
  if (absl::Status s =
          ReceiveWindow(*windows, response->pages * kPageMapEntryBytes,
                        request.want_digest, response->digest, "GET_PAGE_MAP",
                        reinterpret_cast<char*>(out->data() + before));
      !s.ok()) {
    out->resize(before);
    return s;
  }
  return response->page_bytes;
}

absl::StatusOr<WriteMemoryResponse> Client::WriteMemory(
    uint32_t pid, uint64_t address, absl::string_view data) {
  if ((session_->report.identity.capabilities & kCapWriteMemory) == 0) {
    return MakeFailure(absl::StatusCode::kPermissionDenied,
                       "the companion does not allow memory writes (start "
                       "guest-serve with --allow-memory-write; that needs "
                       "the VM key)",
                       Failure::kWriteNotAllowed);
  }
  // With a key, CallRaw opens the channel (or fails) before it sends.
  if (options_.key == nullptr && !authenticated()) {
    return MakeFailure(absl::StatusCode::kPermissionDenied,
                       "a write needs an authenticated session: pass the VM "
                       "key with --key-file (or keep it at <mem-file>.key)",
                       Failure::kUnauthenticated);
  }
  WriteMemoryRequest request;
  request.pid = pid;
  request.address = address;
  request.data = std::string(data);
  absl::StatusOr<WriteMemoryResponse> response =
      Call<request::WriteMemory>(request);
  if (!response.ok()) return NamingThePid(response.status(), pid);
  if (response->bytes > data.size() ||
      (response->bytes < data.size() &&
       response->fault_address != address + response->bytes)) {
    return MakeFailure(absl::StatusCode::kDataLoss,
                       absl::StrCat("the companion's WRITE_MEMORY answer "
                                    "claims ",
                                    response->bytes, " bytes of ", data.size(),
                                    " without naming where it stopped"),
                       Failure::kGuestError);
  }
  return response;
}

}  // namespace haywire
