// Copyright 2026 The Haywire Authors.
//
// FleetMetricFamilies through prometheus-cpp's own text serializer (what the
// exporter serves): a VM's values, a dead VM, top-N bounds, and process
// names that try to break the exposition format (quotes, backslashes,
// newlines, escapes, bad UTF-8) coming back exactly as `haywire ps` shows
// them.

#include "haywire/exporter/fleet_metrics.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "haywire/util/terminal_text.h"
#include "prometheus/text_serializer.h"

namespace haywire {
namespace {

FrameRow Row(uint32_t pid, std::string comm, double cpu, uint64_t rss_kb) {
  FrameRow row;
  row.entry.pid = pid;
  row.entry.comm = std::move(comm);
  row.entry.rss_kb = rss_kb;
  row.cpu_percent = cpu;
  return row;
}

VmState LiveVm(const std::string& name, int processes) {
  VmState vm;
  vm.name = name;
  vm.live = true;
  vm.starts_total = 7;
  vm.exits_total = 5;
  vm.snapshot_time = absl::Milliseconds(3);
  Frame frame;
  frame.summary.uptime_ns = 90'500'000'000;
  frame.summary.load_average_milli = {520, 310, 120};
  frame.summary.cpu_count = 2;
  frame.summary.mem_total_kb = 2048;
  frame.summary.mem_available_kb = 1024;
  frame.summary.tasks_total = static_cast<uint32_t>(processes);
  frame.summary.tasks_running = 1;
  frame.cpu.user = 25;
  frame.cpu.idle = 75;
  for (int i = 0; i < processes; ++i) {
    frame.rows.push_back(Row(100 + i, absl::StrCat("proc", i), i % 7,
                             1000 + 10 * static_cast<uint64_t>(i)));
  }
  vm.frame = std::move(frame);
  return vm;
}

// One parsed exposition line: name, labels (unescaped), value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

// Parses the text format as Prometheus does for what the serializer writes:
// name{label="value",...} value. Fails the test on anything else.
std::vector<Sample> Parse(const std::string& text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    sample.name = std::string(line.substr(0, i));
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        EXPECT_NE(eq, absl::string_view::npos) << line;
        if (eq == absl::string_view::npos) return samples;
        const std::string key(line.substr(i, eq - i));
        i = eq + 1;
        EXPECT_EQ(line[i], '"') << line;
        ++i;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            ++i;
            const char c = line[i];
            EXPECT_TRUE(c == '\\' || c == '"' || c == 'n') << line;
            value.push_back(c == 'n' ? '\n' : c);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        ++i;  // closing quote
        sample.labels[key] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    EXPECT_EQ(line[i], ' ') << line;
    sample.value = std::string(line.substr(i + 1));
    samples.push_back(std::move(sample));
  }
  return samples;
}

std::string Serialize(const std::vector<VmState>& vms, size_t top_n) {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(FleetMetricFamilies(vms, top_n));
}

const Sample* Find(const std::vector<Sample>& samples, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) return &s;
  }
  return nullptr;
}

TEST(FleetMetricsTest, ALiveVmsValues) {
  const std::vector<Sample> samples = Parse(Serialize({LiveVm("web", 3)}, 10));
  auto value = [&](const std::string& name,
                   std::map<std::string, std::string> labels) {
    labels["vm"] = "web";
    const Sample* s = Find(samples, name, labels);
    EXPECT_NE(s, nullptr) << name;
    return s == nullptr ? std::string("missing") : s->value;
  };
  EXPECT_EQ(value("haywire_vm_up", {}), "1");
  EXPECT_EQ(value("haywire_guest_uptime_seconds", {}), "90.5");
  EXPECT_EQ(value("haywire_guest_load1", {}), "0.52");
  EXPECT_EQ(value("haywire_guest_load15", {}), "0.12");
  EXPECT_EQ(value("haywire_guest_memory_total_bytes", {}), "2097152");
  EXPECT_EQ(value("haywire_guest_memory_available_bytes", {}), "1048576");
  EXPECT_EQ(value("haywire_guest_processes", {}), "3");
  EXPECT_EQ(value("haywire_guest_processes_state", {{"state", "running"}}),
            "1");
  EXPECT_EQ(value("haywire_guest_cpu_ratio", {{"mode", "user"}}), "0.25");
  EXPECT_EQ(value("haywire_guest_process_starts_total", {}), "7");
  EXPECT_EQ(value("haywire_guest_process_exits_total", {}), "5");
  EXPECT_EQ(value("haywire_guest_process_cpu_ratio",
                  {{"pid", "102"}, {"comm", "proc2"}, {"container", ""}}),
            "0.02");
  EXPECT_EQ(value("haywire_guest_process_resident_bytes",
                  {{"pid", "101"}, {"comm", "proc1"}, {"container", ""}}),
            "1034240");
  // Without a key there is no authentication series.
  for (const Sample& s : samples) {
    EXPECT_NE(s.name, "haywire_vm_authenticated");
  }
}

