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
#ifndef HAYWIRE_PROTOCOL_PROCESS_EVENT_CODEC_H_
#define HAYWIRE_PROTOCOL_PROCESS_EVENT_CODEC_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

// The largest payload EncodeProcessEvent() produces: every bounded field at
// its bound. An event ring entry is sized so this always fits.
inline constexpr size_t kMaxProcessEventPayloadBytes = 2816;

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
