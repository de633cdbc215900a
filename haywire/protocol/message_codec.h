// Copyright 2026 The Haywire Authors.
//
// Message codec: each message's wire form, described once.
//
// A payload message (messages.h) lists its fields, in wire order, in one
// static function:
//
//   struct ListHeader {
//     uint64_t now_unix_ns = 0;
//     uint32_t total_processes = 0;
//     static constexpr auto WireFields() {
//       return std::tuple(wire::Int(1, &ListHeader::now_unix_ns),
//                         wire::Int(5, &ListHeader::total_processes));
//     }
//   };
//
// and EncodeMessage / DecodeMessage derive both directions from that list,
// so the two can never disagree. Encoding writes the fields in list order
// (the order is part of the wire format, pinned by wire_golden_test);
// decoding reads fields by tag, in any order, skips tags it does not know (a
// newer peer's fields), and lets a repeated scalar's last value win.
//
// Decoding trusts nothing: every integer must fit its member's type, every
// string its bound, every list its count and byte bounds; a message may add
// a static `absl::Status WireValidate(const M&)` for checks across fields
// (a required nonzero pid, free memory within total). Encoding applies the
// same bounds (strings are cut, lists truncated), so what one side encodes
// the other side accepts.
//
// A message whose payload is one record under a top-level tag (a response
// carrying a ProcessInfo) says so with `static constexpr uint16_t
// kWireRecordTag`; exactly one such record must be present. Messages used
// in error texts name themselves with `static constexpr absl::string_view
// kWireName`.
//
// The field kinds are in message_fields.h.
#ifndef HAYWIRE_PROTOCOL_MESSAGE_CODEC_H_
#define HAYWIRE_PROTOCOL_MESSAGE_CODEC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/message_fields.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace wire {

// ---- Messages -----------------------------------------------------------------

template <typename M>
constexpr absl::string_view NameOf() {
  if constexpr (requires { M::kWireName; }) {
    return M::kWireName;
  } else {
    return "message";
  }
}

template <WireMessage M>
void EncodeFields(const M& m, WireWriter* w);
template <WireMessage M>
absl::Status DecodeFields(absl::string_view data, M* m);

template <WireMessage M>
absl::Status Validate(const M& m) {
  if constexpr (requires { M::WireValidate(m); }) {
    return M::WireValidate(m);
  } else {
    return absl::OkStatus();
  }
}

template <typename A, typename M>
void EncodeField(const MsgField<A>& f, const M& m, WireWriter* w,
                 EncodeState*) {
  const size_t mark = w->BeginRecord(f.tag);
  EncodeFields(f.at(m), w);
  w->EndRecord(mark);
}
template <typename A, typename M>
void EncodeField(const OptMsgField<A>& f, const M& m, WireWriter* w,
                 EncodeState*) {
  if (!f.at(m).has_value()) return;
  const size_t mark = w->BeginRecord(f.tag);
  EncodeFields(*f.at(m), w);
  w->EndRecord(mark);
}
template <typename A, typename M>
void EncodeField(const MsgsField<A>& f, const M& m, WireWriter* w,
                 EncodeState*) {
  for (const auto& item : f.at(m)) {
    const size_t mark = w->BeginRecord(f.tag);
    EncodeFields(item, w);
    w->EndRecord(mark);
  }
}
template <typename F, typename M>
void EncodeField(const F& f, const M& m, WireWriter* w, EncodeState* state) {
  f.Encode(m, w, state);
}

template <typename Sub>
absl::StatusOr<Sub> DecodeNested(const WireField& f) {
  Sub sub;
  if (absl::Status s = DecodeFields(f.value, &sub); !s.ok()) return s;
  if (absl::Status s = Validate(sub); !s.ok()) return s;
  return sub;
}

template <typename A, typename M>
absl::Status DecodeField(const MsgField<A>& f, const WireField& field, M* m) {
  using Sub = std::remove_cvref_t<decltype(f.at(*m))>;
  absl::StatusOr<Sub> sub = DecodeNested<Sub>(field);
  if (!sub.ok()) return sub.status();
  f.at(*m) = *std::move(sub);
  return absl::OkStatus();
}
template <typename A, typename M>
absl::Status DecodeField(const OptMsgField<A>& f, const WireField& field,
                         M* m) {
  using Sub = typename std::remove_cvref_t<decltype(f.at(*m))>::value_type;
  if (f.at(*m).has_value()) {
    return absl::DataLossError(absl::StrCat(NameOf<M>(), " holds two ",
                                            NameOf<Sub>(), " records (tag ",
                                            f.tag, ")"));
  }
  absl::StatusOr<Sub> sub = DecodeNested<Sub>(field);
  if (!sub.ok()) return sub.status();
  f.at(*m) = *std::move(sub);
  return absl::OkStatus();
}
template <typename A, typename M>
absl::Status DecodeField(const MsgsField<A>& f, const WireField& field, M* m) {
  using Sub = typename std::remove_cvref_t<decltype(f.at(*m))>::value_type;
  absl::StatusOr<Sub> sub = DecodeNested<Sub>(field);
  if (!sub.ok()) return sub.status();
  f.at(*m).push_back(*std::move(sub));
  return absl::OkStatus();
}
template <typename F, typename M>
absl::Status DecodeField(const F& f, const WireField& field, M* m) {
  return f.Decode(field, m);
}

template <typename F>
constexpr bool IsRequired(const F&) {
  return false;
}
template <typename A>
constexpr bool IsRequired(const MsgField<A>& f) {
  return f.required;
}

