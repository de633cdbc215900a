// Copyright 2026 The Haywire Authors.
//
// The wire format of slot payloads: a flat sequence of tagged fields.
//
//   field := tag:u16 LE | reserved:u16 (0) | length:u32 LE | value[length]
//
// A value is a little-endian integer (length 8), a byte string, or a nested
// sequence of fields (a record). Fields are unaligned and packed; readers copy
// values out with memcpy. Decoders skip tags they do not know, so either side
// can add fields without a protocol version bump; what a field *means* is
// defined per message in messages.h.
//
// WireReader trusts nothing: every length is checked against what remains
// before anything is read, nesting is bounded, and a malformed payload yields
// an error status. WireWriter never grows past its capacity (a response page),
// and supports rollback so an encoder can try to fit one more record.
#ifndef HAYWIRE_PROTOCOL_WIRE_FORMAT_H_
#define HAYWIRE_PROTOCOL_WIRE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace haywire {

inline constexpr size_t kWireFieldHeaderBytes = 8;

class WireWriter {
 public:
  explicit WireWriter(size_t capacity) : capacity_(capacity) {}

  // Each Put returns false (and writes nothing) if the field does not fit;
  // the writer is then `overflowed()` until rolled back.
  bool PutU64(uint16_t tag, uint64_t value);
  bool PutI64(uint16_t tag, int64_t value);
  bool PutBool(uint16_t tag, bool value) { return PutU64(tag, value ? 1 : 0); }
  bool PutString(uint16_t tag, absl::string_view value);

  // Nested record: Begin returns a mark to pass to End, which patches the
  // record's length. Returns SIZE_MAX from Begin if even the header does not
  // fit.
  size_t BeginRecord(uint16_t tag);
  void EndRecord(size_t mark);

  // Rollback point: everything written after Mark() is dropped by Rollback().
  size_t Mark() const { return data_.size(); }
  void Rollback(size_t mark);

  bool overflowed() const { return overflowed_; }
  size_t size() const { return data_.size(); }
  size_t capacity() const { return capacity_; }
  const std::string& data() const { return data_; }

 private:
  bool Reserve(size_t bytes);
  void PutHeader(uint16_t tag, uint32_t length);

  size_t capacity_;
  std::string data_;
  bool overflowed_ = false;
};

struct WireField {
  uint16_t tag = 0;
  absl::string_view value;
};

class WireReader {
 public:
  explicit WireReader(absl::string_view data) : rest_(data) {}

  // Reads the next field into `field`. Returns false at the end of the data,
  // true for a field, or an error when the data is malformed (truncated
  // header, length past the end, nonzero reserved bits).
  absl::StatusOr<bool> Next(WireField* field);

 private:
  absl::string_view rest_;
};

// Calls `on_field(const WireField&) -> absl::Status` for every field of
// `data`, in order. Stops at the first error: a malformed field (what
// WireReader::Next reports) or one that `on_field` returns.
template <typename OnField>
absl::Status ForEachWireField(absl::string_view data, OnField on_field) {
  WireReader reader(data);
  WireField field;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&field);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (absl::Status s = on_field(field); !s.ok()) return s;
  }
}

// Value decoders: each fails unless the field has exactly the right shape.
absl::StatusOr<uint64_t> WireU64(const WireField& field);
absl::StatusOr<int64_t> WireI64(const WireField& field);
absl::StatusOr<bool> WireBool(const WireField& field);
// A string of at most `max_bytes` bytes.
absl::StatusOr<std::string> WireString(const WireField& field,
                                       size_t max_bytes);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_WIRE_FORMAT_H_
