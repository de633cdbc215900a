// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/wire_format.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace haywire {
namespace {

void AppendLe(std::string* out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
}

uint64_t ReadLe(const char* p, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) {
    value |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  }
  return value;
}

}  // namespace

bool WireWriter::Reserve(size_t bytes) {
  if (overflowed_ || bytes > capacity_ - data_.size()) {
    overflowed_ = true;
    return false;
  }
  return true;
}

void WireWriter::PutHeader(uint16_t tag, uint32_t length) {
  AppendLe(&data_, tag, 2);
  AppendLe(&data_, 0, 2);
  AppendLe(&data_, length, 4);
}

bool WireWriter::PutU64(uint16_t tag, uint64_t value) {
  if (!Reserve(kWireFieldHeaderBytes + 8)) return false;
  PutHeader(tag, 8);
  AppendLe(&data_, value, 8);
  return true;
}

bool WireWriter::PutI64(uint16_t tag, int64_t value) {
  return PutU64(tag, static_cast<uint64_t>(value));
}

bool WireWriter::PutString(uint16_t tag, absl::string_view value) {
  if (value.size() > std::numeric_limits<uint32_t>::max() ||
      !Reserve(kWireFieldHeaderBytes + value.size())) {
    overflowed_ = true;
    return false;
  }
  PutHeader(tag, static_cast<uint32_t>(value.size()));
  data_.append(value.data(), value.size());
  return true;
}

size_t WireWriter::BeginRecord(uint16_t tag) {
  if (!Reserve(kWireFieldHeaderBytes)) return SIZE_MAX;
  const size_t mark = data_.size();
  PutHeader(tag, 0);
  return mark;
}

void WireWriter::EndRecord(size_t mark) {
  if (mark == SIZE_MAX || mark + kWireFieldHeaderBytes > data_.size()) return;
  const uint64_t length = data_.size() - mark - kWireFieldHeaderBytes;
  for (size_t i = 0; i < 4; ++i) {
    data_[mark + 4 + i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  }
}

void WireWriter::Rollback(size_t mark) {
  if (mark <= data_.size()) data_.resize(mark);
  overflowed_ = false;
}

absl::StatusOr<bool> WireReader::Next(WireField* field) {
  if (rest_.empty()) return false;
  if (rest_.size() < kWireFieldHeaderBytes) {
    return absl::DataLossError(absl::StrCat(
        "payload ends inside a field header (", rest_.size(), " bytes left)"));
  }
  const uint16_t tag = static_cast<uint16_t>(ReadLe(rest_.data(), 2));
  const uint16_t reserved = static_cast<uint16_t>(ReadLe(rest_.data() + 2, 2));
  const uint64_t length = ReadLe(rest_.data() + 4, 4);
  if (reserved != 0) {
    return absl::DataLossError(
        absl::StrCat("field ", tag, " has nonzero reserved bits"));
  }
  if (length > rest_.size() - kWireFieldHeaderBytes) {
    return absl::DataLossError(
        absl::StrCat("field ", tag, " claims ", length, " bytes but only ",
                     rest_.size() - kWireFieldHeaderBytes, " remain"));
  }
  field->tag = tag;
  field->value = rest_.substr(kWireFieldHeaderBytes, length);
  rest_.remove_prefix(kWireFieldHeaderBytes + length);
  return true;
}

absl::StatusOr<uint64_t> WireU64(const WireField& field) {
  if (field.value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("field ", field.tag, " is ", field.value.size(),
                     " bytes, expected an 8-byte integer"));
  }
  return ReadLe(field.value.data(), 8);
}

absl::StatusOr<int64_t> WireI64(const WireField& field) {
  absl::StatusOr<uint64_t> v = WireU64(field);
  if (!v.ok()) return v.status();
  return static_cast<int64_t>(*v);
}

absl::StatusOr<bool> WireBool(const WireField& field) {
  absl::StatusOr<uint64_t> v = WireU64(field);
  if (!v.ok()) return v.status();
  if (*v > 1) {
    return absl::DataLossError(
        absl::StrCat("field ", field.tag, " is not a boolean"));
  }
  return *v == 1;
}

absl::StatusOr<std::string> WireString(const WireField& field,
                                       size_t max_bytes) {
  if (field.value.size() > max_bytes) {
    return absl::DataLossError(
        absl::StrCat("field ", field.tag, " is ", field.value.size(),
                     " bytes, more than the limit of ", max_bytes));
  }
  return std::string(field.value);
}

}  // namespace haywire
