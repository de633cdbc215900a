// Copyright 2026 The Haywire Authors.
//
// The local floor of reading another process's memory: LEN bytes at ADDR
// of process PID read with process_vm_readv in CHUNK-byte calls (default
// 1 MiB) into one reused buffer, as a process of its own (so its start-up
// counts, as `haywire read`'s does).
//
//   vm_readv PID ADDR LEN [CHUNK]
//
// Prints the bytes read; exit 1 if fewer than LEN.
#include <sys/uio.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: vm_readv PID ADDR LEN [CHUNK]\n");
    return 2;
  }
  const pid_t pid = static_cast<pid_t>(std::strtol(argv[1], nullptr, 10));
  const unsigned long long address = std::strtoull(argv[2], nullptr, 0);
  const size_t length = std::strtoull(argv[3], nullptr, 0);
  const size_t chunk =
      argc == 5 ? std::strtoull(argv[4], nullptr, 0) : size_t{1} << 20;
  std::string buffer(chunk, '\0');
  size_t done = 0;
  while (done < length) {
    const size_t want = length - done < chunk ? length - done : chunk;
    iovec local{buffer.data(), want};
    iovec remote{reinterpret_cast<void*>(address + done), want};
    const ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  std::printf("%zu\n", done);
  return done == length ? 0 : 1;
}
