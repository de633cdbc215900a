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
// Field kinds (tags are per message; never reuse a number):
//   Int(tag, &M::f)          integer of any width and sign (u64 or i64 on
//                            the wire), range-checked on decode
//   OptInt(tag, &M::f)       std::optional integer, absent when empty
//   Char(tag, &M::f)         one printable ASCII character (0x21-0x7E)
//   Str(tag, &M::f, max)     string of at most `max` bytes
//   StrList(tag, &M::f, max_count, max_bytes)
//                            repeated string, bounded in count and in
//                            encoded bytes; the encoder cuts what does not
//                            fit and sets the message's TruncatedBit
//   Flags(tag, Bit(&M::a), TruncatedBit(&M::b), ...)
//                            bools packed into one u64, bit i = i-th
//   Msg(tag, &M::f)          nested message, required; last one wins
//   MsgOrDefault(tag, &M::f) the same, absent meaning a default message
//   OptMsg(tag, &M::f)       std::optional nested message, at most once
//   Msgs(tag, &M::f)         std::vector of nested messages
// Members are named by member pointer; Sub(&M::s, &S::f) names a member of
// a member struct, Element(&M::array, i) an element of a std::array member.
// Every member of a message must appear in its list: message_codec_test
// counts them, so a member added without a field fails there.
#ifndef HAYWIRE_PROTOCOL_MESSAGE_CODEC_H_
#define HAYWIRE_PROTOCOL_MESSAGE_CODEC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
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
#include "haywire/protocol/wire_format.h"

namespace haywire {

// A type with a field list.
template <typename M>
concept WireMessage = requires {
  M::WireFields();
};

namespace wire {

// ---- Where a field lives in its message -------------------------------------

// Byte offset of `member` inside `message`, for the coverage test.
template <typename M, typename T>
size_t OffsetIn(const M& message, const T& member) {
  return static_cast<size_t>(reinterpret_cast<const char*>(&member) -
                             reinterpret_cast<const char*>(&message));
}

template <typename P>
struct Member {
  P member;
  template <typename M>
  auto& operator()(M& m) const {
    return m.*member;
  }
  template <typename M>
  size_t TopOffset(const M& m) const {
    return OffsetIn(m, m.*member);
  }
};

template <typename P, typename Q>
struct SubMember {
  P member;
  Q sub;
  template <typename M>
  auto& operator()(M& m) const {
    return (m.*member).*sub;
  }
  template <typename M>
  size_t TopOffset(const M& m) const {
    return OffsetIn(m, m.*member);
  }
};

template <typename P>
struct ElementOf {
  P member;
  size_t index;
  template <typename M>
  auto& operator()(M& m) const {
    return (m.*member)[index];
  }
  template <typename M>
  size_t TopOffset(const M& m) const {
    return OffsetIn(m, m.*member);
  }
};

template <typename P, typename Q>
constexpr SubMember<P, Q> Sub(P member, Q sub) {
  return {member, sub};
}

template <typename P>
constexpr ElementOf<P> Element(P member, size_t index) {
  return {member, index};
}

// A member pointer or an accessor made above.
template <typename A>
constexpr auto AsAccess(A a) {
  if constexpr (std::is_member_object_pointer_v<A>) {
    return Member<A>{a};
  } else {
    return a;
  }
}

// Per-message state while encoding: set when a StrList was cut.
struct EncodeState {
  bool truncated = false;
};

template <typename T>
absl::StatusOr<T> DecodeInteger(const WireField& field) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  if constexpr (std::is_signed_v<T>) {
    absl::StatusOr<int64_t> v = WireI64(field);
    if (!v.ok()) return v.status();
    if (*v < std::numeric_limits<T>::min() ||
        *v > std::numeric_limits<T>::max()) {
      return absl::DataLossError(absl::StrCat("field ", field.tag, " value ",
                                              *v, " exceeds its width"));
    }
    return static_cast<T>(*v);
  } else {
    absl::StatusOr<uint64_t> v = WireU64(field);
    if (!v.ok()) return v.status();
    if (*v > std::numeric_limits<T>::max()) {
      return absl::DataLossError(absl::StrCat("field ", field.tag, " value ",
                                              *v, " exceeds its width"));
    }
    return static_cast<T>(*v);
  }
}

template <typename T>
void PutInteger(WireWriter* w, uint16_t tag, T value) {
  if constexpr (std::is_signed_v<T>) {
    w->PutI64(tag, value);
  } else {
    w->PutU64(tag, value);
  }
}

// ---- Field kinds --------------------------------------------------------------

template <typename A>
struct IntField {
  uint16_t tag;
  A at;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState*) const {
    PutInteger(w, tag, at(m));
  }
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    using T = std::remove_cvref_t<decltype(at(*m))>;
    absl::StatusOr<T> v = DecodeInteger<T>(f);
    if (!v.ok()) return v.status();
    at(*m) = *v;
    return absl::OkStatus();
  }
};

