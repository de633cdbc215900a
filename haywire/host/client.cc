// Copyright 2026 The Haywire Authors.

#include "haywire/host/client.h"

#include <sched.h>
#include <signal.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "glog/logging.h"
#include "haywire/auth/handshake.h"
#include "haywire/auth/message_tag.h"
#include "haywire/host/failure.h"
#include "haywire/protocol/beacon.h"
#include "haywire/protocol/page_header.h"
#include "haywire/util/trace.h"

namespace haywire {
namespace {

// Memory one listed entry holds (for ClientOptions::max_listing_bytes).
uint64_t EntryBytes(const ProcessEntry& e) {
  uint64_t bytes = sizeof(ProcessEntry) + e.user.size() + e.tty.size() +
                   e.comm.size() + e.args.size() * sizeof(std::string);
  for (const std::string& arg : e.args) bytes += arg.size();
  return bytes;
}

// Polls of a response before WaitForResponse first reads the clock: about
// 2-5 us of spinning, well over an awake companion's answer to a PING.
constexpr int kPollsBeforeClock = 512;

// True if no process with this PID exists on this host (so a slot it owns
// can be reclaimed). EPERM means it exists but is someone else's.
bool HostProcessIsGone(uint32_t pid) {
  if (pid == 0 || pid > static_cast<uint32_t>(INT32_MAX)) return true;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// CLOCK_MONOTONIC_COARSE in nanoseconds: cheap enough for every response.
int64_t CoarseNowNs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.1f s", absl::ToDoubleSeconds(d));
}

// Sanitises guest-provided text for a one-line message.
std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text) {
    out.push_back(static_cast<unsigned char>(c) >= 0x20 &&
                          static_cast<unsigned char>(c) < 0x7F
                      ? c
                      : '?');
  }
  return out;
}

}  // namespace

// The status payload that carries a non-OK response's status.
constexpr absl::string_view kResponseStatusUrl = "haywire.dev/response-status";

std::optional<ResponseStatus> ResponseStatusOf(const absl::Status& status) {
  auto payload = status.GetPayload(kResponseStatusUrl);
  uint32_t raw = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(payload->Flatten(), &raw)) {
    return std::nullopt;
  }
  return static_cast<ResponseStatus>(raw);
}

Client::Client(const LiveSession* session, ClientOptions options)
    : session_(session),
      options_(options),
      station_id_(options.station_id != 0 ? options.station_id
                                          : static_cast<uint32_t>(::getpid())) {
  // Tickets: a random base per client plus a counter, so two clients (or two
  // runs of one PID) never reuse a ticket in practice.
  // Ring only companions that ask for it (docs/PROTOCOL.md 4.4): the ring
  // is a locked read-modify-write of a line the companion keeps reading.
  ring_doorbell_ = (session_->report.identity.capabilities & kCapDoorbell) != 0;
  // Connecting saw the heartbeat move just now.
  last_activity_ns_ = CoarseNowNs();
  beat_ = ReadHeartbeat(session_->region.beacon());
  beat_read_at_ = absl::Now();
  ticket_base_ = 0;
  if (::getrandom(&ticket_base_, sizeof(ticket_base_), 0) !=
      sizeof(ticket_base_)) {
    ticket_base_ = (uint64_t{station_id_} << 32) ^
                   static_cast<uint64_t>(absl::GetCurrentTimeNanos());
  }
  // Below 2^62: tickets then only grow for 2^62 requests, as an
  // authenticated channel requires (each ticket above the last).
  ticket_base_ &= (uint64_t{1} << 62) - 1;
}

Client::~Client() { ReleaseSlot(); }

void Client::ReleaseSlot() {
  if (!kept_.has_value()) return;
  // Only while the session lives: a stopped companion's slots are free guest
  // memory and must not be written.
  if (CheckCompanionPresent().ok()) {
    ReleaseKeptSlot(session_->region.request_slot(kept_->index), kept_->word);
  }
  kept_.reset();
}

