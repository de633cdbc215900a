// Copyright 2026 The Haywire Authors.

#include "haywire/cli/guest_serve_command.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gflags/gflags.h"
#include "guest/command_line_service.h"
#include "guest/companion.h"
#include "guest/event_publisher.h"
#include "guest/identity.h"
#include "guest/memory_service.h"
#include "guest/page_map_service.h"
#include "guest/process_service.h"
#include "guest/procfs.h"
#include "guest/request_authenticator.h"
#include "guest/request_router.h"
#include "guest/shm_region.h"
#include "guest/simulated_ram.h"
#include "guest/system_service.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/vm_key.h"
#include "haywire/cli/key_flag.h"
#include "haywire/cli/poll_flag.h"
#include "haywire/cli/stop_signals.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/event_ring.h"
#include "haywire/protocol/region.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/util/byte_size.h"

DEFINE_string(shm_name, "vm-pagebeacon",
              "Name of the POSIX shared memory object holding the region "
              "(/dev/shm/NAME) in real guest mode.");
DEFINE_string(region_size, "64M",
              "Size of the shared region, in whole 4 KiB pages (e.g. 64M).");
DEFINE_string(ram_file, "",
              "Simulated guest mode: place the region's pages, scattered, in "
              "this RAM file (created if missing) instead of /dev/shm, so a "
              "host on the same machine can discover it with "
              "--mem-file=PATH.");
DEFINE_string(ram_size, "1G",
              "Size of the simulated RAM file when --ram-file creates it.");
DEFINE_uint64(placement_seed, 0,
              "Simulated mode: seed of the scattered page placement "
              "(0: random).");
DEFINE_bool(mlock, true,
            "Lock the region in guest memory (real guest mode); without it "
            "the guest kernel may move or swap the pages and hosts lose them.");
DEFINE_string(proc_root, "/proc",
              "Where to read process information from (tests point this at "
              "fixture trees).");
DEFINE_int32(idle_sleep_ms, 10,
             "Longest sleep between polls when idle, in milliseconds: the "
             "first request after a quiet spell waits up to this long; an "
             "idle companion wakes 1000/N times a second.");
DEFINE_int32(tick_recheck_us, 1000,
             "After each heartbeat tick while idle, look at the request slots "
             "again this many microseconds later before the next long sleep: "
             "a host command connects on a tick and sends its first request "
             "within about a millisecond, which is then served at once "
             "instead of one idle sleep later (0: no extra look; the look "
             "costs about 0.2% of a core with --idle-sleep-ms=10).");
DEFINE_string(event_source, "auto",
              "Where process events for `haywire watch --events` come from: "
              "auto (the kernel's process-events connector if it works here, "
              "else pid-diff), connector (exact, with exit codes; needs root), "
              "pid-diff (new and vanished pids every 50 ms; misses processes "
              "that live shorter), or off (no event ring).");
DEFINE_int32(event_ring_pages, haywire::kDefaultEventRingPages,
             "Pages of the region given to the process event ring (one "
             "control page, the rest events; an event takes 100-2800 bytes). "
             "At least 3, and the region must hold them after its 34 control "
             "pages.");
DEFINE_int32(bulk_window_kb, 256,
             "KiB of each request slot's bulk window, which READ_MEMORY fills "
             "(one per slot: 16 of them after the event ring; 0: no windows "
             "and no READ_MEMORY). At most 4032. The default shrinks to fit "
             "a small --region-size.");
DEFINE_bool(allow_memory_write, false,
            "Serve `haywire write` (WRITE_MEMORY): hosts holding the VM key "
            "may change the memory of guest processes. Needs a key; every "
            "write is logged on stderr.");
DEFINE_string(passwd_file, "/etc/passwd",
              "User database for user names (read directly: the guest binary "
              "is static, so NSS is not used).");

