// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/page_header.h"

#include <algorithm>
#include <cstring>

#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

constexpr size_t kHeaderWords = sizeof(PageHeader) / sizeof(uint64_t);
static_assert(sizeof(PageHeader) % sizeof(uint64_t) == 0);

// atomic_ref needs a mutable reference; loads never write, so a read-only
// mapping is fine.
uint64_t* Words(const void* page) {
  return static_cast<uint64_t*>(const_cast<void*>(page));
}

}  // namespace

PageHeader MakePageHeader(uint64_t session_id, uint32_t page_index,
                          uint32_t page_count, uint64_t created_unix_ns) {
  PageHeader header;
  std::memset(&header, 0, sizeof(header));
  header.magic = kPageMagic;
  header.magic2 = kPageMagic2;
  header.version = kProtocolVersion;
  header.header_bytes = sizeof(PageHeader);
  header.kind = static_cast<uint16_t>(KindOfPage(page_index));
  header.session_id = session_id;
  header.page_index = page_index;
  header.page_count = page_count;
  header.created_unix_ns = created_unix_ns;
  header.checksum = Crc32c(&header, kChecksummedHeaderBytes);
  return header;
}

void PublishPageHeader(void* page, const PageHeader& header) {
  uint64_t words[kHeaderWords];
  std::memcpy(words, &header, sizeof(header));
  uint64_t* dst = Words(page);
  // Word 0 holds magic and magic2. Write it as zero-magic first so a scanner
  // never sees the old magic next to new fields, then the other words, then
  // word 0 for real with release order.
  StoreRelaxed(dst[0], uint64_t{0});
  for (size_t i = 1; i < kHeaderWords; ++i) StoreRelaxed(dst[i], words[i]);
  StoreRelease(dst[0], words[0]);
}

void WipePageHeader(void* page) {
  uint64_t* dst = Words(page);
  // Release: a reader that still sees a field of this header after seeing the
  // zero magic is impossible only if it re-reads the magic; scanners copy and
  // check, so ordering the magic first is what matters.
  StoreRelease(dst[0], uint64_t{0});
  for (size_t i = 1; i < kHeaderWords; ++i) StoreRelaxed(dst[i], uint64_t{0});
}

PageHeader ReadPageHeader(const void* page) {
  uint64_t words[kHeaderWords];
  uint64_t* src = Words(page);
  words[0] = LoadAcquire(src[0]);  // Pairs with PublishPageHeader's release.
  for (size_t i = 1; i < kHeaderWords; ++i) words[i] = LoadRelaxed(src[i]);
  PageHeader header;
  std::memcpy(&header, words, sizeof(header));
  return header;
}

bool StartsWithPageMagic(const void* page) {
  // Relaxed: a filter only; ReadPageHeader re-reads with acquire.
  uint32_t* first = static_cast<uint32_t*>(const_cast<void*>(page));
  return LoadRelaxed(*first) == kPageMagic;
}

absl::string_view HeaderVerdictName(HeaderVerdict verdict) {
  switch (verdict) {
    case HeaderVerdict::kValid:
      return "valid";
    case HeaderVerdict::kNoMagic:
      return "no magic";
    case HeaderVerdict::kBadMagic2:
      return "second magic mismatch";
    case HeaderVerdict::kBadChecksum:
      return "bad checksum";
    case HeaderVerdict::kUnknownVersion:
      return "unknown protocol version";
    case HeaderVerdict::kBadField:
      return "field out of range";
  }
  return "unknown verdict";
}

HeaderVerdict CheckPageHeader(const PageHeader& header) {
  if (header.magic != kPageMagic) return HeaderVerdict::kNoMagic;
  if (header.magic2 != kPageMagic2) return HeaderVerdict::kBadMagic2;
  if (Crc32c(&header, kChecksummedHeaderBytes) != header.checksum) {
    return HeaderVerdict::kBadChecksum;
  }
  if (header.version != kProtocolVersion) return HeaderVerdict::kUnknownVersion;
  if (header.header_bytes != sizeof(PageHeader))
    return HeaderVerdict::kBadField;
  if (header.session_id == 0) return HeaderVerdict::kBadField;
  if (header.page_count < kMinRegionPages ||
      header.page_count > kMaxRegionPages) {
    return HeaderVerdict::kBadField;
  }
  if (header.page_index >= header.page_count) return HeaderVerdict::kBadField;
  if (header.kind != static_cast<uint16_t>(KindOfPage(header.page_index))) {
    return HeaderVerdict::kBadField;
  }
  if (header.reserved0 != 0 ||
      std::any_of(std::begin(header.reserved1), std::end(header.reserved1),
                  [](uint8_t b) { return b != 0; })) {
    return HeaderVerdict::kBadField;
  }
  return HeaderVerdict::kValid;
}

}  // namespace haywire
