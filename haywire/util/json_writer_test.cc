// Copyright 2026 The Haywire Authors.
//
// JsonWriter: scalars at the top level (integers at their limits, doubles
// that read back exactly), the compact and pretty layouts of one document,
// and misuse (nesting errors reported with their JSON path; the first error
// sticks). String escaping: json_writer_escaping_test.cc.

#include "haywire/util/json_writer.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/util/json_writer_test_support.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

std::string Compact(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w(JsonWriter::Style::kCompact);
  build(w);
  absl::StatusOr<std::string> out = std::move(w).Finish();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

std::string Pretty(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w(JsonWriter::Style::kPretty);
  build(w);
  absl::StatusOr<std::string> out = std::move(w).Finish();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

// ---------------------------------------------------------------------------
// Scalars.

TEST(JsonWriterTest, TopLevelScalars) {
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Int(0); }), "0");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Int(-42); }), "-42");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Int(std::numeric_limits<int64_t>::min());
            }),
            "-9223372036854775808");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Int(std::numeric_limits<int64_t>::max());
            }),
            "9223372036854775807");
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.Uint(std::numeric_limits<uint64_t>::max());
            }),
            "18446744073709551615");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Bool(true); }), "true");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Bool(false); }), "false");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.Null(); }), "null");
  EXPECT_EQ(Compact([](JsonWriter& w) { w.String(""); }), "\"\"");
  EXPECT_EQ(Pretty([](JsonWriter& w) { w.String("x"); }), "\"x\"");
}

