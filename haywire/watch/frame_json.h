// Copyright 2026 The Haywire Authors.
//
// A Frame as one line of JSON, for `haywire watch --batch --json` (JSON
// lines: one document per refresh). The header fields say what top's
// summary lines say, in raw units; `processes` uses the field names of
// `haywire ps --json` (process_format.h), with `cpu_percent` holding top's
// %CPU over the frame's interval rather than ps's lifetime average:
//
//   {"session_id": "0x...", "hostname": "...", "kernel_release": "...",
//    "now_unix_ns": N, "uptime_ns": N, "interval_ns": N,
//    "load_average": [1m, 5m, 15m],
//    "tasks": {"total", "running", "sleeping", "stopped", "zombie"},
//    "cpu_count": N, "cpu": {"user", "system", "nice", "idle", "iowait",
//    "irq", "softirq", "steal"} (percent),
//    "mem_kb": {"total", "free", "used", "available", "buff_cache"},
//    "swap_kb": {"total", "free", "used"},
//    "started_pids": [...], "exited_pids": [...],
//    "processes": [{ps --json fields..., "shr_kb", "cpu_percent",
//                   "mem_percent"}, ...]}
#ifndef HAYWIRE_WATCH_FRAME_JSON_H_
#define HAYWIRE_WATCH_FRAME_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "haywire/util/json_writer.h"
#include "haywire/watch/frame.h"
#include "haywire/watch/sort_order.h"

namespace haywire {

// The frame's JSON document, on one line without a trailing newline; rows
// in `order` (exited rows left out).
// `"load_average":[1m,5m,15m],"cpu":{"user",...,"steal"}` of a frame, as
// FrameJson writes them (shared with watch --all's JSON), inside an object
// the caller opened.
void WriteLoadAndCpuJson(const Frame& frame, JsonWriter* json);

absl::StatusOr<std::string> FrameJson(const Frame& frame,
                                      const ViewOrder& order);

}  // namespace haywire

#endif  // HAYWIRE_WATCH_FRAME_JSON_H_
