// Copyright 2026 The Haywire Authors.

#include "haywire/protocol/page_header.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "haywire/protocol/crc32c.h"
#include "haywire/protocol/layout.h"

namespace haywire {
namespace {

constexpr uint64_t kSession = 0x0123456789ABCDEFull;
constexpr uint64_t kCreated = 1'700'000'000'123'456'789ull;
constexpr uint32_t kCount = 100;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// One page-aligned page filled with `fill`.
std::unique_ptr<std::byte, FreeDeleter> NewPage(uint8_t fill) {
  auto* page =
      static_cast<std::byte*>(std::aligned_alloc(kPageSize, kPageSize));
  std::memset(page, fill, kPageSize);
  return std::unique_ptr<std::byte, FreeDeleter>(page);
}

// Recomputes the checksum, so a test can change a field and see the check
// that judges the field rather than the checksum.
PageHeader Resealed(PageHeader header) {
  header.checksum = Crc32c(&header, kChecksummedHeaderBytes);
  return header;
}

std::string Describe(HeaderVerdict v) {
  return std::string(HeaderVerdictName(v));
}

TEST(PageHeaderTest, MakeFillsEveryField) {
  const PageHeader h = MakePageHeader(kSession, 5, kCount, kCreated);
  EXPECT_EQ(h.magic, kPageMagic);
  EXPECT_EQ(h.magic2, kPageMagic2);
  EXPECT_EQ(h.version, kProtocolVersion);
  EXPECT_EQ(h.header_bytes, sizeof(PageHeader));
  EXPECT_EQ(h.kind, static_cast<uint16_t>(KindOfPage(5)));
  EXPECT_EQ(h.reserved0, 0);
  EXPECT_EQ(h.session_id, kSession);
  EXPECT_EQ(h.page_index, 5u);
  EXPECT_EQ(h.page_count, kCount);
  EXPECT_EQ(h.created_unix_ns, kCreated);
  for (uint8_t b : h.reserved1) EXPECT_EQ(b, 0);
  EXPECT_EQ(h.checksum, Crc32c(&h, kChecksummedHeaderBytes));
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kValid);
}

TEST(PageHeaderTest, EveryPageOfARegionGetsAValidHeaderOfItsKind) {
  for (uint32_t i = 0; i < kCount; ++i) {
    const PageHeader h = MakePageHeader(kSession, i, kCount, kCreated);
    EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kValid) << "page " << i;
    EXPECT_EQ(h.kind, static_cast<uint16_t>(KindOfPage(i))) << "page " << i;
  }
}

TEST(PageHeaderTest, PublishReadRoundTrip) {
  auto page = NewPage(0xA5);
  EXPECT_FALSE(StartsWithPageMagic(page.get()));
  const PageHeader made = MakePageHeader(kSession, 17, kCount, kCreated);
  PublishPageHeader(page.get(), made);

  EXPECT_TRUE(StartsWithPageMagic(page.get()));
  const PageHeader read = ReadPageHeader(page.get());
  EXPECT_EQ(std::memcmp(&read, &made, sizeof(PageHeader)), 0);
  EXPECT_EQ(CheckPageHeader(read), HeaderVerdict::kValid);
  // The header is stored byte for byte at the start of the page.
  EXPECT_EQ(std::memcmp(page.get(), &made, sizeof(PageHeader)), 0);
  // The rest of the page is not touched.
  for (size_t i = sizeof(PageHeader); i < kPageSize; ++i) {
    ASSERT_EQ(static_cast<uint8_t>(page.get()[i]), 0xA5) << "byte " << i;
  }
}

TEST(PageHeaderTest, PublishReplacesAnOlderHeaderCompletely) {
  auto page = NewPage(0);
  PublishPageHeader(page.get(), MakePageHeader(111, 3, 50, 1));
  const PageHeader newer = MakePageHeader(222, 40, 60, 2);
  PublishPageHeader(page.get(), newer);
  const PageHeader read = ReadPageHeader(page.get());
  EXPECT_EQ(std::memcmp(&read, &newer, sizeof(PageHeader)), 0);
  EXPECT_EQ(CheckPageHeader(read), HeaderVerdict::kValid);
  EXPECT_EQ(read.session_id, 222u);
}

