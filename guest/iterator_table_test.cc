// Copyright 2026 The Haywire Authors.
//
// IteratorTable: capacity, LRU eviction, owner checks, release, ids, and the
// mirror in the region's IteratorTablePage.

#include "guest/iterator_table.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"

namespace haywire {
namespace {

constexpr uint32_t kOwner = 1000;

std::vector<uint32_t> Pids(uint32_t n) {
  std::vector<uint32_t> pids;
  for (uint32_t i = 1; i <= n; ++i) pids.push_back(i);
  return pids;
}

// The mirror entry holding `id`, or null.
const IteratorEntry* MirrorOf(const IteratorTablePage& page, uint64_t id) {
  const IteratorEntry* found = nullptr;
  for (const IteratorEntry& e : page.entries) {
    if (e.iterator_id == id) {
      EXPECT_EQ(found, nullptr) << "id " << id << " mirrored twice";
      found = &e;
    }
  }
  return found;
}

size_t MirrorInUse(const IteratorTablePage& page) {
  size_t n = 0;
  for (const IteratorEntry& e : page.entries) n += e.iterator_id != 0;
  return n;
}

TEST(IteratorTableTest, StartsEmpty) {
  IteratorTablePage page;
  std::memset(&page, 0xAB, sizeof(page));  // the constructor publishes
  IteratorTable table(&page, 1);
  EXPECT_EQ(table.in_use(), 0u);
  EXPECT_EQ(table.evictions(), 0u);
  for (const IteratorEntry& e : page.entries) {
    EXPECT_EQ(e.iterator_id, 0u);
    EXPECT_EQ(e.owner_pid, 0u);
    EXPECT_EQ(e.request_type, 0u);
    EXPECT_EQ(e.position, 0u);
    EXPECT_EQ(e.total, 0u);
  }
}

TEST(IteratorTableTest, HoldsEightWithoutEviction) {
  IteratorTable table(nullptr, 42);
  std::vector<ListingIterator*> its;
  std::set<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ListingIterator* it = table.Create(kOwner + i, Pids(i + 1), 100 + i);
    ASSERT_NE(it, nullptr);
    EXPECT_NE(it->id, 0u);
    EXPECT_EQ(it->owner_pid, kOwner + i);
    EXPECT_EQ(it->pids, Pids(i + 1));
    EXPECT_EQ(it->position, 0u);
    EXPECT_TRUE(it->ahead.empty());
    ids.insert(it->id);
    its.push_back(it);
  }
  EXPECT_EQ(ids.size(), kIteratorCount);
  EXPECT_EQ(table.in_use(), kIteratorCount);
  EXPECT_EQ(table.evictions(), 0u);
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ListingIterator* found = table.Find(its[i]->id, kOwner + i, 200);
    EXPECT_EQ(found, its[i]);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->pids.size(), i + 1);
  }
}

TEST(IteratorTableTest, NinthEvictsTheLeastRecentlyCreated) {
  IteratorTable table(nullptr, 7);
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ids.push_back(table.Create(kOwner, Pids(3), 10 + i)->id);
  }
  const uint64_t ninth = table.Create(kOwner, Pids(3), 100)->id;
  EXPECT_EQ(table.evictions(), 1u);
  EXPECT_EQ(table.in_use(), kIteratorCount);
  EXPECT_EQ(table.Find(ids[0], kOwner, 101), nullptr);  // the oldest
  for (uint32_t i = 1; i < kIteratorCount; ++i) {
    EXPECT_NE(table.Find(ids[i], kOwner, 102), nullptr) << i;
  }
  EXPECT_NE(table.Find(ninth, kOwner, 103), nullptr);
}

TEST(IteratorTableTest, FindRefreshesRecency) {
  IteratorTable table(nullptr, 7);
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ids.push_back(table.Create(kOwner, Pids(3), 10 + i)->id);
  }
  // Use the oldest two: the third created is now least recently used.
  ASSERT_NE(table.Find(ids[0], kOwner, 50), nullptr);
  ASSERT_NE(table.Find(ids[1], kOwner, 51), nullptr);
  table.Create(kOwner, Pids(1), 60);
  EXPECT_EQ(table.Find(ids[2], kOwner, 61), nullptr);
  EXPECT_NE(table.Find(ids[0], kOwner, 62), nullptr);
  EXPECT_NE(table.Find(ids[1], kOwner, 63), nullptr);
  // Next victim: ids[3] (used at 13), then ids[4]...
  table.Create(kOwner, Pids(1), 70);
  EXPECT_EQ(table.Find(ids[3], kOwner, 71), nullptr);
  EXPECT_NE(table.Find(ids[4], kOwner, 72), nullptr);
  EXPECT_EQ(table.evictions(), 2u);
}