namespace haywire {
namespace {

int SetupFail(const std::string& message) {
  return Fail(ExitCode::kGuestSetup, message);
}

// Loads the qemu_fw_cfg module when its sysfs tree is missing (Debian
// builds it as a module). Bounded: modprobe is given 5 s.
void LoadFwCfgModule() {
  struct stat st;
  if (::stat("/sys/firmware/qemu_fw_cfg", &st) == 0) return;
  const pid_t child = ::fork();
  if (child == 0) {
    const char* const argv[] = {"modprobe", "-q", "qemu_fw_cfg", nullptr};
    ::execv("/sbin/modprobe", const_cast<char* const*>(argv));
    ::execvp("modprobe", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  if (child < 0) return;
  for (int i = 0; i < 500; ++i) {
    int status;
    if (::waitpid(child, &status, WNOHANG) == child) return;
    ::usleep(10'000);
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
}

// The companion's key: --key-file, else (in a real guest) the one QEMU
// passed through fw_cfg, else none. `*where` says where it came from, or
// why there is none. An error: a key was named but cannot be used.
absl::StatusOr<std::optional<auth::VmKey>> LoadCompanionKey(
    bool simulated, std::string* where) {
  if (FLAGS_key_file == kNoKey) {
    *where = "no key (--key-file=none)";
    return std::nullopt;
  }
  if (!FLAGS_key_file.empty()) {
    absl::StatusOr<auth::VmKey> key =
        auth::ReadKeyFile(FLAGS_key_file, auth::KeyFileCheck::kNamed);
    if (!key.ok()) return key.status();
    *where = absl::StrCat("the key in ", FLAGS_key_file);
    return std::optional<auth::VmKey>(*std::move(key));
  }
  if (simulated) {
    *where = "no key (simulated mode reads one only with --key-file)";
    return std::nullopt;
  }
  LoadFwCfgModule();
  absl::StatusOr<auth::VmKey> key =
      auth::ReadKeyFile(auth::kFwCfgKeyPath, auth::KeyFileCheck::kFirmware);
  if (!key.ok()) {
    *where = absl::IsNotFound(key.status())
                 ? absl::StrCat("no key (QEMU passed none: -fw_cfg name=",
                                auth::kFwCfgKeyName, ",file=FILE)")
                 : absl::StrCat("no key (", key.status().message(), ")");
    return std::nullopt;
  }
  *where = absl::StrCat("the key QEMU passed (", auth::kFwCfgKeyPath, ")");
  return std::optional<auth::VmKey>(*std::move(key));
}

int RunGuestServe(const std::vector<std::string>&) {
  absl::StatusOr<uint64_t> region_bytes = ParseByteSize(FLAGS_region_size);
  if (!region_bytes.ok()) {
    return Fail(
        ExitCode::kUsage,
        absl::StrCat("--region-size: ", region_bytes.status().message()));
  }
  if (*region_bytes % kPageSize != 0 ||
      *region_bytes / kPageSize < kMinRegionPages ||
      *region_bytes / kPageSize > kMaxRegionPages) {
    return Fail(
        ExitCode::kUsage,
        absl::StrCat("--region-size must be a multiple of 4096 between ",
                     kMinRegionPages * kPageSize, " and ",
                     uint64_t{kMaxRegionPages} * kPageSize, " bytes"));
  }
  const uint32_t region_pages =
      static_cast<uint32_t>(*region_bytes / kPageSize);
  absl::StatusOr<EventMode> event_mode = ParseEventMode(FLAGS_event_source);
  if (!event_mode.ok()) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("--event-source must be auto, connector, pid-diff "
                             "or off, not \"",
                             FLAGS_event_source, "\""));
  }
  const uint32_t ring_pages =
      *event_mode == EventMode::kOff
          ? 0
          : static_cast<uint32_t>(std::max(FLAGS_event_ring_pages, 0));
  if (*event_mode != EventMode::kOff &&
      (ring_pages < kMinEventRingPages ||
       uint64_t{kFirstBulkPage} + ring_pages > region_pages)) {
    return Fail(
        ExitCode::kUsage,
        absl::StrCat(
            "--event-ring-pages=", FLAGS_event_ring_pages,
            " does not fit: it must be at least ", kMinEventRingPages,
            " and at most ",
            region_pages > kFirstBulkPage ? region_pages - kFirstBulkPage : 0,
            " for a region of ", region_pages,
            " pages (raise --region-size, or "
            "--event-source=off)"));
  }
  // The slots' bulk windows, after the event ring.
  BulkWindowLayout windows;
  if (FLAGS_bulk_window_kb < 0 || FLAGS_bulk_window_kb > 4032) {
    return Fail(ExitCode::kUsage, "--bulk-window-kb must be 0 to 4032");
  }
  if (FLAGS_bulk_window_kb > 0) {
    windows.first_page = kFirstBulkPage + ring_pages;
    windows.pages_per_window = static_cast<uint32_t>(
        (uint64_t{static_cast<uint32_t>(FLAGS_bulk_window_kb)} * 1024 +
         kBulkDataBytes - 1) /
        kBulkDataBytes);
    const uint32_t room = region_pages - windows.first_page;
    if (windows.total_pages() > room &&
        gflags::GetCommandLineFlagInfoOrDie("bulk_window_kb").is_default) {
      // The default shrinks to what a small region holds (none at all when
      // it holds less than a page per slot).
      windows.pages_per_window = room / kRequestSlotCount;
    }
    if (windows.total_pages() > room) {
      return Fail(
          ExitCode::kUsage,
          absl::StrCat("--bulk-window-kb=", FLAGS_bulk_window_kb, " needs ",
                       windows.total_pages(),
                       " pages after the event ring; "
                       "the region has ",
                       region_pages - windows.first_page,
                       " (raise --region-size or lower --bulk-window-kb)"));
    }
  }
  std::string key_source;
  absl::StatusOr<std::optional<auth::VmKey>> key =
      LoadCompanionKey(!FLAGS_ram_file.empty(), &key_source);
  if (!key.ok()) {
    return Fail(ExitCode::kKeyFileUnusable,
                absl::StrCat("--key-file: ", key.status().message()));
  }
  if (FLAGS_allow_memory_write && !key->has_value()) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("--allow-memory-write needs the VM key (writes "
                             "are served only on authenticated channels); "
                             "this companion has ",
                             key_source));
  }
  const uint64_t session_id = NewSessionId();

  // The event source is chosen before the region exists, so the beacon can
  // say which one is active. (Opening the connector forks a test child:
  // done while this process has a single thread.)
  ProcFs procfs(FLAGS_proc_root, FLAGS_passwd_file);
  std::unique_ptr<EventPublisher> events;
  if (*event_mode != EventMode::kOff) {
    EventPublisherOptions event_options;
    event_options.mode = *event_mode;
    absl::StatusOr<std::unique_ptr<EventPublisher>> created =
        EventPublisher::Create(&procfs, event_options);
    if (!created.ok()) {
      return SetupFail(absl::StrCat(
          "cannot publish process events: ", created.status().message(),
          *event_mode == EventMode::kConnector
              ? " (run as root, or use --event-source=pid-diff)"
              : " (check --proc-root, or use --event-source=off)"));
    }
    events = *std::move(created);
  }

  std::unique_ptr<ShmRegion> shm;
  std::unique_ptr<SimulatedRam> ram;
  PageTable pages;
  std::string where;
  if (!FLAGS_ram_file.empty()) {
    absl::StatusOr<uint64_t> ram_bytes = ParseByteSize(FLAGS_ram_size);
    if (!ram_bytes.ok()) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("--ram-size: ", ram_bytes.status().message()));
    }
    SimulatedRamOptions options;
    options.path = FLAGS_ram_file;
    options.ram_bytes = *ram_bytes;
    options.region_pages = region_pages;
    options.seed =
        FLAGS_placement_seed != 0 ? FLAGS_placement_seed : session_id;
    absl::StatusOr<std::unique_ptr<SimulatedRam>> opened =
        SimulatedRam::Open(options);
    if (!opened.ok()) return SetupFail(std::string(opened.status().message()));
    ram = *std::move(opened);
    pages = ram->pages();
    where = absl::StrCat("simulated RAM file ", ram->path());
  } else {
    absl::StatusOr<std::unique_ptr<ShmRegion>> created =
        ShmRegion::Create(FLAGS_shm_name, *region_bytes, FLAGS_mlock);
    if (!created.ok()) {
      return SetupFail(std::string(created.status().message()));
    }
    shm = *std::move(created);
    pages = shm->pages();
    where = shm->path();
  }

