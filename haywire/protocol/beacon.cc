// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/beacon.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/shared_access.h"

namespace haywire {
namespace {

uint32_t InfoChecksum(const BeaconPage& beacon) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&beacon);
  return Crc32c(bytes + kBeaconInfoBegin, kBeaconInfoEnd - kBeaconInfoBegin);
}

void CopyString(char* field, size_t field_bytes, const std::string& value) {
  std::memset(field, 0, field_bytes);
  std::memcpy(field, value.data(), std::min(value.size(), field_bytes - 1));
}

std::string SanitizedString(const char* field, size_t field_bytes) {
  std::string out;
  for (size_t i = 0; i < field_bytes && field[i] != '\0'; ++i) {
    unsigned char c = static_cast<unsigned char>(field[i]);
    out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  return out;
}

}  // namespace

void WriteBeaconInfo(BeaconPage& beacon, const CompanionIdentity& identity) {
  auto* bytes = reinterpret_cast<uint8_t*>(&beacon);
  std::memset(bytes + kBeaconInfoBegin, 0, kPageSize - kBeaconInfoBegin);
  beacon.companion_pid = identity.pid;
  beacon.protocol_version = kProtocolVersion;
  beacon.capabilities = identity.capabilities;
  beacon.start_unix_ns = identity.start_unix_ns;
  beacon.request_slot_count = kRequestSlotCount;
  beacon.response_slot_count = kResponseSlotCount;
  beacon.iterator_count = kIteratorCount;
  beacon.first_bulk_page = kFirstBulkPage;
  beacon.page_size = kPageSize;
  beacon.event_ring_first_page = identity.event_ring_first_page;
  beacon.event_ring_page_count = identity.event_ring_page_count;
  beacon.bulk_window_first_page = identity.bulk_window_first_page;
  beacon.bulk_window_pages = identity.bulk_window_pages;
  CopyString(beacon.hostname, sizeof(beacon.hostname), identity.hostname);
  CopyString(beacon.kernel_release, sizeof(beacon.kernel_release),
             identity.kernel_release);
  CopyString(beacon.boot_id, sizeof(beacon.boot_id), identity.boot_id);
  beacon.info_checksum = InfoChecksum(beacon);
}

absl::StatusOr<CompanionIdentity> ReadBeaconInfo(const BeaconPage& beacon) {
  // Copy first, then validate the copy: the page may change under us.
  BeaconPage copy;
  std::memcpy(reinterpret_cast<uint8_t*>(&copy) + kBeaconInfoBegin,
              reinterpret_cast<const uint8_t*>(&beacon) + kBeaconInfoBegin,
              offsetof(BeaconPage, heartbeat_counter) - kBeaconInfoBegin);
  if (InfoChecksum(copy) != copy.info_checksum) {
    return absl::DataLossError("beacon info checksum mismatch");
  }
  if (copy.protocol_version != kProtocolVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("beacon speaks protocol version ", copy.protocol_version,
                     "; this haywire speaks version ", kProtocolVersion));
  }
  if (copy.request_slot_count != kRequestSlotCount ||
      copy.response_slot_count != kResponseSlotCount ||
      copy.iterator_count != kIteratorCount ||
      copy.first_bulk_page != kFirstBulkPage || copy.page_size != kPageSize) {
    return absl::FailedPreconditionError(absl::StrCat(
        "beacon layout (", copy.request_slot_count, " request slots, ",
        copy.response_slot_count, " response slots, ", copy.iterator_count,
        " iterators, bulk from page ", copy.first_bulk_page, ", page size ",
        copy.page_size, ") is not protocol version ", kProtocolVersion, "'s"));
  }
  CompanionIdentity identity;
  identity.pid = copy.companion_pid;
  identity.start_unix_ns = copy.start_unix_ns;
  identity.capabilities = copy.capabilities;
  identity.event_ring_first_page = copy.event_ring_first_page;
  identity.event_ring_page_count = copy.event_ring_page_count;
  identity.bulk_window_first_page = copy.bulk_window_first_page;
  identity.bulk_window_pages = copy.bulk_window_pages;
  identity.hostname = SanitizedString(copy.hostname, sizeof(copy.hostname));
  identity.kernel_release =
      SanitizedString(copy.kernel_release, sizeof(copy.kernel_release));
  identity.boot_id = SanitizedString(copy.boot_id, sizeof(copy.boot_id));
  return identity;
}

void TickHeartbeat(BeaconPage& beacon, uint64_t mono_ns) {
  // Time first (relaxed), then the counter (release): a reader that acquires
  // the new counter sees a time at least as new.
  StoreRelaxed(beacon.heartbeat_mono_ns, mono_ns);
  StoreRelease(beacon.heartbeat_counter,
               LoadRelaxed(beacon.heartbeat_counter) + 1);
}

Heartbeat ReadHeartbeat(BeaconPage& beacon) {
  Heartbeat h;
  h.counter = LoadAcquire(beacon.heartbeat_counter);
  h.mono_ns = LoadRelaxed(beacon.heartbeat_mono_ns);
  return h;
}

}  // namespace haywire
