// Copyright 2026 The Haywire Authors.
//
// The fleet commands end to end: two simulated VMs (two `haywire
// guest-serve --ram-file` companions serving this machine's /proc) and a
// third RAM file with nothing in it.
//
//   * `watch --all --batch [--json]`: one line per VM, the dead one with its
//     reason, the busiest process a busy-looping child.
//   * `exporter`, scraped by a real Prometheus server (Debian's
//     `prometheus`, started here on 127.0.0.1 with a 1 s scrape interval):
//     Prometheus's HTTP API returns the values `haywire ps --json` shows
//     for the same VM, and a process whose name holds quotes, a backslash,
//     a newline and a brace does not break the scrape.
//
// Every wait is bounded; nothing is compared with a clock. %CPU is checked
// loosely (a busy loop above 20).

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "haywire/testing/background_process.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/forked_child.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"
#include "haywire/util/terminal_text.h"

namespace haywire {
namespace {

constexpr absl::Duration kWait = absl::Seconds(90);
// Quotes, a backslash, a newline and a brace: each must stay inside one
// label value of the exposition text (15 bytes, the kernel's comm limit).
constexpr char kHostileName[] = "ev\"il\\\n}x{\"";

class FleetE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ram_a_ = TestTempPath("vm-a");
    ram_b_ = TestTempPath("vm-b");
    ram_dead_ = TestTempPath("vm-dead");
    cache_ = TestTempPath("cache");
    std::ofstream(ram_dead_) << std::string(1 << 20, '\0');
    for (const std::string& ram : {ram_a_, ram_b_}) {
      absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
          CompanionProcess::Start(
              ram, absl::StrCat("serve-", ram.size(), companions_.size()));
      ASSERT_TRUE(serve.ok()) << serve.status();
      companions_.push_back(*std::move(serve));
    }
  }

  std::vector<std::string> FleetFlags() const {
    return {absl::StrCat("--mem-file=", ram_a_),
            absl::StrCat("--mem-file=", ram_b_),
            absl::StrCat("--mem-file=", ram_dead_),
            absl::StrCat("--cache-dir=", cache_),
            // A loaded machine (or a sanitizer build) must not make a live
            // companion look stale.
            "--live-wait-ms=3000"};
  }

  std::string ram_a_, ram_b_, ram_dead_, cache_;
  std::vector<std::unique_ptr<CompanionProcess>> companions_;
};

std::unique_ptr<ForkedChild> StartBusyChild() {
  absl::StatusOr<std::unique_ptr<ForkedChild>> child = ForkedChild::Start([] {
    volatile uint64_t n = 0;
    for (;;) n = n + 1;
    return 0;
  });
  EXPECT_TRUE(child.ok()) << child.status();
  return child.ok() ? *std::move(child) : nullptr;
}

TEST_F(FleetE2eTest, WatchAllShowsEveryVmAndTheBusiestProcess) {
  std::unique_ptr<ForkedChild> busy = StartBusyChild();
  ASSERT_NE(busy, nullptr);
  std::vector<std::string> argv = {HaywirePath(), "watch",  "--all",
                                   "--batch",     "--json", "--iterations=2",
                                   "--interval=1"};
  for (const std::string& flag : FleetFlags()) argv.push_back(flag);
  const SubprocessResult result = RunCommand(argv);
  ExpectEndedByItself(result);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  absl::StatusOr<std::vector<JsonValue>> lines = ParseJsonLines(result.out);
  ASSERT_TRUE(lines.ok()) << lines.status() << result.out;
  ASSERT_EQ(lines->size(), 2u) << result.out;
  const JsonValue& vms = lines->back()["vms"];
  ASSERT_EQ(vms.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(vms.at(i).ToJson());
    EXPECT_EQ(vms.at(i)["live"].as_bool(), true);
    EXPECT_EQ(vms.at(i)["session_id"].as_string(),
              SessionIdHex(companions_[i]->session_id()));
    EXPECT_GT(vms.at(i)["interval_ns"].as_uint().value_or(0), 0u);
    EXPECT_GT(vms.at(i)["mem_kb"]["total"].as_uint().value_or(0), 0u);
    EXPECT_GT(vms.at(i)["tasks"].as_uint().value_or(0), 2u);
    // Both companions serve this machine: the busy child is the busiest.
    EXPECT_EQ(vms.at(i)["busiest"]["pid"].as_uint(),
              static_cast<uint64_t>(busy->pid()));
    EXPECT_GT(vms.at(i)["busiest"]["cpu_percent"].as_double().value_or(0),
              20.0);
  }
  EXPECT_EQ(vms.at(0)["name"].as_string(),
            "FleetE2eTest."
            "WatchAllShowsEveryVmAndTheBusiestProcess.vm-a");
  EXPECT_EQ(vms.at(2)["live"].as_bool(), false);
  EXPECT_TRUE(absl::StrContains(vms.at(2)["why_not"].as_string().value_or(""),
                                "no beacon"))
      << vms.at(2).ToJson();

  // Text: a heading, then one line per VM, the dead one with its reason.
  argv = {HaywirePath(), "watch",          "--all",
          "--batch",     "--iterations=1", "--interval=0.5"};
  for (const std::string& flag : FleetFlags()) argv.push_back(flag);
  const SubprocessResult text = RunCommand(argv);
  ExpectEndedByItself(text);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::vector<std::string> rows =
      absl::StrSplit(text.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 5u) << text.out;
  EXPECT_TRUE(absl::StrContains(rows[0], "3 VMs, 2 live")) << rows[0];
  EXPECT_TRUE(absl::StartsWith(rows[1], "VM ")) << rows[1];
  EXPECT_TRUE(absl::StrContains(rows[2], absl::StrCat(" ", busy->pid(), " ")))
      << rows[2];
  EXPECT_TRUE(absl::StrContains(rows[4], "-- ")) << rows[4];
}

