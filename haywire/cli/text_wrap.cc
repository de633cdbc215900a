// Copyright 2026 The Haywire Authors.

#include "haywire/cli/text_wrap.h"

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace haywire {
namespace internal {

std::vector<std::string> WrapText(absl::string_view text, size_t width) {
  if (width == 0) width = 1;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::vector<std::string> lines;
  if (text.empty()) return lines;
  for (absl::string_view paragraph_line : absl::StrSplit(text, '\n')) {
    if (!paragraph_line.empty() && paragraph_line.front() == ' ') {
      lines.emplace_back(paragraph_line);
      continue;
    }
    std::string line;
    bool emitted = false;
    for (absl::string_view word :
         absl::StrSplit(paragraph_line, ' ', absl::SkipEmpty())) {
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        lines.push_back(std::move(line));
        line.clear();
        emitted = true;
      }
      if (!line.empty()) line.push_back(' ');
      line.append(word.data(), word.size());
    }
    if (!line.empty() || !emitted) lines.push_back(std::move(line));
  }
  return lines;
}

std::string WrapAndIndent(absl::string_view text, size_t width, size_t indent) {
  std::string out;
  const size_t inner = width > indent ? width - indent : 1;
  for (const std::string& line : WrapText(text, inner)) {
    if (!line.empty()) out.append(indent, ' ');
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

}  // namespace internal
}  // namespace haywire
