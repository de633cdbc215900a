// Copyright 2026 The Haywire Authors.
//
// The primitives against published test vectors: RFC 4231 section 4 for
// HMAC-SHA-256 (test cases 1, 2 and 6; case 2 splits its message into
// parts, as the handshake does) and vectors_sip128 of the SipHash reference
// implementation (key 00..0f, message 00..len-1).

#include "haywire/auth/primitives.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace haywire::auth {
namespace {

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& bytes) {
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

TEST(HmacSha256Test, Rfc4231TestCase1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(Hex(HmacSha256(Bytes(key), {Bytes("Hi There")})),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256Test, Rfc4231TestCase2InParts) {
  EXPECT_EQ(Hex(HmacSha256(Bytes("Jefe"), {Bytes("what do ya "), Bytes(""),
                                           Bytes("want for nothing?")})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, Rfc4231TestCase6KeyLongerThanABlock) {
  const std::string key(131, '\xaa');
  EXPECT_EQ(
      Hex(HmacSha256(
          Bytes(key),
          {Bytes("Test Using Larger Than Block-Size Key - Hash Key First")})),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(SipHash64Test, ReferenceVectors) {
  MessageKey key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  std::vector<uint8_t> message(64);
  for (size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<uint8_t>(i);
  }
  // vectors_sip64[len] for a few lengths: empty, inside the first word,
  // and the paper's example (15 bytes: 0xa129ca6149be45e5, little-endian).
  const std::pair<size_t, absl::string_view> kVectors[] = {
      {0, "310e0edd47db6f72"}, {1, "fd67dc93c539f874"},
      {2, "5a4fa9d909806c0d"}, {3, "2d7efbd796666785"},
      {4, "b7877127e09427cf"}, {15, "e545be4961ca29a1"},
  };
  for (const auto& [len, hex] : kVectors) {
    EXPECT_EQ(Hex(SipHash64(key, absl::MakeConstSpan(message.data(), len))),
              hex)
        << "length " << len;
  }
}

TEST(SipHash128Test, ReferenceVectors) {
  MessageKey key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  const uint8_t message[] = {0};
  // vectors_sip128[0] and [1]: the empty message and the byte 00.
  EXPECT_EQ(Hex(SipHash128(key, {})), "a3817f04ba25a8e66df67214c7550293");
  EXPECT_EQ(Hex(SipHash128(key, absl::MakeConstSpan(message, 1))),
            "da87c1d86b99af44347659119b22fc45");
}

TEST(SipHash64Test, EveryKeyBitAndMessageBitMatters) {
  MessageKey key{};
  const std::string message = "slot 3, generation 7, ticket 42";
  const Tag base = SipHash64(key, Bytes(message));
  for (size_t bit = 0; bit < key.size() * 8; bit += 13) {
    MessageKey other = key;
    other[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(SipHash64(other, Bytes(message)), base) << "key bit " << bit;
  }
  for (size_t bit = 0; bit < message.size() * 8; bit += 7) {
    std::string other = message;
    other[bit / 8] ^= static_cast<char>(1u << (bit % 8));
    EXPECT_NE(SipHash64(key, Bytes(other)), base) << "message bit " << bit;
  }
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  const Tag a = {1, 2, 3};
  Tag b = a;
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  b[kTagBytes - 1] ^= 1;
  EXPECT_FALSE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(
      ConstantTimeEqual(absl::MakeConstSpan(a.data(), kTagBytes - 1), a));
}

TEST(RandomBytesTest, FillsAndDiffers) {
  std::array<uint8_t, 32> a{}, b{};
  RandomBytes(absl::MakeSpan(a));
  RandomBytes(absl::MakeSpan(b));
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 32>{}));
}

TEST(WipeTest, Zeroes) {
  std::array<uint8_t, 8> bytes = {1, 2, 3, 4, 5, 6, 7, 8};
  Wipe(absl::MakeSpan(bytes));
  EXPECT_EQ(bytes, (std::array<uint8_t, 8>{}));
}

}  // namespace
}  // namespace haywire::auth
