// Copyright 2026 The Haywire Authors.

#include "haywire/host/whole_command_line.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "haywire/host/failure.h"

namespace haywire {
namespace {

// Whether `whole` begins with the cut command line `cut`.
bool Extends(const std::vector<std::string>& whole,
             const std::vector<std::string>& cut) {
  if (cut.empty()) return true;
  if (whole.size() < cut.size()) return false;
  for (size_t i = 0; i + 1 < cut.size(); ++i) {
    if (whole[i] != cut[i]) return false;
  }
  return absl::StartsWith(whole[cut.size() - 1], cut.back());
}

}  // namespace

std::vector<std::string> SplitCommandLine(absl::string_view bytes) {
  std::vector<std::string> args;
  while (!bytes.empty()) {
    const size_t end = bytes.find('\0');
    if (end == absl::string_view::npos) {
      args.emplace_back(bytes);
      break;
    }
    args.emplace_back(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
  }
  return args;
}

absl::Status CompleteCommandLine(Client& client, ProcessEntry* entry,
                                 uint64_t* budget) {
  if (!entry->args_truncated) return absl::OkStatus();
  std::string bytes;
  bool ended = false;
  bool cut = false;
  while (!ended) {
    if (bytes.size() >= std::min(kMaxCommandLineBytes, *budget)) {
      cut = true;
      break;
    }
    const size_t before = bytes.size();
    absl::StatusOr<bool> got =
        client.GetCommandLine(entry->pid, bytes.size(), &bytes);
    if (!got.ok()) {
      const std::optional<Failure> failure = FailureOf(got.status());
      if (failure == Failure::kNoSuchProcess ||
          failure == Failure::kVersionMismatch) {
        return absl::OkStatus();  // exited, or not served: stays cut
      }
      return got.status();
    }
    ended = *got;
    if (!ended && bytes.size() == before) {
      return MakeFailure(absl::StatusCode::kDataLoss,
                         absl::StrCat("the companion's command line of "
                                      "process ",
                                      entry->pid, " goes on without bytes"),
                         Failure::kGuestError);
    }
  }
  // The last window may reach past the bound.
  const uint64_t limit = std::min(kMaxCommandLineBytes, *budget);
  if (bytes.size() > limit) cut = true;
  if (cut) bytes.resize(limit);
  *budget -= std::min<uint64_t>(*budget, bytes.size());
  std::vector<std::string> whole = SplitCommandLine(bytes);
  if (!Extends(whole, entry->args)) return absl::OkStatus();
  entry->args = std::move(whole);
  entry->args_truncated = cut;
  return absl::OkStatus();
}

}  // namespace haywire