TEST(IteratorTableTest, EvictionOrderFollowsUseNotSlotOrder) {
  IteratorTable table(nullptr, 9);
  std::vector<uint64_t> ids;
  // Created with decreasing timestamps: the last created is the oldest.
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ids.push_back(table.Create(kOwner, Pids(1), 100 - i)->id);
  }
  table.Create(kOwner, Pids(1), 200);
  EXPECT_EQ(table.Find(ids.back(), kOwner, 201), nullptr);
  for (uint32_t i = 0; i + 1 < kIteratorCount; ++i) {
    EXPECT_NE(table.Find(ids[i], kOwner, 202), nullptr) << i;
  }
}

TEST(IteratorTableTest, WrongOwnerFindsNothingAndDoesNotRefresh) {
  IteratorTable table(nullptr, 3);
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ids.push_back(table.Create(kOwner, Pids(2), 10 + i)->id);
  }
  EXPECT_EQ(table.Find(ids[0], kOwner + 1, 50), nullptr);
  EXPECT_EQ(table.Find(ids[0], 0, 50), nullptr);
  // A foreign lookup must not keep another host's iterator alive.
  table.Create(kOwner + 1, Pids(2), 60);
  EXPECT_EQ(table.Find(ids[0], kOwner, 61), nullptr);
  EXPECT_NE(table.Find(ids[1], kOwner, 62), nullptr);
}

TEST(IteratorTableTest, UnknownAndZeroIdsFindNothing) {
  IteratorTable table(nullptr, 3);
  const uint64_t id = table.Create(kOwner, Pids(2), 1)->id;
  EXPECT_EQ(table.Find(0, kOwner, 2), nullptr);
  EXPECT_EQ(table.Find(id + 1, kOwner, 2), nullptr);
  EXPECT_EQ(table.Find(~id, kOwner, 2), nullptr);
  // Free slots (id 0, owner 0) are not found by an owner-0 lookup of id 0.
  EXPECT_EQ(table.Find(0, 0, 2), nullptr);
}

TEST(IteratorTableTest, Release) {
  IteratorTable table(nullptr, 5);
  const uint64_t a = table.Create(kOwner, Pids(2), 1)->id;
  const uint64_t b = table.Create(kOwner, Pids(2), 2)->id;
  EXPECT_EQ(table.in_use(), 2u);

  EXPECT_FALSE(table.Release(a, kOwner + 1));  // not the owner's
  EXPECT_NE(table.Find(a, kOwner, 3), nullptr);
  EXPECT_FALSE(table.Release(0, kOwner));
  EXPECT_FALSE(table.Release(0, 0));
  EXPECT_EQ(table.in_use(), 2u);

  EXPECT_TRUE(table.Release(a, kOwner));
  EXPECT_EQ(table.in_use(), 1u);
  EXPECT_EQ(table.Find(a, kOwner, 4), nullptr);
  EXPECT_FALSE(table.Release(a, kOwner));  // already gone
  EXPECT_NE(table.Find(b, kOwner, 5), nullptr);
  EXPECT_EQ(table.evictions(), 0u);
}

TEST(IteratorTableTest, ReleasedSlotsAreReusedBeforeEvicting) {
  IteratorTable table(nullptr, 5);
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    ids.push_back(table.Create(kOwner, Pids(1), 10 + i)->id);
  }
  ASSERT_TRUE(table.Release(ids[5], kOwner));
  table.Create(kOwner, Pids(1), 100);
  EXPECT_EQ(table.evictions(), 0u);
  EXPECT_EQ(table.in_use(), kIteratorCount);
  for (uint32_t i = 0; i < kIteratorCount; ++i) {
    if (i == 5) continue;
    EXPECT_NE(table.Find(ids[i], kOwner, 101), nullptr) << i;
  }
}

