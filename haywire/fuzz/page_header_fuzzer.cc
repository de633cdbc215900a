// Copyright 2026 The Haywire Authors.
//
// Fuzz target: a page of the RAM file as a scanner and discovery read it:
// its page header (ReadPageHeader, CheckPageHeader) and, as if it were a
// beacon, its static info (ReadBeaconInfo) and heartbeat. Anything in the
// guest's RAM can look like this, written by any guest user.
//
// Input: the page's bytes (zero-padded to a page, cut at one). The header
// checksum and the beacon's info checksum are CRCs a mutation almost never
// gets right, so by default the target fixes both before reading, which
// lets the fuzzer reach the checks behind them; a byte after the page, when
// the input has one, turns that off (bit 0: keep the header checksum as
// given, bit 1: keep the info checksum).
//
// Checked: a header judged valid is exactly the header MakePageHeader()
// builds from its fields (nothing the writer could not have written passes);
// an accepted beacon has printable strings within their fields, and writing
// its identity and reading it back gives the same identity.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "absl/status/statusor.h"
#include "haywire/fuzz/check.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"

namespace haywire {
namespace {

bool Printable(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= 0x20 && c < 0x7F; });
}

void CheckHeader(const BeaconPage& page) {
  const PageHeader header = ReadPageHeader(&page);
  FUZZ_CHECK(std::memcmp(&header, &page.header, sizeof(header)) == 0);
  FUZZ_CHECK(StartsWithPageMagic(&page) == (header.magic == kPageMagic));
  const HeaderVerdict verdict = CheckPageHeader(header);
  FUZZ_CHECK(!HeaderVerdictName(verdict).empty());
  if (verdict != HeaderVerdict::kValid) return;
  const PageHeader made =
      MakePageHeader(header.session_id, header.page_index, header.page_count,
                     header.created_unix_ns);
  FUZZ_CHECK(std::memcmp(&made, &header, sizeof(header)) == 0);
}

void CheckBeacon(BeaconPage& page) {
  absl::StatusOr<CompanionIdentity> identity = ReadBeaconInfo(page);
  if (identity.ok()) {
    FUZZ_CHECK(identity->hostname.size() <= kHostnameBytes);
    FUZZ_CHECK(identity->kernel_release.size() <= kKernelReleaseBytes);
    FUZZ_CHECK(identity->boot_id.size() <= kBootIdBytes);
    FUZZ_CHECK(Printable(identity->hostname));
    FUZZ_CHECK(Printable(identity->kernel_release));
    FUZZ_CHECK(Printable(identity->boot_id));
    // Round trip. The writer keeps a NUL in every field, so a field the
    // reader took whole comes back one byte shorter.
    auto written = std::make_unique<BeaconPage>();
    WriteBeaconInfo(*written, *identity);
    absl::StatusOr<CompanionIdentity> again = ReadBeaconInfo(*written);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->pid == identity->pid);
    FUZZ_CHECK(again->start_unix_ns == identity->start_unix_ns);
    FUZZ_CHECK(again->capabilities == identity->capabilities);
    FUZZ_CHECK(again->event_ring_first_page == identity->event_ring_first_page);
    FUZZ_CHECK(again->event_ring_page_count == identity->event_ring_page_count);
    FUZZ_CHECK(again->hostname ==
               identity->hostname.substr(0, kHostnameBytes - 1));
    FUZZ_CHECK(again->kernel_release ==
               identity->kernel_release.substr(0, kKernelReleaseBytes - 1));
    FUZZ_CHECK(again->boot_id == identity->boot_id.substr(0, kBootIdBytes - 1));
  }
  const Heartbeat heartbeat = ReadHeartbeat(page);
  FUZZ_CHECK(heartbeat.counter == page.heartbeat_counter);
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace haywire;
  // A page-aligned page, as in a mapping (the readers use atomic loads).
  static BeaconPage* const page = new (std::align_val_t{kPageSize}) BeaconPage;
  std::memset(page, 0, sizeof(*page));
  std::memcpy(page, data, std::min<size_t>(size, kPageSize));
  const uint8_t flags = size > kPageSize ? data[kPageSize] : 0;
  if ((flags & 1) == 0) {
    page->header.checksum = Crc32c(&page->header, kChecksummedHeaderBytes);
  }
  if ((flags & 2) == 0) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(page);
    page->info_checksum =
        Crc32c(bytes + kBeaconInfoBegin, kBeaconInfoEnd - kBeaconInfoBegin);
  }
  CheckHeader(*page);
  CheckBeacon(*page);
  return 0;
}
