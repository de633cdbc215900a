// Copyright 2026 The Haywire Authors.

#include "guest/smaps_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "guest/proc_file.h"
#include "guest/smaps_parse.h"

namespace haywire {
namespace {

constexpr size_t kReadBlockBytes = 64 << 10;

}  // namespace

absl::StatusOr<std::unique_ptr<SmapsReader>> SmapsReader::Open(
    absl::string_view proc_root, uint32_t pid) {
  std::string path = absl::StrCat(proc_root, "/", pid, "/smaps");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return internal::ProcFileError(errno, path);
  return std::make_unique<SmapsReader>(fd, std::move(path));
}

SmapsReader::SmapsReader(int fd, std::string path)
    : fd_(fd), path_(std::move(path)) {}

SmapsReader::~SmapsReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<bool> SmapsReader::NextLine(std::string* line) {
  for (;;) {
    const size_t newline = buffer_.find('\n', pos_);
    const size_t length =
        (newline == std::string::npos ? buffer_.size() : newline) - pos_;
    if (length > kMaxSmapsLineBytes) {
      return absl::DataLossError(absl::StrCat(path_, ": a line longer than ",
                                              kMaxSmapsLineBytes, " bytes"));
    }
    if (newline != std::string::npos) {
      line->assign(buffer_, pos_, length);
      pos_ = newline + 1;
      return true;
    }
    if (eof_) {
      if (pos_ == buffer_.size()) return false;
      line->assign(buffer_, pos_, std::string::npos);  // no final newline
      pos_ = buffer_.size();
      return true;
    }
    buffer_.erase(0, pos_);
    pos_ = 0;
    const size_t used = buffer_.size();
    buffer_.resize(used + kReadBlockBytes);
    ssize_t n;
    do {
      n = ::read(fd_, buffer_.data() + used, kReadBlockBytes);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      const int error = errno;
      buffer_.resize(used);
      return internal::ProcFileError(error, path_);
    }
    buffer_.resize(used + static_cast<size_t>(n));
    eof_ = n == 0;
  }
}

absl::StatusOr<std::optional<MemoryMapping>> SmapsReader::Next() {
  if (!failed_.ok()) return failed_;
  auto fail = [this](absl::Status status) {
    failed_ = status;
    return status;
  };
  std::string line;
  for (;;) {
    absl::StatusOr<bool> got = NextLine(&line);
    if (!got.ok()) return fail(got.status());
    if (!*got) {
      std::optional<MemoryMapping> last = std::move(current_);
      current_.reset();
      return last;
    }
    if (line.empty()) continue;
    if (internal::IsMapsHeaderLine(line)) {
      absl::StatusOr<MemoryMapping> next = internal::ParseMapsHeaderLine(line);
      if (!next.ok()) {
        return fail(absl::DataLossError(
            absl::StrCat(path_, ": ", next.status().message())));
      }
      const uint64_t floor = current_.has_value() ? current_->end : last_end_;
      if (next->start < floor) {
        return fail(absl::DataLossError(
            absl::StrCat(path_, ": mapping at 0x", absl::Hex(next->start),
                         " overlaps or precedes the one before it")));
      }
      std::optional<MemoryMapping> done = std::move(current_);
      current_ = *std::move(next);
      if (done.has_value()) {
        last_end_ = done->end;
        return done;
      }
      continue;
    }
    if (!current_.has_value()) {
      return fail(absl::DataLossError(
          absl::StrCat(path_, ": a field line before any mapping")));
    }
    if (absl::Status s = internal::ApplySmapsFieldLine(line, &*current_);
        !s.ok()) {
      return fail(absl::DataLossError(absl::StrCat(path_, ": ", s.message())));
    }
  }
}

}  // namespace haywire