int Client::TakeKeptSlot(SlotWord* held) {
  if (!kept_.has_value()) return -1;
  const KeptSlot kept = *kept_;
  kept_.reset();
  // Acquire (in LoadSlotWord); normally an L1 hit: nobody else writes a
  // kept slot unless it wrongly took this client for dead.
  if (LoadSlotWord(session_->region.request_slot(kept.index)) != kept.word) {
    return -1;
  }
  *held = kept.word;
  return kept.index;
}

uint64_t Client::NextTicket() {
  uint64_t ticket = ticket_base_ + (++ticket_counter_);
  return ticket == 0 ? NextTicket() : ticket;
}

absl::Status Client::CheckCompanionPresent() {
  // A companion that exits wipes its page headers first: once the beacon's
  // header is gone, its slots are free memory of the guest and must not be
  // written.
  const PageHeader header = ReadPageHeader(&session_->region.beacon().header);
  // Fast path (every request passes here): the same 64 bytes as last time
  // were already validated. (A wiped header has magic 0, which a validated
  // one never has, so "nothing validated yet" cannot match.)
  if (validated_beacon_header_.magic == kPageMagic &&
      std::memcmp(&header, &validated_beacon_header_, sizeof(header)) == 0) {
    return absl::OkStatus();
  }
  if (CheckPageHeader(header) != HeaderVerdict::kValid ||
      header.session_id != session_->report.pages.session_id) {
    return MakeFailure(
        absl::StatusCode::kUnavailable,
        absl::StrCat("the companion's session in ", session_->file->path(),
                     " is gone (guest-serve stopped); start "
                     "guest-serve again in the VM"),
        Failure::kNoLiveSession);
  }
  validated_beacon_header_ = header;
  return absl::OkStatus();
}

absl::Status Client::ProveAliveAfterIdle() {
  if (CoarseNowNs() - last_activity_ns_ <=
      absl::ToInt64Nanoseconds(options_.idle_proof)) {
    return absl::OkStatus();
  }
  const absl::Time now = absl::Now();
  BeaconPage& beacon = session_->region.beacon();
  const Heartbeat beat = ReadHeartbeat(beacon);
  const uint64_t first = beat.counter;
  // A companion that beat all along has a last beat at most a period old:
  // its guest time has moved (nearly) as far as the host's since the last
  // read. One that stopped has not, and neither has one the guest delays
  // (or an emulated guest's slow clock): then wait for a beat.
  const uint64_t host_ns =
      static_cast<uint64_t>(absl::ToInt64Nanoseconds(now - beat_read_at_));
  if (beat.counter != beat_.counter && beat.mono_ns >= beat_.mono_ns &&
      beat.mono_ns - beat_.mono_ns + 2 * kHeartbeatPeriodNs >= host_ns) {
    beat_ = beat;
    beat_read_at_ = now;
    return absl::OkStatus();
  }
  const absl::Time deadline = now + options_.heartbeat_timeout;
  absl::Duration pause = absl::Microseconds(50);
  for (;;) {
    if (absl::Status s = CheckCompanionPresent(); !s.ok()) return s;
    if (const Heartbeat next = ReadHeartbeat(beacon); next.counter != first) {
      beat_ = next;
      beat_read_at_ = absl::Now();
      return absl::OkStatus();
    }
    if (absl::Now() >= deadline) {
      return MakeFailure(
          absl::StatusCode::kUnavailable,
          absl::StrCat("the companion's heartbeat stopped (silent for ",
                       Seconds(options_.heartbeat_timeout),
                       " after an idle spell); is guest-serve running in "
                       "the VM?"),
          Failure::kNoLiveSession);
    }
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(pause));
    pause = std::min(pause * 2, absl::Milliseconds(2));
  }
}

