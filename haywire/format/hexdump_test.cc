// Copyright 2026 The Haywire Authors.
//
// The hexdump is xxd's: same columns, same padding of a short last line,
// and nothing but printable ASCII in the text column.

#include "haywire/format/hexdump.h"

#include <string>

#include "gtest/gtest.h"

namespace haywire {
namespace {

TEST(HexdumpTest, LinesAreXxds) {
  // `printf 'Hello, world!\nAB' | xxd` prints exactly these two lines.
  EXPECT_EQ(HexdumpLines(0, "Hello, world!\nAB", 8),
            "00000000: 4865 6c6c 6f2c 2077 6f72 6c64 210a 4142  "
            "Hello, world!.AB\n");
  EXPECT_EQ(HexdumpLines(0, "Hello", 8),
            "00000000: 4865 6c6c 6f                             Hello\n");
}

TEST(HexdumpTest, AddressesAreGuestAddressesOfOneWidth) {
  EXPECT_EQ(HexdumpAddressWidth(0x100), 8);
  EXPECT_EQ(HexdumpAddressWidth(0x100000000), 8);
  EXPECT_EQ(HexdumpAddressWidth(0x100000001), 9);
  EXPECT_EQ(HexdumpAddressWidth(0x7ffc1e9f3000), 12);
  EXPECT_EQ(HexdumpAddressWidth(0), 8);
  const std::string two =
      HexdumpLines(0x7ffc1e9d2ff8, std::string(24, 'x'), 12);
  EXPECT_EQ(two.substr(0, 14), "7ffc1e9d2ff8: ");
  EXPECT_EQ(two.substr(two.find('\n') + 1, 14), "7ffc1e9d3008: ");
}

TEST(HexdumpTest, TextColumnIsPrintableAsciiOnly) {
  const std::string hostile = "\x1b[2J\r\n\x07\x7f\x80\xff";
  const std::string line = HexdumpLines(0, hostile, 8);
  // ESC [ 2 J CR LF BEL DEL 0x80 0xff: only the printable three survive.
  EXPECT_EQ(line.substr(line.size() - 11), ".[2J......\n");
  for (char c : line.substr(0, line.size() - 1)) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
  }
}

}  // namespace
}  // namespace haywire
