// Copyright 2026 The Haywire Authors.
//
// CRC-32C (Castagnoli), the checksum of page headers and of the beacon's
// static info. Chosen over a plain sum because it catches every burst error
// up to 32 bits, so a page that merely starts with the magic, or a header
// torn by a concurrent wipe, does not validate by accident.
#ifndef HAYWIRE_PROTOCOL_CRC32C_H_
#define HAYWIRE_PROTOCOL_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace haywire {

// CRC-32C of `size` bytes at `data` (standard: init and final XOR ~0).
// Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(const void* data, size_t size);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_CRC32C_H_
