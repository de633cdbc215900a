// Copyright 2026 The Haywire Authors.
//
// The bounds of messages.h, checked on decoded content: what every decoder
// promises its caller (strings within their limits, command lines within
// kMaxArgs and kMaxArgsBytes, required fields present, summaries
// consistent). The deterministic fuzz test (message_fuzz_test) and the
// libFuzzer targets (haywire/fuzz/) check everything a decoder accepts with
// these. Each returns what is wrong, or "" when the content is in bounds.
// Test-only.
#ifndef HAYWIRE_PROTOCOL_MESSAGE_BOUNDS_H_
#define HAYWIRE_PROTOCOL_MESSAGE_BOUNDS_H_

#include <string>

#include "haywire/protocol/messages.h"
#include "haywire/protocol/process_event.h"

namespace haywire {

std::string EntryViolation(const ProcessEntry& e);
std::string InfoViolation(const ProcessInfo& info);
std::string SummaryViolation(const SystemSummary& s);
std::string EventViolation(const ProcessEvent& e);

}  // namespace haywire

#endif  // HAYWIRE_PROTOCOL_MESSAGE_BOUNDS_H_
