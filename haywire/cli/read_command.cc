// Copyright 2026 The Haywire Authors.

#include "haywire/cli/read_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/format/hexdump.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/memory_map_listing.h"
#include "haywire/util/byte_size.h"
#include "haywire/util/terminal_text.h"

DEFINE_string(mapping, "",
              "Read every mapping with this path, as `haywire maps` shows it "
              "('[heap]', '[stack]', '/usr/lib/x86_64-linux-gnu/libc.so.6'), "
              "instead of ADDR and LEN.");
DECLARE_string(out);  // keygen_command.cc
DEFINE_bool(direct, false,
            "read, grep: take the bytes straight from the RAM file; the "
            "companion only says where the process's pages lie in "
            "guest-physical memory. Pages not in guest RAM (never touched, "
            "swapped out) stop a read and are skipped by a search; without "
            "--direct the companion reads them.");
DEFINE_string(format, "",
              "hexdump (like xxd, the default on a terminal and with "
              "neither --out nor a pipe) or raw (the bytes themselves; the "
              "default with --out).");

namespace haywire {
namespace {

// "0x7f00...", "4096", "64K".
bool ParseNumber(absl::string_view text, uint64_t* out) {
  if (absl::ConsumePrefix(&text, "0x") || absl::ConsumePrefix(&text, "0X")) {
    return absl::SimpleHexAtoi(text, out);
  }
  absl::StatusOr<uint64_t> size = ParseByteSize(text);
  if (!size.ok()) return false;
  *out = *size;
  return true;
}

struct Range {
  uint64_t address;
  uint64_t length;
};

// Writes what is read, as it comes.
class Sink {
 public:
  Sink(int fd, bool hexdump, int address_width)
      : fd_(fd), hexdump_(hexdump), address_width_(address_width) {}

  bool Write(uint64_t address, absl::string_view bytes) {
    if (!hexdump_) return WriteAll(bytes);
    return WriteAll(HexdumpLines(address, bytes, address_width_));
  }

 private:
  bool WriteAll(absl::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  int fd_;
  bool hexdump_;
  int address_width_;
};

// What one step of a read brought: `bytes` at the start of the buffer,
// and, when the read stopped, where, why (the words after the address)
// and what to try.
struct Step {
  uint64_t bytes = 0;
  std::optional<uint64_t> stopped_at;
  std::string why;
  std::string hint;
};
// Reads up to `remaining` bytes at `address` into `buffer` (resized as
// needed).
using StepReader = absl::FunctionRef<absl::StatusOr<Step>(
    uint64_t address, uint64_t remaining, std::string* buffer)>;

// Writes `ranges` of process `pid` to `fd`, a step at a time; the exit code.
int CopyRanges(uint32_t pid, const std::vector<Range>& ranges, int fd,
               bool hexdump, StepReader read) {
  const Range& last = ranges.back();
  Sink sink(fd, hexdump, HexdumpAddressWidth(last.address + last.length));
  std::string buffer;
  uint64_t total = 0;
  for (const Range& range : ranges) {
    for (uint64_t done = 0; done < range.length;) {
      const uint64_t address = range.address + done;
      absl::StatusOr<Step> got = read(address, range.length - done, &buffer);
      if (!got.ok()) return FailWith(got.status());
      if (!sink.Write(address, absl::string_view(buffer.data(), got->bytes))) {
        return Fail(
            ExitCode::kFailure,
            absl::StrCat("cannot write the output: ", std::strerror(errno)));
      }
      done += got->bytes;
      total += got->bytes;
      if (got->stopped_at.has_value()) {
        return Fail(
            ExitCode::kMemoryFault,
            absl::StrCat("cannot read process ", pid, "'s memory at 0x",
                         absl::Hex(*got->stopped_at), got->why, "; ",
                         total == 0 ? std::string("nothing was read before it")
                                    : absl::StrCat("the ", total,
                                                   " bytes before it were "
                                                   "written"),
                         got->hint));
      }
    }
  }
  if (fd != STDOUT_FILENO && ::close(fd) != 0) {
    return Fail(ExitCode::kFailure,
                absl::StrCat("--out=", FLAGS_out, ": ", std::strerror(errno)));
  }
  return ExitCodeValue(ExitCode::kOk);
}

// --direct: from the RAM file (guest_physical.h), 16 MiB at a time.
int ReadRangesDirect(Client& client, const LiveSession& session, uint32_t pid,
                     const std::vector<Range>& ranges, int fd, bool hexdump) {
  absl::StatusOr<DirectReader> reader =
      DirectReader::Create(client, session, pid);
  if (!reader.ok()) return FailWith(reader.status());
  constexpr uint64_t kChunk = 16 << 20;
  return CopyRanges(
      pid, ranges, fd, hexdump,
      [&](uint64_t address, uint64_t remaining,
          std::string* buffer) -> absl::StatusOr<Step> {
        const uint64_t n = std::min(kChunk, remaining);
        buffer->resize(n);
        absl::StatusOr<DirectRead> got =
            reader->Read(address, n, buffer->data());
        if (!got.ok()) return got.status();
        Step step{got->bytes, got->stopped_at, "", ""};
        if (got->stopped_at.has_value()) {
          step.why = absl::StrCat(" directly: its page is ", got->why);
          step.hint = " (without --direct the companion reads it)";
        }
        return step;
      });
}

int RunRead(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  const bool by_mapping = !FLAGS_mapping.empty();
  if (by_mapping == (args.size() > 1)) {
    return Fail(
        ExitCode::kUsage,
        "give either ADDR [LEN] or --mapping=NAME, not both or neither");
  }
  Range asked{0, 256};
  if (!by_mapping) {
    if (!ParseNumber(args[1], &asked.address)) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("'", args[1],
                               "' is not an address (0x... or "
                               "a decimal number)"));
    }
    if (args.size() > 2 && !ParseNumber(args[2], &asked.length)) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("'", args[2],
                               "' is not a length (4096, 0x1000, 64K, 1M...)"));
    }
    if (asked.length == 0) {
      return Fail(ExitCode::kUsage, "LEN must be at least 1 byte");
    }
    if (asked.address + (asked.length - 1) < asked.address) {
      return Fail(ExitCode::kUsage,
                  "the range wraps past the end of the address space");
    }
  }
  std::string format = FLAGS_format;
  if (format.empty()) format = FLAGS_out.empty() ? "hexdump" : "raw";
  if (format != "hexdump" && format != "raw") {
    return Fail(ExitCode::kUsage, "--format must be hexdump or raw");
  }
  int fd = STDOUT_FILENO;
  if (!FLAGS_out.empty()) {
    fd = ::open(FLAGS_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                0600);
    if (fd < 0) {
      return Fail(ExitCode::kUsage, absl::StrCat("--out=", FLAGS_out, ": ",
                                                 std::strerror(errno)));
    }
  } else if (format == "raw" && ::isatty(STDOUT_FILENO)) {
    return Fail(ExitCode::kUsage,
                "refusing to write raw bytes to a terminal: use --out=FILE, "
                "a pipe, or --format=hexdump");
  }

  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  Client& client = *(*connection)->client;

  std::vector<Range> ranges;
  if (by_mapping) {
    absl::StatusOr<MemoryMap> map = ListMemoryMap(client, pid);
    if (!map.ok()) return FailWith(map.status());
    for (const MemoryMapping& m : map->mappings) {
      if (m.path == FLAGS_mapping) ranges.push_back({m.start, m.end - m.start});
    }
    if (ranges.empty()) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("process ", pid, " has no mapping named ",
                               TerminalSafe(FLAGS_mapping), " (haywire maps ",
                               pid, " lists them)"));
    }
  } else {
    ranges.push_back(asked);
  }

  if (FLAGS_direct) {
    return ReadRangesDirect(client, (*connection)->session, pid, ranges, fd,
                            format == "hexdump");
  }
  // Without windows the first ReadMemory says so (kVersionMismatch).
  const uint64_t window = client.bulk_window_capacity();
  return CopyRanges(
      pid, ranges, fd, format == "hexdump",
      [&](uint64_t address, uint64_t remaining,
          std::string* buffer) -> absl::StatusOr<Step> {
        buffer->resize(window);
        absl::StatusOr<ReadMemoryResponse> got =
            client.ReadMemory(pid, address, remaining, buffer->data());
        if (!got.ok()) return got.status();
        Step step{got->bytes, got->fault_address, "", ""};
        if (got->fault_address.has_value()) {
          step.why = absl::StrCat(
              " (",
              std::strerror(static_cast<int>(got->error.value_or(EFAULT))),
              "): not mapped or not readable");
          step.hint =
              absl::StrCat(" (haywire maps ", pid, " shows the mappings)");
        }
        return step;
      });
}

}  // namespace

