// Copyright 2026 The Haywire Authors.
//
// The field lists of messages.h (and of the event ring's ProcessEventRecord)
// are complete and round-trip: every member of every message is named by a
// field (a member added without one fails here), and a message with every
// field set to its own distinct value comes back from the wire unchanged.

#include "haywire/protocol/message_codec.h"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"
#include "haywire/protocol/process_event_codec.h"

namespace haywire {
namespace {

// ---- Counting an aggregate's members ----------------------------------------

// Converts to anything: T{AnyInit, AnyInit, ...} compiles for exactly as
// many initializers as T has members (std::array and struct members take
// one each).
struct AnyInit {
  template <typename U>
  operator U() const;  // never defined: used only in unevaluated contexts
};

template <typename T, size_t... I>
constexpr bool InitializableWith(std::index_sequence<I...>) {
  return requires { T{(void(I), AnyInit{})...}; };
}

template <typename T, size_t N = 0>
constexpr size_t MemberCount() {
  if constexpr (InitializableWith<T>(std::make_index_sequence<N + 1>())) {
    return MemberCount<T, N + 1>();
  } else {
    return N;
  }
}

// A struct of three members, and one with a member added later: the count
// tells them apart, which is what the coverage tests below rely on.
struct Three {
  uint32_t a = 0;
  std::string b;
  std::vector<std::string> c;
};
struct Four {
  uint32_t a = 0;
  std::string b;
  std::vector<std::string> c;
  std::optional<uint64_t> d;
};
static_assert(MemberCount<Three>() == 3);
static_assert(MemberCount<Four>() == 4);
static_assert(MemberCount<CpuTimes>() == 8);

template <WireMessage M>
size_t DistinctCoveredMembers() {
  const std::vector<size_t> offsets = CoveredMemberOffsets<M>();
  return std::set<size_t>(offsets.begin(), offsets.end()).size();
}

TEST(MessageCodecTest, EveryMemberOfEveryMessageHasAField) {
  EXPECT_EQ(DistinctCoveredMembers<ListHeader>(), MemberCount<ListHeader>());
  EXPECT_EQ(DistinctCoveredMembers<ProcessEntry>(),
            MemberCount<ProcessEntry>());
  EXPECT_EQ(DistinctCoveredMembers<ProcessInfo>(), MemberCount<ProcessInfo>());
  EXPECT_EQ(DistinctCoveredMembers<SystemSummary>(),
            MemberCount<SystemSummary>());
  EXPECT_EQ(DistinctCoveredMembers<ListProcessesRequest>(),
            MemberCount<ListProcessesRequest>());
  EXPECT_EQ(DistinctCoveredMembers<ProcessInfoRequest>(),
            MemberCount<ProcessInfoRequest>());
  EXPECT_EQ(DistinctCoveredMembers<IteratorRequest>(),
            MemberCount<IteratorRequest>());
  EXPECT_EQ(DistinctCoveredMembers<ListChunk>(), MemberCount<ListChunk>());
  EXPECT_EQ(DistinctCoveredMembers<ErrorMessage>(),
            MemberCount<ErrorMessage>());
  EXPECT_EQ(DistinctCoveredMembers<EmptyMessage>(), 0u);
  EXPECT_EQ(DistinctCoveredMembers<ProcessEventRecord>(),
            MemberCount<ProcessEventRecord>());
}

// ---- Every field set to a value of its own ----------------------------------

// Sets each field to a distinct, non-default value; `n` counts fields.
template <WireMessage M>
void FillAll(M* m, int* n);

template <typename A, typename M>
void Fill(const wire::IntField<A>& f, M* m, int* n) {
  using T = std::remove_cvref_t<decltype(f.at(*m))>;
  f.at(*m) = static_cast<T>(std::is_signed_v<T> ? -(++*n) : ++*n);
}
template <typename A, typename M>
void Fill(const wire::OptIntField<A>& f, M* m, int* n) {
  using T = typename std::remove_cvref_t<decltype(f.at(*m))>::value_type;
  f.at(*m) = static_cast<T>(++*n);
}
template <typename A, typename M>
void Fill(const wire::CharField<A>& f, M* m, int* n) {
  f.at(*m) = static_cast<char>('A' + (++*n % 26));
}
template <typename A, typename M>
void Fill(const wire::StrField<A>& f, M* m, int* n) {
  f.at(*m) = absl::StrCat("string ", ++*n);
}
template <typename A, typename M>
void Fill(const wire::StrListField<A>& f, M* m, int* n) {
  f.at(*m) = {absl::StrCat("first ", ++*n), "", absl::StrCat("third ", *n)};
}
template <typename... Bits, typename M>
void Fill(const wire::FlagsField<Bits...>& f, M* m, int* n) {
  // Alternate bits, starting from the count, so two flags fields differ.
  int i = ++*n;
  std::apply([&](const auto&... bit) { ((bit.at(*m) = (i++ % 2) == 0), ...); },
             f.bits);
}
template <typename A, typename M>
void Fill(const wire::MsgField<A>& f, M* m, int* n) {
  FillAll(&f.at(*m), n);
}
template <typename A, typename M>
void Fill(const wire::OptMsgField<A>& f, M* m, int* n) {
  f.at(*m).emplace();
  FillAll(&*f.at(*m), n);
}
template <typename A, typename M>
void Fill(const wire::MsgsField<A>& f, M* m, int* n) {
  f.at(*m).resize(2);
  for (auto& item : f.at(*m)) FillAll(&item, n);
}

template <WireMessage M>
void FillAll(M* m, int* n) {
  std::apply([&](const auto&... f) { (Fill(f, m, n), ...); }, M::WireFields());
}

// A filled message re-encodes to the same bytes after a round trip, and the
// bytes differ from an empty message's in every field: a field whose decode
// lands in the wrong member, or nowhere, changes the second encoding.
template <WireMessage M>
void ExpectRoundTrip(M filled) {
  const std::string bytes = EncodeMessage(filled);
  absl::StatusOr<M> back = DecodeMessage<M>(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(EncodeMessage(*back), bytes);
}

template <WireMessage M>
M Filled() {
  M m;
  int n = 0;
  FillAll(&m, &n);
  return m;
}

TEST(MessageCodecTest, EveryFieldRoundTrips) {
  ExpectRoundTrip(Filled<ListHeader>());
  ExpectRoundTrip(Filled<ProcessEntry>());
  ExpectRoundTrip(Filled<ProcessInfo>());
  ExpectRoundTrip(Filled<ListProcessesRequest>());
  ExpectRoundTrip(Filled<ProcessInfoRequest>());
  ExpectRoundTrip(Filled<IteratorRequest>());
  ExpectRoundTrip(Filled<ListChunk>());
  ExpectRoundTrip(Filled<ErrorMessage>());
  ExpectRoundTrip(EmptyMessage{});
  // SystemSummary's filled values break its consistency checks (free above
  // total); make them consistent, keeping every field distinct.
  SystemSummary s = Filled<SystemSummary>();
  s.tasks_total = 1000;
  s.mem_total_kb = 1'000'000;
  s.swap_total_kb = 1'000'000;
  ExpectRoundTrip(s);
  // An event's kind must name a ProcessEventKind and its signal be in
  // [0, 127]; the other members keep their distinct values.
  ProcessEventRecord event = Filled<ProcessEventRecord>();
  event.kind = static_cast<uint16_t>(ProcessEventKind::kExit);
  event.exit_signal = 9;
  ExpectRoundTrip(event);
}

TEST(MessageCodecTest, ValuesLandInTheirOwnMembers) {
  const ProcessEntry e = Filled<ProcessEntry>();
  absl::StatusOr<ProcessEntry> back =
      DecodeMessage<ProcessEntry>(EncodeMessage(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->pid, e.pid);
  EXPECT_EQ(back->ruid, e.ruid);
  EXPECT_EQ(back->nice, e.nice);
  EXPECT_LT(back->nice, 0);
  EXPECT_EQ(back->state, e.state);
  EXPECT_EQ(back->args, e.args);
  EXPECT_EQ(back->session_leader, e.session_leader);
  EXPECT_EQ(back->foreground, e.foreground);
  EXPECT_NE(back->session_leader, back->foreground);
  EXPECT_EQ(back->shr_kb, e.shr_kb);
}

TEST(MessageCodecTest, UnknownTagsAreSkipped) {
  WireWriter w(SIZE_MAX);
  w.PutU64(4, 42);          // ProcessInfoRequest's pid
  w.PutString(999, "new");  // a newer peer's field
  w.PutU64(1000, 7);
  absl::StatusOr<ProcessInfoRequest> r =
      DecodeMessage<ProcessInfoRequest>(w.data());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->pid, 42u);
}

TEST(MessageCodecTest, ValidationRunsOnNestedMessages) {
  ListChunk chunk;
  chunk.entries.resize(1);  // pid 0: invalid
  absl::StatusOr<ListChunk> back =
      DecodeMessage<ListChunk>(EncodeMessage(chunk));
  EXPECT_EQ(back.status().code(), absl::StatusCode::kDataLoss);
}

TEST(MessageCodecTest, EncodingIsAllOrNothing) {
  WireWriter w(100);
  ASSERT_TRUE(w.PutU64(1, 1));
  const size_t before = w.size();
  EXPECT_FALSE(EncodeMessage(Filled<ProcessInfo>(), &w));
  EXPECT_EQ(w.size(), before);
  EXPECT_FALSE(w.overflowed());
}

}  // namespace
}  // namespace haywire