template <typename A>
struct OptIntField {
  uint16_t tag;
  A at;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState*) const {
    if (at(m).has_value()) PutInteger(w, tag, *at(m));
  }
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    using T = typename std::remove_cvref_t<decltype(at(*m))>::value_type;
    absl::StatusOr<T> v = DecodeInteger<T>(f);
    if (!v.ok()) return v.status();
    at(*m) = *v;
    return absl::OkStatus();
  }
};

template <typename A>
struct CharField {
  uint16_t tag;
  A at;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState*) const {
    w->PutU64(tag, static_cast<uint8_t>(at(m)));
  }
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    absl::StatusOr<uint64_t> v = WireU64(f);
    if (!v.ok()) return v.status();
    if (*v < 0x21 || *v > 0x7E) {
      return absl::DataLossError(absl::StrCat("field ", f.tag, " value ", *v,
                                              " is not a printable character"));
    }
    at(*m) = static_cast<char>(*v);
    return absl::OkStatus();
  }
};

template <typename A>
struct StrField {
  uint16_t tag;
  A at;
  size_t max_bytes;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState*) const {
    w->PutString(tag, absl::string_view(at(m)).substr(0, max_bytes));
  }
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    absl::StatusOr<std::string> v = WireString(f, max_bytes);
    if (!v.ok()) return v.status();
    at(*m) = *std::move(v);
    return absl::OkStatus();
  }
};

// A repeated string: at most `max_count` of them, whose encoded fields
// (header plus bytes each) take at most `max_bytes`.
template <typename A>
struct StrListField {
  uint16_t tag;
  A at;
  size_t max_count;
  size_t max_bytes;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState* state) const {
    size_t bytes = 0;
    size_t count = 0;
    for (const std::string& item : at(m)) {
      if (count == max_count) {
        state->truncated = true;
        return;
      }
      const size_t encoded = kWireFieldHeaderBytes + item.size();
      if (bytes + encoded > max_bytes) {
        // Keep what fits of the item that crosses the limit, so one very
        // long item is cut rather than dropped.
        if (bytes + kWireFieldHeaderBytes < max_bytes) {
          w->PutString(tag, absl::string_view(item).substr(
                                0, max_bytes - bytes - kWireFieldHeaderBytes));
        }
        state->truncated = true;
        return;
      }
      w->PutString(tag, item);
      bytes += encoded;
      ++count;
    }
  }
  // The byte count is over all fields of this tag in one message.
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    absl::StatusOr<std::string> v = WireString(f, max_bytes);
    if (!v.ok()) return v.status();
    auto& list = at(*m);
    size_t bytes = kWireFieldHeaderBytes + v->size();
    for (const std::string& item : list) {
      bytes += kWireFieldHeaderBytes + item.size();
    }
    if (list.size() >= max_count || bytes > max_bytes) {
      return absl::DataLossError(
          absl::StrCat("repeated field ", f.tag, " exceeds its limits"));
    }
    list.push_back(*std::move(v));
    return absl::OkStatus();
  }
};

template <typename A>
struct BitOf {
  A at;
  bool set_when_truncated;
};

