// Copyright 2026 The Haywire Authors.
//
// Page headers: the self-identification every region page carries.
//
// The companion publishes a header once per page when it creates the region
// and wipes it when it exits. Scanners (the host) read headers from memory the
// guest may be changing, so they copy the 64 bytes with atomic loads and then
// judge the copy with CheckPageHeader(), which trusts nothing: magic numbers,
// checksum, version, sizes, kind and index are all verified.
#ifndef HAYWIRE_PROTOCOL_PAGE_HEADER_H_
#define HAYWIRE_PROTOCOL_PAGE_HEADER_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "haywire/protocol/layout.h"

namespace haywire {

// Builds a complete header (checksum included) for a page of a region.
PageHeader MakePageHeader(uint64_t session_id, uint32_t page_index,
                          uint32_t page_count, uint64_t created_unix_ns);

// Stores `header` at the start of `page`: every field but the magic first,
// then the magic with a release store, so a reader that sees the magic (with
// an acquire load) sees the whole header and everything written before it.
void PublishPageHeader(void* page, const PageHeader& header);

// Zeroes the magic (release) so scanners stop matching the page, then the
// rest of the header. Used by the companion when it exits.
void WipePageHeader(void* page);

// Copies the header at the start of `page`. The first word is read with an
// acquire load (pairs with PublishPageHeader), the rest with relaxed loads;
// the result may still be torn or garbage and must go through
// CheckPageHeader.
PageHeader ReadPageHeader(const void* page);

// True if `page` starts with kPageMagic: the cheap filter a scan applies to
// every page before copying a header.
bool StartsWithPageMagic(const void* page);

// Why a header is or is not a valid Haywire page header, in the order checks
// are made.
enum class HeaderVerdict {
  kValid,
  kNoMagic,         // first word is not kPageMagic.
  kBadMagic2,       // starts with the magic but is not a Haywire page.
  kBadChecksum,     // torn, corrupted, or forged.
  kUnknownVersion,  // intact header of a protocol version we do not speak.
  kBadField,        // intact and right version, but a field is out of range.
};

absl::string_view HeaderVerdictName(HeaderVerdict verdict);

HeaderVerdict CheckPageHeader(const PageHeader& header);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_PAGE_HEADER_H_