  CompanionIdentity identity = CurrentCompanionIdentity(FLAGS_proc_root, 0);
  // The services register their handlers before the region is published,
  // so the beacon advertises exactly what the router serves. (The iterator
  // table mirrors its empty state at construction: zeros, which is also
  // what InitializeRegion leaves in that page.)
  Region region(pages);
  RequestRouter router;
  ProcessService processes(&procfs, &region.iterator_table(), session_id);
  processes.RegisterWith(&router);
  MemoryService memory(FLAGS_proc_root, processes.mutable_iterators(), &region,
                       windows);
  if (FLAGS_allow_memory_write) memory.AllowWrites(stderr);
  memory.RegisterWith(&router);
  CommandLineService command_lines(FLAGS_proc_root, &region, windows);
  command_lines.RegisterWith(&router);
  // The region's own frames: in a guest, its mapping's pagemap; simulated,
  // the pages' offsets in the RAM file (which stands for guest RAM).
  RegionFrames frames;
  frames.pages = region_pages;
  if (ram != nullptr) {
    frames.simulated_offsets = &ram->page_offsets();
  } else {
    frames.base = shm->data();
  }
  PageMapService page_maps(FLAGS_proc_root, &region, windows, frames);
  page_maps.RegisterWith(&router);
  SystemService system(&procfs, identity.hostname, identity.kernel_release);
  system.RegisterWith(&router);
  // No kCapDoorbell: the companion watches the state words themselves
  // (docs/PROTOCOL.md 4.4), so hosts need not ring.
  identity.capabilities = router.capabilities();
  if (key->has_value()) identity.capabilities |= kCapAuthentication;
  if (events != nullptr) {
    identity.capabilities |= events->capabilities();
    identity.event_ring_first_page = kFirstBulkPage;
    identity.event_ring_page_count = ring_pages;
  }
  identity.bulk_window_first_page = windows.first_page;
  identity.bulk_window_pages = windows.pages_per_window;
  if (absl::Status s = InitializeRegion(pages, session_id, identity); !s.ok()) {
    return SetupFail(std::string(s.message()));
  }

