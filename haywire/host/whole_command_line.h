// Copyright 2026 The Haywire Authors.
//
// Whole command lines: a listing or GET_PROCESS_INFO entry carries a
// command line cut to kMaxArgsBytes (2 KiB, args_truncated), so that an
// entry fits a response page. CompleteCommandLine replaces such a cut
// command line with the whole one, read with GET_COMMAND_LINE through the
// slot's bulk window (a window, 256 KiB by default, per round trip), up to
// kMaxCommandLineBytes; only a command line longer than that stays
// truncated.
//
// Nothing the companion sends is trusted: every answer must bring bytes
// or end, the bytes are bounded, and the whole command line is used only
// if it begins with what the entry already held (all its arguments but
// the last equal, the last a prefix of its counterpart). A process that
// changed its command line meanwhile (setproctitle), or a pid reused by a
// new process, keeps the entry's cut command line.
#ifndef HAYWIRE_HOST_WHOLE_COMMAND_LINE_H_
#define HAYWIRE_HOST_WHOLE_COMMAND_LINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "haywire/host/client.h"
#include "haywire/protocol/messages.h"

namespace haywire {

// The longest command line delivered whole (the kernel allows a little
// under ARG_MAX, a quarter of the stack limit: 2 MiB by default).
inline constexpr uint64_t kMaxCommandLineBytes = 1ull << 20;

// The arguments of a /proc/PID/cmdline: NUL-terminated strings (a last
// string without its NUL, as a process that rewrote its arguments leaves,
// counts too).
std::vector<std::string> SplitCommandLine(absl::string_view bytes);

// Replaces `entry`'s command line with the whole one when the entry's was
// cut (args_truncated) and the companion serves GET_COMMAND_LINE; a no-op
// otherwise. `*budget` (bytes) bounds what several calls may fetch in all
// (`ps --json` over thousands of processes); an entry it cannot cover is
// left cut. Errors: kGuestError for answers that break the rules above,
// kUnauthenticated, transport failures; a process that exited meanwhile is
// not an error (the entry stays as it was).
absl::Status CompleteCommandLine(Client& client, ProcessEntry* entry,
                                 uint64_t* budget);

}  // namespace haywire

#endif  // HAYWIRE_HOST_WHOLE_COMMAND_LINE_H_
