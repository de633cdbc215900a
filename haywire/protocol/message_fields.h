// Copyright 2026 The Haywire Authors.
//
// Message fields: what a message's WireFields() list is made of (see
// message_codec.h for how a list becomes an encoder and a decoder).
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
#ifndef HAYWIRE_PROTOCOL_MESSAGE_FIELDS_H_
#define HAYWIRE_PROTOCOL_MESSAGE_FIELDS_H_

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

}  // namespace wire
}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGE_FIELDS_H_
