// Copyright 2026 The Haywire Authors.
//
// A process's memory: the messages of GET_MEMORY_MAP, READ_MEMORY,
// SEARCH_MEMORY, WRITE_MEMORY, GET_COMMAND_LINE (a command line lives in
// the process's memory; the kernel reads it from there) and GET_PAGE_MAP.
//
// The memory map: a mapping is one entry of /proc/PID/smaps, with the fields `pmap -X` and
// `/proc/PID/maps` show: the range, permissions, file offset, device, inode
// and path, and per mapping its memory in KiB (Rss, Pss, Anonymous, Swap,
// Locked and the rest). A process may have tens of thousands of mappings
// (the kernel's default vm.max_map_count is 65530), so the map travels as a
// listing, in chunks (MemoryMapChunk) that each fit one response page, like
// LIST_PROCESSES: the first GET_MEMORY_MAP names the pid; while the answer
// has kResponseMore the host asks again with the iterator id it was given;
// CANCEL_ITERATION gives an unfinished iterator back. A host whose iterator
// expired (evicted by other clients) resumes with `after_address`: the
// companion then starts at the first mapping that ends above it.
//
// Wire form as messages.h says (TLV fields, decoders that trust nothing);
// wire_golden_test pins the bytes.
#ifndef HAYWIRE_PROTOCOL_MEMORY_MESSAGES_H_
#define HAYWIRE_PROTOCOL_MEMORY_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// MemoryMapping::perms bits: the four letters of maps' "rwxp" column.
inline constexpr uint32_t kMapRead = 1u << 0;     // r
inline constexpr uint32_t kMapWrite = 1u << 1;    // w
inline constexpr uint32_t kMapExecute = 1u << 2;  // x
inline constexpr uint32_t kMapShared = 1u << 3;   // s (else p: private)
inline constexpr uint32_t kMapPermsMask = (1u << 4) - 1;

// One mapping of a process, as one entry of /proc/PID/smaps describes it.
// The path is what the kernel prints: a file's path, a pseudo-path such as
// "[heap]", "[stack]", "[vdso]" or "[anon:name]", or empty for an
// anonymous mapping; it is cut to kMaxPathBytes (path_truncated).
struct MemoryMapping {
  uint64_t start = 0;   // first address
  uint64_t end = 0;     // one past the last; start < end
  uint32_t perms = 0;   // kMap* bits
  uint64_t offset = 0;  // into the file (or the page offset for anonymous)
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  std::string path;
  bool path_truncated = false;
  // smaps' per-mapping counters, in KiB (0 when the kernel does not print
  // one).
  uint64_t size_kb = 0;
  uint64_t rss_kb = 0;
  uint64_t pss_kb = 0;
  uint64_t shared_clean_kb = 0;
  uint64_t shared_dirty_kb = 0;
  uint64_t private_clean_kb = 0;
  uint64_t private_dirty_kb = 0;
  uint64_t referenced_kb = 0;
  uint64_t anonymous_kb = 0;
  uint64_t swap_kb = 0;
  uint64_t locked_kb = 0;

  static constexpr absl::string_view kWireName = "MemoryMapping";
  static constexpr auto WireFields() {
    using M = MemoryMapping;
    using namespace wire;
    return std::tuple(
        Int(1, &M::start), Int(2, &M::end), Int(3, &M::perms),
        Int(4, &M::offset), Int(5, &M::dev_major), Int(6, &M::dev_minor),
        Int(7, &M::inode), Str(8, &M::path, kMaxPathBytes),
        Flags(9, TruncatedBit(&M::path_truncated)), Int(10, &M::size_kb),
        Int(11, &M::rss_kb), Int(12, &M::pss_kb), Int(13, &M::shared_clean_kb),
        Int(14, &M::shared_dirty_kb), Int(15, &M::private_clean_kb),
        Int(16, &M::private_dirty_kb), Int(17, &M::referenced_kb),
        Int(18, &M::anonymous_kb), Int(19, &M::swap_kb),
        Int(20, &M::locked_kb));
  }
  // start < end, and only kMapPermsMask bits in perms.
  static absl::Status WireValidate(const MemoryMapping& m);
};

