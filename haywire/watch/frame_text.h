// Copyright 2026 The Haywire Authors.
//
// A Frame as text, laid out like top (procps-ng 4): the five summary lines,
// the column heading, one line per process. `haywire watch --batch` prints
// exactly this (like `top -b`), and the full-screen view draws the same
// lines, so what a script parses is what a person sees.
//
//   top - 05:16:29 up  3:23,  load average: 2.28, 2.79, 5.84
//   Tasks:  77 total,   2 running,  75 sleeping,   0 stopped,   0 zombie
//   %Cpu(s): 50.0 us, 25.0 sy,  0.0 ni,  0.0 id, 25.0 wa,  0.0 hi,  0.0 si,  0.0 st
//   MiB Mem :  24105.1 total,  12256.4 free,   1393.8 used,  10855.6 buff/cache
//   MiB Swap:      0.0 total,      0.0 free,      0.0 used.  22711.3 avail Mem
//
//     PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
//    2176 root      20   0  271172  49468  47960 R  93.8   0.2   0:00.37 hw
//
// The clock is the guest's wall clock shown in the host's time zone; the
// user count top shows is not known and left out. "used" memory is
// MemTotal - MemAvailable, as procps-ng 4 computes it. Guest strings (user,
// command) are made terminal-safe.
#ifndef HAYWIRE_WATCH_FRAME_TEXT_H_
#define HAYWIRE_WATCH_FRAME_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "haywire/watch/frame.h"
#include "haywire/watch/sort_order.h"

namespace haywire {

// The five summary lines.
std::vector<std::string> TopSummaryLines(const Frame& frame);

// Columns of the PID field: wide enough for the largest PID, at least 5.
int PidWidth(const Frame& frame);

// The column heading line.
std::string TopColumnHeading(int pid_width);

// One process line. `full_command`: the command line instead of the name
// (top's 'c' toggle).
std::string TopRow(const FrameRow& row, int pid_width, bool full_command);

// A whole frame as `top -b` prints it: summary lines, a blank line, the
// heading, the rows in `order`, then a blank line.
std::string TopBatchText(const Frame& frame, const ViewOrder& order);

// Pieces, exposed for tests.
// "up 3 days,  4:05" / "up  3:18" / "up 5 min" (procps's uptime wording).
std::string UptimeText(uint64_t uptime_ns);
// TIME+: minutes:seconds.hundredths ("12:03.45"); hours when that does not
// fit 9 columns ("2345:07", as h:mm).
std::string TimePlusText(uint64_t cpu_time_ns);
// A KiB amount in at most `width` columns, scaled like top: plain KiB, else
// "1.2m"/"123m", "4.5g", "1.0t".
std::string ScaledKib(uint64_t kib, size_t width);
// top's PR: the stat priority, or "rt" for real-time priority -100.
std::string PriorityText(int32_t priority);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FRAME_TEXT_H_
