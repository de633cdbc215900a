// Copyright 2026 The Haywire Authors.
//
// CRC-32C against published vectors (the check value of the CRC catalogue and
// the iSCSI vectors of RFC 3720 appendix B.4) and against an independent,
// bit-at-a-time reference implementation.

#include "haywire/protocol/crc32c.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace haywire {
namespace {

// Bit-at-a-time CRC-32C straight from the definition (reflected polynomial
// 0x82F63B78, init and final XOR ~0): shares no code or table with the
// implementation under test.
uint32_t ReferenceCrc32c(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
    }
  }
  return ~crc;
}

TEST(Crc32cTest, CheckValue) {
  const std::string check = "123456789";
  EXPECT_EQ(Crc32c(check.data(), check.size()), 0xE3069283u);
}

TEST(Crc32cTest, EmptyInputIsZero) {
  const uint8_t byte = 0xAB;
  EXPECT_EQ(Crc32c(&byte, 0), 0u);
  EXPECT_EQ(Crc32c(nullptr, 0), 0u);
}

// RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32cTest, Rfc3720Vectors) {
  uint8_t buf[32];

  std::memset(buf, 0x00, sizeof(buf));
  EXPECT_EQ(Crc32c(buf, sizeof(buf)), 0x8A9136AAu);

  std::memset(buf, 0xFF, sizeof(buf));
  EXPECT_EQ(Crc32c(buf, sizeof(buf)), 0x62A8AB43u);

  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(buf, sizeof(buf)), 0x46DD794Eu);

  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Crc32c(buf, sizeof(buf)), 0x113FDB5Cu);

  const uint8_t iscsi_read[48] = {
      0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
      0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  EXPECT_EQ(Crc32c(iscsi_read, sizeof(iscsi_read)), 0xD9963A56u);
}

TEST(Crc32cTest, MatchesBitwiseReferenceOnRandomInputs) {
  std::mt19937 rng(12345);
  std::vector<uint8_t> data(5000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  // Every length 0..300 from several offsets (alignment must not matter),
  // plus some long ones.
  for (size_t offset : {0, 1, 3, 7}) {
    for (size_t len = 0; len <= 300; ++len) {
      ASSERT_EQ(Crc32c(data.data() + offset, len),
                ReferenceCrc32c(data.data() + offset, len))
          << "offset " << offset << " length " << len;
    }
  }
  for (size_t len : {1000u, 4095u, 4096u, 4999u}) {
    EXPECT_EQ(Crc32c(data.data(), len), ReferenceCrc32c(data.data(), len))
        << "length " << len;
  }
}

TEST(Crc32cTest, DependsOnlyOnBytesNotAddress) {
  std::vector<uint8_t> a(200), b(260);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7 + 1);
  std::memcpy(b.data() + 37, a.data(), a.size());
  EXPECT_EQ(Crc32c(a.data(), a.size()), Crc32c(b.data() + 37, a.size()));
}

TEST(Crc32cTest, EverySingleBitFlipChangesTheResultDistinctly) {
  // The 60 bytes a page header's checksum covers, and a beacon-info sized
  // buffer: every single-bit error must be detected, and (CRC being linear
  // with distinct syndromes for short messages) no two flips collide.
  for (size_t size : {60u, 444u}) {
    std::vector<uint8_t> data(size);
    for (size_t i = 0; i < size; ++i)
      data[i] = static_cast<uint8_t>(i * 31 + 5);
    const uint32_t original = Crc32c(data.data(), data.size());
    std::set<uint32_t> seen;
    for (size_t byte = 0; byte < size; ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        data[byte] ^= static_cast<uint8_t>(1u << bit);
        const uint32_t flipped = Crc32c(data.data(), data.size());
        data[byte] ^= static_cast<uint8_t>(1u << bit);
        ASSERT_NE(flipped, original) << "byte " << byte << " bit " << bit;
        EXPECT_TRUE(seen.insert(flipped).second)
            << "byte " << byte << " bit " << bit << " collides";
      }
    }
    EXPECT_EQ(Crc32c(data.data(), data.size()), original);
  }
}

TEST(Crc32cTest, DetectsBurstErrorsUpTo32Bits) {
  // The reason crc32c.h gives for choosing CRC-32C: every burst of up to 32
  // bits is detected. Try every burst pattern position with a few patterns.
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
  const uint32_t original = Crc32c(data.data(), data.size());
  std::mt19937 rng(7);
  for (size_t start_bit = 0; start_bit + 32 <= data.size() * 8; ++start_bit) {
    for (int trial = 0; trial < 4; ++trial) {
      // A burst of length L starts and ends with a flipped bit.
      const int length = 1 + static_cast<int>(rng() % 32);
      uint32_t pattern = rng() | 1u | (1u << (length - 1));
      if (length < 32) pattern &= (1u << length) - 1;
      std::vector<uint8_t> corrupted = data;
      for (int b = 0; b < length; ++b) {
        if (pattern & (1u << b)) {
          const size_t pos = start_bit + static_cast<size_t>(b);
          corrupted[pos / 8] ^= static_cast<uint8_t>(1u << (pos % 8));
        }
      }
      ASSERT_NE(Crc32c(corrupted.data(), corrupted.size()), original)
          << "burst at bit " << start_bit << " length " << length;
    }
  }
}

}  // namespace
}  // namespace haywire