// GET_MEMORY_MAP: the map of process `pid`; with iterator_id, the next
// chunk of a listing begun earlier; with after_address, a new listing of
// the mappings that end above it (a resumption).
struct MemoryMapRequest {
  uint32_t pid = 0;
  std::optional<uint64_t> iterator_id;
  std::optional<uint64_t> after_address;

  static constexpr auto WireFields() {
    using R = MemoryMapRequest;
    return std::tuple(wire::Int(1, &R::pid), wire::OptInt(2, &R::iterator_id),
                      wire::OptInt(3, &R::after_address));
  }
  // A nonzero pid; an iterator id, when named, nonzero.
  static absl::Status WireValidate(const MemoryMapRequest& r);
};

// One response of a map listing: the mappings, ascending and disjoint. The
// companion appends them one at a time while they fit a response page
// (EncodeMemoryMapping).
struct MemoryMapChunk {
  static constexpr uint16_t kMappingTag = 1;

  std::vector<MemoryMapping> mappings;

  static constexpr absl::string_view kWireName = "MemoryMapChunk";
  static constexpr auto WireFields() {
    return std::tuple(wire::Msgs(kMappingTag, &MemoryMapChunk::mappings));
  }
  // Mappings ascending and disjoint.
  static absl::Status WireValidate(const MemoryMapChunk& c);
};

// READ_MEMORY: up to `length` bytes of process `pid`'s memory from
// `address`, into the slot's bulk window (bulk_window.h). The range must
// not wrap past 2^64. With `want_digest` (a host on an authenticated
// channel) the answer carries the window digest of the bytes (SipHash-2-4
// with a 128-bit output under the channel's window key; docs/PROTOCOL.md
// 15), so the response's tag covers them.
struct ReadMemoryRequest {
  uint32_t pid = 0;
  uint64_t address = 0;
  uint64_t length = 0;
  bool want_digest = false;

  static constexpr auto WireFields() {
    using R = ReadMemoryRequest;
    using namespace wire;
    return std::tuple(Int(1, &R::pid), Int(2, &R::address), Int(3, &R::length),
                      Flags(4, Bit(&R::want_digest)));
  }
  // A nonzero pid and length, and a range that does not wrap.
  static absl::Status WireValidate(const ReadMemoryRequest& r);
};

// READ_MEMORY's answer: the first `bytes` bytes of the window are the
// process's memory from the request's address (bytes <= the length asked
// for and the window's capacity). Fewer bytes than asked for and within
// capacity means the read stopped: `fault_address` is the first byte that
// could not be read and `error` why (an errno: EFAULT or EIO for memory
// that is not mapped or not readable).
struct ReadMemoryResponse {
  static constexpr size_t kDigestBytes = 16;
  uint64_t bytes = 0;
  std::optional<uint64_t> fault_address;
  std::optional<uint32_t> error;
  std::string digest;  // empty, or kDigestBytes: the window digest

  static constexpr absl::string_view kWireName = "ReadMemoryResponse";
  static constexpr auto WireFields() {
    using R = ReadMemoryResponse;
    using namespace wire;
    return std::tuple(Int(1, &R::bytes), OptInt(2, &R::fault_address),
                      OptInt(3, &R::error), Str(4, &R::digest, kDigestBytes));
  }
  // A digest is empty or whole.
  static absl::Status WireValidate(const ReadMemoryResponse& r);
};

// SEARCH_MEMORY: the hits of `pattern` in process `pid`'s readable memory.
// The companion reads the process's readable mappings a block at a time
// and searches them itself, so only hits cross to the host. A hit lies
// within one mapping (a pattern is not matched across two); hits do not
// overlap (after a hit the search goes on after its last byte, like
// `grep -o`). Chunked like GET_MEMORY_MAP: the first request names pid and
// pattern, the next ones the iterator too (with the same pid and pattern);
// `from_address` starts a listing at that address (a resumption after an
// evicted iterator); `max_hits` (0: no limit) ends the listing after that
// many hits.
inline constexpr size_t kMaxSearchPatternBytes = 256;
// Bytes of context a hit carries on each side (fewer at a mapping's edge or
// next to memory that cannot be read).
inline constexpr size_t kSearchContextBytes = 16;