absl::StatusOr<int> Client::ClaimSlot(SlotWord* claimed) {
  const Region& region = session_->region;
  // The deadline is read only once a first round found no free slot: the
  // common case claims at once and needs no clock.
  std::optional<absl::Time> deadline;
  absl::Duration backoff = absl::Microseconds(20);
  for (;;) {
    if (absl::Status s = CheckCompanionPresent(); !s.ok()) return s;
    for (uint32_t k = 0; k < kRequestSlotCount; ++k) {
      // Start at a PID-dependent slot so clients spread out.
      const uint32_t i = (station_id_ + k) % kRequestSlotCount;
      RequestSlotPage& slot = region.request_slot(i);
      if (std::optional<SlotWord> word = TryClaimSlot(slot, station_id_)) {
        *claimed = *word;
        return static_cast<int>(i);
      }
    }
    // Every slot is taken. Free the ones whose owners died on this host.
    bool reclaimed = false;
    for (uint32_t i = 0; i < kRequestSlotCount; ++i) {
      RequestSlotPage& slot = region.request_slot(i);
      const SlotWord word = LoadSlotWord(slot);
      if (word.owner_pid != 0 && word.owner_pid != station_id_ &&
          HostProcessIsGone(word.owner_pid)) {
        reclaimed |= ReclaimSlot(slot, word);
      }
    }
    if (reclaimed) continue;
    if (!deadline.has_value()) deadline = absl::Now() + options_.busy_timeout;
    if (absl::Now() >= *deadline) {
      return MakeFailure(
          absl::StatusCode::kResourceExhausted,
          absl::StrCat("all ", kRequestSlotCount,
                       " request slots stayed busy for ",
                       Seconds(options_.busy_timeout),
                       "; too many haywire clients at once, retry later"),
          Failure::kBusy);
    }
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(backoff));
    backoff = std::min(backoff * 2, absl::Milliseconds(5));
  }
}

absl::Status Client::WaitForResponse(int slot_index, const SlotWord& published,
                                     RequestType type) {
  RequestSlotPage& slot = session_->region.request_slot(slot_index);
  BeaconPage& beacon = session_->region.beacon();
  // Fast path, before any clock or heartbeat read (each costs as much as a
  // PING round trip): a companion that is awake answers within a few
  // hundred polls.
  if (options_.wait.spin > absl::ZeroDuration()) {
    for (int i = 0; i < kPollsBeforeClock; ++i) {
      const RequestProgress progress = PollRequest(slot, published);
      if (progress == RequestProgress::kResponseReady) return absl::OkStatus();
      if (progress == RequestProgress::kLost) break;  // reported below
      CpuRelax();
    }
  }
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + options_.request_timeout;
  Heartbeat last_beat = ReadHeartbeat(beacon);
  absl::Time last_beat_change = start;
  Waiter waiter(options_.wait);
  // No liveness checks in the first 100 us: a live companion has answered
  // by then, and the checks cost more than the round trip they would delay.
  absl::Time next_check = start + absl::Microseconds(100);
  for (;;) {
    switch (PollRequest(slot, published)) {
      case RequestProgress::kResponseReady:
        return absl::OkStatus();
      case RequestProgress::kLost:
        return MakeFailure(
            absl::StatusCode::kAborted,
            absl::StrCat("request slot ", slot_index,
                         " was taken from this client mid-request"),
            Failure::kGuestError);
      case RequestProgress::kWaiting:
        break;
    }
    waiter.Pause();
    // The liveness checks read the clock and the beacon: while spinning,
    // do them only every so often (the waiter's clock is updated every few
    // dozen pauses, which is what makes this cheap).
    const absl::Time now = start + waiter.elapsed();
    if (now < next_check) continue;
    next_check = now + absl::Microseconds(100);
    const Heartbeat beat = ReadHeartbeat(beacon);
    if (beat.counter != last_beat.counter) {
      last_beat = beat;
      last_beat_change = now;
      beat_ = beat;
      beat_read_at_ = now;
    }
    absl::Status failure;
    if (now - last_beat_change > options_.heartbeat_timeout) {
      failure = MakeFailure(
          absl::StatusCode::kUnavailable,
          absl::StrCat("heartbeat stale for ", Seconds(now - last_beat_change),
                       " - is guest-serve running in the VM?"),
          Failure::kNoLiveSession);
    } else if (now >= deadline) {
      failure = MakeFailure(
          absl::StatusCode::kDeadlineExceeded,
          absl::StrCat("no response to ", RequestTypeName(type), " within ",
                       Seconds(options_.request_timeout),
                       " though the companion's heartbeat advances; is the "
                       "guest overloaded?"),
          Failure::kTimeout);
    } else if (absl::Status present = CheckCompanionPresent(); !present.ok()) {
      failure = present;
    }
    if (!failure.ok()) {
      // Hand the slot back (or to the companion to free) before reporting.
      if (CheckCompanionPresent().ok()) AbandonRequest(slot, published);
      return failure;
    }
  }
}

