// Copyright 2026 The Haywire Authors.
//
// The Haywire shared region: its memory layout, field by field.
//
// A companion inside the guest (`haywire guest-serve`) allocates a region of
// 4 KiB pages in guest RAM. QEMU keeps guest RAM in a file on the host
// (`memory-backend-file,share=on`), so the host (`haywire discover`, `ps`...)
// can find the region in that file and talk to the companion through it.
//
// The guest's pages are NOT contiguous in the RAM file (hundreds of separate
// runs for 64 MiB were measured), so every page identifies itself with a
// checksummed `PageHeader`, and all code works over a page table (page index ->
// pointer), never over one flat mapping.
//
//   page 0                BeaconPage            who, where, heartbeat, doorbell
//   pages 1 .. 16         RequestSlotPage       one slot per page, state word
//   pages 17 .. 32        ResponseSlotPage      one response per request slot
//   page 33               IteratorTablePage     8 chunked-listing iterators
//   page F                EventRingControlPage  event ring: geometry, head
//   pages F+1 .. F+N-1    EventDataPage         event ring: the events
//   other pages >= 34     bulk data (reserved for later protocol use)
//
// Pages 34 .. page_count-1 are bulk pages (PageKind::kBulk). The event ring
// is the run [F, F+N) of them that the beacon announces: kCapEventRing,
// F = event_ring_first_page, N = event_ring_page_count (F >= 34, N >= 3,
// F+N <= page_count; see event_ring.h). The reference companion puts it
// right after the control pages (F = 34, N = --event-ring-pages). Without a
// ring (kCapEventRing clear, F = N = 0) every bulk page is reserved.
//
// Rules for every field below (see docs/PROTOCOL.md for the prose version):
//   * Fixed-width little-endian integers at offsets pinned by static_assert.
//     Haywire only builds for little-endian machines (x86-64, arm64).
//   * Fields written by one side while the other reads them are accessed only
//     through `std::atomic_ref` (see shared_access.h) with an explicit memory
//     order, or are written once before a release store publishes them and
//     read only after the matching acquire load (the beacon's static info).
//     Payloads the other side may rewrite during a copy (request and response
//     pages) are copied as 8-byte atomic words. No locks live in the region.
//   * Each independently written word sits on its own 64-byte cache line, and
//     each request slot owns whole pages, so slots never share a cache line.
//   * Nothing read from the region is trusted: the host validates every
//     header, count, length and string it reads; the guest validates every
//     request (it may come from a buggy or hostile host).
#ifndef HAYWIRE_PROTOCOL_LAYOUT_H_
#define HAYWIRE_PROTOCOL_LAYOUT_H_

#include <bit>
#include <cstddef>
#include <cstdint>

