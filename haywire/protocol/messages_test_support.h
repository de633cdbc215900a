// Copyright 2026 The Haywire Authors.
//
// What the messages tests (messages_*_test.cc) share: field-by-field
// comparisons that name the field that differs, messages with every field
// set to a value worth checking (FullEntry(), FullHeader(), FullInfo()), and
// encoders into a fresh payload.
//
//   const ProcessEntry e = FullEntry();
//   ExpectEntryEq(RoundTripEntry(e), e);
//
// The helpers report through gtest (EXPECT_*), so they are meant to be
// called from a TEST body. Test-only.
#ifndef HAYWIRE_PROTOCOL_MESSAGES_TEST_SUPPORT_H_
#define HAYWIRE_PROTOCOL_MESSAGES_TEST_SUPPORT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "haywire/protocol/layout.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// EXPECT_EQ on every field.
void ExpectEntryEq(const ProcessEntry& a, const ProcessEntry& b);
void ExpectHeaderEq(const ListHeader& a, const ListHeader& b);
void ExpectInfoEq(const ProcessInfo& a, const ProcessInfo& b);

// Every field set: extremes, empty and binary strings, present zeroes.
ProcessEntry FullEntry();
ListHeader FullHeader();
ProcessInfo FullInfo();

// A listing payload: the header (if any), then the entries, each expected
// to fit `capacity`.
std::string EncodeChunk(const std::optional<ListHeader>& header,
                        const std::vector<ProcessEntry>& entries,
                        size_t capacity = kResponsePayloadBytes);

// `e` encoded alone in a chunk and decoded again.
ProcessEntry RoundTripEntry(const ProcessEntry& e);

// A ProcessInfo payload, expected to fit `capacity`.
std::string EncodeInfo(const ProcessInfo& info,
                       size_t capacity = kResponsePayloadBytes);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGES_TEST_SUPPORT_H_
