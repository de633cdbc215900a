// Copyright 2026 The Haywire Authors.

#include "guest/process_service_test_support.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "guest/request_router.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/slot.h"
#include "haywire/protocol/wire_format.h"

namespace haywire {
namespace {

namespace fs = std::filesystem;

std::string TmpDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return tmp == nullptr ? "/tmp" : tmp;
}

// The stat/status/cmdline template of a generated process; `bad` gives it a
// malformed stat (ppid "1x").
std::string StatOf(const FakeProcess& p, bool bad) {
  return absl::StrCat(p.pid, " (", p.comm, ") S ", bad ? "1x" : "1", " ", p.pid,
                      " ", p.pid, " 0 -1 4194560 10 0 0 0 ", p.pid % 100,
                      " 5 0 0 20 0 1 0 ", 1000 + p.pid,
                      " 8192000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0"
                      " 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

std::string StatusOf(const FakeProcess& p) {
  return absl::StrCat(
      "Name:\t", p.comm, "\nUmask:\t0022\nState:\tS (sleeping)\n", "Tgid:\t",
      p.pid, "\nPid:\t", p.pid, "\nUid:\t", p.uid, "\t", p.uid, "\t", p.uid,
      "\t", p.uid, "\nGid:\t", p.uid, "\t", p.uid, "\t", p.uid, "\t", p.uid,
      "\nVmSize:\t    2000 kB\nVmRSS:\t    1000 kB\n"
      "Threads:\t1\nSigPnd:\t0000000000000000\n"
      "Cpus_allowed_list:\t0-3\n");
}

std::string CmdlineOf(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    out += a;
    out.push_back('\0');
  }
  return out;
}

}  // namespace

std::string BasicDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir == nullptr ? "." : srcdir,
                      "/haywire/testdata/procfs/basic");
}

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(out) << path;
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  ASSERT_TRUE(out.good()) << path;
}

Request MakeRequest(RequestType type, uint32_t host_pid,
                    absl::string_view payload) {
  static uint64_t ticket = 0;
  Request r{};
  r.ticket = ++ticket;
  r.type = static_cast<uint32_t>(type);
  r.host_pid = host_pid;
  EXPECT_LE(payload.size(), kRequestPayloadBytes);
  r.payload_bytes = static_cast<uint32_t>(payload.size());
  std::memcpy(r.payload, payload.data(), payload.size());
  return r;
}

Request ListRequest(uint32_t host_pid, const ListProcessesRequest& request) {
  return MakeRequest(RequestType::kListProcesses, host_pid,
                     EncodeMessage(request));
}

Request ContinueRequest(uint32_t host_pid, uint64_t id) {
  return MakeRequest(RequestType::kContinueIteration, host_pid,
                     EncodeMessage(IteratorRequest{id}));
}

Request CancelRequest(uint32_t host_pid, uint64_t id) {
  return MakeRequest(RequestType::kCancelIteration, host_pid,
                     EncodeMessage(IteratorRequest{id}));
}

Request InfoRequest(uint32_t host_pid, uint32_t pid) {
  return MakeRequest(RequestType::kGetProcessInfo, host_pid,
                     EncodeMessage(ProcessInfoRequest{pid}));
}

void CheckResponse(const HandlerResult& r) {
  EXPECT_LE(r.payload.size(), kResponsePayloadBytes);
  if (r.status != ResponseStatus::kOk) {
    EXPECT_NE(DecodeErrorMessage(r.payload), "")
        << "error " << static_cast<int>(r.status) << " without a message";
    EXPECT_EQ(r.flags, 0u);
    EXPECT_EQ(r.iterator_id, 0u);
  }
  if (r.flags & kResponseMore) {
    EXPECT_NE(r.iterator_id, 0u);
  } else {
    EXPECT_EQ(r.iterator_id, 0u);
  }
}

void ExpectError(const HandlerResult& r, ResponseStatus status) {
  CheckResponse(r);
  EXPECT_EQ(static_cast<int>(r.status), static_cast<int>(status));
  EXPECT_NE(DecodeErrorMessage(r.payload), "");
  // Never listing data: an error payload holds no processes.
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(r.payload);
  if (chunk.ok()) {
    EXPECT_TRUE(chunk->entries.empty());
    EXPECT_FALSE(chunk->header.has_value());
  }
}

ListChunk ExpectChunk(const HandlerResult& r) {
  CheckResponse(r);
  EXPECT_EQ(static_cast<int>(r.status), static_cast<int>(ResponseStatus::kOk))
      << DecodeErrorMessage(r.payload);
  absl::StatusOr<ListChunk> chunk = DecodeMessage<ListChunk>(r.payload);
  EXPECT_TRUE(chunk.ok()) << chunk.status();
  return chunk.ok() ? *std::move(chunk) : ListChunk();
}

