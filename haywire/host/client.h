// Copyright 2026 The Haywire Authors.
//
// Client: one host process's conversation with a live companion.
//
// A Client sends requests through the region's slots of a LiveSession:
// claim a free slot by CAS with this process's PID as station id, publish the
// request with a fresh 64-bit ticket, wait for the response with a deadline,
// check the echoed ticket, copy and validate the response, free the slot.
// Everything is bounded:
//   * all slots busy: retry with backoff until `busy_timeout`, reclaiming
//     slots whose owner PID no longer exists on this host, then kBusy;
//   * no response: give up at `request_timeout` (the slot is abandoned so the
//     companion frees it), then kTimeout;
//   * companion gone: a wiped beacon or a heartbeat that stops advancing for
//     `heartbeat_timeout` ends the wait with kNoLiveSession.
// Responses are never trusted: payloads are decoded by messages.h with every
// count, length and string bounded.
//
// Requests are typed by the registry (haywire/protocol/requests.h):
//   absl::StatusOr<ProcessInfo> info =
//       client.Call<request::GetProcessInfo>({.pid = 42});
// publishes the encoded request, turns a non-OK response status into an
// error (Failure kinds for the exit code), and decodes the response message
// once.
//
// Authentication: with ClientOptions::key, the first request is preceded by
// an AUTH_CHALLENGE (haywire/auth/handshake.h) that must prove the key, and
// every request and response then carries a tag (haywire/auth/
// message_tag.h); an untagged or wrongly tagged response is never
// delivered.
//
// Keep-alive: by default a Client keeps its slot after a response (it stays
// kResponseReady, owned by this station), and its next request reuses it in
// one CAS instead of claim + publish + free: back-to-back requests then cost
// two cache-line transfers of the slot's control line per round trip, as a
// raw ping-pong does. A Client that will be idle for a while (or is done)
// should call ReleaseSlot(); the destructor does. A slot kept by a process
// that died is reclaimed like any other slot of a dead owner.
//
// A Client is not thread-safe; use one per thread (they may share a
// LiveSession and a PID: slot claims are atomic).
#ifndef HAYWIRE_HOST_CLIENT_H_
#define HAYWIRE_HOST_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "haywire/auth/primitives.h"
#include "haywire/auth/vm_key.h"
#include "haywire/host/failure.h"
#include "haywire/host/live_session.h"
#include "haywire/protocol/bulk_window.h"
#include "haywire/protocol/memory_messages.h"
#include "haywire/protocol/message_codec.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/requests.h"
#include "haywire/protocol/slot.h"
#include "haywire/util/poll_policy.h"