TEST(IteratorTableTest, IdsAreNonzeroAndNeverReused) {
  IteratorTable table(nullptr, 0);  // even seed 0
  std::set<uint64_t> seen;
  std::vector<uint64_t> ids;
  for (uint64_t t = 1; t <= 5000; ++t) {
    ListingIterator* it =
        table.Create(static_cast<uint32_t>(t % 3), Pids(1), t);
    ASSERT_NE(it->id, 0u);
    ASSERT_TRUE(seen.insert(it->id).second) << "id reused: " << it->id;
    ids.push_back(it->id);
  }
  EXPECT_EQ(table.evictions(), 5000u - kIteratorCount);
  // Only the last eight are live; every evicted id is expired.
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t owner = static_cast<uint32_t>((i + 1) % 3);
    const bool live = i + kIteratorCount >= ids.size();
    EXPECT_EQ(table.Find(ids[i], owner, 10000) != nullptr, live) << i;
  }
}

TEST(IteratorTableTest, DifferentSeedsGiveDifferentIds) {
  IteratorTable a(nullptr, 1);
  IteratorTable b(nullptr, 2);
  EXPECT_NE(a.Create(kOwner, Pids(1), 1)->id, b.Create(kOwner, Pids(1), 1)->id);
}

TEST(IteratorTableTest, MirrorReflectsTheTable) {
  IteratorTablePage page;
  std::memset(&page, 0, sizeof(page));
  IteratorTable table(&page, 11);

  ListingIterator* a = table.Create(1234, Pids(30), 500);
  ListingIterator* b = table.Create(5678, Pids(7), 600);
  const uint64_t a_id = a->id;
  const uint64_t b_id = b->id;
  EXPECT_EQ(MirrorInUse(page), 2u);
  const IteratorEntry* ma = MirrorOf(page, a_id);
  ASSERT_NE(ma, nullptr);
  EXPECT_EQ(ma->owner_pid, 1234u);
  EXPECT_EQ(ma->request_type,
            static_cast<uint32_t>(RequestType::kListProcesses));
  EXPECT_EQ(ma->total, 30u);
  EXPECT_EQ(ma->position, 0u);
  EXPECT_EQ(ma->last_used_mono_ns, 500u);
  const IteratorEntry* mb = MirrorOf(page, b_id);
  ASSERT_NE(mb, nullptr);
  EXPECT_EQ(mb->owner_pid, 5678u);
  EXPECT_EQ(mb->total, 7u);

  // Progress shows after Publish().
  a->position = 12;
  table.Publish();
  EXPECT_EQ(MirrorOf(page, a_id)->position, 12u);
  EXPECT_EQ(MirrorOf(page, b_id)->position, 0u);

  // Release clears the entry.
  ASSERT_TRUE(table.Release(a_id, 1234));
  EXPECT_EQ(MirrorOf(page, a_id), nullptr);
  EXPECT_EQ(MirrorInUse(page), 1u);
  for (const IteratorEntry& e : page.entries) {
    if (e.iterator_id != 0) continue;
    EXPECT_EQ(e.owner_pid, 0u);
    EXPECT_EQ(e.request_type, 0u);
    EXPECT_EQ(e.position, 0u);
    EXPECT_EQ(e.total, 0u);
    EXPECT_EQ(e.last_used_mono_ns, 0u);
  }

  // Filling and overfilling: the mirror holds exactly the live ids.
  std::vector<uint64_t> ids = {b_id};
  for (uint32_t i = 0; i < kIteratorCount + 3; ++i) {
    ids.push_back(table.Create(900 + i, Pids(i + 1), 700 + i)->id);
  }
  EXPECT_EQ(MirrorInUse(page), kIteratorCount);
  const size_t first_live = ids.size() - kIteratorCount;
  for (size_t i = 0; i < ids.size(); ++i) {
    const IteratorEntry* m = MirrorOf(page, ids[i]);
    if (i < first_live) {
      EXPECT_EQ(m, nullptr) << i;
    } else {
      ASSERT_NE(m, nullptr) << i;
      EXPECT_EQ(m->owner_pid, 900 + (i - 1));
      EXPECT_EQ(m->total, i);
    }
  }
  // The page header and the reserved tail are never touched.
  const uint8_t* raw = reinterpret_cast<const uint8_t*>(&page);
  for (size_t i = 0; i < sizeof(PageHeader); ++i) ASSERT_EQ(raw[i], 0) << i;
  for (size_t i = offsetof(IteratorTablePage, reserved); i < sizeof(page);
       ++i) {
    ASSERT_EQ(raw[i], 0) << i;
  }
}

}  // namespace
}  // namespace haywire