void ListAll(RoutedProcessService& service, uint32_t host, Listing* out,
             const ListProcessesRequest& request) {
  HandlerResult r = service.List(ListRequest(host, request));
  // The header comes first in the first payload.
  {
    WireReader reader(r.payload);
    WireField first;
    absl::StatusOr<bool> more = reader.Next(&first);
    ASSERT_TRUE(more.ok() && *more) << "empty first chunk";
    EXPECT_EQ(first.tag, 1) << "the first field is not the listing header";
  }
  ListChunk chunk = ExpectChunk(r);
  ASSERT_TRUE(chunk.header.has_value());
  out->header = chunk.header;
  out->chunks = 1;
  for (ProcessEntry& e : chunk.entries) out->entries.push_back(std::move(e));
  const uint64_t id = r.iterator_id;
  while (r.flags & kResponseMore) {
    // Progress: a chunk that says "more" carries at least one entry.
    ASSERT_FALSE(chunk.entries.empty()) << "chunk " << out->chunks;
    ASSERT_LT(out->chunks, 100000) << "listing does not end";
    r = service.Continue(ContinueRequest(host, id));
    chunk = ExpectChunk(r);
    ASSERT_EQ(static_cast<int>(r.status), 0);
    EXPECT_FALSE(chunk.header.has_value()) << "header in a continuation";
    if (r.flags & kResponseMore) {
      EXPECT_EQ(r.iterator_id, id);
      EXPECT_FALSE(chunk.entries.empty());
    }
    ++out->chunks;
    for (ProcessEntry& e : chunk.entries) out->entries.push_back(std::move(e));
  }
}

std::map<uint32_t, ProcessEntry> ByPid(
    const std::vector<ProcessEntry>& entries) {
  std::map<uint32_t, ProcessEntry> by_pid;
  for (const ProcessEntry& e : entries) {
    EXPECT_TRUE(by_pid.emplace(e.pid, e).second) << "pid " << e.pid << " twice";
  }
  return by_pid;
}

FakeProcess FakeFor(uint32_t pid) {
  static const uint32_t kUids[] = {0, 1000, 1001, 4242};
  static const char* const kUsers[] = {"root", "alice", "bob", "4242"};
  FakeProcess p;
  p.pid = pid;
  // Spaces and parentheses inside comm, as the kernel allows.
  p.comm = pid % 7 == 0 ? absl::StrCat("w) (", pid) : absl::StrCat("w ", pid);
  p.uid = kUids[pid % 4];
  p.user = kUsers[pid % 4];
  p.args = {"/usr/bin/worker", absl::StrCat("--id=", pid), "with space", "",
            "two\nlines"};
  return p;
}

FakeTree::FakeTree(const std::string& name)
    : root_(absl::StrCat(TmpDir(), "/", name)) {
  fs::remove_all(root_);
  fs::create_directories(proc());
  fs::create_directories(root_ + "/etc");
  for (const char* f : {"stat", "uptime", "meminfo"}) {
    fs::copy_file(BasicDir() + "/proc/" + f, proc() + "/" + f);
  }
  fs::copy_file(BasicDir() + "/etc/passwd", passwd());
  fs::create_directories(proc() + "/self");  // not a pid
}

void FakeTree::Add(const FakeProcess& p, bool bad) {
  const std::string dir = absl::StrCat(proc(), "/", p.pid);
  fs::create_directory(dir);
  WriteFile(dir + "/stat", StatOf(p, bad));
  WriteFile(dir + "/status", StatusOf(p));
  WriteFile(dir + "/cmdline", CmdlineOf(p.args));
}

void FakeTree::Remove(uint32_t pid) {
  ASSERT_GT(fs::remove_all(absl::StrCat(proc(), "/", pid)), 0u) << pid;
}

void ExpectMatchesFake(const ProcessEntry& e) {
  const FakeProcess p = FakeFor(e.pid);
  EXPECT_EQ(e.comm, p.comm) << e.pid;
  EXPECT_EQ(e.args, p.args) << e.pid;
  EXPECT_FALSE(e.args_truncated) << e.pid;
  EXPECT_EQ(e.uid, p.uid) << e.pid;
  EXPECT_EQ(e.user, p.user) << e.pid;
  EXPECT_EQ(e.ppid, 1u) << e.pid;
  EXPECT_EQ(e.state, 'S') << e.pid;
  EXPECT_EQ(e.cpu_time_ns, (e.pid % 100 + 5) * 10'000'000ull) << e.pid;
  EXPECT_EQ(e.start_time_unix_ns,
            kFixtureBootNs + (1000 + e.pid) * 10'000'000ull)
      << e.pid;
  EXPECT_TRUE(e.session_leader) << e.pid;
}

}  // namespace haywire