  // With a key: the proof covers the beacon exactly as initialised.
  std::unique_ptr<RequestAuthenticator> authenticator;
  if (key->has_value()) {
    std::array<uint8_t, auth::kProvenBeaconBytes> beacon;
    LoadBytesAcquire(beacon.data(), &region.beacon(), beacon.size());
    authenticator =
        std::make_unique<RequestAuthenticator>(**key, session_id, beacon);
  }
  const std::atomic<bool>& stop = InstallStopSignals();

  std::printf("guest-serve: session 0x%016llx, %u pages in %s, pid %u\n",
              static_cast<unsigned long long>(session_id), region_pages,
              where.c_str(), identity.pid);
  std::printf("guest-serve: %s%s\n",
              authenticator != nullptr ? "authenticating hosts with " : "",
              key_source.c_str());
  if (FLAGS_allow_memory_write) {
    std::printf(
        "guest-serve: memory writes allowed for authenticated hosts; each "
        "is logged on stderr\n");
  }
  if (events != nullptr) {
    if (absl::Status s = events->Start(pages, kFirstBulkPage, ring_pages);
        !s.ok()) {
      WipeRegion(pages);
      return SetupFail(
          absl::StrCat("cannot start the event ring: ", s.message()));
    }
    std::printf("guest-serve: process events from %s, ring of %u pages%s\n",
                std::string(events->source_name()).c_str(), ring_pages,
                events->fallback_reason().empty()
                    ? ""
                    : absl::StrCat(" (connector unavailable: ",
                                   events->fallback_reason(), ")")
                          .c_str());
  } else {
    std::printf("guest-serve: process events off\n");
  }
  std::fflush(stdout);