void Client::MarkSessionFailed() {
  session_failed_ = true;
  // Later commands with the same key do not write to it either.
  if (session_->remember_auth_failure) session_->remember_auth_failure();
}

auth::Tag Client::ExpectedResponseTag(const Channel& channel, uint32_t slot,
                                      uint32_t generation, uint64_t ticket,
                                      const Response& response) {
  auth::ResponseTagFields fields;
  fields.channel_id = channel.id;
  fields.slot = slot;
  fields.generation = generation;
  fields.ticket = ticket;
  fields.type = response.type;
  fields.status = response.raw_status;
  fields.flags = response.flags;
  fields.iterator_id = response.iterator_id;
  fields.guest_mono_ns = response.guest_mono_ns;
  fields.payload = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(response.payload.data()),
      response.payload.size());
  return auth::ResponseTag(channel.key, fields);
}

absl::Status Client::FailedSessionError() const {
  return MakeFailure(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("session ", SessionIdText(session_->report.pages.session_id),
                   " failed authentication: nothing more is sent to it"),
      Failure::kUnauthenticated);
}

absl::StatusOr<Response> Client::CallRaw(RequestType type,
                                         absl::string_view payload) {
  if (session_failed_) return FailedSessionError();
  const bool challenge = type == RequestType::kAuthChallenge;
  if (options_.key != nullptr && !channel_.has_value() && !challenge) {
    absl::StatusOr<AuthOutcome> outcome = Authenticate();
    if (!outcome.ok()) return outcome.status();
    if (*outcome != AuthOutcome::kAuthenticated) {
      return MakeFailure(
          absl::StatusCode::kPermissionDenied,
          *outcome == AuthOutcome::kUnauthenticated
              ? "the companion has no key, so nothing it says can be "
                "trusted with --key-file: start guest-serve with the VM's "
                "key (QEMU -fw_cfg name=opt/haywire/key,file=FILE)"
              : "the companion failed the key challenge: it does not hold "
                "this key (wrong --key-file, or a forged companion)",
          Failure::kUnauthenticated);
    }
  }
  absl::StatusOr<Response> response = RoundTrip(type, payload);
  if (response.ok() && !challenge && channel_.has_value() &&
      response->status == ResponseStatus::kUnknownChannel) {
    // The companion no longer knows the channel (it keeps a bounded number
    // and closes the least recently used): open a new one, once. The
    // refused request was not served, so sending it again is safe.
    channel_.reset();
    absl::StatusOr<AuthOutcome> outcome = Authenticate();
    if (!outcome.ok()) return outcome.status();
    if (*outcome == AuthOutcome::kAuthenticated) {
      response = RoundTrip(type, payload);
    }
  }
  if (response.ok() && !challenge &&
      (response->status == ResponseStatus::kUnauthenticated ||
       response->status == ResponseStatus::kUnknownChannel)) {
    const std::string detail = Printable(DecodeErrorMessage(response->payload));
    return MakeFailure(
        absl::StatusCode::kPermissionDenied,
        options_.key == nullptr
            ? "the companion has a key and refuses unauthenticated requests: "
              "pass --key-file=FILE (the key QEMU gives the guest with "
              "-fw_cfg name=opt/haywire/key)"
            : absl::StrCat("the companion refused the request's "
                           "authentication: ",
                           detail),
        Failure::kUnauthenticated);
  }
  return response;
}

