// Copyright 2026 The Haywire Authors.

#include "haywire/watch/sort_order.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace haywire {
namespace {

struct ColumnInfo {
  Column column;
  absl::string_view heading;
  absl::string_view name;
};
constexpr ColumnInfo kColumns[kColumnCount] = {
    {Column::kPid, "PID", "pid"},     {Column::kUser, "USER", "user"},
    {Column::kPriority, "PR", "pr"},  {Column::kNice, "NI", "ni"},
    {Column::kVirt, "VIRT", "virt"},  {Column::kRes, "RES", "res"},
    {Column::kShr, "SHR", "shr"},     {Column::kState, "S", "s"},
    {Column::kCpu, "%CPU", "cpu"},    {Column::kMem, "%MEM", "mem"},
    {Column::kTime, "TIME+", "time"}, {Column::kCommand, "COMMAND", "command"},
};

int IndexOf(Column column) { return static_cast<int>(column); }

// -1, 0, 1 as a is before, with, after b in ascending order of `column`.
int Compare(Column column, const FrameRow& a, const FrameRow& b) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : y < x; };
  const ProcessEntry& x = a.entry;
  const ProcessEntry& y = b.entry;
  switch (column) {
    case Column::kPid:
      return cmp(x.pid, y.pid);
    case Column::kUser:
      return cmp(x.user, y.user);
    case Column::kPriority:
      return cmp(x.priority, y.priority);
    case Column::kNice:
      return cmp(x.nice, y.nice);
    case Column::kVirt:
      return cmp(x.vsz_kb, y.vsz_kb);
    case Column::kRes:
      return cmp(x.rss_kb, y.rss_kb);
    case Column::kShr:
      return cmp(x.shr_kb, y.shr_kb);
    case Column::kState:
      return cmp(x.state, y.state);
    case Column::kCpu:
      return cmp(a.cpu_percent, b.cpu_percent);
    case Column::kMem:
      return cmp(x.rss_kb, y.rss_kb);
    case Column::kTime:
      return cmp(x.cpu_time_ns, y.cpu_time_ns);
    case Column::kCommand:
      return cmp(x.comm, y.comm);
  }
  return 0;
}

// `needle` is already lower-case.
bool Matches(const ProcessEntry& e, absl::string_view needle) {
  if (absl::StrContains(absl::AsciiStrToLower(e.comm), needle)) return true;
  return absl::StrContains(absl::AsciiStrToLower(absl::StrJoin(e.args, " ")),
                           needle);
}

}  // namespace

absl::string_view ColumnHeading(Column column) {
  return kColumns[IndexOf(column)].heading;
}

Column PreviousColumn(Column column) {
  return kColumns[std::max(IndexOf(column) - 1, 0)].column;
}

Column NextColumn(Column column) {
  return kColumns[std::min(IndexOf(column) + 1, kColumnCount - 1)].column;
}

std::optional<Column> ColumnFromName(absl::string_view name) {
  for (const ColumnInfo& info : kColumns) {
    if (absl::EqualsIgnoreCase(name, info.name) ||
        absl::EqualsIgnoreCase(name, info.heading)) {
      return info.column;
    }
  }
  return std::nullopt;
}

void ApplyViewOrder(const ViewOrder& order, std::vector<FrameRow>* rows) {
  if (!order.filter.empty()) {
    const std::string needle = absl::AsciiStrToLower(order.filter);
    rows->erase(std::remove_if(rows->begin(), rows->end(),
                               [&](const FrameRow& row) {
                                 return !Matches(row.entry, needle);
                               }),
                rows->end());
  }
  std::sort(rows->begin(), rows->end(),
            [&](const FrameRow& a, const FrameRow& b) {
              const int c = Compare(order.sort, a, b);
              if (c != 0) return order.reverse ? c < 0 : c > 0;
              return a.entry.pid < b.entry.pid;
            });
}

}  // namespace haywire