namespace haywire {

// Caps of one listing, whatever the companion sends: entries (Linux's
// largest pid_max), and bytes of decoded entries kept in memory.
inline constexpr uint32_t kMaxListedProcesses = 4'194'304;
inline constexpr uint64_t kMaxListingBytes = uint64_t{256} << 20;

struct ClientOptions {
  absl::Duration request_timeout = absl::Seconds(5);
  absl::Duration busy_timeout = absl::Seconds(5);
  absl::Duration heartbeat_timeout = absl::Seconds(2);
  // How to wait for a response (haywire/util/poll_policy.h).
  WaitSchedule wait = ClientWaitSchedule(PollMode::kAdaptive);
  // Station id written into claimed slots; 0 means getpid().
  uint32_t station_id = 0;
  // Keep the slot between requests (see above); false frees it after every
  // response.
  bool keep_slot = true;
  // A whole listing (every chunk, resumption and restart) ends by then.
  // Generous: 40 clients listing 5000 processes at once under ASan on two
  // busy cores took over 60 s; the cap is for a companion that makes slow
  // progress for ever (the entry and byte caps bound a fast one).
  absl::Duration listing_timeout = absl::Seconds(300);
  // Caps of one listing, whatever the companion sends (tests lower them).
  uint32_t max_listed_processes = kMaxListedProcesses;
  uint64_t max_listing_bytes = kMaxListingBytes;
  // After this long without a response, the next request first checks that
  // the heartbeat kept going meanwhile (it moved, and its guest time moved
  // as far as the host's clock, less two periods), else waits for it to
  // move (up to heartbeat_timeout), before it writes anything: the
  // companion may have been killed meanwhile, and its pages handed to
  // someone else.
  absl::Duration idle_proof = absl::Milliseconds(500);
  // The VM key (--key-file). With it the client opens an authenticated
  // channel before its first request (Authenticate) and then tags every
  // request and checks every response's tag; a session that fails is never
  // written to again by this client. Without it, a companion that has a
  // key refuses every request (kUnauthenticated).
  std::shared_ptr<const auth::VmKey> key;
};

// What one listing returned.
struct ProcessList {
  // The first snapshot's header (a resumed listing's later snapshots only
  // add processes).
  ListHeader header;
  std::vector<ProcessEntry> processes;  // sorted by pid, no duplicates
  uint32_t chunks = 0;
  // Times the companion evicted the listing's iterator and the listing went
  // on from the last pid received (companions with kCapListResume)...
  uint32_t resumptions = 0;
  // ... or started over (older companions; at most once).
  uint32_t restarts = 0;
};

// A decoded response and the transport fields that came with it.
template <typename M>
struct Reply {
  M message;
  uint32_t flags = 0;        // kResponse* bits
  uint64_t iterator_id = 0;  // nonzero while a listing continues
};

// The companion's status of a failed request (kIteratorExpired...), when
// the failure is a non-OK response rather than a transport error.
std::optional<ResponseStatus> ResponseStatusOf(const absl::Status& status);

class Client {
 public:
  // `session` must outlive the client.
  explicit Client(const LiveSession* session, ClientOptions options = {});
  // Releases the kept slot, if any.
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One typed round trip of request type D (requests.h): the decoded
  // response, or an error (transport failures; a non-OK response status,
  // see ResponseStatusOf; a response that does not decode). A companion that
  // does not serve D fails with Failure::kVersionMismatch.
  template <RequestDescriptor D>
  absl::StatusOr<typename D::Response> Call(
      const typename D::Request& request = {}) {
    absl::StatusOr<Reply<typename D::Response>> reply = Exchange<D>(request);
    if (!reply.ok()) return reply.status();
    return std::move(reply->message);
  }

  // Call, also returning the response's flags and iterator id.
  template <RequestDescriptor D>
  absl::StatusOr<Reply<typename D::Response>> Exchange(
      const typename D::Request& request = {}) {
    using Req = typename D::Request;
    using Resp = typename D::Response;
    // A message without fields has nothing to encode or decode (PING, the
    // transport's floor, then costs no codec work at all).
    absl::StatusOr<Response> raw = CallRaw(
        D::kType, HasNoFields<Req>() ? std::string() : EncodeMessage(request));
    if (!raw.ok()) return raw.status();
    if (absl::Status s = ResponseError(*raw, D::kType); !s.ok()) return s;
    if constexpr (HasNoFields<Resp>()) {
      return Reply<Resp>{Resp{}, raw->flags, raw->iterator_id};
    } else {
      absl::StatusOr<Resp> decoded = DecodeMessage<Resp>(raw->payload);
      if (!decoded.ok()) return MalformedResponse(D::kType, decoded.status());
      return Reply<Resp>{*std::move(decoded), raw->flags, raw->iterator_id};
    }
  }

  // One round trip of any request number with a raw payload. The response's
  // status is returned as is (OK or not); errors are transport failures
  // (busy, timeout, companion gone, a response that failed validation). For
  // requests outside the registry (tests of how a companion answers them).
  absl::StatusOr<Response> CallRaw(RequestType type, absl::string_view payload);

  // PING: the cheapest round trip.
  absl::Status Ping() { return Call<request::Ping>().status(); }

  // The whole process list, chunk by chunk through an iterator. If the
  // companion evicts the iterator (more clients listing at once than it has
  // iterators), the listing resumes after the last pid received
  // (kCapListResume), or, with an older companion, restarts once.
  // `omit` (kListOmit* bits) names fields the caller will not use: the
  // companion may leave them empty and skip the /proc files behind them
  // (an older companion sends them anyway).
  absl::StatusOr<ProcessList> ListProcesses(uint32_t omit = 0);

