// Copyright 2026 The Haywire Authors.
//
// Fuzz target: the companion's /proc parsers (guest/procfs_parse.h and
// guest/smaps_parse.h, and the streaming SmapsReader over the same text). Any
// guest user controls much of what these read: a process's comm and command
// line, and through a user namespace or a FUSE-mounted /proc even whole
// files. Every parser gets the whole input as the file it parses.
//
// Checked: what a parser accepts is within the bounds the companion then
// puts on the wire (names within kMaxNameBytes, command lines within
// kMaxArgs and kMaxArgsBytes, memory figures consistent, load averages
// bounded), the strict number parsers read back what they accept, and the
// mappings an smaps parses to are valid on the wire, ascending, and what
// the streaming reader yields from the same bytes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "guest/procfs_parse.h"
#include "guest/smaps_parse.h"
#include "guest/smaps_reader.h"
#include "haywire/fuzz/check.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"

namespace haywire {
namespace {

using namespace internal;  // NOLINT: the parsers under test.

void CheckNumbers(absl::string_view text) {
  uint64_t u = 0;
  if (ParseDecimal(text, &u)) {
    uint64_t back = 0;
    FUZZ_CHECK(ParseDecimal(absl::StrCat(u), &back) && back == u);
  }
  int64_t i = 0;
  if (ParseSignedDecimal(text, &i)) {
    int64_t back = 0;
    FUZZ_CHECK(ParseSignedDecimal(absl::StrCat(i), &back) && back == i);
  }
  if (ParseHex64(text, &u)) {
    uint64_t back = 0;
    FUZZ_CHECK(ParseHex64(absl::StrCat(absl::Hex(u)), &back) && back == u);
  }
  uint32_t mode = 0;
  if (ParseOctalMode(text, &mode)) FUZZ_CHECK(mode <= 07777);
  ParseKb(text, &u);
  int32_t i32 = 0;
  ParseInteger(text, &i32);
  uint16_t u16 = 0;
  ParseInteger(text, &u16);
  FUZZ_CHECK(Quote(text).size() <= 4 * 40 + 5);
  for (size_t max : {size_t{0}, size_t{1}, size_t{15}, kMaxNameBytes}) {
    const std::string cut = CutUtf8(text, max);
    FUZZ_CHECK(cut.size() <= max || cut.size() == text.size());
    FUZZ_CHECK(absl::string_view(text).substr(0, cut.size()) == cut);
  }
}

void CheckProcessFiles(absl::string_view text) {
  absl::StatusOr<StatFields> stat = ParseStat(text);
  if (stat.ok()) {
    absl::StatusOr<char> state = ParseStatState(text);
    FUZZ_CHECK(state.ok() && *state == stat->state);
  }
  ParseStatState(text).IgnoreError();
  ParseStatmSharedPages(text).IgnoreError();

  absl::StatusOr<StatusFields> status = ParseStatusFields(text);
  if (status.ok()) {
    FUZZ_CHECK(status->cpus_allowed_list.size() <= kMaxNameBytes);
    if (status->umask.has_value()) FUZZ_CHECK(*status->umask <= 07777);
  }

  const Cmdline cmdline = SplitCmdline(text);
  FUZZ_CHECK(cmdline.args.size() <= kMaxArgs);
  size_t bytes = 0;
  for (const std::string& arg : cmdline.args) {
    bytes += arg.size() + 1;
    FUZZ_CHECK(arg.find('\0') == std::string::npos);
  }
  FUZZ_CHECK(bytes <= kMaxArgsBytes);
  if (!cmdline.truncated && !text.empty()) {
    // Nothing cut: the args are the file (a final NUL is optional).
    std::string joined;
    for (const std::string& arg : cmdline.args) {
      joined += arg;
      joined += '\0';
    }
    FUZZ_CHECK(joined == text ||
               joined == absl::StrCat(text, std::string(1, '\0')));
  }

  const absl::flat_hash_map<uint32_t, std::string> users = ParsePasswd(text);
  for (const auto& [uid, name] : users) {
    FUZZ_CHECK(name.size() <= kMaxNameBytes);
  }
}

void CheckSystemFiles(absl::string_view text) {
  absl::StatusOr<StatCpu> cpu = ParseStatCpu(text);
  if (cpu.ok()) FUZZ_CHECK(cpu->cpu_count <= kMaxCpus);
  absl::StatusOr<std::array<uint64_t, 3>> load = ParseLoadAverage(text);
  if (load.ok()) {
    for (uint64_t l : *load) FUZZ_CHECK(l <= kMaxLoadAverageMilli);
  }
  ParseProcessTableStamp(text).IgnoreError();
  SystemSummary summary;
  if (ParseMeminfoSummary(text, &summary).ok()) {
    FUZZ_CHECK(summary.mem_free_kb <= summary.mem_total_kb);
    FUZZ_CHECK(summary.mem_available_kb <= summary.mem_total_kb);
  }
  ParseUptimeNs(text).IgnoreError();
  FindStatValue(text, "btime").IgnoreError();
  FindMeminfoKb(text, "MemTotal").IgnoreError();
}

void CheckSmaps(absl::string_view text) {
  absl::StatusOr<std::vector<MemoryMapping>> maps = ParseSmaps(text);
  // The streaming reader, over the same bytes in a memfd.
  const int fd = ::memfd_create("smaps", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(::write(fd, text.data(), text.size()) ==
             static_cast<ssize_t>(text.size()));
  FUZZ_CHECK(::lseek(fd, 0, SEEK_SET) == 0);
  SmapsReader reader(fd, "fuzz");
  std::vector<MemoryMapping> streamed;
  bool stream_ok = true;
  for (;;) {
    absl::StatusOr<std::optional<MemoryMapping>> next = reader.Next();
    if (!next.ok()) {
      stream_ok = false;
      break;
    }
    if (!next->has_value()) break;
    streamed.push_back(**next);
  }
  if (!maps.ok()) {
    // The reader may fail later than the parser (it yields the mappings
    // before a bad line) but never accepts what the parser refuses, except
    // an empty line the parser skips in the same way.
    FUZZ_CHECK(!stream_ok);
    return;
  }
  FUZZ_CHECK(stream_ok);
  FUZZ_CHECK(streamed.size() == maps->size());
  MemoryMapChunk chunk;
  for (size_t i = 0; i < maps->size(); ++i) {
    const MemoryMapping& m = (*maps)[i];
    FUZZ_CHECK(MemoryMapping::WireValidate(m).ok());
    FUZZ_CHECK(m.path.size() <= kMaxPathBytes);
    if (i > 0) FUZZ_CHECK(m.start >= (*maps)[i - 1].end);
    FUZZ_CHECK(streamed[i].start == m.start && streamed[i].end == m.end &&
               streamed[i].path == m.path && streamed[i].rss_kb == m.rss_kb);
    if (i < 8) chunk.mappings.push_back(m);
  }
  absl::StatusOr<MemoryMapChunk> back =
      DecodeMessage<MemoryMapChunk>(EncodeMessage(chunk));
  FUZZ_CHECK(back.ok() && back->mappings.size() == chunk.mappings.size());
}

void CheckFixedWidth(const uint8_t* data, size_t size) {
  if (size < 16) return;
  uint32_t tty_nr;
  uint64_t ticks, rate;
  std::memcpy(&tty_nr, data, sizeof(tty_nr));
  std::memcpy(&ticks, data, sizeof(ticks));
  std::memcpy(&rate, data + 8, sizeof(rate));
  const std::string tty = TtyName(tty_nr);
  FUZZ_CHECK(!tty.empty() && tty.size() <= kMaxNameBytes);
  absl::StatusOr<uint64_t> ns = TicksToNs(ticks, rate);
  if (ns.ok() && rate != 0) FUZZ_CHECK(*ns / 1'000'000'000 <= ticks);
}

}  // namespace
}  // namespace haywire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace haywire;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckNumbers(text);
  CheckProcessFiles(text);
  CheckSystemFiles(text);
  CheckSmaps(text);
  CheckFixedWidth(data, size);
  return 0;
}
