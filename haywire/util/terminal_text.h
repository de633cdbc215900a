// Copyright 2026 The Haywire Authors.
//
// Guest text on a terminal. Every string a guest reports (process names,
// command lines, user names, paths, host names, error lines) may have been
// chosen by any user of the guest, who can rename a process with
// prctl(PR_SET_NAME) or exec a file called anything. Printed as it is, such
// text could move the cursor, clear the screen, retitle the window, or
// reorder what the reader sees. `TerminalSafe` renders it so that every byte
// that reaches the terminal is printable, while a reader can still tell
// exactly which bytes the guest sent:
//
//   * valid UTF-8 is kept, except the characters below;
//   * C0 controls (0x00-0x1F) and DEL (0x7F) become `\xNN` (`\x1b`, `\x07`);
//   * C1 controls, well-formed U+0080-U+009F (bytes C2 80 - C2 9F), become
//     `\u0080`-`\u009f` (`\u009b`, the 8-bit CSI);
//   * the bidirectional formatting controls (U+061C, U+200E, U+200F,
//     U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators
//     (U+2028, U+2029) become `\u202e` etc.;
//   * every byte of ill-formed UTF-8 becomes `\xNN` (a lone 0x9B, the CSI of
//     Latin-1 terminals, is `\x9b`, distinct from the C1 `\u009b`);
//   * a backslash becomes `\\`, so no escape can be faked.
//
// Hex digits are lower case. The output is valid UTF-8 without any control
// character.
//
// Column arithmetic works on the rendered text: `TerminalWidth` counts the
// columns it takes (East Asian wide characters two, combining marks none, as
// wcwidth() does for the common ranges), and the cut and pad helpers never
// split a character.
#ifndef HAYWIRE_UTIL_TERMINAL_TEXT_H_
#define HAYWIRE_UTIL_TERMINAL_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace haywire {

// `text` rendered for a terminal, as described above.
std::string TerminalSafe(absl::string_view text);

// The columns `safe_text` (output of TerminalSafe) takes on a terminal.
size_t TerminalWidth(absl::string_view safe_text);

// `safe_text` cut to at most `width` columns, at a character boundary.
std::string TruncateToWidth(absl::string_view safe_text, size_t width);

// `safe_text` cut to `width` columns, its last column '+' when it was cut
// (how ps shows a user name longer than its column).
std::string FitToWidth(absl::string_view safe_text, size_t width);

// `safe_text` followed by spaces up to `width` columns (never cut): printf's
// "%-*s" counted in columns instead of bytes.
std::string PadToWidth(absl::string_view safe_text, size_t width);

// `safe_text` with each non-ASCII character replaced by one '?' per column
// it takes, for output that cannot show UTF-8 (the full-screen view, whose
// curses library is not multibyte-aware). Columns stay where they were.
std::string AsciiColumns(absl::string_view safe_text);

}  // namespace haywire

#endif  // HAYWIRE_UTIL_TERMINAL_TEXT_H_