namespace haywire {

static_assert(std::endian::native == std::endian::little,
              "the Haywire region is little-endian; big-endian hosts are not "
              "supported");

// ---------------------------------------------------------------------------
// Geometry.
// ---------------------------------------------------------------------------

inline constexpr uint32_t kPageSize = 4096;
inline constexpr uint32_t kCacheLineSize = 64;

// First magic of every page (the value the seed protocol scans for), then a
// second magic so a stray 0x3142FACE word is not enough to look like a page.
inline constexpr uint32_t kPageMagic = 0x3142FACE;
inline constexpr uint32_t kPageMagic2 = 0x50525748;  // bytes "HWRP".

// Version 2 moved the request and response headers into the slot's control
// line (one cache line per direction per round trip).
inline constexpr uint16_t kProtocolVersion = 2;

inline constexpr uint32_t kRequestSlotCount = 16;
inline constexpr uint32_t kResponseSlotCount = kRequestSlotCount;
inline constexpr uint32_t kIteratorCount = 8;

inline constexpr uint32_t kBeaconPageIndex = 0;
inline constexpr uint32_t kFirstRequestSlotPage = 1;
inline constexpr uint32_t kFirstResponseSlotPage =
    kFirstRequestSlotPage + kRequestSlotCount;  // 17
inline constexpr uint32_t kIteratorTablePage =
    kFirstResponseSlotPage + kResponseSlotCount;                    // 33
inline constexpr uint32_t kFirstBulkPage = kIteratorTablePage + 1;  // 34

// A region holds at least its control pages and at most 1 GiB.
inline constexpr uint32_t kMinRegionPages = kFirstBulkPage;
inline constexpr uint32_t kMaxRegionPages = (1u << 30) / kPageSize;
inline constexpr uint64_t kDefaultRegionBytes = 64ull << 20;

// What a page is used for; derived from its index, and also stored in its
// header so that a page found alone in the RAM file explains itself.
enum class PageKind : uint16_t {
  kBeacon = 1,
  kRequestSlot = 2,
  kResponseSlot = 3,
  kIteratorTable = 4,
  kBulk = 5,
};

// The kind a page at `page_index` must have.
constexpr PageKind KindOfPage(uint32_t page_index) {
  if (page_index == kBeaconPageIndex) return PageKind::kBeacon;
  if (page_index < kFirstResponseSlotPage) return PageKind::kRequestSlot;
  if (page_index < kIteratorTablePage) return PageKind::kResponseSlot;
  if (page_index == kIteratorTablePage) return PageKind::kIteratorTable;
  return PageKind::kBulk;
}

// ---------------------------------------------------------------------------
// PageHeader: the first 64 bytes of every page of the region.
//
// Written once by the companion when it creates the region (magic last, with
// a release store) and never changed until the companion wipes the region at
// exit (magic first). A scanner copies the 64 bytes and validates the copy.
// ---------------------------------------------------------------------------
struct PageHeader {
  uint32_t magic;            //  0: kPageMagic.
  uint32_t magic2;           //  4: kPageMagic2.
  uint16_t version;          //  8: kProtocolVersion of the companion.
  uint16_t header_bytes;     // 10: sizeof(PageHeader) == 64.
  uint16_t kind;             // 12: PageKind, must equal KindOfPage(page_index).
  uint16_t reserved0;        // 14: zero.
  uint64_t session_id;       // 16: random, nonzero; one per companion run.
  uint32_t page_index;       // 24: position of this page in the region.
  uint32_t page_count;       // 28: pages in the region, in
                             //     [kMinRegionPages, kMaxRegionPages].
  uint64_t created_unix_ns;  // 32: companion start (guest CLOCK_REALTIME).
  uint8_t reserved1[20];     // 40: zero.
  uint32_t checksum;         // 60: CRC-32C of bytes [0, 60).
};
static_assert(sizeof(PageHeader) == 64);
static_assert(offsetof(PageHeader, magic) == 0);
static_assert(offsetof(PageHeader, magic2) == 4);
static_assert(offsetof(PageHeader, version) == 8);
static_assert(offsetof(PageHeader, header_bytes) == 10);
static_assert(offsetof(PageHeader, kind) == 12);
static_assert(offsetof(PageHeader, session_id) == 16);
static_assert(offsetof(PageHeader, page_index) == 24);
static_assert(offsetof(PageHeader, page_count) == 28);
static_assert(offsetof(PageHeader, created_unix_ns) == 32);
static_assert(offsetof(PageHeader, reserved1) == 40);
static_assert(offsetof(PageHeader, checksum) == 60);
inline constexpr size_t kChecksummedHeaderBytes =
    offsetof(PageHeader, checksum);

// ---------------------------------------------------------------------------
// BeaconPage (page 0): who the companion is, and its pulse.
// ---------------------------------------------------------------------------

// Capability bits in BeaconPage::capabilities.
inline constexpr uint64_t kCapPing = 1ull << 0;
inline constexpr uint64_t kCapListProcesses = 1ull << 1;
inline constexpr uint64_t kCapProcessInfo = 1ull << 2;
inline constexpr uint64_t kCapDoorbell = 1ull << 3;
// GET_SYSTEM_SUMMARY is answered (top's header: load, CPU, memory...).
inline constexpr uint64_t kCapSystemSummary = 1ull << 4;
// The companion publishes process events into the event ring described by
// BeaconPage::event_ring_first_page / event_ring_page_count; exactly one of
// the two source bits below says where the events come from.
inline constexpr uint64_t kCapEventRing = 1ull << 5;
// Source: the kernel's process-events connector (netlink PROC_EVENT_*);
// exact, including exit codes. Needs root in the guest.
inline constexpr uint64_t kCapEventsFromConnector = 1ull << 6;
// Source: diffing the PID list at a short fixed interval; processes that
// live shorter than the interval can be missed, exit codes are unknown.
inline constexpr uint64_t kCapEventsFromPidDiff = 1ull << 7;
// LIST_PROCESSES honours ListProcessesRequest::after_pid: a host whose
// listing's iterator was evicted resumes after the last pid it received
// instead of starting over.
inline constexpr uint64_t kCapListResume = 1ull << 8;
// The companion holds the VM key: it answers AUTH_CHALLENGE, and serves
// every other request only on an authenticated channel, with tagged
// responses (docs/PROTOCOL.md "Authentication"). Any guest process can set
// this bit in a beacon of its own; only the proof counts.
inline constexpr uint64_t kCapAuthentication = 1ull << 9;
// GET_MEMORY_MAP: a process's mappings, as /proc/PID/smaps lists them.
inline constexpr uint64_t kCapMemoryMap = 1ull << 10;
// READ_MEMORY: bytes of a process's memory, delivered in the slot's bulk
// window (bulk_window_first_page, bulk_window_pages; bulk_window.h).
inline constexpr uint64_t kCapReadMemory = 1ull << 11;
// SEARCH_MEMORY: the companion searches a process's readable memory for a
// byte pattern and sends the hits (memory_messages.h).
inline constexpr uint64_t kCapSearchMemory = 1ull << 12;
// WRITE_MEMORY: the companion writes into a process's memory. Only a
// companion started with --allow-memory-write and holding the VM key sets
// it, and it serves writes only on authenticated channels.
inline constexpr uint64_t kCapWriteMemory = 1ull << 13;
// GET_COMMAND_LINE: a process's whole command line, delivered in the
// slot's bulk window (LIST_PROCESSES and GET_PROCESS_INFO cut it at
// kMaxArgsBytes).
inline constexpr uint64_t kCapCommandLine = 1ull << 14;
// GET_PAGE_MAP: where a process's pages, and the region's own pages, lie in
// guest-physical memory (/proc/PID/pagemap entries in the slot's bulk
// window).
inline constexpr uint64_t kCapPageMap = 1ull << 15;

inline constexpr size_t kHostnameBytes = 128;  // NUL-terminated, NUL-padded.
inline constexpr size_t kKernelReleaseBytes = 128;
inline constexpr size_t kBootIdBytes = 64;

// The companion advances the heartbeat at least this often while it runs.
inline constexpr uint64_t kHeartbeatPeriodNs = 100'000'000;

struct BeaconPage {
  PageHeader header;  // 0

