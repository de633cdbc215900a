// Copyright 2026 The Haywire Authors.

#include "haywire/auth/message_tag.h"

#include <cstring>

#include "absl/base/internal/endian.h"
#include "glog/logging.h"

namespace haywire::auth {
namespace {

constexpr size_t kMaxPayload = 4096;
constexpr size_t kMaxFields = 64;

// Fixed fields then payload, in one buffer: SipHash takes one contiguous
// message.
class Encoder {
 public:
  explicit Encoder(const char (&label)[5]) { Put(label, 4); }
  void U32(uint32_t v) {
    absl::little_endian::Store32(buffer_ + size_, v);
    size_ += 4;
  }
  void U64(uint64_t v) {
    absl::little_endian::Store64(buffer_ + size_, v);
    size_ += 8;
  }
  Tag Finish(const MessageKey& key, absl::Span<const uint8_t> payload) {
    CHECK_LE(payload.size(), kMaxPayload);
    U32(static_cast<uint32_t>(payload.size()));
    Put(payload.data(), payload.size());
    return SipHash64(key, absl::MakeConstSpan(buffer_, size_));
  }

 private:
  void Put(const void* data, size_t n) {
    if (n > 0) std::memcpy(buffer_ + size_, data, n);
    size_ += n;
  }
  uint8_t buffer_[kMaxFields + kMaxPayload];
  size_t size_ = 0;
};

}  // namespace

Tag RequestTag(const MessageKey& key, const RequestTagFields& f) {
  Encoder e("HWRQ");
  e.U64(f.channel_id);
  e.U32(f.slot);
  e.U32(f.generation);
  e.U64(f.ticket);
  e.U32(f.type);
  return e.Finish(key, f.payload);
}

Tag ResponseTag(const MessageKey& key, const ResponseTagFields& f) {
  Encoder e("HWRS");
  e.U64(f.channel_id);
  e.U32(f.slot);
  e.U32(f.generation);
  e.U64(f.ticket);
  e.U32(f.type);
  e.U32(f.status);
  e.U32(f.flags);
  e.U64(f.iterator_id);
  e.U64(f.guest_mono_ns);
  return e.Finish(key, f.payload);
}

}  // namespace haywire::auth
