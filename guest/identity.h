// Copyright 2026 The Haywire Authors.
//
// The companion's identity, read from the guest it runs in, and the random
// id of a new session.
#ifndef HAYWIRE_GUEST_IDENTITY_H_
#define HAYWIRE_GUEST_IDENTITY_H_

#include <cstdint>
#include <string>

#include "haywire/protocol/beacon.h"

namespace haywire {

// This process's identity: pid, uname nodename and release, the boot id from
// `<proc_root>/sys/kernel/random/boot_id`, start time now, and
// `capabilities`.
CompanionIdentity CurrentCompanionIdentity(const std::string& proc_root,
                                           uint64_t capabilities);

// A fresh random, nonzero session id (getrandom).
uint64_t NewSessionId();

// Nanoseconds of CLOCK_REALTIME.
uint64_t RealtimeNowNs();

}  // namespace haywire

#endif  // HAYWIRE_GUEST_IDENTITY_H_