  // Static info [64, 512): written once before the page headers are
  // published, covered by info_checksum. Plain data after the acquire load of
  // header.magic.
  uint32_t companion_pid;          // 64: guest PID of guest-serve.
  uint16_t protocol_version;       // 68: == header.version.
  uint16_t reserved2;              // 70: zero.
  uint64_t capabilities;           // 72: kCap* bits.
  uint64_t start_unix_ns;          // 80: companion start, guest CLOCK_REALTIME.
  uint32_t request_slot_count;     // 88: kRequestSlotCount.
  uint32_t response_slot_count;    // 92: kResponseSlotCount.
  uint32_t iterator_count;         // 96: kIteratorCount.
  uint32_t first_bulk_page;        // 100: kFirstBulkPage.
  uint32_t page_size;              // 104: kPageSize.
  uint32_t event_ring_first_page;  // 108: region page index of the event
                                   //      ring's first page; 0 = no ring.
  uint32_t event_ring_page_count;  // 112: pages of the event ring.
  uint32_t bulk_window_first_page;  // 116: region page index of slot 0's
                                    //      bulk window; 0 = no windows.
  uint32_t bulk_window_pages;       // 120: pages per slot's window.
  uint32_t reserved3;               // 124: zero.
  char hostname[kHostnameBytes];    // 128: uname nodename.
  char kernel_release[kKernelReleaseBytes];  // 256: uname release.
  char boot_id[kBootIdBytes];  // 384: /proc/sys/kernel/random/boot_id.
  uint8_t reserved4[60];       // 448: zero.
  uint32_t info_checksum;      // 508: CRC-32C of [64, 508).

