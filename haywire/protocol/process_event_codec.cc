// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/process_event_codec.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {

// Fixed fields: 9 integers of 16 bytes each; comm: header + kMaxNameBytes;
// args: kMaxArgsBytes (headers included).
static_assert(kMaxProcessEventPayloadBytes >=
              9 * (kWireFieldHeaderBytes + 8) + kWireFieldHeaderBytes +
                  kMaxNameBytes + kMaxArgsBytes);

absl::Status ProcessEventRecord::WireValidate(const ProcessEventRecord& r) {
  if (!r.kind.has_value()) return absl::DataLossError("event without a kind");
  if (*r.kind < static_cast<uint16_t>(ProcessEventKind::kFork) ||
      *r.kind > static_cast<uint16_t>(ProcessEventKind::kExit)) {
    return absl::DataLossError(absl::StrCat("unknown event kind ", *r.kind));
  }
  if (!r.pid.has_value()) return absl::DataLossError("event without a pid");
  if (r.exit_code.has_value() != r.exit_signal.has_value()) {
    return absl::DataLossError("event has only half of its exit status");
  }
  if (r.exit_signal.has_value() &&
      (*r.exit_signal < 0 || *r.exit_signal > 127)) {
    return absl::DataLossError("event exit signal out of range");
  }
  return absl::OkStatus();
}

absl::string_view ProcessEventKindName(ProcessEventKind kind) {
  switch (kind) {
    case ProcessEventKind::kFork:
      return "fork";
    case ProcessEventKind::kExec:
      return "exec";
    case ProcessEventKind::kExit:
      return "exit";
  }
  return "unknown";
}

std::string EncodeProcessEvent(const ProcessEvent& e) {
  ProcessEventRecord r;
  r.kind = static_cast<uint16_t>(e.kind);
  r.pid = e.pid;
  r.ppid = e.ppid;
  if (e.has_uid) r.uid = e.uid;
  r.guest_mono_ns = e.guest_mono_ns;
  r.guest_unix_ns = e.guest_unix_ns;
  if (e.has_exit_status) {
    r.exit_code = e.exit_code;
    r.exit_signal = e.exit_signal;
  }
  r.comm = e.comm;
  r.args = e.args;
  r.args_truncated = e.args_truncated;
  // Cannot be cut short: the static_assert above bounds every field.
  return EncodeMessage(r);
}

absl::StatusOr<ProcessEvent> DecodeProcessEvent(absl::string_view payload) {
  if (payload.size() > kMaxProcessEventPayloadBytes) {
    return absl::DataLossError(absl::StrCat("event payload of ", payload.size(),
                                            " bytes exceeds ",
                                            kMaxProcessEventPayloadBytes));
  }
  absl::StatusOr<ProcessEventRecord> r =
      DecodeMessage<ProcessEventRecord>(payload);
  if (!r.ok()) return r.status();
  ProcessEvent e;
  e.kind = static_cast<ProcessEventKind>(*r->kind);
  e.pid = *r->pid;
  e.ppid = r->ppid;
  e.has_uid = r->uid.has_value();
  e.uid = r->uid.value_or(0);
  e.guest_mono_ns = r->guest_mono_ns;
  e.guest_unix_ns = r->guest_unix_ns;
  e.has_exit_status = r->exit_code.has_value();
  e.exit_code = r->exit_code.value_or(0);
  e.exit_signal = r->exit_signal.value_or(0);
  e.comm = std::move(r->comm);
  e.args = std::move(r->args);
  e.args_truncated = r->args_truncated;
  return e;
}

}  // namespace haywire
