// Copyright 2026 The Haywire Authors.
//
// The columns of `haywire watch` (top's default fields) and how the rows
// are ordered and filtered: by any column (top's P M T N keys pick %CPU,
// %MEM, TIME+ and PID; < and > move to the neighbouring column), highest
// first unless reversed, and by a substring of the process name.
#ifndef HAYWIRE_WATCH_SORT_ORDER_H_
#define HAYWIRE_WATCH_SORT_ORDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "haywire/watch/frame.h"

namespace haywire {

// In screen order.
enum class Column {
  kPid,
  kUser,
  kPriority,
  kNice,
  kVirt,
  kRes,
  kShr,
  kState,
  kCpu,
  kMem,
  kTime,
  kCommand,
};
inline constexpr int kColumnCount = 12;

// The column's heading as top prints it ("PID", "%CPU", "TIME+"...).
absl::string_view ColumnHeading(Column column);
// The column left/right of `column` on screen (clamped at the ends).
Column PreviousColumn(Column column);
Column NextColumn(Column column);
// "pid", "cpu", "mem", "time", "user", "pr", "ni", "virt", "res", "shr",
// "s", "command" (and top's headings, case-insensitively) -> the column.
std::optional<Column> ColumnFromName(absl::string_view name);

struct ViewOrder {
  Column sort = Column::kCpu;
  bool reverse = false;  // false: highest first (top's default)
  // Rows whose name (comm) or command line contains this, case-insensitively;
  // empty: all rows.
  std::string filter;
};

// Sorts `rows` by `order` (ties by PID ascending) and drops those the
// filter rejects.
void ApplyViewOrder(const ViewOrder& order, std::vector<FrameRow>* rows);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_SORT_ORDER_H_
