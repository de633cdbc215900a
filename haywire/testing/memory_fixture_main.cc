// Copyright 2026 The Haywire Authors.
//
// memory_fixture: a process whose memory holds known bytes at addresses it
// announces, for the end-to-end tests of `haywire maps`, `read` and `grep`
// (haywire/testing/memory_fixture.h starts it and reads the announcements).
//
//   memory_fixture [--extra-mappings=N] [--file=PATH] [--big-mib=N]
//                  [--needles]
//
// It maps and fills:
//   marker    64 bytes "HAYWIRE-MARKER-<pid>-..." padded with '.', in an
//             anonymous page of its own;
//   spanning  8192 bytes of pattern 1 starting 100 bytes before a page
//             boundary;
//   big       3 MiB (or --big-mib) of pattern 2 (larger than a bulk
//             window);
//   edge      one page of pattern 4 with no mapping after it;
//   file      two pages of PATH (created and filled with pattern 3),
//             mapped shared from file offset 4096;
//   extra     N single-page mappings (a region of 2N pages with every
//             other page made read-only, so each is a mapping of its own);
//   needle-*  with --needles: 16 random bytes (printed in hex as
//             "needle-bytes HEX") that occur in this process's memory
//             exactly at the announced needle-* regions and nowhere else:
//             heap (in a malloc'd buffer), cross (across a page boundary),
//             block (across the first MiB boundary of a 5 MiB mapping),
//             deep (3 MiB into it), end (the last bytes of a mapping),
//             readonly (in an r--p mapping); and once more in a PROT_NONE
//             mapping, announced as hidden-needle, which no search may
//             report (it is not readable);
// pattern k is byte i = (i * 131 + k * 17) & 0xff. Then it prints one
// line per region, "NAME 0xADDRESS LENGTH", and "ready", and sleeps until
// killed. On SIGUSR1 it prints the marker's 64 bytes as they are now, in
// hex: "marker-now HEX" (so a test sees what a `haywire write` changed, as
// the process itself sees it). Exit code 2 for a bad argument, 1 when a mapping fails.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

volatile sig_atomic_t report_marker = 0;

void OnReport(int) { report_marker = 1; }

void Fill(uint8_t* p, size_t n, int k) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 131 + k * 17);
}

void* MapAnonymous(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("memory_fixture: mmap");
    std::exit(1);
  }
  return p;
}

// Whether any mapping covers `address` (from /proc/self/maps).
bool MappedAt(const void* address) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return true;  // cannot tell: do not announce
  unsigned long long start, end;
  char line[4096];
  bool mapped = false;
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    if (std::sscanf(line, "%llx-%llx", &start, &end) == 2 && start <= a &&
        a < end) {
      mapped = true;
    }
  }
  std::fclose(maps);
  return mapped;
}

void Announce(const char* name, const void* address, size_t length) {
  std::printf(
      "%s 0x%llx %zu\n", name,
      static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(address)),
      length);
}

}  // namespace

