// Copyright 2026 The Haywire Authors.

#include "haywire/cli/bench_command.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/cli/poll_flag.h"
#include "haywire/cli/read_bench.h"
#include "haywire/host/discovery.h"
#include "haywire/util/clock.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/latency_stats.h"

DEFINE_int32(requests, 10000,
             "Round trips to measure per request kind (split across the "
             "clients).");
DEFINE_int32(clients, 1,
             "Concurrent clients (threads of this process, each with its own "
             "request slot), at most 16.");
DEFINE_int32(warmup, 200,
             "Unmeasured round trips per client and kind before measuring.");
DEFINE_uint32(info_pid, 0,
              "Guest process the GET_PROCESS_INFO round trips ask about "
              "(default: the companion itself).");
DEFINE_int32(wake_trials, 0,
             "Also measure waking from idle: this many single PINGs, each "
             "after --wake-idle-ms without any request.");
DEFINE_int32(wake_idle_ms, 1000,
             "Idle time before each wake-from-idle PING, in milliseconds.");
DEFINE_bool(info, true,
            "Also measure GET_PROCESS_INFO round trips (--info=false: PING "
            "only).");
DEFINE_bool(keep_slot, true,
            "Each client keeps its request slot between round trips (one CAS "
            "per request, as every haywire client does); false claims and "
            "frees a slot around every request.");

namespace haywire {
namespace {

enum class Kind { kPing, kInfo };

ClientOptions BenchClientOptions() {
  ClientOptions options = ClientOptionsFromFlags();
  options.keep_slot = FLAGS_keep_slot;
  return options;
}

struct Measurement {
  LatencySummary latency;
  double per_second = 0;
};

// One round trip of `kind`; errors are transport failures or error answers.
absl::Status RoundTrip(Client& client, Kind kind, uint32_t pid) {
  if (kind == Kind::kPing) return client.Ping();
  return client.GetProcessInfo(pid).status();
}

// `clients` threads, each with its own Client, do `requests` round trips
// between them after `warmup` each; all start together.
absl::StatusOr<Measurement> Measure(const HostConnection& connection, Kind kind,
                                    int requests, int clients, int warmup,
                                    uint32_t pid) {
  std::vector<std::vector<uint64_t>> samples(clients);
  std::vector<absl::Status> errors(clients);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<uint64_t> finished_ns(clients, 0);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    const int count = requests / clients + (c < requests % clients ? 1 : 0);
    threads.emplace_back([&, c, count] {
      Client client(&connection.session, BenchClientOptions());
      for (int i = 0; i < warmup && errors[c].ok(); ++i) {
        errors[c] = RoundTrip(client, kind, pid);
      }
      samples[c].reserve(count);
      // Relaxed is enough for a start line: the measured data is per thread
      // and joined below.
      ready.fetch_add(1, std::memory_order_relaxed);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      for (int i = 0; i < count && errors[c].ok(); ++i) {
        const uint64_t begin = MonotonicNowNs();
        errors[c] = RoundTrip(client, kind, pid);
        samples[c].push_back(MonotonicNowNs() - begin);
      }
      finished_ns[c] = MonotonicNowNs();
    });
  }
  while (ready.load(std::memory_order_relaxed) < clients) {
    std::this_thread::yield();
  }
  const uint64_t start_ns = MonotonicNowNs();
  go.store(true, std::memory_order_release);
  for (std::thread& t : threads) t.join();
  for (const absl::Status& e : errors) {
    if (!e.ok()) return e;
  }
  std::vector<uint64_t> all;
  for (const auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  Measurement m;
  m.latency = SummarizeLatencies(std::move(all));
  const uint64_t end_ns =
      *std::max_element(finished_ns.begin(), finished_ns.end());
  const double seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  m.per_second =
      seconds > 0 ? static_cast<double>(m.latency.count) / seconds : 0;
  return m;
}

absl::StatusOr<Measurement> MeasureWake(Client& client, int trials,
                                        absl::Duration idle) {
  std::vector<uint64_t> samples;
  for (int i = 0; i < trials; ++i) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(idle));
    const uint64_t begin = MonotonicNowNs();
    if (absl::Status s = client.Ping(); !s.ok()) return s;
    samples.push_back(MonotonicNowNs() - begin);
  }
  Measurement m;
  m.latency = SummarizeLatencies(std::move(samples));
  return m;
}