struct SearchMemoryRequest {
  uint32_t pid = 0;
  std::string pattern;
  std::optional<uint64_t> iterator_id;
  uint64_t from_address = 0;
  uint64_t max_hits = 0;

  static constexpr auto WireFields() {
    using R = SearchMemoryRequest;
    using namespace wire;
    return std::tuple(Int(1, &R::pid),
                      Str(2, &R::pattern, kMaxSearchPatternBytes),
                      OptInt(3, &R::iterator_id), Int(4, &R::from_address),
                      Int(5, &R::max_hits));
  }
  // A nonzero pid, a pattern of 1..kMaxSearchPatternBytes bytes, an
  // iterator id, when named, nonzero.
  static absl::Status WireValidate(const SearchMemoryRequest& r);
};

// One occurrence of the pattern at `address`, with up to
// kSearchContextBytes of the bytes just before and just after it.
struct SearchHit {
  uint64_t address = 0;
  std::string before;
  std::string after;

  static constexpr absl::string_view kWireName = "SearchHit";
  static constexpr auto WireFields() {
    using H = SearchHit;
    using namespace wire;
    return std::tuple(Int(1, &H::address),
                      Str(2, &H::before, kSearchContextBytes),
                      Str(3, &H::after, kSearchContextBytes));
  }
};

// One response of a search: the hits found since the last chunk, the
// mappings they lie in (each with at least one hit; only their range,
// permissions, offset, device, inode and path are filled in), and how far
// the search has come: every hit below `next_address` has been sent, and
// a resumption starts there. `scanned_bytes` and `unreadable_bytes` count
// this chunk's work (bytes searched; bytes of readable mappings that could
// not be read, such as a file mapping past its file's end).
struct SearchChunk {
  static constexpr uint16_t kMappingTag = 1;
  static constexpr uint16_t kHitTag = 2;

  std::vector<MemoryMapping> mappings;
  std::vector<SearchHit> hits;
  uint64_t next_address = 0;
  uint64_t scanned_bytes = 0;
  uint64_t unreadable_bytes = 0;

  static constexpr absl::string_view kWireName = "SearchChunk";
  static constexpr auto WireFields() {
    using C = SearchChunk;
    using namespace wire;
    return std::tuple(Msgs(kMappingTag, &C::mappings), Msgs(kHitTag, &C::hits),
                      Int(3, &C::next_address), Int(4, &C::scanned_bytes),
                      Int(5, &C::unreadable_bytes));
  }
  // Mappings ascending and disjoint, each holding a hit; hits strictly
  // ascending, each inside one of the mappings.
  static absl::Status WireValidate(const SearchChunk& c);
};

// WRITE_MEMORY: `data` written into process `pid`'s memory at `address`
// (with process_vm_writev: only memory the process itself may write).
// Longer writes are several requests.
inline constexpr size_t kMaxWriteBytes = 3072;

struct WriteMemoryRequest {
  uint32_t pid = 0;
  uint64_t address = 0;
  std::string data;

  static constexpr auto WireFields() {
    using R = WriteMemoryRequest;
    using namespace wire;
    return std::tuple(Int(1, &R::pid), Int(2, &R::address),
                      Str(3, &R::data, kMaxWriteBytes));
  }
  // A nonzero pid, 1 to kMaxWriteBytes bytes, a range that does not wrap.
  static absl::Status WireValidate(const WriteMemoryRequest& r);
};

// WRITE_MEMORY's answer: the first `bytes` bytes were written; fewer than
// asked means the write stopped at `fault_address` (= address + bytes),
// for `error` (an errno: EFAULT for memory that is not mapped or not
// writable).
struct WriteMemoryResponse {
  uint64_t bytes = 0;
  std::optional<uint64_t> fault_address;
  std::optional<uint32_t> error;

  static constexpr absl::string_view kWireName = "WriteMemoryResponse";
  static constexpr auto WireFields() {
    using R = WriteMemoryResponse;
    using namespace wire;
    return std::tuple(Int(1, &R::bytes), OptInt(2, &R::fault_address),
                      OptInt(3, &R::error));
  }
};