// Appends the fields of `m`, in list order. Overflow is sticky in `w`.
template <WireMessage M>
void EncodeFields(const M& m, WireWriter* w) {
  EncodeState state;
  std::apply([&](const auto&... f) { (EncodeField(f, m, w, &state), ...); },
             M::WireFields());
}

// Decodes the fields in `data` into `m` (not validated as a whole).
template <WireMessage M>
absl::Status DecodeFields(absl::string_view data, M* m) {
  constexpr auto kFields = M::WireFields();
  constexpr size_t kCount = std::tuple_size_v<decltype(kFields)>;
  std::array<bool, kCount> seen = {};
  absl::Status status =
      ForEachWireField(data, [&](const WireField& field) -> absl::Status {
        absl::Status decoded;
        [&]<size_t... I>(std::index_sequence<I...>) {
          // The first field of the list with this tag; unknown tags are
          // skipped.
          (void)((std::get<I>(kFields).tag == field.tag
                      ? (decoded = DecodeField(std::get<I>(kFields), field, m),
                         seen[I] = true, true)
                      : false) ||
                 ...);
        }
        (std::make_index_sequence<kCount>());
        return decoded;
      });
  if (!status.ok()) return status;
  absl::Status missing;
  [&]<size_t... I>(std::index_sequence<I...>) {
    (void)((IsRequired(std::get<I>(kFields)) && !seen[I]
                ? (missing = absl::DataLossError(absl::StrCat(
                       NameOf<M>(), " lacks its required record (tag ",
                       std::get<I>(kFields).tag, ")")),
                   true)
                : false) ||
           ...);
  }
  (std::make_index_sequence<kCount>());
  return missing;
}

// Appends `m` as a record under `tag`; all or nothing.
template <WireMessage M>
bool AppendRecord(uint16_t tag, const M& m, WireWriter* w) {
  const size_t mark = w->Mark();
  const size_t record = w->BeginRecord(tag);
  if (record != SIZE_MAX) {
    EncodeFields(m, w);
    w->EndRecord(record);
  }
  if (record == SIZE_MAX || w->overflowed()) {
    w->Rollback(mark);
    return false;
  }
  return true;
}

template <typename M>
constexpr uint16_t RecordTagOf() {
  if constexpr (requires { M::kWireRecordTag; }) {
    return M::kWireRecordTag;
  } else {
    return 0;
  }
}

// Every top-level member offset the field list covers, for the coverage
// test (message_codec_test).
template <typename F, typename M>
void AddOffsets(const F& f, const M& m, std::vector<size_t>* out) {
  if constexpr (requires { f.bits; }) {
    std::apply(
        [&](const auto&... bit) { (out->push_back(bit.at.TopOffset(m)), ...); },
        f.bits);
  } else {
    out->push_back(f.at.TopOffset(m));
  }
}

}  // namespace wire

// True for a message without fields (EmptyMessage): its payload is empty,
// and any payload decodes to it.
template <WireMessage M>
constexpr bool HasNoFields() {
  return std::tuple_size_v<decltype(M::WireFields())> == 0;
}

// Appends the payload of `m` to `w` (as one record when M has a
// kWireRecordTag); all or nothing. False if it does not fit.
template <WireMessage M>
bool EncodeMessage(const M& m, WireWriter* w) {
  if constexpr (wire::RecordTagOf<M>() != 0) {
    return wire::AppendRecord(wire::RecordTagOf<M>(), m, w);
  } else {
    const size_t mark = w->Mark();
    wire::EncodeFields(m, w);
    if (w->overflowed()) {
      w->Rollback(mark);
      return false;
    }
    return true;
  }
}

// The payload of `m`, whatever its size (requests check theirs when they
// are published).
template <WireMessage M>
std::string EncodeMessage(const M& m) {
  WireWriter w(SIZE_MAX);
  EncodeMessage(m, &w);
  return w.data();
}

// The payload of `m`, at most `capacity` bytes (nullopt if larger).
template <WireMessage M>
std::optional<std::string> EncodeMessage(const M& m, size_t capacity) {
  WireWriter w(capacity);
  if (!EncodeMessage(m, &w)) return std::nullopt;
  return w.data();
}

// Decodes and validates a payload. DataLoss for malformed bytes (or what
// WireValidate returns).
template <WireMessage M>
absl::StatusOr<M> DecodeMessage(absl::string_view payload) {
  M m;
  if constexpr (wire::RecordTagOf<M>() != 0) {
    bool found = false;
    absl::Status status =
        ForEachWireField(payload, [&](const WireField& field) -> absl::Status {
          if (field.tag != wire::RecordTagOf<M>()) return absl::OkStatus();
          if (found) {
            return absl::DataLossError(absl::StrCat(
                "payload holds two ", wire::NameOf<M>(), " records"));
          }
          found = true;
          return wire::DecodeFields(field.value, &m);
        });
    if (!status.ok()) return status;
    if (!found) {
      return absl::DataLossError(
          absl::StrCat("payload holds no ", wire::NameOf<M>(), " record"));
    }
  } else {
    if (absl::Status s = wire::DecodeFields(payload, &m); !s.ok()) return s;
  }
  if (absl::Status s = wire::Validate(m); !s.ok()) return s;
  return m;
}

// The byte offsets of the top-level members that M's field list covers,
// one per field (a Flags field: one per bit).
template <WireMessage M>
std::vector<size_t> CoveredMemberOffsets() {
  M m;
  std::vector<size_t> out;
  std::apply([&](const auto&... f) { (wire::AddOffsets(f, m, &out), ...); },
             M::WireFields());
  return out;
}

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGE_CODEC_H_