TEST(JsonWriterTest, Doubles) {
  auto d = [](double v) {
    return Compact([v](JsonWriter& w) { w.Double(v); });
  };
  EXPECT_EQ(d(0.0), "0");
  EXPECT_EQ(d(-0.0), "-0");
  EXPECT_EQ(d(1.0), "1");
  EXPECT_EQ(d(0.1), "0.1");
  EXPECT_EQ(d(-2.5), "-2.5");
  EXPECT_EQ(d(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(d(123456789.125), "123456789.125");
  EXPECT_EQ(d(1e100), "1e+100");
  EXPECT_EQ(d(1e-7), "1e-07");
  EXPECT_EQ(d(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(d(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(d(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(d(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(d(-std::numeric_limits<double>::infinity()), "null");
  // Every finite rendering is valid JSON and reads back exactly.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = rng();
    double v;
    static_assert(sizeof(v) == sizeof(bits));
    memcpy(&v, &bits, sizeof(v));
    const std::string text = d(v);
    if (!std::isfinite(v)) {
      EXPECT_EQ(text, "null");
      continue;
    }
    ASSERT_TRUE(StrictJsonReader(text).Canonical().has_value()) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

// ---------------------------------------------------------------------------
// Layout.

void BuildSample(JsonWriter& w) {
  w.BeginObject();
  w.Key("pid").Int(1);
  w.Key("comm").String("systemd");
  w.Key("ok").Bool(true);
  w.Key("none").Null();
  w.Key("threads").BeginArray().Int(1).Uint(2).EndArray();
  w.Key("empty_object").BeginObject().EndObject();
  w.Key("empty_array").BeginArray().EndArray();
  w.Key("nested").BeginArray();
  w.BeginObject().Key("a").Double(0.5).EndObject();
  w.BeginArray().BeginArray().EndArray().EndArray();
  w.EndArray();
  w.EndObject();
}

TEST(JsonWriterTest, CompactLayout) {
  EXPECT_EQ(Compact(BuildSample),
            R"({"pid":1,"comm":"systemd","ok":true,"none":null,)"
            R"("threads":[1,2],"empty_object":{},"empty_array":[],)"
            R"("nested":[{"a":0.5},[[]]]})");
}

TEST(JsonWriterTest, PrettyLayout) {
  EXPECT_EQ(Pretty(BuildSample), R"({
  "pid": 1,
  "comm": "systemd",
  "ok": true,
  "none": null,
  "threads": [
    1,
    2
  ],
  "empty_object": {},
  "empty_array": [],
  "nested": [
    {
      "a": 0.5
    },
    [
      []
    ]
  ]
})");
}

TEST(JsonWriterTest, PrettyAndCompactParseToTheSameValue) {
  const std::optional<std::string> compact =
      StrictJsonReader(Compact(BuildSample)).Canonical();
  const std::optional<std::string> pretty =
      StrictJsonReader(Pretty(BuildSample)).Canonical();
  ASSERT_TRUE(compact.has_value());
  ASSERT_TRUE(pretty.has_value());
  EXPECT_EQ(*compact, *pretty);
}

TEST(JsonWriterTest, EmptyTopLevelContainers) {
  EXPECT_EQ(Compact([](JsonWriter& w) { w.BeginObject().EndObject(); }), "{}");
  EXPECT_EQ(Pretty([](JsonWriter& w) { w.BeginArray().EndArray(); }), "[]");
}

TEST(JsonWriterTest, KeysAreEscaped) {
  EXPECT_EQ(Compact([](JsonWriter& w) {
              w.BeginObject().Key("a\"b\n").Int(1).EndObject();
            }),
            R"({"a\"b\n":1})");
}

TEST(JsonWriterTest, DoneAndOutputTrackProgress) {
  JsonWriter w;
  EXPECT_FALSE(w.done());
  w.BeginArray().Int(1);
  EXPECT_FALSE(w.done());
  EXPECT_EQ(w.output(), "[1");
  w.EndArray();
  EXPECT_TRUE(w.done());
  EXPECT_TRUE(w.status().ok());
}

// ---------------------------------------------------------------------------
// Misuse.

absl::Status ErrorOf(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w;
  build(w);
  return std::move(w).Finish().status();
}

TEST(JsonWriterErrorTest, NestingErrors) {
  struct Case {
    const char* name;
    std::function<void(JsonWriter&)> build;
    const char* message;
  };
  const Case cases[] = {
      {"value without key", [](JsonWriter& w) { w.BeginObject().Int(1); },
       "Int() at $: a value inside an object needs a Key() first"},
      {"key in array", [](JsonWriter& w) { w.BeginArray().Int(1).Key("k"); },
       "Key(\"k\") at $[1]: keys are only allowed directly inside an object"},
      {"key at top level", [](JsonWriter& w) { w.Key("k"); },
       "keys are only allowed directly inside an object"},
      {"two keys", [](JsonWriter& w) { w.BeginObject().Key("a").Key("b"); },
       "Key(\"b\") at $.a: key \"a\" has no value yet"},
      {"end object in array", [](JsonWriter& w) { w.BeginArray().EndObject(); },
       "EndObject() at $[0]: the innermost open container is an array"},
      {"end array in object", [](JsonWriter& w) { w.BeginObject().EndArray(); },
       "EndArray() at $: the innermost open container is an object"},
      {"end with nothing open", [](JsonWriter& w) { w.EndArray(); },
       "EndArray() at $: no container is open"},
      {"end object after key",
       [](JsonWriter& w) { w.BeginObject().Key("a").EndObject(); },
       "EndObject() at $.a: key \"a\" has no value"},
      {"two top-level values", [](JsonWriter& w) { w.Int(1).Int(2); },
       "Int() at $: the document already has its top-level value"},
      {"finish with open containers",
       [](JsonWriter& w) { w.BeginArray().BeginObject(); },
       "Finish() at $[0]: 2 container(s) still open"},
      {"finish empty", [](JsonWriter&) {},
       "Finish() at $: nothing has been written"},
      {"deep path",
       [](JsonWriter& w) {
         w.BeginObject().Key("procs").BeginArray().Int(1).BeginObject().Null();
       },
       "Null() at $.procs[1]: a value inside an object needs a Key() first"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ErrorOf(c.build);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << c.name;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message)) << c.name;
  }
}

TEST(JsonWriterErrorTest, FirstErrorIsStickyAndLaterCallsAreIgnored) {
  JsonWriter w;
  w.BeginObject().Int(1);  // error
  const std::string after_error = w.output();
  const absl::Status first = w.status();
  EXPECT_FALSE(first.ok());
  w.Key("a").Int(2).EndArray().EndObject();
  EXPECT_EQ(w.output(), after_error);
  EXPECT_EQ(w.status(), first);
  EXPECT_FALSE(w.done());
  EXPECT_EQ(std::move(w).Finish().status(), first);
}

}  // namespace
}  // namespace haywire