  CompanionOptions companion_options;
  companion_options.wait = CompanionWaitSchedule(
      PollModeFromFlag(),
      absl::Milliseconds(std::clamp(FLAGS_idle_sleep_ms, 1, 90)));
  companion_options.tick_recheck =
      absl::Microseconds(std::clamp(FLAGS_tick_recheck_us, 0, 100000));
  companion_options.authenticator = authenticator.get();
  Companion companion(region, &router, companion_options);
  companion.Serve(stop);

  // The ring's writer stops before the region is wiped under it.
  if (events != nullptr) events->Stop();
  // No stale beacon is left behind by a clean stop.
  WipeRegion(pages);
  std::printf("guest-serve: stopped after %llu requests; region wiped\n",
              static_cast<unsigned long long>(companion.requests_served() +
                                              companion.requests_rejected()));
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command GuestServeCommand() {
  Command command;
  command.name = "guest-serve";
  command.summary = "Run the companion inside the guest";
  command.usage =
      "[--shm-name=NAME] [--region-size=64M] | --ram-file=PATH "
      "[--ram-size=1G] [--event-source=auto|connector|pid-diff|off] "
      "[--event-ring-pages=256]";
  command.help =
      "Runs inside the VM. Creates the shared region (/dev/shm/vm-pagebeacon, "
      "64 MiB, locked in memory), marks every page with a self-identifying "
      "header, publishes a beacon with this guest's hostname, kernel and "
      "boot id, and then serves host requests through the region's request "
      "slots until SIGTERM or SIGINT, when it wipes the region so that no "
      "stale beacon is left behind.\n\n"
      "Run it as root for a full view of /proc and for mlock; as another "
      "user, raise RLIMIT_MEMLOCK (ulimit -l) above the region size.\n\n"
      "Process events (for `haywire watch --events`) are published into a "
      "ring of --event-ring-pages pages of the region. --event-source=auto "
      "uses the kernel's process-events connector when it works (root, the "
      "initial namespaces: exact, with exit codes, even for processes that "
      "live microseconds), else diffs the PID list every 50 ms.\n\n"
      "Simulated mode (--ram-file) lets one machine stand in for the guest: "
      "the region's pages are scattered through a RAM file exactly as a real "
      "guest's pages are scattered through QEMU's memory-backend-file, and "
      "host commands read that file with --mem-file.\n\n"
      "Authentication: with the VM's key (haywire keygen), passed by QEMU "
      "with -fw_cfg name=opt/haywire/key,file=FILE and read by guest-serve "
      "from /sys/firmware/qemu_fw_cfg (loading the qemu_fw_cfg module if "
      "needed; root only), or named with --key-file, the companion proves "
      "the key to hosts and serves only requests authenticated with it. "
      "Without a key it serves anyone who can write the RAM file, and hosts "
      "cannot tell it from a companion any guest user could start.\n\n"
      "Examples:\n"
      "  sudo haywire guest-serve\n"
      "  haywire guest-serve --ram-file=/tmp/haywire-vm-mem --ram-size=1G";
  command.flags = {
      "shm_name",         "region_size",     "ram_file",  "ram_size",
      "placement_seed",   "mlock",           "proc_root", "passwd_file",
      "idle_sleep_ms",    "tick_recheck_us", "poll",      "event_source",
      "event_ring_pages", "bulk_window_kb",  "key_file",  "allow_memory_write"};
  command.exit_codes = {ExitCode::kOk, ExitCode::kUsage, ExitCode::kGuestSetup,
                        ExitCode::kKeyFileUnusable, ExitCode::kFailure};
  command.run = RunGuestServe;
  return command;
}

}  // namespace haywire
