// Copyright 2026 The Haywire Authors.
//
// What the JsonWriter tests (json_writer*_test.cc) share: a small,
// independent, strict JSON reader used to check that the writer's output is
// well-formed, and a strict UTF-8 check written differently from the
// writer's. `Canonical()` re-serialises the parsed value in a fixed compact
// form (strings as decoded bytes in brackets), which lets tests compare
// pretty and compact output structurally.
//
//   std::optional<std::string> value = StrictJsonReader(text).Canonical();
//   ASSERT_TRUE(value.has_value()) << text;  // not one valid JSON value
//   std::optional<std::string> bytes =
//       StrictJsonReader(JsonQuote(input)).DecodeString();
//
// Test-only.
#ifndef HAYWIRE_UTIL_JSON_WRITER_TEST_SUPPORT_H_
#define HAYWIRE_UTIL_JSON_WRITER_TEST_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace haywire {

// Strict UTF-8 check written differently from the writer: decode, then reject
// overlong forms, surrogates and values above U+10FFFF.
bool IsValidUtf8(absl::string_view s);

class StrictJsonReader {
 public:
  explicit StrictJsonReader(absl::string_view text) : text_(text) {}

  // Parses exactly one value surrounded by optional whitespace.
  std::optional<std::string> Canonical();

  // Parses a single string literal and returns its decoded bytes.
  std::optional<std::string> DecodeString();

 private:
  void SkipSpace();
  bool Consume(absl::string_view token);
  bool Value(std::string* out, int depth);
  bool Object(std::string* out, int depth);
  bool Array(std::string* out, int depth);
  bool Number(std::string* out);
  bool Hex4(uint32_t* value);
  bool String(std::string* out);

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace haywire

#endif  // HAYWIRE_UTIL_JSON_WRITER_TEST_SUPPORT_H_
