// Copyright 2026 The Haywire Authors.
//
// What the field lists of messages.h cannot say: checks across fields, and
// the record helpers of a listing chunk.

#include "haywire/protocol/messages.h"

#include "absl/strings/str_cat.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

absl::Status ProcessEntry::WireValidate(const ProcessEntry& e) {
  if (e.pid == 0) return absl::DataLossError("process entry without a pid");
  return absl::OkStatus();
}

absl::Status SystemSummary::WireValidate(const SystemSummary& s) {
  // Values a real kernel cannot produce would make the host divide by zero
  // or show negative "used" memory.
  for (const uint64_t load : s.load_average_milli) {
    if (load > kMaxLoadAverageMilli) {
      return absl::DataLossError(
          absl::StrCat("load average ", load, "/1000 out of range"));
    }
  }
  const uint64_t counted = uint64_t{s.tasks_running} + s.tasks_sleeping +
                           s.tasks_stopped + s.tasks_zombie;
  if (counted > s.tasks_total) {
    return absl::DataLossError(absl::StrCat("task counts add up to ", counted,
                                            ", more than the total ",
                                            s.tasks_total));
  }
  if (s.clock_ticks_per_second == 0 ||
      s.clock_ticks_per_second > kMaxClockTicksPerSecond) {
    return absl::DataLossError(absl::StrCat(
        "clock tick rate ", s.clock_ticks_per_second, " out of range"));
  }
  if (s.cpu_count == 0 || s.cpu_count > kMaxCpus) {
    return absl::DataLossError(
        absl::StrCat("CPU count ", s.cpu_count, " out of range"));
  }
  if (s.mem_free_kb > s.mem_total_kb || s.mem_available_kb > s.mem_total_kb) {
    return absl::DataLossError("free memory exceeds total memory");
  }
  if (s.swap_free_kb > s.swap_total_kb) {
    return absl::DataLossError("free swap exceeds total swap");
  }
  return absl::OkStatus();
}

absl::Status ProcessInfoRequest::WireValidate(const ProcessInfoRequest& r) {
  if (r.pid == 0) return absl::InvalidArgumentError("request names no pid");
  return absl::OkStatus();
}

absl::Status IteratorRequest::WireValidate(const IteratorRequest& r) {
  if (r.iterator_id == 0) {
    return absl::InvalidArgumentError("request names no iterator");
  }
  return absl::OkStatus();
}

absl::Status AuthChallengeRequest::WireValidate(const AuthChallengeRequest& r) {
  if (r.host_nonce.size() != kNonceBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("challenge nonce of ", r.host_nonce.size(), " bytes, not ",
                     kNonceBytes));
  }
  return absl::OkStatus();
}

absl::Status AuthChallengeResponse::WireValidate(
    const AuthChallengeResponse& r) {
  if (r.companion_nonce.size() != kNonceBytes ||
      r.proof.size() != kProofBytes) {
    return absl::DataLossError(absl::StrCat(
        "challenge answer with a nonce of ", r.companion_nonce.size(),
        " bytes and a proof of ", r.proof.size(), " (want ", kNonceBytes,
        " and ", kProofBytes, ")"));
  }
  if (r.channel_id == 0) {
    return absl::DataLossError("challenge answer names no channel");
  }
  return absl::OkStatus();
}

bool EncodeListHeader(const ListHeader& header, WireWriter* writer) {
  return wire::AppendRecord(ListChunk::kHeaderTag, header, writer);
}

bool EncodeProcessEntry(const ProcessEntry& entry, WireWriter* writer) {
  return wire::AppendRecord(ListChunk::kEntryTag, entry, writer);
}

std::string EncodeErrorMessage(absl::string_view message) {
  return EncodeMessage(ErrorMessage{std::string(message)},
                       kMaxErrorMessageBytes + kWireFieldHeaderBytes)
      .value_or("");
}

std::string DecodeErrorMessage(absl::string_view payload) {
  absl::StatusOr<ErrorMessage> decoded = DecodeMessage<ErrorMessage>(payload);
  return decoded.ok() ? std::move(decoded->message) : "";
}

}  // namespace haywire