TEST(FleetMetricsTest, ADeadVmIsDownWithoutGuestValues) {
  VmState dead;
  dead.name = "db";
  dead.why_not = "no live session in the RAM file";
  dead.auth = AuthOutcome::kFailed;
  const std::vector<Sample> samples =
      Parse(Serialize({LiveVm("web", 2), dead}, 10));
  const Sample* up = Find(samples, "haywire_vm_up", {{"vm", "db"}});
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->value, "0");
  const Sample* auth =
      Find(samples, "haywire_vm_authenticated", {{"vm", "db"}});
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->value, "0");
  for (const Sample& s : samples) {
    if (absl::StartsWith(s.name, "haywire_guest_") &&
        !absl::EndsWith(s.name, "_total")) {
      EXPECT_NE(s.labels.at("vm"), "db") << s.name;
    }
  }
  const Sample* vms = Find(samples, "haywire_exporter_vms", {});
  ASSERT_NE(vms, nullptr);
  EXPECT_EQ(vms->value, "2");
}

TEST(FleetMetricsTest, TopProcessesCarryTheirContainer) {
  VmState vm = LiveVm("web", 1);
  vm.frame->rows[0].entry.cgroup =
      "/system.slice/docker-"
      "ae836c95b4c3c9e80e99cef74b9b3e6ca1e7d4b2a0b0e3ff3ae5d5a7dfeb7b41.scope";
  const std::vector<Sample> samples = Parse(Serialize({vm}, 10));
  EXPECT_NE(Find(samples, "haywire_guest_process_resident_bytes",
                 {{"vm", "web"},
                  {"pid", "100"},
                  {"comm", "proc0"},
                  {"container", "docker:ae836c95b4c3"}}),
            nullptr);
}

TEST(FleetMetricsTest, TopNBoundsTheSeriesWhateverTheGuestRuns) {
  const std::vector<Sample> small = Parse(Serialize({LiveVm("a", 5)}, 3));
  const std::vector<Sample> large = Parse(Serialize({LiveVm("a", 5000)}, 3));
  EXPECT_EQ(small.size(), large.size());
  int cpu = 0, rss = 0;
  for (const Sample& s : large) {
    if (s.name == "haywire_guest_process_cpu_ratio") ++cpu;
    if (s.name == "haywire_guest_process_resident_bytes") {
      ++rss;
      // The largest RSS values: pids 5099, 5098, 5097.
      EXPECT_GE(std::stoi(s.labels.at("pid")), 5097);
    }
  }
  EXPECT_EQ(cpu, 3);
  EXPECT_EQ(rss, 3);
  // No duplicate series (Prometheus rejects a scrape with one).
  std::set<std::string> seen;
  for (const Sample& s : large) {
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) absl::StrAppend(&key, "|", k, "=", v);
    EXPECT_TRUE(seen.insert(key).second) << key;
  }
}

TEST(FleetMetricsTest, HostileNamesStayOneLabelValue) {
  const std::vector<std::string> names = {"a\"b",
                                          "back\\slash",
                                          "new\nline",
                                          "}\n evil 1",
                                          "\x1b[2Jclr",
                                          "bad\xff\xfe",
                                          "caf\xc3\xa9",
                                          "x\"} 1\nhaywire_vm_up{vm=\"y",
                                          std::string("nul\0byte", 8)};
  VmState vm = LiveVm("web", 0);
  for (size_t i = 0; i < names.size(); ++i) {
    vm.frame->rows.push_back(Row(200 + i, names[i], 50, 5000));
  }
  const std::string text = Serialize({vm}, names.size());
  const std::vector<Sample> samples = Parse(text);
  for (size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE(i);
    const Sample* s = Find(samples, "haywire_guest_process_cpu_ratio",
                           {{"vm", "web"},
                            {"pid", absl::StrCat(200 + i)},
                            {"comm", TerminalSafe(names[i])},
                            {"container", ""}});
    EXPECT_NE(s, nullptr) << text;
  }
  // Only the one VM's series exist: nothing was injected.
  for (const Sample& s : samples) {
    if (s.labels.count("vm")) {
      EXPECT_EQ(s.labels.at("vm"), "web");
    }
  }
  EXPECT_EQ(GuestLabelValue(std::string(100, 'x')).size(), 64u);
  // A cut never splits a character: 40 two-byte characters.
  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(GuestLabelValue(accents).size(), 64u);
  EXPECT_EQ(GuestLabelValue("x" + accents).size(), 63u);
}

}  // namespace
}  // namespace haywire
