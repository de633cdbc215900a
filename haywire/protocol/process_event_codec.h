// Copyright 2026 The Haywire Authors.
//
// The wire encoding of one ProcessEvent: the payload of an event ring entry
// (see event_ring.h), in the TLV format of wire_format.h.
//
//   tag  field                       value
//   1    kind                        u64: ProcessEventKind (1 fork, 2 exec,
//                                    3 exit); required
//   2    pid                         u64 < 2^32; required
//   3    ppid                        u64 < 2^32
//   4    uid                         u64 < 2^32; present = has_uid
//   5    guest_mono_ns               u64
//   6    guest_unix_ns               u64
//   7    exit_code                   i64 in int32 range; present (with 8) =
//                                    has_exit_status
//   8    exit_signal                 i64 in [0, 127]
//   9    comm                        string, at most kMaxNameBytes
//   10   arg                         string, repeated in order; bounded like
//                                    ProcessEntry::args (kMaxArgs,
//                                    kMaxArgsBytes)
//   11   flags                       u64: bit 0 = args_truncated
//
// The sequence number is not part of the payload: the ring's entry header
// carries it. Unknown tags are skipped, so fields can be added later.
//
// The table is ProcessEventRecord's field list; EncodeProcessEvent and
// DecodeProcessEvent convert between it and ProcessEvent, whose presence
// flags (has_uid, has_exit_status) become optional members on the wire.
#ifndef HAYWIRE_PROTOCOL_PROCESS_EVENT_CODEC_H_
#define HAYWIRE_PROTOCOL_PROCESS_EVENT_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

// The largest payload EncodeProcessEvent() produces: every bounded field at
// its bound. An event ring entry is sized so this always fits.
inline constexpr size_t kMaxProcessEventPayloadBytes = 2816;

// A ProcessEvent as it crosses the ring: the table above, one member per
// tag. Required fields are optional here so that their absence is seen.
struct ProcessEventRecord {
  std::optional<uint16_t> kind;
  std::optional<uint32_t> pid;
  uint32_t ppid = 0;
  std::optional<uint32_t> uid;
  uint64_t guest_mono_ns = 0;
  uint64_t guest_unix_ns = 0;
  std::optional<int32_t> exit_code;
  std::optional<int32_t> exit_signal;
  std::string comm;
  std::vector<std::string> args;
  bool args_truncated = false;

  static constexpr absl::string_view kWireName = "event";
  static constexpr auto WireFields() {
    using R = ProcessEventRecord;
    return std::tuple(
        wire::OptInt(1, &R::kind), wire::OptInt(2, &R::pid),
        wire::Int(3, &R::ppid), wire::OptInt(4, &R::uid),
        wire::Int(5, &R::guest_mono_ns), wire::Int(6, &R::guest_unix_ns),
        wire::OptInt(7, &R::exit_code), wire::OptInt(8, &R::exit_signal),
        wire::Str(9, &R::comm, kMaxNameBytes),
        wire::StrList(10, &R::args, kMaxArgs, kMaxArgsBytes),
        wire::Flags(11, wire::TruncatedBit(&R::args_truncated)));
  }
  // DataLoss unless kind is a known ProcessEventKind, pid is present, the
  // exit status is whole (code and signal, or neither) and the signal is in
  // [0, 127].
  static absl::Status WireValidate(const ProcessEventRecord& r);
};

// Encodes `event` (sequence excluded). Strings and the command line are cut
// to the limits above (args_truncated is then set), so the result is never
// larger than kMaxProcessEventPayloadBytes.
std::string EncodeProcessEvent(const ProcessEvent& event);

// Decodes a payload. Trusts nothing: fails with DataLoss on malformed TLV, a
// missing or unknown kind, a missing pid, out-of-range numbers, or strings
// and command lines past their bounds. `sequence` is left 0.
absl::StatusOr<ProcessEvent> DecodeProcessEvent(absl::string_view payload);

// "fork", "exec", "exit", or "unknown".
absl::string_view ProcessEventKindName(ProcessEventKind kind);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_PROCESS_EVENT_CODEC_H_
