// Copyright 2026 The Haywire Authors.

#include "haywire/cli/write_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gflags/gflags.h"
#include "haywire/cli/host_flags.h"
#include "haywire/util/hex_bytes.h"

DEFINE_string(in, "",
              "Write the bytes of this file (instead of HEXBYTES on the "
              "command line).");

namespace haywire {
namespace {

// A write larger than this is refused: writes patch variables and code,
// they do not load images.
constexpr uint64_t kMaxWriteTotal = 64ull << 20;

int RunWrite(const std::vector<std::string>& args) {
  uint32_t pid = 0;
  if (!absl::SimpleAtoi(args[0], &pid) || pid == 0) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[0], "' is not a process id"));
  }
  uint64_t address = 0;
  absl::string_view address_text = args[1];
  const bool hex_address = absl::ConsumePrefix(&address_text, "0x") ||
                           absl::ConsumePrefix(&address_text, "0X");
  if (!(hex_address ? absl::SimpleHexAtoi(address_text, &address)
                    : absl::SimpleAtoi(address_text, &address))) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("'", args[1],
                             "' is not an address (0x... or a decimal "
                             "number)"));
  }
  const bool from_file = !FLAGS_in.empty();
  if (from_file == (args.size() > 2)) {
    return Fail(ExitCode::kUsage,
                "give the bytes either as HEXBYTES or with --in=FILE, not "
                "both or neither");
  }
  std::string data;
  if (from_file) {
    std::ifstream in(FLAGS_in, std::ios::binary);
    if (!in) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("--in=", FLAGS_in, ": ", std::strerror(errno)));
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    data = bytes.str();
  } else {
    absl::StatusOr<std::string> bytes = ParseHexBytes(args[2]);
    if (!bytes.ok()) {
      return Fail(ExitCode::kUsage,
                  absl::StrCat("HEXBYTES: ", bytes.status().message()));
    }
    data = *std::move(bytes);
  }
  if (data.empty()) {
    return Fail(ExitCode::kUsage, "nothing to write (0 bytes)");
  }
  if (data.size() > kMaxWriteTotal) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("a write is at most ", kMaxWriteTotal >> 20,
                             " MiB; this one is ", data.size(), " bytes"));
  }
  if (address + (data.size() - 1) < address) {
    return Fail(ExitCode::kUsage,
                "the range wraps past the end of the address space");
  }

  absl::StatusOr<std::unique_ptr<HostConnection>> connection =
      ConnectFromFlags();
  if (!connection.ok()) return FailWith(connection.status());
  Client& client = *(*connection)->client;

  uint64_t done = 0;
  while (done < data.size()) {
    const uint64_t n = std::min<uint64_t>(kMaxWriteBytes, data.size() - done);
    absl::StatusOr<WriteMemoryResponse> wrote = client.WriteMemory(
        pid, address + done, absl::string_view(data).substr(done, n));
    if (!wrote.ok()) {
      if (done > 0) {
        std::fprintf(stderr, "haywire write: %llu bytes were written first\n",
                     static_cast<unsigned long long>(done));
      }
      return FailWith(wrote.status());
    }
    done += wrote->bytes;
    if (wrote->fault_address.has_value()) {
      return Fail(
          ExitCode::kMemoryFault,
          absl::StrCat(
              "cannot write process ", pid, "'s memory at 0x",
              absl::Hex(*wrote->fault_address), " (",
              std::strerror(static_cast<int>(wrote->error.value_or(EFAULT))),
              "): not mapped or not writable; ",
              done == 0
                  ? std::string("nothing was written")
                  : absl::StrCat("the ", done, " bytes before it were written"),
              " (haywire maps ", pid, " shows the mappings)"));
    }
  }
  std::printf("wrote %llu bytes to process %u at 0x%llx\n",
              static_cast<unsigned long long>(done), pid,
              static_cast<unsigned long long>(address));
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace

Command WriteCommand() {
  Command command;
  command.name = "write";
  command.summary = "Change bytes of a guest process's memory";
  command.usage =
      "[--mem-file=PATH] --key-file=FILE PID ADDR HEXBYTES\n"
      "       haywire write [...] --in=FILE PID ADDR";
  command.help =
      "Writes bytes into a guest process's memory at ADDR (0x... hex, or "
      "decimal): HEXBYTES such as 'de ad be ef' or 'deadbeef', or the "
      "contents of --in=FILE (up to 64 MiB, sent 3 KiB per round trip). The "
      "companion writes with process_vm_writev, so only memory the process "
      "could write itself (not read-only mappings). Refused unless "
      "guest-serve was started with --allow-memory-write, which needs the "
      "VM key: the session must be authenticated (--key-file, or the key at "
      "<mem-file>.key). The companion logs every write (pid, address, "
      "length) on its stderr. A write that reaches memory that is not "
      "mapped or not writable stops there with exit code 16, naming the "
      "first such address; the bytes before it were written.\n\n"
      "Examples:\n"
      "  haywire write --key-file=vm.key 4242 0x55d0c0de12a0 '01 00 00 00'\n"
      "  haywire write --key-file=vm.key --in=patch.bin 4242 0x7f1c2a001000";
  command.flags = HostFlagNames();
  command.flags.push_back("in");
  command.exit_codes = {ExitCode::kOk,
                        ExitCode::kUsage,
                        ExitCode::kNoSuchProcess,
                        ExitCode::kMemoryFault,
                        ExitCode::kUnauthenticated,
                        ExitCode::kWriteNotAllowed,
                        ExitCode::kGuestError};
  command.min_args = 2;
  command.max_args = 3;
  command.run = RunWrite;
  return command;
}

}  // namespace haywire