  // Heartbeat line [512, 576): written only by the companion.
  // Writer: heartbeat_mono_ns (relaxed), then heartbeat_counter (release).
  // Reader: heartbeat_counter (acquire), then heartbeat_mono_ns (relaxed), so
  // the time read is at least as new as the counter read.
  uint64_t heartbeat_counter;  // 512: +1 at least every kHeartbeatPeriodNs.
  uint64_t heartbeat_mono_ns;  // 520: guest CLOCK_MONOTONIC at that tick.
  uint8_t reserved5[48];       // 528

  // Doorbell line [576, 640): when the companion advertises kCapDoorbell,
  // hosts fetch_add (release) after they publish a request, so the companion
  // can poll one cache line instead of 16 slots.
  uint64_t request_doorbell;  // 576
  uint8_t reserved6[56];      // 584

  // Companion statistics line [640, 704): written only by the companion,
  // relaxed, informational.
  uint64_t requests_served;    // 640
  uint64_t requests_rejected;  // 648
  uint8_t reserved7[48];       // 656

  uint8_t reserved8[kPageSize - 704];  // 704: zero.
};
static_assert(sizeof(BeaconPage) == kPageSize);
static_assert(offsetof(BeaconPage, companion_pid) == 64);
static_assert(offsetof(BeaconPage, protocol_version) == 68);
static_assert(offsetof(BeaconPage, capabilities) == 72);
static_assert(offsetof(BeaconPage, start_unix_ns) == 80);
static_assert(offsetof(BeaconPage, request_slot_count) == 88);
static_assert(offsetof(BeaconPage, response_slot_count) == 92);
static_assert(offsetof(BeaconPage, iterator_count) == 96);
static_assert(offsetof(BeaconPage, first_bulk_page) == 100);
static_assert(offsetof(BeaconPage, page_size) == 104);
static_assert(offsetof(BeaconPage, event_ring_first_page) == 108);
static_assert(offsetof(BeaconPage, event_ring_page_count) == 112);
static_assert(offsetof(BeaconPage, bulk_window_first_page) == 116);
static_assert(offsetof(BeaconPage, bulk_window_pages) == 120);
static_assert(offsetof(BeaconPage, hostname) == 128);
static_assert(offsetof(BeaconPage, kernel_release) == 256);
static_assert(offsetof(BeaconPage, boot_id) == 384);
static_assert(offsetof(BeaconPage, info_checksum) == 508);
static_assert(offsetof(BeaconPage, heartbeat_counter) == 512);
static_assert(offsetof(BeaconPage, heartbeat_mono_ns) == 520);
static_assert(offsetof(BeaconPage, request_doorbell) == 576);
static_assert(offsetof(BeaconPage, requests_served) == 640);
static_assert(offsetof(BeaconPage, heartbeat_counter) % kCacheLineSize == 0);
static_assert(offsetof(BeaconPage, request_doorbell) % kCacheLineSize == 0);
static_assert(offsetof(BeaconPage, requests_served) % kCacheLineSize == 0);
inline constexpr size_t kBeaconInfoBegin = offsetof(BeaconPage, companion_pid);
inline constexpr size_t kBeaconInfoEnd = offsetof(BeaconPage, info_checksum);

// ---------------------------------------------------------------------------
// Request slots (pages 1..16) and their responses (pages 17..32).
//
// Slot i is RequestSlotPage at page 1+i plus ResponseSlotPage at page 17+i,
// and one atomic state word (RequestSlotPage::state) governs both:
//
//   kFree --host CAS--> kClaimed --host--> kRequestReady --guest CAS-->
//   kResponseReady --host CAS--> kFree
//
// (a companion serving a slow request may first move kRequestReady to
// kInProgress, then kInProgress to kResponseReady; a host that keeps its
// slot after reading a response publishes its next request straight from
// kResponseReady with a new generation), plus two escape hatches: a host that
// gives up on an in-progress request moves it to kAbandoned (the companion
// frees it when it finishes), and a host that finds a slot owned by a dead
// host process frees it (see slot.h).
// The word packs state, a generation bumped by every claim, and the owner's
// PID (station id), so every transition is one CAS of the whole word and a
// stale actor (late companion, reclaimed owner) can never move a slot that
// has since been claimed again.
// ---------------------------------------------------------------------------

enum class SlotState : uint8_t {
  kFree = 0,
  kClaimed = 1,        // owned by a host; it is writing the request.
  kRequestReady = 2,   // request published; companion may take it.
  kInProgress = 3,     // companion is serving it.
  kResponseReady = 4,  // response published; owner may read it.
  kAbandoned = 5,      // owner gave up while in progress; companion frees.
};
inline constexpr uint8_t kMaxSlotState = 5;

// Request types.
enum class RequestType : uint32_t {
  kPing = 1,
  kListProcesses = 2,
  kGetProcessInfo = 3,
  kContinueIteration = 4,
  kCancelIteration = 5,
  kGetMemoryMap = 6,
  kReadMemory = 7,
  kGetSystemSummary = 8,
  kAuthChallenge = 9,
  kSearchMemory = 10,
  kWriteMemory = 11,
  kGetCommandLine = 12,
  kGetPageMap = 13,
};
// The highest wire number in use: registry_test checks that every number
// up to it has a descriptor in requests.h or is listed as reserved there.
inline constexpr RequestType kLastRequestType = RequestType::kGetPageMap;

// Response status codes.
enum class ResponseStatus : uint32_t {
  kOk = 0,
  kUnknownRequest = 1,
  kBadRequest = 2,
  kNoSuchProcess = 3,
  kIteratorExpired = 4,
  kInternalError = 5,
  kUnsupported = 6,
  // A companion with a key refused the request: it names no channel, its
  // tag does not verify, or its ticket is not above the channel's last
  // (replayed or reordered). Such a response carries no tag.
  kUnauthenticated = 7,
  // A companion with a key does not know the request's channel (closed to
  // make room for newer ones): the host may challenge again. No tag.
  kUnknownChannel = 8,
};

// Whether a response to a tagged request (one on an authenticated channel,
// or an AUTH_CHALLENGE) carries a tag rather than the ticket echo
// (ResponseHeader): every response on a channel but the two refusals, and
// an AUTH_CHALLENGE's answer only when it opens a channel (kOk).
inline constexpr bool ResponseCarriesTag(uint32_t raw_type,
                                         uint32_t raw_status) {
  if (raw_type == static_cast<uint32_t>(RequestType::kAuthChallenge)) {
    return raw_status == static_cast<uint32_t>(ResponseStatus::kOk);
  }
  return raw_status !=
             static_cast<uint32_t>(ResponseStatus::kUnauthenticated) &&
         raw_status != static_cast<uint32_t>(ResponseStatus::kUnknownChannel);
}

// Bytes of an authenticated message's tag (haywire/auth/message_tag.h).
inline constexpr uint32_t kMessageTagBytes = 8;

inline constexpr uint32_t kRequestPayloadOffset = 192;
inline constexpr uint32_t kRequestPayloadBytes =
    kPageSize - kRequestPayloadOffset;

// Response flags.
inline constexpr uint32_t kResponseMore = 1u << 0;  // iteration continues.

// The response's fixed fields. They live in the request slot's control line
// (RequestSlotPage::response), next to the state word, so the host that sees
// kResponseReady has the whole header in the same cache line; only the
// payload is on the response page.
//
// On an authenticated channel (kCapAuthentication; docs/PROTOCOL.md 15) the
// first 16 bytes do double duty, so that authentication costs no cache line
// of its own:
//   * while a request is pending they carry the request's AuthWords,
//     written by its owner with the request (release words, published by
//     the same CAS; zero from a host without a key) and copied by the
//     companion with the request;
//   * a tagged response (ResponseCarriesTag) carries its tag, 8 bytes, at
//     +0 in place of the ticket echo: the tag covers the ticket the host is
//     waiting for, so a response for another ticket fails its check.
// Refusals, and every response on an unauthenticated channel, echo the
// ticket.
struct ResponseHeader {
  uint64_t ticket;         // +0: the request's ticket, echoed; or the tag.
  uint32_t status;         // +8: ResponseStatus.
  uint32_t type;           // +12: RequestType answered.
  uint32_t payload_bytes;  // +16: <= kResponsePayloadBytes.
  uint32_t flags;          // +20: kResponse* bits.
  uint64_t iterator_id;    // +24: nonzero while an iteration continues.
  uint64_t guest_mono_ns;  // +32: guest CLOCK_MONOTONIC when answered.
};
static_assert(sizeof(ResponseHeader) == 40);
static_assert(offsetof(ResponseHeader, status) == 8);
static_assert(offsetof(ResponseHeader, payload_bytes) == 16);
static_assert(offsetof(ResponseHeader, iterator_id) == 24);
static_assert(offsetof(ResponseHeader, guest_mono_ns) == 32);

// A pending request's authentication, in the first 16 bytes of the slot's
// ResponseHeader (see there).
struct AuthWords {
  uint64_t channel_id;                    // +0: the channel (0: none).
  uint8_t request_tag[kMessageTagBytes];  // +8: auth::RequestTag.
};
static_assert(sizeof(AuthWords) == 16);
static_assert(sizeof(AuthWords) <= sizeof(ResponseHeader));

struct RequestSlotPage {
  PageHeader header;  // 0