TEST_F(FleetE2eTest, BadFleetFlagsAreUsageErrors) {
  const SubprocessResult twice =
      RunCommand({HaywirePath(), "watch", "--all", "--batch",
                  "--mem-file=" + ram_a_, "--mem-file=" + ram_a_});
  ExpectOneLineError(twice, 2);
  EXPECT_TRUE(absl::StrContains(twice.err, "given twice")) << twice.err;
  const SubprocessResult key =
      RunCommand({HaywirePath(), "exporter", "--mem-file=" + ram_a_,
                  "--key-file=" + ram_a_ + ".key"});
  ExpectOneLineError(key, 2);
  EXPECT_TRUE(absl::StrContains(key.err, "<RAM file>.key")) << key.err;
  const SubprocessResult events = RunCommand(
      {HaywirePath(), "watch", "--all", "--events", "--mem-file=" + ram_a_});
  ExpectOneLineError(events, 2);
}

// A TCP port nobody listens on now.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// GET http://127.0.0.1:PORT/PATH; the body, or nullopt when the server
// does not answer (yet). Reads until the server closes (HTTP/1.0).
std::optional<std::string> HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (::write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return std::nullopt;
  }
  std::string response;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.") ||
      !absl::StrContains(response.substr(0, response.find('\n')), " 200 ") ||
      body == std::string::npos) {
    return std::nullopt;
  }
  return response.substr(body + 4);
}