absl::StatusOr<AuthOutcome> Client::Authenticate() {
  CHECK(options_.key != nullptr) << "Authenticate() needs a key";
  if (session_failed_) return AuthOutcome::kFailed;
  channel_.reset();
  // The beacon as this host sees it: the proof must cover exactly these
  // bytes (its identity, its session id), as the companion wrote them.
  std::array<uint8_t, auth::kProvenBeaconBytes> beacon;
  LoadBytesAcquire(beacon.data(), &session_->region.beacon(), beacon.size());
  PageHeader header;
  std::memcpy(&header, beacon.data(), sizeof(header));
  if (header.session_id != session_->report.pages.session_id) {
    if (absl::Status s = CheckCompanionPresent(); !s.ok()) return s;
    return MakeFailure(absl::StatusCode::kUnavailable,
                       "the beacon changed under the challenge",
                       Failure::kNoLiveSession);
  }
  const auth::Nonce nonce = auth::NewNonce();
  AuthChallengeRequest challenge;
  challenge.host_nonce.assign(reinterpret_cast<const char*>(nonce.data()),
                              nonce.size());
  absl::StatusOr<Response> raw =
      RoundTrip(RequestType::kAuthChallenge, EncodeMessage(challenge));
  if (!raw.ok()) return raw.status();
  if (raw->status == ResponseStatus::kUnknownRequest ||
      raw->status == ResponseStatus::kUnsupported) {
    return AuthOutcome::kUnauthenticated;
  }
  if (absl::Status s = ResponseError(*raw, RequestType::kAuthChallenge);
      !s.ok()) {
    return s;
  }
  // A failed session is never written again, not even to hand the kept
  // slot back (its owner's exit lets the slot be reclaimed).
  auto fail = [this] {
    MarkSessionFailed();
    kept_.reset();
    return AuthOutcome::kFailed;
  };
  absl::StatusOr<AuthChallengeResponse> answer =
      DecodeMessage<AuthChallengeResponse>(raw->payload);
  if (!answer.ok()) return fail();
  auth::ChannelParams params;
  params.session_id = session_->report.pages.session_id;
  params.host_nonce = nonce;
  std::memcpy(params.companion_nonce.data(), answer->companion_nonce.data(),
              params.companion_nonce.size());
  params.channel_id = answer->channel_id;
  const auth::HmacDigest proof = auth::KeyProof(*options_.key, params, beacon);
  if (!auth::ConstantTimeEqual(
          proof, absl::MakeConstSpan(
                     reinterpret_cast<const uint8_t*>(answer->proof.data()),
                     answer->proof.size()))) {
    return fail();
  }
  Channel channel;
  channel.id = params.channel_id;
  channel.key = auth::DeriveMessageKey(*options_.key, params);
  channel.window_key = auth::DeriveWindowKey(*options_.key, params);
  // The answer itself is tagged on the new channel.
  if (!auth::ConstantTimeEqual(
          ExpectedResponseTag(channel, response_slot_, response_generation_,
                              raw->ticket, *raw),
          response_tag_)) {
    return fail();
  }
  channel_ = channel;
  return AuthOutcome::kAuthenticated;
}

