// Copyright 2026 The Haywire Authors.
//
// SessionCache: remembers where the live session's pages are, so commands
// after the first do not rescan a large RAM file.
//
// One small file per RAM file, keyed by the RAM file's device, inode and size
// and by the session id, holding the session's page-index -> file-offset
// table. On disk (entry format 2, session_cache.cc; docs/PROTOCOL.md 8.4)
// the table is a list of runs of consecutive file pages, 16 bytes a run
// (file offset, first page index, page count), under a checksum; in memory
// (CachedSession) it is one offset per page. A cache entry is only a hint:
// before it is used, the headers of the pages a host will use are re-read and
// must still belong to that session at that index (VerifyCachedSession), and
// the heartbeat must advance. When anything disagrees the caller falls back
// to a full scan and rewrites the entry.
//
// Entries live in --cache_dir, by default $HAYWIRE_CACHE_DIR, else
// $XDG_CACHE_HOME/haywire, else $HOME/.cache/haywire, else
// /tmp/haywire-cache-<uid>. Writes are atomic (temp file + rename), so
// concurrent commands never read a torn entry; a corrupt entry is ignored.
//
// Another local user must not be able to feed entries in or make a command
// write where it should not (the /tmp fallback is a name anyone can
// pre-create): a directory that is not the effective user's own, or that is
// group or world writable, or a symbolic link someone else owns, is not used
// at all (CheckCacheDir; no read, no write, Store says why and its caller
// warns once). Directories are created 0700; an entry is read with
// O_NOFOLLOW and only if it is a regular file of ours; the temporary file is
// created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600.
//
// The cache also remembers, per RAM file, the sessions that failed
// authentication (a proof or a response tag that did not verify; docs/
// SECURITY.md promise 7), so that no later command with the same key writes
// to them again: a small text file, one line per session, "<session id>
// <key id>" in hex (the key id is auth::KeyId, which names the key without
// revealing it), at most kMaxRememberedFailures lines, the oldest dropped
// first. Tied to the key, so that a command run with a wrong key does not
// bar the real companion from commands with the right one. A companion
// restart starts a new session, which is challenged afresh.
#ifndef HAYWIRE_HOST_SESSION_CACHE_H_
#define HAYWIRE_HOST_SESSION_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "haywire/host/ram_file.h"

namespace haywire {

// Sessions kept in a RAM file's failed-session list, and its size cap.
inline constexpr size_t kMaxRememberedFailures = 64;
inline constexpr uint64_t kMaxFailedListBytes = 64 * 1024;

struct CachedSession {
  RamFileKey key;
  uint64_t session_id = 0;
  std::vector<uint64_t> offsets;  // page index -> file offset.
};

// Parses the bytes of an entry file (entry format 2): the entry, if it is
// intact (magic, version, checksum), is the entry of `key`, and its runs
// tile the session's pages inside the file. Never trusts the bytes: the
// cache directory may be shared or the file replaced. Used by Load().
std::optional<CachedSession> ParseCacheEntry(absl::string_view data,
                                             const RamFileKey& key);

// The default cache directory (see above).
std::string DefaultCacheDir();

// OK if `dir` is a directory owned by the effective user and writable by
// nobody else (reached, if through a symbolic link, through one of the
// user's own); otherwise FailedPrecondition saying "not using cache
// directory DIR: ..." and why.
absl::Status CheckCacheDir(const std::string& dir);

class SessionCache {
 public:
  explicit SessionCache(std::string dir) : dir_(std::move(dir)) {}

  // The entry for `key`, if one exists, parses, and matches `key`.
  std::optional<CachedSession> Load(const RamFileKey& key) const;

  // Writes (replaces) the entry for `session.key`. Creates the directory
  // (0700). Fails, writing nothing, if CheckCacheDir refuses it.
  absl::Status Store(const CachedSession& session) const;

  // Removes the entry for `key`, if any.
  void Forget(const RamFileKey& key) const;

  std::string EntryPath(const RamFileKey& key) const;

  // Whether `session_id` failed authentication against the key `key_id`
  // (see above). False when the directory or list is unusable.
  bool IsFailedSession(const RamFileKey& key, uint64_t session_id,
                       uint64_t key_id) const;
  // Adds it to the list (atomic replace). Fails, writing nothing, if
  // CheckCacheDir refuses the directory.
  absl::Status RememberFailedSession(const RamFileKey& key, uint64_t session_id,
                                     uint64_t key_id) const;
  std::string FailedListPath(const RamFileKey& key) const;

 private:
  std::string dir_;
};

// Pages [first, first + count) of a session.
struct PageRange {
  uint32_t first = 0;
  uint32_t count = 0;
};

// True if every page the entry points to is inside `file` and the pages of
// `range` (default: all) still hold a valid header of `cached.session_id`
// with the expected index and page count. Reads only those page headers: a
// range of up to 64 pages through the file's mapping, a longer one with one
// pread per run of consecutive file pages (at most 256 pages a read).
// Connecting verifies the 34 control pages (beacon, slots, iterator table)
// and, for `watch` (which reads the event ring), the ring's pages; the rest
// of the region is not re-read.
bool VerifyCachedSession(const RamFile& file, const CachedSession& cached);
bool VerifyCachedSession(const RamFile& file, const CachedSession& cached,
                         PageRange range);

}  // namespace haywire

#endif  // HAYWIRE_HOST_SESSION_CACHE_H_
