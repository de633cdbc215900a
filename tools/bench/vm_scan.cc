// Copyright 2026 The Haywire Authors.
//
// The local floor of `haywire grep`: every readable mapping of process PID
// (from /proc/PID/maps, without [vvar], [vvar_vclock] and [vsyscall]) read
// with process_vm_readv in 1 MiB calls into one reused buffer and searched
// with memmem, as a process of its own (so its start-up counts, as
// `haywire grep`'s does).
//
//   vm_scan PID HEXPATTERN
//
// Prints the number of non-overlapping hits and the bytes read.
#include <string.h>
#include <sys/uio.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: vm_scan PID HEXPATTERN\n");
    return 2;
  }
  const pid_t pid = static_cast<pid_t>(std::strtol(argv[1], nullptr, 10));
  std::string pattern;
  for (const char* p = argv[2]; p[0] != '\0' && p[1] != '\0'; p += 2) {
    const char byte[3] = {p[0], p[1], '\0'};
    pattern.push_back(static_cast<char>(std::strtoul(byte, nullptr, 16)));
  }
  if (pattern.empty()) return 2;
  const size_t block = size_t{1} << 20;
  std::string buffer(block + pattern.size(), '\0');
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/maps", pid);
  FILE* maps = std::fopen(path, "r");
  if (maps == nullptr) return 1;
  unsigned long long hits = 0, bytes = 0;
  char line[4096];
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long long start, end;
    char perms[8];
    if (std::sscanf(line, "%llx-%llx %7s", &start, &end, perms) != 3) continue;
    if (perms[0] != 'r' || std::strstr(line, "[vvar") != nullptr ||
        std::strstr(line, "[vsyscall]") != nullptr) {
      continue;
    }
    // Blocks overlap by the pattern's length - 1; a hit is counted in the
    // block where it starts, after the last hit's end.
    unsigned long long next = start;
    while (next < end && end - next >= pattern.size()) {
      const size_t want = end - next < block + pattern.size() - 1
                              ? end - next
                              : block + pattern.size() - 1;
      iovec local{buffer.data(), want};
      iovec remote{reinterpret_cast<void*>(next), want};
      const ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
      if (n <= 0) {
        next = (next & ~4095ull) + 4096;  // skip the unreadable page
        continue;
      }
      bytes += static_cast<unsigned long long>(n);
      const char* p = buffer.data();
      const char* limit = buffer.data() + n;
      const char* block_end =
          buffer.data() +
          (n < static_cast<ssize_t>(block) ? n : static_cast<ssize_t>(block));
      while (p < block_end) {
        const void* found =
            ::memmem(p, limit - p, pattern.data(), pattern.size());
        if (found == nullptr || static_cast<const char*>(found) >= block_end) {
          p = block_end;
          break;
        }
        ++hits;
        p = static_cast<const char*>(found) + pattern.size();
      }
      next += static_cast<unsigned long long>(p - buffer.data());
    }
  }
  std::fclose(maps);
  std::printf("%llu hits in %llu bytes\n", hits, bytes);
  return 0;
}