template <typename... Bits>
struct FlagsField {
  uint16_t tag;
  std::tuple<Bits...> bits;
  template <typename M>
  void Encode(const M& m, WireWriter* w, EncodeState* state) const {
    uint64_t flags = 0;
    size_t i = 0;
    std::apply(
        [&](const auto&... bit) {
          ((flags |= (bit.at(m) || (bit.set_when_truncated && state->truncated)
                          ? uint64_t{1} << i
                          : 0),
            ++i),
           ...);
        },
        bits);
    w->PutU64(tag, flags);
  }
  template <typename M>
  absl::Status Decode(const WireField& f, M* m) const {
    absl::StatusOr<uint64_t> v = WireU64(f);
    if (!v.ok()) return v.status();
    size_t i = 0;
    std::apply(
        [&](const auto&... bit) { ((bit.at(*m) = (*v >> i) & 1, ++i), ...); },
        bits);
    return absl::OkStatus();
  }
};

// Nested messages (defined after the message-level functions below).
template <typename A>
struct MsgField {
  uint16_t tag;
  A at;
  bool required;
};
template <typename A>
struct OptMsgField {
  uint16_t tag;
  A at;
};
template <typename A>
struct MsgsField {
  uint16_t tag;
  A at;
};

// ---- Constructors used in WireFields() --------------------------------------

template <typename A>
constexpr auto Int(uint16_t tag, A at) {
  return IntField<decltype(AsAccess(at))>{tag, AsAccess(at)};
}
template <typename A>
constexpr auto OptInt(uint16_t tag, A at) {
  return OptIntField<decltype(AsAccess(at))>{tag, AsAccess(at)};
}
template <typename A>
constexpr auto Char(uint16_t tag, A at) {
  return CharField<decltype(AsAccess(at))>{tag, AsAccess(at)};
}
template <typename A>
constexpr auto Str(uint16_t tag, A at, size_t max_bytes) {
  return StrField<decltype(AsAccess(at))>{tag, AsAccess(at), max_bytes};
}
template <typename A>
constexpr auto StrList(uint16_t tag, A at, size_t max_count, size_t max_bytes) {
  return StrListField<decltype(AsAccess(at))>{tag, AsAccess(at), max_count,
                                              max_bytes};
}
template <typename A>
constexpr auto Bit(A at) {
  return BitOf<decltype(AsAccess(at))>{AsAccess(at), false};
}
// A bit that is also set when a StrList of the message was cut.
template <typename A>
constexpr auto TruncatedBit(A at) {
  return BitOf<decltype(AsAccess(at))>{AsAccess(at), true};
}
template <typename... Bits>
constexpr auto Flags(uint16_t tag, Bits... bits) {
  return FlagsField<Bits...>{tag, std::tuple<Bits...>(bits...)};
}
template <typename A>
constexpr auto Msg(uint16_t tag, A at) {
  return MsgField<decltype(AsAccess(at))>{tag, AsAccess(at), true};
}
template <typename A>
constexpr auto MsgOrDefault(uint16_t tag, A at) {
  return MsgField<decltype(AsAccess(at))>{tag, AsAccess(at), false};
}
template <typename A>
constexpr auto OptMsg(uint16_t tag, A at) {
  return OptMsgField<decltype(AsAccess(at))>{tag, AsAccess(at)};
}
template <typename A>
constexpr auto Msgs(uint16_t tag, A at) {
  return MsgsField<decltype(AsAccess(at))>{tag, AsAccess(at)};
}

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
  WireReader reader(data);
  WireField field;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&field);
    if (!more.ok()) return more.status();
    if (!*more) break;
    absl::Status status;
    [&]<size_t... I>(std::index_sequence<I...>) {
      // The first field of the list with this tag; unknown tags are
      // skipped.
      (void)((std::get<I>(kFields).tag == field.tag
                  ? (status = DecodeField(std::get<I>(kFields), field, m),
                     seen[I] = true, true)
                  : false) ||
             ...);
    }
    (std::make_index_sequence<kCount>());
    if (!status.ok()) return status;
  }
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
    WireReader reader(payload);
    WireField field;
    for (;;) {
      absl::StatusOr<bool> more = reader.Next(&field);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (field.tag != wire::RecordTagOf<M>()) continue;
      if (found) {
        return absl::DataLossError(
            absl::StrCat("payload holds two ", wire::NameOf<M>(), " records"));
      }
      found = true;
      if (absl::Status s = wire::DecodeFields(field.value, &m); !s.ok()) {
        return s;
      }
    }
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