absl::StatusOr<Response> Client::RoundTrip(RequestType type,
                                           absl::string_view payload) {
  if (absl::Status s = CheckCompanionPresent(); !s.ok()) {
    kept_.reset();
    return s;
  }
  if (absl::Status s = ProveAliveAfterIdle(); !s.ok()) {
    kept_.reset();
    return s;
  }
  SlotWord held;
  int slot_index = TakeKeptSlot(&held);
  if (slot_index < 0) {
    absl::StatusOr<int> claimed = ClaimSlot(&held);
    if (!claimed.ok()) return claimed.status();
    slot_index = *claimed;
  }
  RequestSlotPage& slot = session_->region.request_slot(slot_index);
  const uint64_t ticket = NextTicket();
  const auto payload_bytes = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  // On a channel: the request's tag, over the generation it is published
  // with.
  const bool tagged = channel_.has_value();
  RequestAuth request_auth;
  if (tagged) {
    auth::RequestTagFields fields;
    fields.channel_id = channel_->id;
    fields.slot = static_cast<uint32_t>(slot_index);
    fields.generation = PublishGeneration(held);
    fields.ticket = ticket;
    fields.type = static_cast<uint32_t>(type);
    fields.payload = payload_bytes;
    request_auth.channel_id = channel_->id;
    request_auth.tag = auth::RequestTag(channel_->key, fields);
  }
  SlotWord published;
  absl::Status status = PublishRequest(
      slot, held, ticket, type, payload_bytes,
      ring_doorbell_ ? &session_->region.beacon().request_doorbell : nullptr,
      &published, tagged ? &request_auth : nullptr);
  if (!status.ok()) {
    if (held.state == SlotState::kClaimed) {
      ReleaseClaim(slot, held);
    } else {
      ReleaseKeptSlot(slot, held);
    }
    return WithFailure(status, Failure::kGuestError);
  }
  TraceWith([&] { return absl::StrCat("sent ", RequestTypeName(type)); });
  if (absl::Status s = WaitForResponse(slot_index, published, type); !s.ok()) {
    return s;
  }
  TraceWith([&] { return absl::StrCat("answered ", RequestTypeName(type)); });
  last_activity_ns_ = CoarseNowNs();
  Response response;
  const AfterResponse after = options_.keep_slot || force_keep_
                                  ? AfterResponse::kKeep
                                  : AfterResponse::kFree;
  // Responses on a channel, and the challenge's answer, carry a tag.
  const bool want_tag = tagged || type == RequestType::kAuthChallenge;
  status = ConsumeResponse(slot, session_->region.response_slot(slot_index),
                           published, ticket, &response, after,
                           want_tag ? &response_tag_ : nullptr);
  response_slot_ = static_cast<uint32_t>(slot_index);
  response_generation_ = published.generation;
  SlotWord ready = published;
  ready.state = SlotState::kResponseReady;
  if (!status.ok()) {
    // Do not keep a slot that produced a bad response.
    if (after == AfterResponse::kKeep) ReleaseKeptSlot(slot, ready);
    return WithFailure(
        absl::Status(status.code(),
                     absl::StrCat("invalid response to ", RequestTypeName(type),
                                  ": ", status.message())),
        Failure::kGuestError);
  }
  if (tagged && ResponseCarriesTag(response.type, response.raw_status)) {
    // Refusals carry no tag and deliver nothing; every other response on
    // the channel must verify before it is looked at.
    if (!auth::ConstantTimeEqual(
            ExpectedResponseTag(*channel_, static_cast<uint32_t>(slot_index),
                                published.generation, ticket, response),
            response_tag_)) {
      MarkSessionFailed();
      channel_.reset();
      return MakeFailure(
          absl::StatusCode::kPermissionDenied,
          absl::StrCat("the response to ", RequestTypeName(type),
                       " failed authentication (its tag does not verify: "
                       "altered, replayed or forged in the RAM file); "
                       "nothing more is sent to session ",
                       SessionIdText(session_->report.pages.session_id)),
          Failure::kUnauthenticated);
    }
  }
  if (after == AfterResponse::kKeep) kept_ = KeptSlot{slot_index, ready};
  if (response.type != static_cast<uint32_t>(type)) {
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the companion answered ", RequestTypeName(type),
                     " as request type ", response.type),
        Failure::kGuestError);
  }
  return response;
}

