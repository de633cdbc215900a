// Copyright 2026 The Haywire Authors.

#include "haywire/watch/frame_json.h"

#include <algorithm>
#include <vector>

#include "haywire/format/process_format.h"
#include "haywire/host/discovery.h"
#include "haywire/util/json_writer.h"

namespace haywire {

void WriteLoadAndCpuJson(const Frame& frame, JsonWriter* json) {
  json->Key("load_average").BeginArray();
  for (const uint64_t milli : frame.summary.load_average_milli) {
    json->Double(static_cast<double>(milli) / 1000.0);
  }
  json->EndArray();
  json->Key("cpu").BeginObject();
  json->Key("user").Double(frame.cpu.user);
  json->Key("system").Double(frame.cpu.system);
  json->Key("nice").Double(frame.cpu.nice);
  json->Key("idle").Double(frame.cpu.idle);
  json->Key("iowait").Double(frame.cpu.iowait);
  json->Key("irq").Double(frame.cpu.irq);
  json->Key("softirq").Double(frame.cpu.softirq);
  json->Key("steal").Double(frame.cpu.steal);
  json->EndObject();
}

absl::StatusOr<std::string> FrameJson(const Frame& frame,
                                      const ViewOrder& order) {
  const SystemSummary& s = frame.summary;
  JsonWriter json(JsonWriter::Style::kCompact);
  json.BeginObject();
  json.Key("session_id").String(SessionIdText(frame.session_id));
  json.Key("hostname").String(s.hostname);
  json.Key("kernel_release").String(s.kernel_release);
  json.Key("now_unix_ns").Uint(s.now_unix_ns);
  json.Key("uptime_ns").Uint(s.uptime_ns);
  json.Key("interval_ns").Uint(frame.interval_ns);
  WriteLoadAndCpuJson(frame, &json);
  json.Key("tasks").BeginObject();
  json.Key("total").Uint(s.tasks_total);
  json.Key("running").Uint(s.tasks_running);
  json.Key("sleeping").Uint(s.tasks_sleeping);
  json.Key("stopped").Uint(s.tasks_stopped);
  json.Key("zombie").Uint(s.tasks_zombie);
  json.EndObject();
  json.Key("cpu_count").Uint(s.cpu_count);
  json.Key("mem_kb").BeginObject();
  json.Key("total").Uint(s.mem_total_kb);
  json.Key("free").Uint(s.mem_free_kb);
  json.Key("used").Uint(s.mem_total_kb -
                        std::min(s.mem_available_kb, s.mem_total_kb));
  json.Key("available").Uint(s.mem_available_kb);
  json.Key("buff_cache").Uint(s.buffers_kb + s.cached_kb);
  json.EndObject();
  json.Key("swap_kb").BeginObject();
  json.Key("total").Uint(s.swap_total_kb);
  json.Key("free").Uint(s.swap_free_kb);
  json.Key("used").Uint(s.swap_total_kb -
                        std::min(s.swap_free_kb, s.swap_total_kb));
  json.EndObject();
  json.Key("started_pids").BeginArray();
  for (const uint32_t pid : frame.started_pids) json.Uint(pid);
  json.EndArray();
  json.Key("exited_pids").BeginArray();
  for (const uint32_t pid : frame.exited_pids) json.Uint(pid);
  json.EndArray();

  std::vector<FrameRow> rows;
  for (const FrameRow& row : frame.rows) {
    if (row.change != ProcessChange::Kind::kExited) rows.push_back(row);
  }
  ApplyViewOrder(order, &rows);
  json.Key("processes").BeginArray();
  for (const FrameRow& row : rows) {
    json.BeginObject();
    WriteProcessJsonFields(row.entry, frame.list_header, &json,
                           row.cpu_percent);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Finish();
}

}  // namespace haywire
