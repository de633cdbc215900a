// Copyright 2026 The Haywire Authors.
//
// SmapsReader: a process's mappings, read from /proc/PID/smaps one at a
// time.
//
// A process may have tens of thousands of mappings, and its smaps then runs
// to tens of megabytes; a map listing (GET_MEMORY_MAP) sends them a chunk at
// a time. The reader keeps the file open between chunks and reads it in
// blocks, so the companion holds one block and one mapping, never the whole
// file. The kernel prints smaps from the mapping at or after the address
// where the previous read stopped, so mappings that come and go while a
// listing is under way never make it repeat or go backwards; a mapping
// that changed meanwhile is shown as it is when its entry is read (what
// `pmap -X` and `cat smaps` show too).
//
// Bounds: a line longer than kMaxSmapsLineBytes is DataLoss (the kernel's
// longest line is a path of PATH_MAX bytes, escaped, after 80 bytes of
// fields). Parsing is smaps_parse.h's.
#ifndef HAYWIRE_GUEST_SMAPS_READER_H_
#define HAYWIRE_GUEST_SMAPS_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "guest/smaps_parse.h"
#include "haywire/protocol/memory_messages.h"

namespace haywire {

class SmapsReader {
 public:
  // Opens <proc_root>/<pid>/smaps. NotFound when there is no such process,
  // PermissionDenied when its smaps may not be read.
  static absl::StatusOr<std::unique_ptr<SmapsReader>> Open(
      absl::string_view proc_root, uint32_t pid);

  // Reads from `fd` (owned; closed by the destructor). `path` names it in
  // errors.
  SmapsReader(int fd, std::string path);
  ~SmapsReader();
  SmapsReader(const SmapsReader&) = delete;
  SmapsReader& operator=(const SmapsReader&) = delete;

  // The next mapping, or nullopt after the last (a kernel thread has
  // none). Errors: NotFound when the process exited meanwhile, DataLoss
  // when the file is malformed; after an error the reader stays failed.
  absl::StatusOr<std::optional<MemoryMapping>> Next();

 private:
  // The next line (without its newline) into `*line`; false at the end.
  absl::StatusOr<bool> NextLine(std::string* line);

  int fd_;
  std::string path_;
  std::string buffer_;  // read but not yet consumed: buffer_[pos_, end)
  size_t pos_ = 0;
  bool eof_ = false;
  absl::Status failed_;
  // The mapping whose field lines are being read.
  std::optional<MemoryMapping> current_;
  uint64_t last_end_ = 0;  // of the last mapping returned
};

}  // namespace haywire

#endif  // HAYWIRE_GUEST_SMAPS_READER_H_
