// Copyright 2026 The Haywire Authors.

#include "haywire/cli/read_bench.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gflags/gflags.h"
#include "haywire/cli/command.h"
#include "haywire/host/guest_physical.h"
#include "haywire/host/memory_map_listing.h"
#include "haywire/host/ram_file.h"
#include "haywire/util/clock.h"
#include "haywire/util/json_writer.h"
#include "haywire/util/terminal_text.h"

DEFINE_uint32(read_pid, 0,
              "Measure reads of this guest process's memory instead of round "
              "trips: --read-mapping read through the companion, read "
              "--direct from the RAM file, and a plain pread of as many bytes "
              "from the RAM file, in interleaved rounds.");
DEFINE_string(read_mapping, "",
              "The mapping --read-pid reads, named as `haywire maps` shows it "
              "(default: the process's largest mapping).");
DEFINE_int32(read_rounds, 5,
             "Rounds of --read-pid (each reads the mapping once each way).");

namespace haywire {
namespace {

// `translate` is one of the direct read's two translations alone.
enum Way { kPread, kDirect, kCompanion, kTranslate, kWays };
constexpr const char* kWayNames[kWays] = {"pread", "direct", "companion",
                                          "translate"};

uint64_t Median(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

bool ReadBenchRequested() { return FLAGS_read_pid != 0; }

int RunReadBench(HostConnection& connection) {
  if (FLAGS_read_rounds < 1) {
    return Fail(ExitCode::kUsage, "--read-rounds must be at least 1");
  }
  Client& client = *connection.client;
  const uint32_t pid = FLAGS_read_pid;
  absl::StatusOr<MemoryMap> map = ListMemoryMap(client, pid);
  if (!map.ok()) return FailWith(map.status());
  const MemoryMapping* mapping = nullptr;
  for (const MemoryMapping& m : map->mappings) {
    if (!FLAGS_read_mapping.empty()
            ? m.path == FLAGS_read_mapping
            : mapping == nullptr ||
                  m.end - m.start > mapping->end - mapping->start) {
      mapping = &m;
      if (!FLAGS_read_mapping.empty()) break;
    }
  }
  if (mapping == nullptr) {
    return Fail(ExitCode::kUsage,
                absl::StrCat("process ", pid, " has no mapping named ",
                             TerminalSafe(FLAGS_read_mapping),
                             " (haywire maps ", pid, " lists them)"));
  }
  const uint64_t address = mapping->start;
  const uint64_t length = mapping->end - mapping->start;
  const RamFile& file = *connection.session.file;
  if (length > file.size()) {
    return Fail(ExitCode::kUsage, "the mapping is larger than guest RAM");
  }
  absl::StatusOr<DirectReader> reader =
      DirectReader::Create(client, connection.session, pid);
  if (!reader.ok()) return FailWith(reader.status());
  std::string buffer(length, '\0');
  const uint64_t window = client.bulk_window_capacity();

  // One read of the whole mapping, one way; the nanoseconds it took.
  auto read_once = [&](Way way) -> absl::StatusOr<uint64_t> {
    const uint64_t start = MonotonicNowNs();
    switch (way) {
      case kPread: {
        absl::StatusOr<uint64_t> got = file.ReadAt(0, length, buffer.data());
        if (!got.ok()) return got.status();
        if (*got != length) {
          return absl::InternalError("cannot read the RAM file: it ends early");
        }
        break;
      }
      case kDirect: {
        absl::StatusOr<DirectRead> got =
            reader->Read(address, length, buffer.data());
        if (!got.ok()) return got.status();
        if (got->stopped_at.has_value()) {
          return absl::FailedPreconditionError(
              absl::StrCat("the mapping has a page that is ", got->why,
                           " at 0x", absl::Hex(*got->stopped_at),
                           "; pick one whose pages are all in guest RAM"));
        }
        break;
      }
      case kCompanion:
        for (uint64_t done = 0; done < length;) {
          absl::StatusOr<ReadMemoryResponse> got = client.ReadMemory(
              pid, address + done, std::min(window, length - done),
              buffer.data() + done);
          if (!got.ok()) return got.status();
          if (got->bytes == 0) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the companion cannot read 0x", absl::Hex(address + done)));
          }
          done += got->bytes;
        }
        break;
      case kTranslate: {
        const uint64_t pb = reader->page_bytes();
        absl::StatusOr<PageMapEntries> got =
            FetchPageMap(client, pid, address / pb, length / pb);
        if (!got.ok()) return got.status();
        break;
      }
      case kWays:
        break;
    }
    return MonotonicNowNs() - start;
  };

  std::vector<uint64_t> ns[kWays];
  for (int round = 0; round < FLAGS_read_rounds; ++round) {
    for (int i = 0; i < kWays; ++i) {
      const Way way = static_cast<Way>((round + i) % kWays);  // rotated
      absl::StatusOr<uint64_t> took = read_once(way);
      if (!took.ok()) return FailWith(took.status());
      ns[way].push_back(*took);
    }
  }
  uint64_t p50[kWays];
  for (int w = 0; w < kWays; ++w) p50[w] = Median(ns[w]);
  // Speed relative to pread (at least 0.8 is the goal) and to the
  // companion path.
  const double direct_vs_pread =
      static_cast<double>(p50[kPread]) / static_cast<double>(p50[kDirect]);
  const double direct_vs_companion =
      static_cast<double>(p50[kCompanion]) / static_cast<double>(p50[kDirect]);
  auto mib_per_s = [&](uint64_t took) {
    return static_cast<double>(length) / 1048576.0 /
           (static_cast<double>(took) / 1e9);
  };
  if (FLAGS_json) {
    JsonWriter json(JsonWriter::Style::kPretty);
    json.BeginObject();
    json.Key("pid").Uint(pid);
    json.Key("mapping").String(mapping->path);
    json.Key("address").String(absl::StrCat("0x", absl::Hex(address)));
    json.Key("bytes").Uint(length);
    json.Key("rounds").Int(FLAGS_read_rounds);
    for (int w = 0; w < kWays; ++w) {
      json.Key(absl::StrCat(kWayNames[w], "_p50_ns")).Uint(p50[w]);
    }
    json.Key("direct_vs_pread").Double(direct_vs_pread);
    json.Key("direct_vs_companion").Double(direct_vs_companion);
    json.EndObject();
    absl::StatusOr<std::string> text = std::move(json).Finish();
    if (!text.ok()) return Fail(ExitCode::kFailure, text.status().message());
    std::printf("%s\n", text->c_str());
  } else {
    std::printf("%llu bytes of process %u's %s at 0x%llx, p50 of %d rounds\n",
                static_cast<unsigned long long>(length), pid,
                TerminalSafe(mapping->path).c_str(),
                static_cast<unsigned long long>(address), FLAGS_read_rounds);
    std::printf("%-10s %12s %10s\n", "WAY", "P50", "MIB/S");
    for (int w = 0; w < kWays; ++w) {
      std::printf("%-10s %9.2f ms %10.0f\n", kWayNames[w], p50[w] / 1e6,
                  mib_per_s(p50[w]));
    }
    std::printf(
        "direct reads at %.2fx the speed of pread and %.1fx that of the "
        "companion\n",
        direct_vs_pread, direct_vs_companion);
  }
  std::fflush(stdout);
  return ExitCodeValue(ExitCode::kOk);
}

}  // namespace haywire