absl::Status Client::ResponseError(const Response& response,
                                   RequestType type) const {
  if (response.status == ResponseStatus::kOk) return absl::OkStatus();
  absl::Status error = ResponseStatusError(response, type);
  error.SetPayload(kResponseStatusUrl,
                   absl::Cord(absl::StrCat(response.raw_status)));
  return error;
}

absl::Status Client::MalformedResponse(RequestType type,
                                       const absl::Status& status) {
  return MakeFailure(absl::StatusCode::kDataLoss,
                     absl::StrCat("malformed ", RequestTypeName(type),
                                  " response: ", status.message()),
                     Failure::kGuestError);
}

absl::Status Client::ResponseStatusError(const Response& response,
                                         RequestType type) const {
  const std::string detail = Printable(DecodeErrorMessage(response.payload));
  const std::string suffix = detail.empty() ? "" : absl::StrCat(": ", detail);
  switch (response.status) {
    case ResponseStatus::kOk:
      return absl::OkStatus();
    case ResponseStatus::kNoSuchProcess:
      return MakeFailure(absl::StatusCode::kNotFound,
                         absl::StrCat("no such process in the guest", suffix),
                         Failure::kNoSuchProcess);
    case ResponseStatus::kIteratorExpired:
      return MakeFailure(absl::StatusCode::kAborted,
                         absl::StrCat("iterator expired", suffix),
                         Failure::kGuestError);
    case ResponseStatus::kUnknownRequest:
    case ResponseStatus::kUnsupported:
      return MakeFailure(
          absl::StatusCode::kUnimplemented,
          absl::StrCat("the companion does not support ", RequestTypeName(type),
                       suffix, "; update guest-serve in the VM"),
          Failure::kVersionMismatch);
    default:
      return MakeFailure(
          absl::StatusCode::kInternal,
          absl::StrCat("the companion failed ", RequestTypeName(type),
                       " (status ", response.raw_status, ")", suffix),
          Failure::kGuestError);
  }
}