  // GET_PROCESS_INFO, with a "no process with pid N" error (kNoSuchProcess)
  // and a check that the answer is about `pid`.
  absl::StatusOr<ProcessInfo> GetProcessInfo(uint32_t pid);

  // READ_MEMORY: up to `length` bytes of guest process `pid` from
  // `address`, at most one bulk window (bulk_window_capacity()), copied
  // into `out` (room for `length` bytes). The response says how many bytes
  // came and, when fewer than asked within the window, the first address
  // that could not be read and why. On an authenticated channel the bytes
  // are checked against the response's digest, which its tag covers.
  // Errors: kVersionMismatch when the companion has no bulk windows,
  // kNoSuchProcess, kGuestError for a window or answer out of bounds,
  // kUnauthenticated for bytes that fail their digest.
  absl::StatusOr<ReadMemoryResponse> ReadMemory(uint32_t pid, uint64_t address,
                                                uint64_t length, char* out);
  // Bytes one READ_MEMORY can return; 0 when the companion has no windows.
  uint64_t bulk_window_capacity() const;

  // GET_COMMAND_LINE: the bytes of guest process `pid`'s command line
  // (NUL-terminated arguments, as /proc/PID/cmdline holds them) from
  // `offset`, at most one bulk window, appended to `out`. Returns whether
  // the command line ended within them. Checked like ReadMemory's bytes.
  // Errors: kVersionMismatch when the companion does not serve it (no bulk
  // windows, or older), kNoSuchProcess, kGuestError, kUnauthenticated.
  absl::StatusOr<bool> GetCommandLine(uint32_t pid, uint64_t offset,
                                      std::string* out);

  // GET_PAGE_MAP: the pagemap entries (memory_messages.h) of up to `pages`
  // pages of guest process `pid` from virtual page `first_page` (pid 0:
  // the companion's region pages, by index), at most one bulk window's
  // worth, appended to `out`. Returns the guest's page size. Checked like
  // ReadMemory's bytes. Errors: kVersionMismatch when the companion does
  // not serve it, kNoSuchProcess, kGuestError, kUnauthenticated.
  absl::StatusOr<uint32_t> GetPageMap(uint32_t pid, uint64_t first_page,
                                      uint64_t pages,
                                      std::vector<uint64_t>* out);

  // WRITE_MEMORY: `data` (1 to kMaxWriteBytes bytes) into guest process
  // `pid` at `address`. Sent only on an authenticated channel to a
  // companion that advertises kCapWriteMemory. The response says how many
  // bytes were written and, when fewer, the first address that could not
  // be. Errors: kWriteNotAllowed (the companion does not allow writes),
  // kUnauthenticated (no authenticated channel: nothing is sent),
  // kNoSuchProcess, kGuestError for an answer out of bounds.
  absl::StatusOr<WriteMemoryResponse> WriteMemory(uint32_t pid,
                                                  uint64_t address,
                                                  absl::string_view data);

  // Hands the kept slot back (kFree) so other clients can claim it. Cheap
  // and idempotent; call it before idling.
  void ReleaseSlot();

  // Challenges the companion to prove ClientOptions::key (which must be
  // set) and, when it does, opens the channel later requests use. Errors
  // are transport failures; a companion without a key or with another key
  // is an outcome, not an error. After kFailed this client writes nothing
  // more to the session.
  absl::StatusOr<AuthOutcome> Authenticate();

  // Whether requests go over an authenticated channel.
  bool authenticated() const { return channel_.has_value(); }

  // The index of the slot kept for the next request, or -1.
  int kept_slot() const { return kept_.has_value() ? kept_->index : -1; }

  uint32_t station_id() const { return station_id_; }

