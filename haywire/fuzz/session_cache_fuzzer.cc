// Copyright 2026 The Haywire Authors.
//
// Fuzz target: a session-cache entry file (haywire/host/session_cache.h,
// ParseCacheEntry). The cache directory may be shared (/tmp) or the entry
// replaced by another local user; an entry it accepts tells a host which
// file offsets to map and read.
//
// Each input is parsed twice: as given, for the key its header names, and
// with its trailing CRC-32C recomputed (what a mutation almost never gets
// right), so the checks behind the checksum are reached.
//
// Checked: an accepted entry is of the key asked for, has one page-aligned
// offset per page of a region of a valid size, and every page it names is
// inside the RAM file.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "haywire/fuzz/check.h"
#include "haywire/host/ram_file.h"
#include "haywire/host/session_cache.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"

namespace haywire {
namespace {

// Entry layout (session_cache.cc): u32 magic, u32 version, u64 device,
// u64 inode, u64 size, ... ; u32 crc at the end.
constexpr size_t kKeyOffset = 8;
constexpr size_t kHeaderBytes = 48;

void ParseAndCheck(absl::string_view data, const RamFileKey& key) {
  std::optional<CachedSession> session = ParseCacheEntry(data, key);
  if (!session.has_value()) return;
  FUZZ_CHECK(session->key == key);
  FUZZ_CHECK(session->offsets.size() >= kMinRegionPages);
  FUZZ_CHECK(session->offsets.size() <= kMaxRegionPages);
  for (uint64_t offset : session->offsets) {
    FUZZ_CHECK(offset % kPageSize == 0);
    FUZZ_CHECK(offset < key.size && key.size - offset >= kPageSize);
  }
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace haywire;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  RamFileKey key;
  if (size >= kHeaderBytes) {
    std::memcpy(&key, data + kKeyOffset, sizeof(key));
  }
  ParseAndCheck(bytes, key);
  // A different key is never accepted.
  RamFileKey other = key;
  ++other.inode;
  FUZZ_CHECK(!ParseCacheEntry(bytes, other).has_value());
  if (size >= kHeaderBytes + sizeof(uint32_t)) {
    const uint32_t crc = Crc32c(bytes.data(), size - sizeof(crc));
    std::memcpy(bytes.data() + size - sizeof(crc), &crc, sizeof(crc));
    ParseAndCheck(bytes, key);
  }
  return 0;
}
