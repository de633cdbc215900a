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

}  // namespace

uint64_t Client::bulk_window_capacity() const {
  if ((session_->report.identity.capabilities & kCapReadMemory) == 0) return 0;
  return WindowsOf(*session_).capacity();
}

absl::StatusOr<ReadMemoryResponse> Client::ReadMemory(uint32_t pid,
                                                      uint64_t address,
                                                      uint64_t length,
                                                      char* out) {
  const CompanionIdentity& identity = session_->report.identity;
  const BulkWindowLayout windows = WindowsOf(*session_);
  if ((identity.capabilities & kCapReadMemory) == 0 || !windows.present()) {
    return MakeFailure(absl::StatusCode::kUnimplemented,
                       "the companion does not serve READ_MEMORY (no bulk "
                       "windows); update guest-serve in the VM, or start it "
                       "without --bulk-window-kb=0",
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
  ReadMemoryRequest request;
  request.pid = pid;
  request.address = address;
  request.length = std::min(length, windows.capacity());
  request.want_digest = authenticated() || options_.key != nullptr;
  force_keep_ = true;
  absl::StatusOr<ReadMemoryResponse> response =
      Call<request::ReadMemory>(request);
  force_keep_ = false;
  auto release = [this] {
    if (!options_.keep_slot) ReleaseSlot();
  };
  if (!response.ok()) {
    release();
    if (FailureOf(response.status()) == Failure::kNoSuchProcess) {
      return MakeFailure(
          absl::StatusCode::kNotFound,
          absl::StrCat("no process with pid ", pid, " in the guest"),
          Failure::kNoSuchProcess);
    }
    return response.status();
  }
  auto broken = [&](absl::string_view what) {
    release();
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the companion's READ_MEMORY answer ", what),
        Failure::kGuestError);
  };
  if (response->bytes > request.length) {
    return broken(absl::StrCat("claims ", response->bytes,
                               " bytes for a read of ", request.length));
  }
  if (response->bytes < request.length &&
      response->fault_address != address + response->bytes) {
    return broken("stops early without naming the address after its bytes");
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
  CopyFromWindow(session_->region, windows, slot, response->bytes, out);
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
  if (request.want_digest) {
    unsigned char digest[ReadMemoryResponse::kDigestBytes];
    crypto_generichash(digest, sizeof(digest),
                       reinterpret_cast<const unsigned char*>(out),
                       response->bytes, nullptr, 0);
    if (response->digest.size() != sizeof(digest) ||
        sodium_memcmp(digest, response->digest.data(), sizeof(digest)) != 0) {
      release();
      MarkSessionFailed();
      return MakeFailure(
          absl::StatusCode::kPermissionDenied,
          "the bytes of a READ_MEMORY answer do not match its authenticated "
          "digest (altered in the RAM file); nothing more is sent to this "
          "session",
          Failure::kUnauthenticated);
    }
  }
  release();
  return response;
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
  if (!response.ok()) {
    if (FailureOf(response.status()) == Failure::kNoSuchProcess) {
      return MakeFailure(
          absl::StatusCode::kNotFound,
          absl::StrCat("no process with pid ", pid, " in the guest"),
          Failure::kNoSuchProcess);
    }
    return response.status();
  }
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
