// Copyright 2026 The Haywire Authors.
//
// Parsing /proc/PID/smaps into MemoryMapping records (GET_MEMORY_MAP).
//
// smaps is a sequence of entries, one per mapping: a header line in the
// format of /proc/PID/maps,
//
//   7f1c2a000000-7f1c2a021000 r-xp 00001000 fd:01 1835023    /usr/lib/x.so
//
// (start-end, perms, offset, major:minor, inode, then after padding the
// path, which may contain spaces and ends at the newline, the kernel
// escaping a newline in a file name as "\012"), followed by "Name:  value"
// lines: "Size:  132 kB", "Rss:  4 kB", ..., "VmFlags: rd ex mr mw me".
// A header line starts with a lowercase hex digit; a field line with an
// upper-case letter. Fields this parser does not know (kernels add them)
// are ignored; a known one with a malformed value is an error.
//
// The input is untrusted (a hostile guest kernel module, a fake proc_root,
// a fuzzer): numbers are range-checked, the path is cut to kMaxPathBytes
// (path_truncated), and a malformed line is DataLoss naming what is wrong,
// never a mapping with garbage in it.
#ifndef HAYWIRE_GUEST_SMAPS_PARSE_H_
#define HAYWIRE_GUEST_SMAPS_PARSE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

// The longest smaps line accepted: the kernel's longest is a path of
// PATH_MAX bytes, escaped, after about 80 bytes of fields.
inline constexpr size_t kMaxSmapsLineBytes = 16 << 10;

namespace internal {

// Whether `line` (without its newline) is an entry's header line.
bool IsMapsHeaderLine(absl::string_view line);

// A maps/smaps header line -> a mapping with range, perms, offset, device,
// inode and path set (the counters zero).
absl::StatusOr<MemoryMapping> ParseMapsHeaderLine(absl::string_view line);

// Applies one "Name: value" line of an smaps entry to `mapping`.
absl::Status ApplySmapsFieldLine(absl::string_view line,
                                 MemoryMapping* mapping);

// A whole smaps (or maps) text -> its mappings, in order. Mappings must
// ascend without overlapping, as the kernel prints them; no line may be
// longer than kMaxSmapsLineBytes.
absl::StatusOr<std::vector<MemoryMapping>> ParseSmaps(
    absl::string_view contents);

}  // namespace internal
}  // namespace haywire

#endif  // HAYWIRE_GUEST_SMAPS_PARSE_H_