TEST(PageHeaderTest, WipeLeavesNoMagicAndZeroHeader) {
  auto page = NewPage(0x5A);
  PublishPageHeader(page.get(), MakePageHeader(kSession, 0, kCount, kCreated));
  ASSERT_EQ(CheckPageHeader(ReadPageHeader(page.get())), HeaderVerdict::kValid);

  WipePageHeader(page.get());
  EXPECT_FALSE(StartsWithPageMagic(page.get()));
  const PageHeader read = ReadPageHeader(page.get());
  EXPECT_EQ(CheckPageHeader(read), HeaderVerdict::kNoMagic);
  for (size_t i = 0; i < sizeof(PageHeader); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(page.get()[i]), 0) << "header byte " << i;
  }
  // Only the header is wiped.
  for (size_t i = sizeof(PageHeader); i < kPageSize; ++i) {
    ASSERT_EQ(static_cast<uint8_t>(page.get()[i]), 0x5A) << "byte " << i;
  }
}

TEST(PageHeaderTest, NoMagic) {
  PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
  h.magic = 0;
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kNoMagic);
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kNoMagic);
  h.magic = kPageMagic ^ 1;
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kNoMagic);
  // Second magic in the first word's place is not the magic either.
  h.magic = kPageMagic2;
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kNoMagic);

  PageHeader zero;
  std::memset(&zero, 0, sizeof(zero));
  EXPECT_EQ(CheckPageHeader(zero), HeaderVerdict::kNoMagic);
}

TEST(PageHeaderTest, BadMagic2EvenWithAValidChecksum) {
  PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
  h.magic2 = 0;
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kBadMagic2);
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadMagic2);
  h.magic2 = kPageMagic2 ^ 0x80000000u;
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadMagic2);
}

// A stray kPageMagic word followed by random data (what a scanner meets in
// guest RAM) is not a page.
TEST(PageHeaderTest, StrayMagicFollowedByGarbage) {
  auto page = NewPage(0x00);
  const uint32_t magic = kPageMagic;
  std::memcpy(page.get(), &magic, sizeof(magic));
  EXPECT_TRUE(StartsWithPageMagic(page.get()));
  EXPECT_EQ(CheckPageHeader(ReadPageHeader(page.get())),
            HeaderVerdict::kBadMagic2);
  // Both magics but no checksum.
  const uint32_t magic2 = kPageMagic2;
  std::memcpy(page.get() + 4, &magic2, sizeof(magic2));
  EXPECT_EQ(CheckPageHeader(ReadPageHeader(page.get())),
            HeaderVerdict::kBadChecksum);
}

TEST(PageHeaderTest, AnyFlippedBitIsCaught) {
  const PageHeader good = MakePageHeader(kSession, 20, kCount, kCreated);
  for (size_t byte = 0; byte < sizeof(PageHeader); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      PageHeader h = good;
      reinterpret_cast<uint8_t*>(&h)[byte] ^= static_cast<uint8_t>(1u << bit);
      HeaderVerdict expected = HeaderVerdict::kBadChecksum;
      if (byte < offsetof(PageHeader, magic2)) {
        expected = HeaderVerdict::kNoMagic;  // checks are made in order.
      } else if (byte < offsetof(PageHeader, version)) {
        expected = HeaderVerdict::kBadMagic2;
      }
      ASSERT_EQ(CheckPageHeader(h), expected)
          << "byte " << byte << " bit " << bit << ": got "
          << Describe(CheckPageHeader(h));
    }
  }
}

TEST(PageHeaderTest, AnyChangedByteInChecksummedFieldsIsBadChecksum) {
  const PageHeader good = MakePageHeader(kSession, 2, kCount, kCreated);
  for (size_t byte = offsetof(PageHeader, version);
       byte < kChecksummedHeaderBytes; ++byte) {
    for (int delta : {1, 0x80, 0xFF}) {
      PageHeader h = good;
      reinterpret_cast<uint8_t*>(&h)[byte] ^= static_cast<uint8_t>(delta);
      ASSERT_EQ(CheckPageHeader(h), HeaderVerdict::kBadChecksum)
          << "byte " << byte << " xor " << delta;
    }
  }
  // The checksum field itself.
  PageHeader h = good;
  h.checksum = ~h.checksum;
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kBadChecksum);
  h.checksum = 0;
  EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kBadChecksum);
}