// GET_COMMAND_LINE: the bytes of /proc/PID/cmdline from `offset`, as many
// as fit the slot's bulk window (each argument ends in a NUL, as the
// kernel keeps them). A host that needs more asks again from where the
// bytes ended. With `want_digest` the answer carries the window digest of
// the bytes, like READ_MEMORY's.
struct CommandLineRequest {
  uint32_t pid = 0;
  uint64_t offset = 0;
  bool want_digest = false;

  static constexpr auto WireFields() {
    using R = CommandLineRequest;
    using namespace wire;
    return std::tuple(Int(1, &R::pid), Int(2, &R::offset),
                      Flags(3, Bit(&R::want_digest)));
  }
  // A nonzero pid.
  static absl::Status WireValidate(const CommandLineRequest& r);
};

// The first `bytes` bytes of the window are the command line's from the
// request's offset; `ended` says that it ends there (no byte follows).
struct CommandLineResponse {
  static constexpr size_t kDigestBytes = 16;
  uint64_t bytes = 0;
  bool ended = false;
  std::string digest;  // empty, or kDigestBytes: the window digest

  static constexpr absl::string_view kWireName = "CommandLineResponse";
  static constexpr auto WireFields() {
    using R = CommandLineResponse;
    using namespace wire;
    return std::tuple(Int(1, &R::bytes), Flags(2, Bit(&R::ended)),
                      Str(3, &R::digest, kDigestBytes));
  }
  // A digest is empty or whole.
  static absl::Status WireValidate(const CommandLineResponse& r);
};

// GET_PAGE_MAP: where pages lie in guest-physical memory, as the kernel's
// /proc/PID/pagemap says: one little-endian 64-bit entry per virtual page,
// bit 63 present, bit 62 swapped, bits 0-54 the page frame number when
// present (the companion reads it as root). With `pid` 0 the pages are the
// companion's own 4 KiB region pages, by region page index, and their frame
// numbers count 4 KiB units (page_bytes 4096) whatever the guest's page
// size: the host pairs their
// frames with the file offsets where discovery found them to place
// guest-physical memory in the RAM file (haywire/host/ram_layout.h). The
// entries fill the slot's bulk window from its start; with `want_digest`
// the answer carries their window digest, like READ_MEMORY's.
inline constexpr uint64_t kPageMapPresent = 1ull << 63;
inline constexpr uint64_t kPageMapSwapped = 1ull << 62;
inline constexpr uint64_t kPageMapFrameMask = (1ull << 55) - 1;
inline constexpr uint64_t kPageMapEntryBytes = 8;

struct PageMapRequest {
  uint32_t pid = 0;         // 0: the companion's region
  uint64_t first_page = 0;  // virtual page number (or region page index)
  uint64_t pages = 0;       // at most a window's worth are answered
  bool want_digest = false;

  static constexpr auto WireFields() {
    using R = PageMapRequest;
    using namespace wire;
    return std::tuple(Int(1, &R::pid), Int(2, &R::first_page),
                      Int(3, &R::pages), Flags(4, Bit(&R::want_digest)));
  }
  // At least one page, and a range that does not wrap.
  static absl::Status WireValidate(const PageMapRequest& r);
};

// The first `pages` entries of the window are those of the request's pages
// from first_page (fewer than asked: a window's worth, or the end of the
// region); `page_bytes` is the guest's page size.
struct PageMapResponse {
  static constexpr size_t kDigestBytes = 16;
  uint64_t pages = 0;
  uint32_t page_bytes = 0;
  std::string digest;

  static constexpr absl::string_view kWireName = "PageMapResponse";
  static constexpr auto WireFields() {
    using R = PageMapResponse;
    using namespace wire;
    return std::tuple(Int(1, &R::pages), Int(2, &R::page_bytes),
                      Str(3, &R::digest, kDigestBytes));
  }
  // A page size that is a power of two from 4 KiB to 1 MiB; a digest empty
  // or whole.
  static absl::Status WireValidate(const PageMapResponse& r);
};

// Appends one mapping to a MemoryMapChunk being written; false, writing
// nothing, if it does not fit.
bool EncodeMemoryMapping(const MemoryMapping& mapping, WireWriter* writer);

// "r-xp": maps' permission column.
std::string MemoryMapPermsText(uint32_t perms);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MEMORY_MESSAGES_H_
