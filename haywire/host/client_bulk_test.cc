// Copyright 2026 The Haywire Authors.
//
// Client::ReadMemory against companions that answer READ_MEMORY out of
// bounds or, with a key, with window bytes altered after their digest: a
// clear error every time, and under a key the session is given up.

#include <sodium.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "haywire/auth/vm_key.h"
#include "haywire/host/client.h"
#include "haywire/host/client_test_support.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/requests.h"

namespace haywire {
namespace {

TEST(ClientBulkTest, ReadAnswersOutOfBoundsFail) {
  struct Case {
    const char* name;
    ReadMemoryResponse response;
    const char* says;
  };
  ReadMemoryResponse more;
  more.bytes = 65;
  ReadMemoryResponse silent_stop;
  silent_stop.bytes = 10;
  ReadMemoryResponse wrong_fault;
  wrong_fault.bytes = 10;
  wrong_fault.fault_address = 0x1000 + 11;
  const Case cases[] = {
      {"more", more, "claims 65 bytes for a read of 64"},
      {"silent-stop", silent_stop, "stops early without naming"},
      {"wrong-fault", wrong_fault, "stops early without naming"},
  };
  for (const Case& c : cases) {
    TestCompanion companion(c.name);
    companion.UseBulkWindows();
    companion.Handle<request::ReadMemory>(
        [&](const ReadMemoryRequest&, const RequestContext&) {
          return Respond<request::ReadMemory>(c.response);
        });
    companion.Start();
    LiveSession session = companion.Connect();
    Client client(&session, Quick());
    char out[64];
    const absl::Status s = client.ReadMemory(42, 0x1000, 64, out).status();
    EXPECT_EQ(FailureOf(s), Failure::kGuestError) << c.name << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), c.says)) << s;
    // The slot was handed back: the next request is served.
    EXPECT_TRUE(client.Ping().ok());
  }
}

TEST(ClientBulkTest, WindowBytesAlteredUnderAKeyAreCaught) {
  std::array<uint8_t, auth::kVmKeyBytes> key_bytes;
  key_bytes.fill(0x5a);
  const auth::VmKey key(key_bytes);
  TestCompanion companion("tampered");
  const BulkWindowLayout windows = companion.UseBulkWindows();
  const std::string honest(64, 'h');
  companion.Handle<request::ReadMemory>(
      [&](const ReadMemoryRequest& r, const RequestContext& c) {
        EXPECT_TRUE(r.want_digest);
        ReadMemoryResponse response;
        response.bytes = honest.size();
        response.digest = WindowDigestOf(c, honest.data(), honest.size());
        EXPECT_EQ(response.digest.size(), ReadMemoryResponse::kDigestBytes);
        std::string altered = honest;
        altered[7] = 'X';  // as anyone who can write the RAM file could
        CopyToWindow(companion.region(), windows, c.slot, altered.data(),
                     altered.size());
        return Respond<request::ReadMemory>(response);
      });
  companion.Start(0, &key);
  LiveSession session = companion.Connect();
  ClientOptions options = Quick();
  options.key = std::make_shared<const auth::VmKey>(key);
  Client client(&session, options);
  char out[64];
  const absl::Status s = client.ReadMemory(42, 0x1000, 64, out).status();
  EXPECT_EQ(FailureOf(s), Failure::kUnauthenticated) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "authenticated digest")) << s;
  EXPECT_EQ(FailureOf(client.Ping()), Failure::kUnauthenticated);
  // The handler's locals (declared after the companion) outlive its thread.
  companion.Stop();
}

}  // namespace
}  // namespace haywire
