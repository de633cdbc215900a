// Copyright 2026 The Haywire Authors.
//
// What the `haywire discover` end-to-end tests (discover_e2e_test,
// discover_files_e2e_test) share: running the real binary with a per-test
// cache directory, reading its --json and text output, and building RAM
// files page by page. Every run is bounded by kDiscoverTimeout and must end
// by itself (a crash or a hang is a failure). Test-only.
#ifndef HAYWIRE_CLI_DISCOVER_E2E_SUPPORT_H_
#define HAYWIRE_CLI_DISCOVER_E2E_SUPPORT_H_

#include <sys/utsname.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/subprocess.h"
#include "haywire/util/json_value.h"

namespace haywire {

// Bound on one `haywire discover` run (generous for sanitizer builds).
inline constexpr absl::Duration kDiscoverTimeout = absl::Seconds(60);
// Heartbeat watch for runs that must see a live session: far longer than the
// companion's 10 ms tick, so a loaded machine cannot make a live companion
// look stale. (Runs that expect only stale sessions use the default.)
inline constexpr char kLiveWaitFlag[] = "--live-wait-ms=3000";

// The simulated RAM CompanionProcess has guest-serve create by default:
// 256 MiB, a 4 MiB (1024-page) region.
inline constexpr uint64_t kRamBytes = 256ull << 20;
inline constexpr uint64_t kRegionPages = (4ull << 20) / kPageSize;

// What DecoyReport documents about SimulatedRam's dead session.
inline constexpr uint64_t kDecoyPid = 4242;
inline constexpr char kDecoyHostname[] = "stale-guest";

// The size of `path` (0, with a test failure, if it cannot be read).
uint64_t FileSize(const std::string& path);

// Runs the haywire binary with `args`; checks that it ended by itself.
SubprocessResult RunHaywire(const std::vector<std::string>& args);

// `haywire discover --mem-file=PATH` with a per-test cache directory (never
// the user's) and `extra` flags.
SubprocessResult Discover(const std::string& mem_file,
                          std::vector<std::string> extra = {});

// Parses discover's --json output.
JsonValue ParseOutput(const SubprocessResult& result);

// The entry of sessions[] with `session_id`, or nullptr.
const JsonValue* FindSession(const JsonValue& doc, const std::string& id);

// The entry of SimulatedRam's dead decoy session, or nullptr.
const JsonValue* FindDecoySession(const JsonValue& doc);

// The text output's row for session `id`, split into columns.
std::vector<std::string> TextRow(const std::string& out, const std::string& id);

// This machine's uname(2).
struct utsname Uname();

// Checks the invariant parts of every session entry.
void ExpectWellFormedSession(const JsonValue& s, uint64_t file_size);

// Creates `path` of `size` bytes (a sparse file) with `pages` written at
// their offsets.
void WriteRamFile(const std::string& path, uint64_t size,
                  const std::vector<std::pair<uint64_t, PageHeader>>& pages);

// CLOCK_MONOTONIC in nanoseconds (the clock of the beacon's heartbeat).
uint64_t MonotonicNs();

}  // namespace haywire

#endif  // HAYWIRE_CLI_DISCOVER_E2E_SUPPORT_H_
