// Copyright 2026 The Haywire Authors.
//
// A slot's state word, on one thread: its bit layout, the generation every
// claim bumps, and malformed words that neither side moves.

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/shared_access.h"
#include "haywire/protocol/slot.h"
#include "haywire/protocol/slot_test_support.h"

namespace haywire {
namespace {

TEST(SlotWordTest, PackMatchesTheDocumentedBitLayout) {
  // layout.h: state | generation << 8 | owner_pid << 32.
  SlotWord w{SlotState::kInProgress, 0xABCDEF, 0x12345678};
  EXPECT_EQ(w.Pack(), 0x12345678ABCDEF03ull);
  EXPECT_EQ(SlotWord::Unpack(0x12345678ABCDEF03ull), w);
  // The generation is 24 bits; higher bits do not leak into the pid.
  SlotWord big{SlotState::kClaimed, 0xFFFFFFFF, 1};
  EXPECT_EQ(big.Pack(), 0x00000001FFFFFF01ull);
  for (uint64_t word :
       {0ull, ~0ull, 0x8000000000000000ull, 0x0123456789ABCDEFull}) {
    EXPECT_EQ(SlotWord::Unpack(word).Pack(), word) << std::hex << word;
  }
}

TEST(SlotWordTest, WellFormedness) {
  EXPECT_TRUE((SlotWord{SlotState::kFree, 5, 0}).IsWellFormed());
  EXPECT_FALSE((SlotWord{SlotState::kFree, 5, 9}).IsWellFormed());
  for (uint8_t s = 1; s <= kMaxSlotState; ++s) {
    EXPECT_TRUE((SlotWord{static_cast<SlotState>(s), 5, 9}).IsWellFormed());
    EXPECT_FALSE((SlotWord{static_cast<SlotState>(s), 5, 0}).IsWellFormed());
  }
  for (int s = kMaxSlotState + 1; s < 256; ++s) {
    EXPECT_FALSE(SlotWord::Unpack(uint64_t(s) | (9ull << 32)).IsWellFormed());
    EXPECT_FALSE(SlotWord::Unpack(uint64_t(s)).IsWellFormed());
  }
}

TEST(SlotWordTest, StateNamesAreDistinct) {
  std::set<std::string> names;
  for (uint8_t s = 0; s <= kMaxSlotState; ++s) {
    EXPECT_TRUE(names.insert(SlotStateName(static_cast<SlotState>(s))).second);
  }
  EXPECT_EQ(names.count(SlotStateName(static_cast<SlotState>(200))), 0u);
}

TEST_F(SlotTest, ClaimRefusesAMalformedFreeWord) {
  // "Free" state byte but an owner: not free.
  ForceWord(0, SlotWord{SlotState::kFree, 3, kHostB}.Pack());
  EXPECT_FALSE(TryClaimSlot(slot(), kHostA));
  // Garbage state byte.
  ForceWord(0, 0xFFull | (7ull << 8));
  EXPECT_FALSE(TryClaimSlot(slot(), kHostA));
  EXPECT_EQ(LoadRelaxed(slot().state), 0xFFull | (7ull << 8));
}

TEST_F(SlotTest, GenerationBumpsOnEveryClaim) {
  uint32_t last = LoadSlotWord(slot()).generation;
  for (int round = 0; round < 20; ++round) {
    std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->generation, (last + 1) & SlotWord::kGenerationMask);
    last = c->generation;
    // Every way back to free keeps the generation; only claims bump it.
    switch (round % 4) {
      case 0:
        ASSERT_TRUE(ReleaseClaim(slot(), *c));
        break;
      case 1: {
        SlotWord p;
        ASSERT_TRUE(PublishRequest(slot(), *c, round, RequestType::kPing, {},
                                   nullptr, &p)
                        .ok());
        ASSERT_TRUE(AbandonRequest(slot(), p));
        break;
      }
      case 2: {
        SlotWord p;
        ASSERT_TRUE(PublishRequest(slot(), *c, round, RequestType::kPing, {},
                                   nullptr, &p)
                        .ok());
        ASSERT_EQ(Serve(0), Completion::kDelivered);
        Response r;
        ASSERT_TRUE(ConsumeResponse(slot(), response(), p, round, &r).ok());
        break;
      }
      case 3:
        ASSERT_TRUE(ReclaimSlot(slot(), *c));
        break;
    }
    const SlotWord free_word = LoadSlotWord(slot());
    EXPECT_EQ(free_word.state, SlotState::kFree);
    EXPECT_EQ(free_word.generation, last);
  }
}

TEST_F(SlotTest, GenerationWrapsAt24Bits) {
  ForceWord(0, SlotWord{SlotState::kFree, SlotWord::kGenerationMask, 0}.Pack());
  std::optional<SlotWord> c = TryClaimSlot(slot(), kHostA);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->generation, 0u);
  EXPECT_EQ(LoadSlotWord(slot()).owner_pid, kHostA);  // pid bits intact.
}

TEST_F(SlotTest, GuestIgnoresMalformedWords) {
  const SlotWord p = ClaimAndPublish(kHostA, 1, "x");
  const uint64_t good = p.Pack();
  Request req;
  bool malformed;
  const uint64_t garbage[] = {
      // kRequestReady without an owner.
      SlotWord{SlotState::kRequestReady, p.generation, 0}.Pack(),
      // Unknown state bytes with an owner.
      (good & ~0xFFull) | 6,
      (good & ~0xFFull) | 0x82,  // kRequestReady with the high bit set
      (good & ~0xFFull) | 0xFF,
      ~0ull,
  };
  for (uint64_t word : garbage) {
    ForceWord(0, word);
    EXPECT_FALSE(SlotWord::Unpack(word).IsWellFormed()) << std::hex << word;
    EXPECT_FALSE(TryTakeRequest(slot(), &req, &malformed)) << std::hex << word;
    EXPECT_EQ(LoadRelaxed(slot().state), word) << "the guest moved garbage";
    EXPECT_FALSE(TryClaimSlot(slot(), kHostB)) << std::hex << word;
    EXPECT_EQ(LoadRelaxed(slot().state), word) << "a host moved garbage";
  }
  // The well-formed word is still taken.
  ForceWord(0, good);
  EXPECT_TRUE(TryTakeRequest(slot(), &req, &malformed));
}

TEST_F(SlotTest, HostIgnoresMalformedWordsOfItsGeneration) {
  const SlotWord p = ClaimAndPublish(kHostA, 1, "x");
  // Same generation and pid, unknown state: not ours to wait on or free.
  const uint64_t odd = (p.Pack() & ~0xFFull) | 0x77;
  ForceWord(0, odd);
  EXPECT_EQ(PollRequest(slot(), p), RequestProgress::kLost);
  EXPECT_FALSE(AbandonRequest(slot(), p));
  EXPECT_FALSE(ReclaimSlot(slot(), SlotWord::Unpack(odd)));
  EXPECT_EQ(LoadRelaxed(slot().state), odd);
}

}  // namespace
}  // namespace haywire
