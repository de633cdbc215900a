// Copyright 2026 The Haywire Authors.
//
// Word wrapping for the CLI's help text. Not part of the public API.

#ifndef HAYWIRE_CLI_TEXT_WRAP_H_
#define HAYWIRE_CLI_TEXT_WRAP_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace haywire {
namespace internal {

// Splits `text` into lines of at most `width` columns, breaking at spaces.
// Explicit newlines are kept (an empty input line stays an empty output
// line), a line that starts with a space is treated as preformatted and kept
// verbatim, and a word longer than `width` gets a line of its own. Runs of
// spaces between words collapse to one. A trailing newline does not add an
// empty line.
std::vector<std::string> WrapText(absl::string_view text, size_t width);

// `WrapText(text, width - indent)` with every line prefixed by `indent`
// spaces and terminated by '\n'. Empty lines get no indentation.
std::string WrapAndIndent(absl::string_view text, size_t width, size_t indent);

}  // namespace internal
}  // namespace haywire

#endif  // HAYWIRE_CLI_TEXT_WRAP_H_