Command ReadCommand() {
  Command command;
  command.name = "read";
  command.summary = "Show bytes of a guest process's memory (like xxd)";
  command.usage =
      "[--mem-file=PATH] [--out=FILE] [--format=hexdump|raw] [--direct] PID "
      "ADDR "
      "[LEN]\n"
      "       haywire read [...] --mapping=NAME PID";
  command.help =
      "Reads LEN bytes (default 256) of a guest process's memory from ADDR "
      "(0x... hex, or decimal) and prints them as `xxd` does, with guest "
      "addresses in the first column; --format=raw writes the bytes "
      "themselves (to --out=FILE or a pipe; never to a terminal). "
      "--mapping='[heap]' or --mapping=PATH reads every mapping with that "
      "name, as `haywire maps` lists them. LEN takes suffixes (4K, 1M) or "
      "0x hex. The companion reads with process_vm_readv (or /proc/PID/mem) "
      "into a shared bulk window, a window (256 KiB by default) per round "
      "trip. A read that reaches memory that is not mapped or not readable "
      "writes what came before, then fails with exit code 16 naming the "
      "first address it could not read.\n\n"
      "--direct reads the bytes from the RAM file itself: the companion only "
      "translates the process's pages to guest-physical frames (twice: pages "
      "that moved meanwhile are read again), and the host places them in "
      "the file by a layout calibrated from the region's own pages. Pages "
      "that are not in guest RAM (never touched, swapped out) stop it with "
      "exit code 16. Not in a simulated guest (its processes have no frames "
      "in the RAM file).\n\n"
      "Examples:\n"
      "  haywire read 4242 0x7f1c2a000000 64\n"
      "  haywire read --mapping='[heap]' --out=heap.bin 4242\n"
      "  haywire read --format=raw 4242 0x55d0c0de0000 1M | sha256sum";
  command.flags = HostFlagNames();
  command.flags.push_back("mapping");
  command.flags.push_back("out");
  command.flags.push_back("format");
  command.flags.push_back("direct");
  command.exit_codes = {ExitCode::kOk,
                        ExitCode::kUsage,
                        ExitCode::kNoSuchProcess,
                        ExitCode::kMemoryFault,
                        ExitCode::kVersionMismatch,
                        ExitCode::kGuestError};
  command.min_args = 1;
  command.max_args = 3;
  command.run = RunRead;
  return command;
}

}  // namespace haywire