// "412 ns", "12.3 us", "4.56 ms".
std::string Duration(uint64_t ns) {
  if (ns < 10'000) return absl::StrCat(ns, " ns");
  if (ns < 10'000'000) return absl::StrFormat("%.1f us", ns / 1e3);
  return absl::StrFormat("%.2f ms", ns / 1e6);
}

void TextRow(const char* name, const Measurement& m, bool rate) {
  std::printf(
      "%-6s %8llu %10s %10s %10s %10s %10s %12s\n", name,
      static_cast<unsigned long long>(m.latency.count),
      Duration(m.latency.p50_ns).c_str(), Duration(m.latency.p90_ns).c_str(),
      Duration(m.latency.p99_ns).c_str(), Duration(m.latency.p999_ns).c_str(),
      Duration(m.latency.max_ns).c_str(),
      rate ? absl::StrFormat("%.0f", m.per_second).c_str() : "-");
}

void JsonMeasurement(const char* name, const Measurement& m, bool rate,
                     JsonWriter* json) {
  json->Key(name).BeginObject();
  json->Key("count").Uint(m.latency.count);
  json->Key("p50_ns").Uint(m.latency.p50_ns);
  json->Key("p90_ns").Uint(m.latency.p90_ns);
  json->Key("p99_ns").Uint(m.latency.p99_ns);
  json->Key("p999_ns").Uint(m.latency.p999_ns);
  json->Key("max_ns").Uint(m.latency.max_ns);
  json->Key("min_ns").Uint(m.latency.min_ns);
  json->Key("mean_ns").Uint(static_cast<uint64_t>(m.latency.mean_ns));
  if (rate) json->Key("per_second").Uint(static_cast<uint64_t>(m.per_second));
  json->EndObject();
}

int RunBench(const std::vector<std::string>&) {
  if (FLAGS_requests < 1) {
    return Fail(ExitCode::kUsage, "--requests must be at least 1");
  }
  if (FLAGS_clients < 1 ||
      FLAGS_clients > static_cast<int>(kRequestSlotCount)) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("--clients must be between 1 and ",
                             kRequestSlotCount, " (one request slot each)"));
  }
  if (FLAGS_warmup < 0 || FLAGS_wake_trials < 0 || FLAGS_wake_idle_ms < 0) {
    return Fail(
        ExitCode::kUsage,
        "--warmup, --wake-trials and --wake-idle-ms cannot be negative");
  }
  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  if (ReadBenchRequested()) return RunReadBench(**connection);
  const HostConnection& c = **connection;
  const uint32_t pid =
      FLAGS_info_pid != 0 ? FLAGS_info_pid : c.session.report.identity.pid;
  // Fails early, with the usual message, if the pid does not exist.
  if (absl::Status s = c.client->GetProcessInfo(pid).status(); !s.ok()) {
    return FailWith(s);
  }
  // The measuring clients need every slot with --clients=16.
  c.client->ReleaseSlot();

  absl::StatusOr<Measurement> ping =
      Measure(c, Kind::kPing, FLAGS_requests, FLAGS_clients, FLAGS_warmup, pid);
  if (!ping.ok()) return FailWith(ping.status());
  std::optional<Measurement> info;
  if (FLAGS_info) {
    absl::StatusOr<Measurement> m = Measure(c, Kind::kInfo, FLAGS_requests,
                                            FLAGS_clients, FLAGS_warmup, pid);
    if (!m.ok()) return FailWith(m.status());
    info = *m;
  }
  std::optional<Measurement> wake;
  if (FLAGS_wake_trials > 0) {
    absl::StatusOr<Measurement> w = MeasureWake(
        *c.client, FLAGS_wake_trials, absl::Milliseconds(FLAGS_wake_idle_ms));
    if (!w.ok()) return FailWith(w.status());
    wake = *w;
  }

  if (FLAGS_json) {
    JsonWriter json(JsonWriter::Style::kPretty);
    json.BeginObject();
    JsonMeasurement("ping", *ping, true, &json);
    if (info.has_value()) JsonMeasurement("info", *info, true, &json);
    if (wake.has_value()) {
      JsonMeasurement("wake", *wake, false, &json);
      json.Key("wake_idle_ms").Int(FLAGS_wake_idle_ms);
    }
    json.Key("clients").Int(FLAGS_clients);
    json.Key("requests").Int(FLAGS_requests);
    json.Key("info_pid").Uint(pid);
    json.Key("poll").String(PollModeName(PollModeFromFlag()));
    json.Key("keep_slot").Bool(FLAGS_keep_slot);
    json.Key("session_id")
        .String(SessionIdText(c.session.report.pages.session_id));
    json.EndObject();
    absl::StatusOr<std::string> text = std::move(json).Finish();
    if (!text.ok()) return Fail(ExitCode::kFailure, text.status().message());
    std::printf("%s\n", text->c_str());
  } else {
    std::printf("%d round trips per kind, %d client%s, --poll=%s, %s%s\n",
                FLAGS_requests, FLAGS_clients, FLAGS_clients == 1 ? "" : "s",
                PollModeName(PollModeFromFlag()).c_str(),
                FLAGS_keep_slot ? "slot kept between requests"
                                : "slot claimed and freed per request",
                FLAGS_info
                    ? absl::StrCat(", GET_PROCESS_INFO of pid ", pid).c_str()
                    : "");
    std::printf("%-6s %8s %10s %10s %10s %10s %10s %12s\n", "KIND", "COUNT",
                "P50", "P90", "P99", "P99.9", "MAX", "REQ/S");
    TextRow("ping", *ping, true);
    if (info.has_value()) TextRow("info", *info, true);
    if (wake.has_value()) {
      std::printf("wake: first PING after %d ms idle\n", FLAGS_wake_idle_ms);
      TextRow("wake", *wake, false);
    }
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command BenchCommand() {
  Command command;
  command.name = "bench";
  command.summary = "Measure round trips to the companion";
  command.usage =
      "[--mem-file=PATH] [--requests=N] [--clients=N] [--poll=MODE] "
      "[--keep-slot=false] [--json]\n"
      "       haywire bench --read-pid=PID [--read-mapping=NAME] "
      "[--read-rounds=N] [--json]";
  command.help =
      "Measures round trips through the shared region against the live "
      "companion of --mem-file (a real VM, or guest-serve in simulated mode): "
      "PING (the transport alone) and GET_PROCESS_INFO (the transport plus "
      "the guest's /proc reads for one process). Prints the latency "
      "percentiles p50, p90, p99, p99.9 and the maximum, measured per round "
      "trip with CLOCK_MONOTONIC, and the requests per second of all clients "
      "together.\n\n"
      "--clients=N runs N concurrent clients (threads, each claiming its own "
      "request slot). --poll chooses how this process waits for responses; "
      "how fast the companion notices a request is guest-serve's own --poll "
      "(latency after a quiet spell is measured with --wake-trials). "
      "Like every haywire client, each keeps its slot between requests; "
      "--keep-slot=false measures claiming and freeing a slot every time. "
      "docs/PERFORMANCE.md explains the numbers and what limits them.\n\n"
      "--read-pid=PID measures reads of a guest process's memory instead "
      "(a real VM: a simulated guest's processes are not in its RAM file): "
      "its --read-mapping (default its largest), read through the companion "
      "(bulk windows, as `haywire read`), read straight from the RAM file "
      "(as `haywire read --direct`), and a plain pread of as many bytes "
      "from the RAM file (the floor), in --read-rounds interleaved rounds; "
      "it prints each way's p50 and MiB/s and the direct read's speed "
      "relative to the other two.\n\n"
      "--json prints {\"ping\": {\"p50_ns\", \"p90_ns\", \"p99_ns\", "
      "\"p999_ns\", \"max_ns\", \"min_ns\", \"mean_ns\", \"count\", "
      "\"per_second\"}, \"info\": {...}, \"clients\", \"requests\", ...}.\n\n"
      "Examples:\n"
      "  haywire bench\n"
      "  haywire bench --clients=4 --requests=100000 --json\n"
      "  haywire bench --wake-trials=20 --wake-idle-ms=1000\n"
      "  haywire bench --read-pid=412 --read-mapping=/dev/shm/vm-pagebeacon";
  command.flags = HostFlagNames();
  for (const char* flag : {"requests", "clients", "warmup", "info_pid",
                           "wake_trials", "wake_idle_ms", "keep_slot", "info",
                           "read_pid", "read_mapping", "read_rounds"}) {
    command.flags.push_back(flag);
  }
  command.run = RunBench;
  return command;
}

}  // namespace haywire