  // Control line [64, 128): everything a round trip needs except payloads,
  // so a request moves one cache line to the companion and its answer moves
  // the same line back (docs/PERFORMANCE.md counts the transfers).
  uint64_t state;  // 64: SlotWord (state | generation << 8 | owner_pid << 32);
                   //     the slot's state machine, moved only by CAS. See
                   //     slot.h.
  // The request: written by the owner while it holds the slot (kClaimed, or
  // kResponseReady kept), one release store per word, and published by its
  // release CAS to kRequestReady. The companion copies it with acquire loads
  // and re-checks `state` (a withdrawn request's page may be refilled under
  // the copy).
  uint64_t ticket;         // 72: chosen by the host, echoed in the response.
  uint32_t type;           // 80: RequestType.
  uint32_t payload_bytes;  // 84: <= kRequestPayloadBytes.
  // The response: written by the companion while it serves the request, one
  // release store per word, published by its release CAS to kResponseReady;
  // the owner copies it with acquire loads. Its first 16 bytes carry the
  // request's AuthWords while the request is pending (see ResponseHeader).
  ResponseHeader response;  // 88

  uint8_t reserved[64];  // 128: zero.
  // Request payload: written (release words) and published with the request;
  // 8-byte aligned, so it is copied as whole atomic words.
  uint8_t payload[kRequestPayloadBytes];  // 192
};
static_assert(sizeof(RequestSlotPage) == kPageSize);
static_assert(offsetof(RequestSlotPage, state) == 64);
static_assert(offsetof(RequestSlotPage, ticket) == 72);
static_assert(offsetof(RequestSlotPage, type) == 80);
static_assert(offsetof(RequestSlotPage, payload_bytes) == 84);
static_assert(offsetof(RequestSlotPage, response) == 88);
static_assert(offsetof(RequestSlotPage, payload) == kRequestPayloadOffset);
static_assert(offsetof(RequestSlotPage, state) % kCacheLineSize == 0);
// The whole control line is one cache line.
static_assert(offsetof(RequestSlotPage, response) + sizeof(ResponseHeader) ==
              offsetof(RequestSlotPage, state) + kCacheLineSize);

inline constexpr uint32_t kResponsePayloadOffset = 64;
inline constexpr uint32_t kResponsePayloadBytes =
    kPageSize - kResponsePayloadOffset;

struct ResponseSlotPage {
  PageHeader header;  // 0
  // Response payload [64, 4096): written by the companion while it serves
  // the request (release words), published with the header (see
  // ResponseHeader); copied by the owner with acquire loads.
  uint8_t payload[kResponsePayloadBytes];  // 64
};
static_assert(sizeof(ResponseSlotPage) == kPageSize);
static_assert(offsetof(ResponseSlotPage, payload) == kResponsePayloadOffset);
// Payloads and the response header are copied as whole 8-byte words.
static_assert(kRequestPayloadOffset % 8 == 0 && kRequestPayloadBytes % 8 == 0);
static_assert(kResponsePayloadOffset % 8 == 0 &&
              kResponsePayloadBytes % 8 == 0);
static_assert(offsetof(RequestSlotPage, response) % 8 == 0 &&
              sizeof(ResponseHeader) % 8 == 0);

// ---------------------------------------------------------------------------
// IteratorTablePage (page 33): the companion's chunked-listing iterators.
// A mirror for diagnostics: written only by the companion, every field with
// a relaxed store (guest/iterator_table.cc, IteratorTable::Publish); nothing
// is published through it, so a reader may see an entry half updated. Hosts
// may read it (relaxed) and must not act on it. One entry per cache line.
// ---------------------------------------------------------------------------
struct IteratorEntry {
  uint64_t iterator_id;        // 0: 0 when the entry is unused.
  uint32_t owner_pid;          // 8: host PID that started the iteration.
  uint32_t request_type;       // 12: RequestType that started it.
  uint64_t last_used_mono_ns;  // 16: for LRU eviction.
  uint32_t position;           // 24: snapshot PIDs read (sent or skipped).
  uint32_t total;              // 28: PIDs in the snapshot.
  uint8_t reserved[32];        // 32
};
static_assert(sizeof(IteratorEntry) == kCacheLineSize);

struct IteratorTablePage {
  PageHeader header;                      // 0
  IteratorEntry entries[kIteratorCount];  // 64
  uint8_t reserved[kPageSize - kCacheLineSize * (1 + kIteratorCount)];
};
static_assert(sizeof(IteratorTablePage) == kPageSize);
static_assert(offsetof(IteratorTablePage, entries) == 64);

// Bulk pages: a PageHeader, then kPageSize - 64 bytes of data: the event
// ring's pages (event_ring.h) and the request slots' bulk windows
// (bulk_window.h) where the beacon says, else reserved.
inline constexpr uint32_t kBulkDataOffset = sizeof(PageHeader);
inline constexpr uint32_t kBulkDataBytes = kPageSize - kBulkDataOffset;
static_assert(kBulkDataOffset % 8 == 0 && kBulkDataBytes % 8 == 0);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_LAYOUT_H_
