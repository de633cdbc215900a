// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/process_event_codec.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

namespace tag {
inline constexpr uint16_t kKind = 1;
inline constexpr uint16_t kPid = 2;
inline constexpr uint16_t kPpid = 3;
inline constexpr uint16_t kUid = 4;
inline constexpr uint16_t kGuestMonoNs = 5;
inline constexpr uint16_t kGuestUnixNs = 6;
inline constexpr uint16_t kExitCode = 7;
inline constexpr uint16_t kExitSignal = 8;
inline constexpr uint16_t kComm = 9;
inline constexpr uint16_t kArg = 10;
inline constexpr uint16_t kFlags = 11;
}  // namespace tag

inline constexpr uint64_t kFlagArgsTruncated = 1u << 0;

// Fixed fields: 9 integers of 16 bytes each; comm: header + kMaxNameBytes;
// args: kMaxArgsBytes (headers included).
static_assert(kMaxProcessEventPayloadBytes >=
              9 * (kWireFieldHeaderBytes + 8) + kWireFieldHeaderBytes +
                  kMaxNameBytes + kMaxArgsBytes);

absl::StatusOr<uint32_t> WireU32(const WireField& field, const char* name) {
  absl::StatusOr<uint64_t> value = WireU64(field);
  if (!value.ok()) return value.status();
  if (*value > std::numeric_limits<uint32_t>::max()) {
    return absl::DataLossError(absl::StrCat("event ", name, " out of range"));
  }
  return static_cast<uint32_t>(*value);
}

}  // namespace

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
  WireWriter w(kMaxProcessEventPayloadBytes);
  w.PutU64(tag::kKind, static_cast<uint64_t>(e.kind));
  w.PutU64(tag::kPid, e.pid);
  w.PutU64(tag::kPpid, e.ppid);
  if (e.has_uid) w.PutU64(tag::kUid, e.uid);
  w.PutU64(tag::kGuestMonoNs, e.guest_mono_ns);
  w.PutU64(tag::kGuestUnixNs, e.guest_unix_ns);
  if (e.has_exit_status) {
    w.PutI64(tag::kExitCode, e.exit_code);
    w.PutI64(tag::kExitSignal, e.exit_signal);
  }
  w.PutString(tag::kComm, absl::string_view(e.comm).substr(0, kMaxNameBytes));
  // The same bounds as a ProcessEntry's command line (messages.h): at most
  // kMaxArgs arguments and kMaxArgsBytes of encoded fields; the argument
  // that crosses the limit is cut rather than dropped.
  bool truncated = e.args_truncated;
  size_t bytes = 0;
  for (size_t i = 0; i < e.args.size(); ++i) {
    const std::string& arg = e.args[i];
    if (i == kMaxArgs) {
      truncated = true;
      break;
    }
    const size_t encoded = kWireFieldHeaderBytes + arg.size();
    if (bytes + encoded > kMaxArgsBytes) {
      if (bytes + kWireFieldHeaderBytes < kMaxArgsBytes) {
        w.PutString(tag::kArg,
                    absl::string_view(arg).substr(
                        0, kMaxArgsBytes - bytes - kWireFieldHeaderBytes));
      }
      truncated = true;
      break;
    }
    w.PutString(tag::kArg, arg);
    bytes += encoded;
  }
  w.PutU64(tag::kFlags, truncated ? kFlagArgsTruncated : 0);
  // Cannot overflow: the static_assert above bounds every field.
  return w.data();
}

