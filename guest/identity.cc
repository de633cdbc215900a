// Copyright 2026 The Haywire Authors.

#include "guest/identity.h"

#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "absl/strings/ascii.h"

namespace haywire {

uint64_t RealtimeNowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t NewSessionId() {
  uint64_t id = 0;
  while (id == 0) {
    if (::getrandom(&id, sizeof(id), 0) != sizeof(id)) {
      // No entropy source (very early boot): fall back to std::random_device
      // mixed with the clock; uniqueness, not secrecy, is what matters.
      std::random_device rd;
      id = (uint64_t{rd()} << 32) ^ rd() ^ RealtimeNowNs();
    }
  }
  return id;
}

CompanionIdentity CurrentCompanionIdentity(const std::string& proc_root,
                                           uint64_t capabilities) {
  CompanionIdentity identity;
  identity.pid = static_cast<uint32_t>(::getpid());
  identity.start_unix_ns = RealtimeNowNs();
  identity.capabilities = capabilities;
  struct utsname uts;
  if (::uname(&uts) == 0) {
    identity.hostname = uts.nodename;
    identity.kernel_release = uts.release;
  }
  std::ifstream boot_id(proc_root + "/sys/kernel/random/boot_id");
  std::string line;
  if (boot_id && std::getline(boot_id, line)) {
    identity.boot_id = std::string(absl::StripAsciiWhitespace(line));
  }
  return identity;
}

}  // namespace haywire