TEST(PageHeaderTest, UnknownVersion) {
  for (uint16_t version :
       {uint16_t{0}, uint16_t{kProtocolVersion + 1}, uint16_t{0xFFFF}}) {
    PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
    h.version = version;
    EXPECT_EQ(CheckPageHeader(h), HeaderVerdict::kBadChecksum);
    EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kUnknownVersion)
        << "version " << version;
  }
}

TEST(PageHeaderTest, UnknownVersionIsJudgedBeforeFields) {
  // A future version may change field rules; an unknown version must be
  // reported as such, not as a bad field.
  PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
  h.version = kProtocolVersion + 1;
  h.header_bytes = 128;
  h.reserved0 = 7;
  EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kUnknownVersion);
}

TEST(PageHeaderTest, BadHeaderBytes) {
  for (uint16_t bytes : {uint16_t{0}, uint16_t{63}, uint16_t{65}, uint16_t{128},
                         uint16_t{kPageSize}}) {
    PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
    h.header_bytes = bytes;
    EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadField)
        << "header_bytes " << bytes;
  }
}

TEST(PageHeaderTest, ZeroSessionIdIsBadField) {
  EXPECT_EQ(CheckPageHeader(MakePageHeader(0, 1, kCount, kCreated)),
            HeaderVerdict::kBadField);
  // Any nonzero session is fine.
  EXPECT_EQ(CheckPageHeader(MakePageHeader(1, 1, kCount, kCreated)),
            HeaderVerdict::kValid);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(~0ull, 1, kCount, kCreated)),
            HeaderVerdict::kValid);
}

TEST(PageHeaderTest, PageCountBounds) {
  EXPECT_EQ(CheckPageHeader(
                MakePageHeader(kSession, 0, kMinRegionPages - 1, kCreated)),
            HeaderVerdict::kBadField);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, 0, 0, kCreated)),
            HeaderVerdict::kBadField);
  EXPECT_EQ(
      CheckPageHeader(MakePageHeader(kSession, 0, kMinRegionPages, kCreated)),
      HeaderVerdict::kValid);
  EXPECT_EQ(
      CheckPageHeader(MakePageHeader(kSession, 0, kMaxRegionPages, kCreated)),
      HeaderVerdict::kValid);
  EXPECT_EQ(CheckPageHeader(
                MakePageHeader(kSession, 0, kMaxRegionPages + 1, kCreated)),
            HeaderVerdict::kBadField);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, 0, 0xFFFFFFFFu, kCreated)),
            HeaderVerdict::kBadField);
}

TEST(PageHeaderTest, PageIndexMustBeBelowPageCount) {
  EXPECT_EQ(
      CheckPageHeader(MakePageHeader(kSession, kCount - 1, kCount, kCreated)),
      HeaderVerdict::kValid);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, kCount, kCount, kCreated)),
            HeaderVerdict::kBadField);
  EXPECT_EQ(
      CheckPageHeader(MakePageHeader(kSession, kCount + 1, kCount, kCreated)),
      HeaderVerdict::kBadField);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, 0xFFFFFFFFu,
                                           kMaxRegionPages, kCreated)),
            HeaderVerdict::kBadField);
  // Smallest region: its last page is the iterator table.
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, kMinRegionPages - 1,
                                           kMinRegionPages, kCreated)),
            HeaderVerdict::kValid);
  EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, kMinRegionPages,
                                           kMinRegionPages, kCreated)),
            HeaderVerdict::kBadField);
}

TEST(PageHeaderTest, KindMustMatchIndex) {
  const PageKind kinds[] = {PageKind::kBeacon, PageKind::kRequestSlot,
                            PageKind::kResponseSlot, PageKind::kIteratorTable,
                            PageKind::kBulk};
  for (uint32_t index : {0u, 1u, 16u, 17u, 32u, 33u, 34u, kCount - 1}) {
    for (PageKind kind : kinds) {
      PageHeader h = MakePageHeader(kSession, index, kCount, kCreated);
      h.kind = static_cast<uint16_t>(kind);
      const HeaderVerdict expected = kind == KindOfPage(index)
                                         ? HeaderVerdict::kValid
                                         : HeaderVerdict::kBadField;
      EXPECT_EQ(CheckPageHeader(Resealed(h)), expected)
          << "index " << index << " kind " << static_cast<int>(kind);
    }
    for (uint16_t raw : {uint16_t{0}, uint16_t{6}, uint16_t{0xFFFF}}) {
      PageHeader h = MakePageHeader(kSession, index, kCount, kCreated);
      h.kind = raw;
      EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadField)
          << "index " << index << " raw kind " << raw;
    }
  }
}