int main(int argc, char** argv) {
  long extra = 0;
  std::string file;
  size_t big_bytes = 3 << 20;
  bool needles = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--extra-mappings=", 0) == 0) {
      extra = std::strtol(arg.c_str() + 17, nullptr, 10);
    } else if (arg.rfind("--big-mib=", 0) == 0) {
      big_bytes =
          static_cast<size_t>(std::strtol(arg.c_str() + 10, nullptr, 10)) << 20;
    } else if (arg == "--needles") {
      needles = true;
    } else if (arg.rfind("--file=", 0) == 0) {
      file = arg.substr(7);
    } else {
      std::fprintf(stderr, "memory_fixture: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));

  char* marker = static_cast<char*>(MapAnonymous(page));
  std::memset(marker, '.', 64);
  const int n = std::snprintf(marker, 64, "HAYWIRE-MARKER-%d-", ::getpid());
  marker[n] = '.';  // no NUL inside the 64 bytes
  Announce("marker", marker, 64);

  uint8_t* spanning_region = static_cast<uint8_t*>(MapAnonymous(4 * page));
  uint8_t* spanning = spanning_region + page - 100;
  Fill(spanning, 8192, 1);
  Announce("spanning", spanning, 8192);

  uint8_t* big = static_cast<uint8_t*>(MapAnonymous(big_bytes));
  Fill(big, big_bytes, 2);
  Announce("big", big, big_bytes);

  // Two pages, the second given back: nothing is mapped after the first
  // (unless the kernel puts a later mapping there: then `edge` is not
  // announced, and the tests that need it say so).
  uint8_t* edge = static_cast<uint8_t*>(MapAnonymous(2 * page));
  Fill(edge, page, 4);
  ::munmap(edge + page, page);

  if (!file.empty()) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::ftruncate(fd, 3 * page) != 0) {
      std::perror("memory_fixture: file");
      return 1;
    }
    void* p =
        ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
    if (p == MAP_FAILED) {
      std::perror("memory_fixture: mmap file");
      return 1;
    }
    Fill(static_cast<uint8_t*>(p), 2 * page, 3);
    ::close(fd);
    Announce("file", p, 2 * page);
  }

  if (extra > 0) {
    uint8_t* region = static_cast<uint8_t*>(
        MapAnonymous(2 * page * static_cast<size_t>(extra)));
    for (long i = 0; i < extra; ++i) {
      if (::mprotect(region + (2 * i + 1) * page, page, PROT_READ) != 0) {
        std::perror("memory_fixture: mprotect");
        return 1;
      }
    }
    Announce("extra", region, 2 * page * static_cast<size_t>(extra));
  }
  if (needles) {
    constexpr size_t kNeedle = 16;
    // Generated in place: no other copy of the bytes ever exists (no
    // buffer, no string, nothing on the stack).
    uint8_t* heap = static_cast<uint8_t*>(std::malloc(4096));
    uint8_t* first = heap + 100;
    if (::getrandom(first, kNeedle, 0) != static_cast<ssize_t>(kNeedle)) {
      std::perror("memory_fixture: getrandom");
      return 1;
    }
    std::printf("needle-bytes ");
    for (size_t i = 0; i < kNeedle; ++i) std::printf("%02x", first[i]);
    std::printf("\n");
    Announce("needle-heap", first, kNeedle);
    uint8_t* two = static_cast<uint8_t*>(MapAnonymous(2 * page));
    std::memcpy(two + page - 7, first, kNeedle);
    Announce("needle-cross", two + page - 7, kNeedle);
    std::memcpy(two + 2 * page - kNeedle, first, kNeedle);
    Announce("needle-end", two + 2 * page - kNeedle, kNeedle);
    uint8_t* five = static_cast<uint8_t*>(MapAnonymous(5 << 20));
    std::memcpy(five + (1 << 20) - 8, first, kNeedle);
    Announce("needle-block", five + (1 << 20) - 8, kNeedle);
    std::memcpy(five + (3 << 20) + 5, first, kNeedle);
    Announce("needle-deep", five + (3 << 20) + 5, kNeedle);
    uint8_t* readonly = static_cast<uint8_t*>(MapAnonymous(page));
    std::memcpy(readonly + 200, first, kNeedle);
    if (::mprotect(readonly, page, PROT_READ) != 0) {
      std::perror("memory_fixture: mprotect");
      return 1;
    }
    Announce("needle-readonly", readonly + 200, kNeedle);
    uint8_t* hidden = static_cast<uint8_t*>(MapAnonymous(page));
    std::memcpy(hidden + 300, first, kNeedle);
    if (::mprotect(hidden, page, PROT_NONE) != 0) {
      std::perror("memory_fixture: mprotect");
      return 1;
    }
    Announce("hidden-needle", hidden + 300, kNeedle);
  }
  // Announced last: the mappings made after it could have filled the hole.
  if (!MappedAt(edge + page)) Announce("edge", edge, page);
  struct sigaction report = {};
  report.sa_handler = OnReport;
  ::sigaction(SIGUSR1, &report, nullptr);
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    ::pause();
    if (report_marker != 0) {
      report_marker = 0;
      std::printf("marker-now ");
      for (int i = 0; i < 64; ++i) {
        std::printf("%02x", static_cast<unsigned char>(marker[i]));
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
}
