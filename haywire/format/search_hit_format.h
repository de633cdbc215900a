// Copyright 2026 The Haywire Authors.
//
// How `haywire grep` shows a hit: one line per hit, like `grep -boa` with
// the guest address for the byte offset,
//
//   0x00007f3a1c2b4010  [heap]+0x10  ...context before|MATCH|context after...
//
// the address (at least 12 hex digits, a user-space address's width), the
// mapping it lies in and the offset into it ("[ anon ]" for anonymous
// memory, as `haywire maps` names it), then the context and the match:
// printable ASCII as it is and every other byte as '.', like xxd's text
// column; with `hex`, every byte as two hex digits and the match in
// brackets. With `color` the match is shown as grep --color shows it (bold
// red). Guest bytes never reach the terminal raw (paths go through
// TerminalSafe).
//
// JSON: one object per hit, {"address": "0x...", "mapping": "[heap]",
// "mapping_start": "0x...", "mapping_offset": N, "perms": "rw-p",
// "before": "hex", "match": "hex", "after": "hex"} (hex as "de ad be ef").
#ifndef HAYWIRE_FORMAT_SEARCH_HIT_FORMAT_H_
#define HAYWIRE_FORMAT_SEARCH_HIT_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

struct SearchHitView {
  uint64_t address = 0;
  const MemoryMapping* mapping = nullptr;
  absl::string_view before;
  absl::string_view match;
  absl::string_view after;
};

// The text line, ending in a newline.
std::string SearchHitLine(const SearchHitView& hit, bool hex, bool color);

// The JSON object, compact, without a newline.
std::string SearchHitJson(const SearchHitView& hit);

}  // namespace haywire

#endif  // HAYWIRE_FORMAT_SEARCH_HIT_FORMAT_H_