TEST(PageHeaderTest, NonzeroReservedIsBadField) {
  {
    PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
    h.reserved0 = 1;
    EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadField);
    h.reserved0 = 0x8000;
    EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadField);
  }
  for (size_t i = 0; i < sizeof(PageHeader::reserved1); ++i) {
    PageHeader h = MakePageHeader(kSession, 1, kCount, kCreated);
    h.reserved1[i] = 0x01;
    EXPECT_EQ(CheckPageHeader(Resealed(h)), HeaderVerdict::kBadField)
        << "reserved1[" << i << "]";
  }
}

TEST(PageHeaderTest, CreatedTimeIsFree) {
  // created_unix_ns is informational; any value validates.
  for (uint64_t t : {0ull, 1ull, ~0ull}) {
    EXPECT_EQ(CheckPageHeader(MakePageHeader(kSession, 3, kCount, t)),
              HeaderVerdict::kValid);
  }
}

TEST(PageHeaderTest, VerdictNamesAreDistinct) {
  std::set<std::string> names;
  for (HeaderVerdict v :
       {HeaderVerdict::kValid, HeaderVerdict::kNoMagic,
        HeaderVerdict::kBadMagic2, HeaderVerdict::kBadChecksum,
        HeaderVerdict::kUnknownVersion, HeaderVerdict::kBadField}) {
    const std::string name = Describe(v);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

TEST(KindOfPageTest, Boundaries) {
  EXPECT_EQ(KindOfPage(0), PageKind::kBeacon);
  EXPECT_EQ(KindOfPage(1), PageKind::kRequestSlot);
  EXPECT_EQ(KindOfPage(16), PageKind::kRequestSlot);
  EXPECT_EQ(KindOfPage(17), PageKind::kResponseSlot);
  EXPECT_EQ(KindOfPage(32), PageKind::kResponseSlot);
  EXPECT_EQ(KindOfPage(33), PageKind::kIteratorTable);
  EXPECT_EQ(KindOfPage(34), PageKind::kBulk);
  EXPECT_EQ(KindOfPage(kMaxRegionPages - 1), PageKind::kBulk);
  EXPECT_EQ(KindOfPage(0xFFFFFFFFu), PageKind::kBulk);
}

TEST(KindOfPageTest, CountsPerKindMatchTheLayout) {
  uint32_t counts[6] = {};
  for (uint32_t i = 0; i < kMinRegionPages + 10; ++i) {
    ++counts[static_cast<int>(KindOfPage(i))];
  }
  EXPECT_EQ(counts[static_cast<int>(PageKind::kBeacon)], 1u);
  EXPECT_EQ(counts[static_cast<int>(PageKind::kRequestSlot)],
            kRequestSlotCount);
  EXPECT_EQ(counts[static_cast<int>(PageKind::kResponseSlot)],
            kResponseSlotCount);
  EXPECT_EQ(counts[static_cast<int>(PageKind::kIteratorTable)], 1u);
  EXPECT_EQ(counts[static_cast<int>(PageKind::kBulk)], 10u);
}

}  // namespace
}  // namespace haywire

namespace haywire {
namespace {

// The test vector printed in docs/PROTOCOL.md section 3.1: the wire bytes of
// a header are part of the protocol, so any change here is a version bump.
TEST(PageHeaderWireTest, MatchesTheDocumentedVector) {
  const PageHeader header =
      MakePageHeader(0x0123456789ABCDEFull, 0, 16384, 0x18C0FFEE00000000ull);
  const uint8_t expected[64] = {
      0xce, 0xfa, 0x42, 0x31, 0x48, 0x57, 0x52, 0x50, 0x02, 0x00, 0x40,
      0x00, 0x01, 0x00, 0x00, 0x00, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45,
      0x23, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0xee, 0xff, 0xc0, 0x18, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0xb1, 0x54, 0x2c};
  EXPECT_EQ(std::memcmp(&header, expected, sizeof(expected)), 0);
  EXPECT_EQ(header.checksum, 0x2C54B124u);
  EXPECT_EQ(
      MakePageHeader(0x0123456789ABCDEFull, 17, 16384, 0x18C0FFEE00000000ull)
          .checksum,
      0x15351043u);
}

}  // namespace
}  // namespace haywire