// Percent-encodes a PromQL query for a URL.
std::string UrlEncode(absl::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

// The result vector of an instant query ([] while Prometheus has nothing).
std::vector<JsonValue> Query(int port, const std::string& promql) {
  std::optional<std::string> body =
      HttpGet(port, absl::StrCat("/api/v1/query?query=", UrlEncode(promql)));
  if (!body.has_value()) return {};
  absl::StatusOr<JsonValue> doc = ParseJson(*body);
  if (!doc.ok() || doc->Find("data") == nullptr) return {};
  const JsonValue& result = (*doc)["data"]["result"];
  std::vector<JsonValue> out;
  for (size_t i = 0; i < result.size(); ++i) out.push_back(result.at(i));
  return out;
}

// Waits (bounded) until `promql` has at least `count` series; returns them.
std::vector<JsonValue> QueryUntil(int port, const std::string& promql,
                                  size_t count) {
  const absl::Time give_up = absl::Now() + kWait;
  std::vector<JsonValue> result;
  while (absl::Now() < give_up) {
    result = Query(port, promql);
    if (result.size() >= count) return result;
    absl::SleepFor(absl::Milliseconds(250));
  }
  ADD_FAILURE() << "Prometheus never had " << count << " series for " << promql;
  return result;
}

double ValueOf(const JsonValue& series) {
  double value = -1;
  const std::optional<std::string> text = series["value"].at(1).as_string();
  EXPECT_TRUE(text.has_value() && absl::SimpleAtod(*text, &value))
      << series.ToJson();
  return value;
}

std::string Label(const JsonValue& series, absl::string_view name) {
  const JsonValue* value = series["metric"].Find(name);
  return value == nullptr ? "" : value->as_string().value_or("");
}

TEST_F(FleetE2eTest, PrometheusScrapesTheExporter) {
  // A process with a hostile name and 32 MiB resident, among the top by RSS.
  absl::StatusOr<std::unique_ptr<ForkedChild>> hostile = ForkedChild::Start([] {
    ::prctl(PR_SET_NAME, kHostileName);
    std::vector<char> memory(32 << 20, 1);
    for (;;) ::pause();
    return static_cast<int>(memory[0]);
  });
  ASSERT_TRUE(hostile.ok()) << hostile.status();
  const pid_t hostile_pid = (*hostile)->pid();

  std::vector<std::string> argv = {HaywirePath(), "exporter",
                                   "--listen=127.0.0.1:0", "--top=100"};
  for (const std::string& flag : FleetFlags()) argv.push_back(flag);
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> exporter =
      BackgroundProcess::Start(argv, "exporter");
  ASSERT_TRUE(exporter.ok()) << exporter.status();
  int exporter_port = 0;
  for (const absl::Time give_up = absl::Now() + kWait;
       exporter_port == 0 && absl::Now() < give_up;) {
    const std::string err = (*exporter)->Stderr();
    const size_t at = err.find(", port ");
    if (at != std::string::npos) {
      const std::string rest = err.substr(at + 7);
      ASSERT_TRUE(
          absl::SimpleAtoi(rest.substr(0, rest.find(',')), &exporter_port))
          << err;
    } else {
      ASSERT_FALSE((*exporter)->WaitExit(absl::Milliseconds(100)).has_value())
          << "exporter exited: " << err;
    }
  }
  ASSERT_GT(exporter_port, 0) << (*exporter)->Stderr();

  // The exporter's own text answers directly too.
  std::optional<std::string> metrics = HttpGet(exporter_port, "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_TRUE(absl::StrContains(*metrics, "haywire_vm_up{vm=\"")) << *metrics;

  const int prometheus_port = FreePort();
  ASSERT_GT(prometheus_port, 0);
  const std::string config = TestTempPath("prometheus.yml");
  std::ofstream(config) << "global:\n"
                        << "  scrape_interval: 1s\n"
                        << "  scrape_timeout: 1s\n"
                        << "scrape_configs:\n"
                        << "  - job_name: haywire\n"
                        << "    static_configs:\n"
                        << "      - targets: ['127.0.0.1:" << exporter_port
                        << "']\n";
  ASSERT_EQ(::access("/usr/bin/prometheus", X_OK), 0)
      << "no /usr/bin/prometheus: run tools/setup (Debian package "
         "prometheus)";
  absl::StatusOr<std::unique_ptr<BackgroundProcess>> prometheus =
      BackgroundProcess::Start(
          {"/usr/bin/prometheus", absl::StrCat("--config.file=", config),
           absl::StrCat("--storage.tsdb.path=", TestTempPath("tsdb")),
           absl::StrCat("--web.listen-address=127.0.0.1:", prometheus_port)},
          "prometheus");
  ASSERT_TRUE(prometheus.ok()) << prometheus.status();

  // Every scrape succeeds, hostile name included.
  std::vector<JsonValue> up = QueryUntil(prometheus_port, "up", 1);
  ASSERT_EQ(up.size(), 1u) << (*prometheus)->Stderr();
  EXPECT_EQ(ValueOf(up[0]), 1) << up[0].ToJson();

  const std::string vm_a = ram_a_.substr(ram_a_.rfind('/') + 1);
  const std::string vm_dead = ram_dead_.substr(ram_dead_.rfind('/') + 1);
  std::vector<JsonValue> vm_up =
      QueryUntil(prometheus_port, "haywire_vm_up", 3);
  for (const JsonValue& series : vm_up) {
    EXPECT_EQ(ValueOf(series), Label(series, "vm") == vm_dead ? 0 : 1)
        << series.ToJson();
  }

  // The hostile process, as `haywire ps --json` shows it in VM a.
  const std::string selector =
      absl::StrCat("{vm=\"", vm_a, "\",pid=\"", hostile_pid, "\"}");
  std::vector<JsonValue> rss = QueryUntil(
      prometheus_port,
      absl::StrCat("haywire_guest_process_resident_bytes", selector), 1);
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(Label(rss[0], "comm"), TerminalSafe(kHostileName));

  const SubprocessResult ps =
      RunCommand({HaywirePath(), "ps", "--json", "--mem-file=" + ram_a_,
                  "--cache-dir=" + cache_, "--live-wait-ms=3000"});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  absl::StatusOr<JsonValue> listing = ParseJson(ps.out);
  ASSERT_TRUE(listing.ok()) << listing.status();
  const JsonValue& processes = (*listing)["processes"];
  std::optional<uint64_t> ps_rss_kb;
  for (size_t i = 0; i < processes.size(); ++i) {
    if (processes.at(i)["pid"].as_uint() ==
        static_cast<uint64_t>(hostile_pid)) {
      ps_rss_kb = processes.at(i)["rss_kb"].as_uint();
      EXPECT_EQ(processes.at(i)["comm"].as_string(), kHostileName);
    }
  }
  ASSERT_TRUE(ps_rss_kb.has_value()) << ps.out;
  EXPECT_EQ(ValueOf(rss[0]), static_cast<double>(*ps_rss_kb * 1024));

  std::vector<JsonValue> total = QueryUntil(
      prometheus_port,
      absl::StrCat("haywire_guest_memory_total_bytes{vm=\"", vm_a, "\"}"), 1);
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(ValueOf(total[0]),
            static_cast<double>(
                (*listing)["mem_total_kb"].as_uint().value_or(0) * 1024));
  // The process count moves with `haywire ps` itself (a process while it
  // runs): within a few of the listing's.
  std::vector<JsonValue> count =
      QueryUntil(prometheus_port,
                 absl::StrCat("haywire_guest_processes{vm=\"", vm_a, "\"}"), 1);
  ASSERT_EQ(count.size(), 1u);
  EXPECT_NEAR(ValueOf(count[0]), static_cast<double>(processes.size()), 3);

  // SIGTERM ends the exporter cleanly.
  ASSERT_EQ(::kill((*exporter)->pid(), SIGTERM), 0);
  EXPECT_EQ((*exporter)->WaitExit(absl::Seconds(30)), 0)
      << (*exporter)->Stderr();
}

}  // namespace
}  // namespace haywire