absl::StatusOr<ProcessList> Client::ListProcesses(uint32_t omit) {
  const bool can_resume =
      (session_->report.identity.capabilities & kCapListResume) != 0;
  ProcessList list;
  absl::flat_hash_set<uint32_t> seen;
  uint32_t last_pid = 0;  // the highest pid received
  uint64_t bytes = 0;     // of the entries kept
  const absl::Time deadline = absl::Now() + options_.listing_timeout;
  auto fail = [](absl::string_view what) {
    return MakeFailure(absl::StatusCode::kDataLoss,
                       absl::StrCat("the companion's process listing ", what),
                       Failure::kGuestError);
  };
  ListProcessesRequest start;
  if (omit != 0) start.omit = omit;
  // One pass per LIST_PROCESSES: the first, then one per resumption (or the
  // one restart of an older companion).
  for (bool first = true;; first = false) {
    absl::StatusOr<Reply<ListChunk>> reply =
        Exchange<request::ListProcesses>(start);
    if (!reply.ok()) return reply.status();
    if (!reply->message.header.has_value()) {
      return MakeFailure(absl::StatusCode::kDataLoss,
                         "LIST_PROCESSES response has no listing header",
                         Failure::kGuestError);
    }
    if (first) {
      list.header = *reply->message.header;
      start.listed_since_ns = list.header.uptime_ns;
    }
    bool expired = false;
    for (;;) {
      ++list.chunks;
      const size_t before = list.processes.size();
      for (ProcessEntry& entry : reply->message.entries) {
        // A hostile companion could repeat entries forever; duplicates are
        // dropped and the total is bounded.
        last_pid = std::max(last_pid, entry.pid);
        if (seen.insert(entry.pid).second) {
          bytes += EntryBytes(entry);
          list.processes.push_back(std::move(entry));
        }
      }
      if (list.processes.size() > options_.max_listed_processes) {
        return fail(absl::StrCat("passed ", options_.max_listed_processes,
                                 " processes without ending"));
      }
      if (bytes > options_.max_listing_bytes) {
        return fail(absl::StrCat("passed ", options_.max_listing_bytes,
                                 " bytes of entries without ending"));
      }
      if ((reply->flags & kResponseMore) == 0) break;
      if (absl::Now() >= deadline) {
        return fail(absl::StrCat("did not end within ",
                                 Seconds(options_.listing_timeout)));
      }
      // Every chunk but the last brings at least one new process, so a
      // listing takes at most one round trip per process (and one more).
      if (list.processes.size() == before) {
        return MakeFailure(absl::StatusCode::kDataLoss,
                           "the companion's listing continues without new "
                           "processes",
                           Failure::kGuestError);
      }
      if (reply->iterator_id == 0) {
        return MakeFailure(absl::StatusCode::kDataLoss,
                           "listing continues but names no iterator",
                           Failure::kGuestError);
      }
      const IteratorRequest next{.iterator_id = reply->iterator_id};
      reply = Exchange<request::ContinueIteration>(next);
      if (!reply.ok()) {
        if (ResponseStatusOf(reply.status()) ==
            ResponseStatus::kIteratorExpired) {
          expired = true;
          break;
        }
        // Give the companion its iterator back before failing.
        Call<request::CancelIteration>(next).IgnoreError();
        return reply.status();
      }
      if (reply->message.header.has_value()) {
        return MakeFailure(absl::StatusCode::kDataLoss,
                           "a continued listing repeated its header",
                           Failure::kGuestError);
      }
    }
    if (!expired) break;
    if (absl::Now() >= deadline) {
      return fail(absl::StrCat("did not end within ",
                               Seconds(options_.listing_timeout)));
    }
    if (can_resume) {
      // The companion lists in pid order: everything up to last_pid has
      // been received (docs/PROTOCOL.md 10.3). A resumption must start
      // past the previous one, or the listing would go round for ever.
      if (list.resumptions > 0 && last_pid <= start.after_pid.value_or(0)) {
        return fail("keeps expiring without new processes");
      }
      start.after_pid = last_pid;
      ++list.resumptions;
      continue;
    }
    if (list.restarts >= 1) {
      return MakeFailure(absl::StatusCode::kAborted,
                         "the listing's iterator expired twice; too many "
                         "clients are listing at once, retry later",
                         Failure::kBusy);
    }
    ++list.restarts;
    list.processes.clear();
    seen.clear();
    last_pid = 0;
    list.chunks = 0;
    start.listed_since_ns.reset();
  }
  std::sort(list.processes.begin(), list.processes.end(),
            [](const ProcessEntry& a, const ProcessEntry& b) {
              return a.pid < b.pid;
            });
  return list;
}

absl::StatusOr<ProcessInfo> Client::GetProcessInfo(uint32_t pid) {
  absl::StatusOr<ProcessInfo> info =
      Call<request::GetProcessInfo>({.pid = pid});
  if (!info.ok()) {
    if (FailureOf(info.status()) == Failure::kNoSuchProcess) {
      return MakeFailure(
          absl::StatusCode::kNotFound,
          absl::StrCat("no process with pid ", pid, " in the guest"),
          Failure::kNoSuchProcess);
    }
    return info.status();
  }
  if (info->entry.pid != pid) {
    return MakeFailure(
        absl::StatusCode::kDataLoss,
        absl::StrCat("asked for pid ", pid,
                     " but the companion answered for pid ", info->entry.pid),
        Failure::kGuestError);
  }
  return info;
}

}  // namespace haywire