absl::StatusOr<ProcessEvent> DecodeProcessEvent(absl::string_view payload) {
  if (payload.size() > kMaxProcessEventPayloadBytes) {
    return absl::DataLossError(absl::StrCat("event payload of ", payload.size(),
                                            " bytes exceeds ",
                                            kMaxProcessEventPayloadBytes));
  }
  ProcessEvent e;
  bool has_kind = false;
  bool has_pid = false;
  bool has_code = false;
  bool has_signal = false;
  size_t arg_bytes = 0;
  WireReader reader(payload);
  WireField f;
  while (true) {
    absl::StatusOr<bool> next = reader.Next(&f);
    if (!next.ok()) return next.status();
    if (!*next) break;
    switch (f.tag) {
      case tag::kKind: {
        absl::StatusOr<uint64_t> kind = WireU64(f);
        if (!kind.ok()) return kind.status();
        if (*kind < static_cast<uint64_t>(ProcessEventKind::kFork) ||
            *kind > static_cast<uint64_t>(ProcessEventKind::kExit)) {
          return absl::DataLossError(
              absl::StrCat("unknown event kind ", *kind));
        }
        e.kind = static_cast<ProcessEventKind>(*kind);
        has_kind = true;
        break;
      }
      case tag::kPid: {
        absl::StatusOr<uint32_t> v = WireU32(f, "pid");
        if (!v.ok()) return v.status();
        e.pid = *v;
        has_pid = true;
        break;
      }
      case tag::kPpid: {
        absl::StatusOr<uint32_t> v = WireU32(f, "ppid");
        if (!v.ok()) return v.status();
        e.ppid = *v;
        break;
      }
      case tag::kUid: {
        absl::StatusOr<uint32_t> v = WireU32(f, "uid");
        if (!v.ok()) return v.status();
        e.uid = *v;
        e.has_uid = true;
        break;
      }
      case tag::kGuestMonoNs: {
        absl::StatusOr<uint64_t> v = WireU64(f);
        if (!v.ok()) return v.status();
        e.guest_mono_ns = *v;
        break;
      }
      case tag::kGuestUnixNs: {
        absl::StatusOr<uint64_t> v = WireU64(f);
        if (!v.ok()) return v.status();
        e.guest_unix_ns = *v;
        break;
      }
      case tag::kExitCode: {
        absl::StatusOr<int64_t> v = WireI64(f);
        if (!v.ok()) return v.status();
        if (*v < std::numeric_limits<int32_t>::min() ||
            *v > std::numeric_limits<int32_t>::max()) {
          return absl::DataLossError("event exit code out of range");
        }
        e.exit_code = static_cast<int32_t>(*v);
        has_code = true;
        break;
      }
      case tag::kExitSignal: {
        absl::StatusOr<int64_t> v = WireI64(f);
        if (!v.ok()) return v.status();
        if (*v < 0 || *v > 127) {
          return absl::DataLossError("event exit signal out of range");
        }
        e.exit_signal = static_cast<int32_t>(*v);
        has_signal = true;
        break;
      }
      case tag::kComm: {
        absl::StatusOr<std::string> v = WireString(f, kMaxNameBytes);
        if (!v.ok()) return v.status();
        e.comm = *std::move(v);
        break;
      }
      case tag::kArg: {
        absl::StatusOr<std::string> v = WireString(f, kMaxArgsBytes);
        if (!v.ok()) return v.status();
        arg_bytes += kWireFieldHeaderBytes + v->size();
        if (e.args.size() >= kMaxArgs || arg_bytes > kMaxArgsBytes) {
          return absl::DataLossError("event command line exceeds its limits");
        }
        e.args.push_back(*std::move(v));
        break;
      }
      case tag::kFlags: {
        absl::StatusOr<uint64_t> v = WireU64(f);
        if (!v.ok()) return v.status();
        e.args_truncated = (*v & kFlagArgsTruncated) != 0;
        break;
      }
      default:
        break;  // A newer writer's field.
    }
  }
  if (!has_kind) return absl::DataLossError("event without a kind");
  if (!has_pid) return absl::DataLossError("event without a pid");
  if (has_code != has_signal) {
    return absl::DataLossError("event has only half of its exit status");
  }
  e.has_exit_status = has_code;
  return e;
}

}  // namespace haywire