 private:
  absl::Status CheckCompanionPresent();
  // After an idle spell, waits for the heartbeat to move (bounded), so that
  // nothing is written into the pages of a companion that died meanwhile.
  absl::Status ProveAliveAfterIdle();
  absl::StatusOr<int> ClaimSlot(SlotWord* claimed);
  // The kept slot if it is still ours (then `*held` is its word), else -1.
  int TakeKeptSlot(SlotWord* held);
  absl::Status WaitForResponse(int slot, const SlotWord& published,
                               RequestType type);
  // The error of a non-OK response (OK for an OK one), carrying its status
  // (ResponseStatusOf).
  absl::Status ResponseError(const Response& response, RequestType type) const;
  absl::Status ResponseStatusError(const Response& response,
                                   RequestType type) const;
  static absl::Status MalformedResponse(RequestType type,
                                        const absl::Status& status);
  uint64_t NextTicket();
  // One round trip, tagged on the channel when one is open (and the
  // response's tag checked).
  absl::StatusOr<Response> RoundTrip(RequestType type,
                                     absl::string_view payload);
  // The error every call returns once the session failed authentication.
  absl::Status FailedSessionError() const;

  const LiveSession* session_;
  ClientOptions options_;
  uint32_t station_id_;
  uint64_t ticket_base_;
  uint64_t ticket_counter_ = 0;
  bool ring_doorbell_ = false;
  // The slot kept after the last response, in kResponseReady.
  struct KeptSlot {
    int index;
    SlotWord word;
  };
  std::optional<KeptSlot> kept_;
  // The beacon header CheckCompanionPresent() last found valid (zero: none).
  PageHeader validated_beacon_header_ = {};
  // When the last response (or the connection) came, on the coarse
  // monotonic clock (a few ns to read, a few ms of resolution: enough to
  // tell an idle spell).
  int64_t last_activity_ns_ = 0;
  // The last heartbeat read, and when (host clock).
  Heartbeat beat_;
  absl::Time beat_read_at_;
  // The authenticated channel (with a key, after Authenticate).
  struct Channel {
    uint64_t id = 0;
    auth::MessageKey key = {};
    auth::MessageKey window_key = {};  // bulk window digests
  };
  std::optional<Channel> channel_;
  // The tag a response on `channel` must carry (haywire/auth/message_tag.h)
  // for the request of `ticket` published in `slot` with `generation`.
  static auth::Tag ExpectedResponseTag(const Channel& channel, uint32_t slot,
                                       uint32_t generation, uint64_t ticket,
                                       const Response& response);
  // Set when the session failed authentication: nothing more is written.
  bool session_failed_ = false;
  // Keep the slot after the next response even without
  // ClientOptions::keep_slot (its bulk window is read after it).
  bool force_keep_ = false;
  // Slots whose bulk window pages this client has checked (headers of the
  // session, at their indices, kind kBulk).
  uint32_t windows_checked_ = 0;
  // Sets session_failed_ and has the failure remembered (LiveSession::
  // remember_auth_failure).
  void MarkSessionFailed();
  // The windows the companion announced, checked against the region;
  // kVersionMismatch (naming `what`) when it has none or lacks
  // `capability`, kGuestError when they do not fit.
  absl::StatusOr<BulkWindowLayout> UsableWindows(uint64_t capability,
                                                 absl::string_view what) const;
  // After a bulk request answered OK with the slot kept (force_keep_):
  // copies the `bytes` the answer filled of the slot's window into `out`,
  // checking the window's pages once per slot and that the slot did not
  // change hands during the copy; with `want_digest`, compares `digest`
  // with the BLAKE2b-256 of what it copied (a mismatch fails the session).
  // `what` names the request in errors. Hands the slot back unless
  // ClientOptions::keep_slot.
  absl::Status ReceiveWindow(const BulkWindowLayout& windows, uint64_t bytes,
                             bool want_digest, absl::string_view digest,
                             absl::string_view what, char* out);
  // Call<D> keeping the slot for ReceiveWindow; on an error the slot is
  // handed back as usual.
  template <RequestDescriptor D>
  absl::StatusOr<typename D::Response> CallForWindow(
      const typename D::Request& request) {
    force_keep_ = true;
    absl::StatusOr<typename D::Response> response = Call<D>(request);
    force_keep_ = false;
    if (!response.ok() && !options_.keep_slot) ReleaseSlot();
    return response;
  }
  // The response tag copied with the last response, and the slot and
  // generation it was published under.
  MessageTag response_tag_ = {};
  uint32_t response_slot_ = 0;
  uint32_t response_generation_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_HOST_CLIENT_H_
