// Copyright 2026 The Haywire Authors.

#include "haywire/auth/vm_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "glog/logging.h"

namespace haywire::auth {
namespace {

std::string Errno(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

VmKey::VmKey(absl::Span<const uint8_t> bytes) {
  CHECK_EQ(bytes.size(), kVmKeyBytes);
  std::memcpy(bytes_.data(), bytes.data(), kVmKeyBytes);
}

VmKey::~VmKey() { Wipe(absl::MakeSpan(bytes_)); }

VmKey::VmKey(const VmKey& other) : bytes_(other.bytes_) {}

VmKey& VmKey::operator=(const VmKey& other) {
  bytes_ = other.bytes_;
  return *this;
}

VmKey VmKey::Generate() {
  std::array<uint8_t, kVmKeyBytes> bytes;
  RandomBytes(absl::MakeSpan(bytes));
  VmKey key(bytes);
  Wipe(absl::MakeSpan(bytes));
  return key;
}

absl::StatusOr<VmKey> ReadKeyFile(const std::string& path, KeyFileCheck check) {
  // O_NONBLOCK: a FIFO planted at the path must not block the open.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("key file ", path, " does not exist"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open key file ", path, ": ", Errno(err),
                     err == EACCES ? " (read it as its owner or root)" : ""));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot stat key file ", path, ": ", Errno(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("key file ", path,
                     " is not a regular file; make one with "
                     "haywire keygen --out=FILE"));
  }
  if (check != KeyFileCheck::kFirmware && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "key file %s has mode %04o: others can read it, so it proves "
        "nothing; chmod 600 %s (and make a new key if others did read it)",
        path, st.st_mode & 07777, path));
  }
  if (check == KeyFileCheck::kDefault && st.st_uid != ::geteuid() &&
      st.st_uid != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "default key file ", path, " belongs to uid ", st.st_uid,
        ", not to you or root; name a key you trust with --key-file"));
  }
  // One byte more than a key, to tell a longer file (sysfs files report no
  // useful size, so the length is what was read).
  std::array<uint8_t, kVmKeyBytes + 1> buffer;
  size_t got = 0;
  while (got < buffer.size()) {
    const ssize_t n =
        ::read(fd.get(), buffer.data() + got, buffer.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Wipe(absl::MakeSpan(buffer));
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read key file ", path, ": ", Errno(errno)));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != kVmKeyBytes) {
    Wipe(absl::MakeSpan(buffer));
    return absl::FailedPreconditionError(absl::StrCat(
        "key file ", path, " holds ", got == buffer.size() ? "more than " : "",
        got == buffer.size() ? kVmKeyBytes : got, " bytes, not a ", kVmKeyBytes,
        "-byte key; make one with haywire keygen --out=FILE"));
  }
  VmKey key(absl::MakeConstSpan(buffer.data(), kVmKeyBytes));
  Wipe(absl::MakeSpan(buffer));
  return key;
}

absl::StatusOr<VmKey> WriteNewKeyFile(const std::string& path) {
  Fd fd(::open(path.c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path,
                       " already exists; keygen never replaces a key (the VM's "
                       "companion may be using it): remove it first or choose "
                       "another --out"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create key file ", path, ": ", Errno(err)));
  }
  VmKey key = VmKey::Generate();
  // The umask may have cleared bits of 0600, never added any; fchmod makes
  // the mode exact whatever the umask.
  bool ok = ::fchmod(fd.get(), 0600) == 0;
  size_t written = 0;
  while (ok && written < kVmKeyBytes) {
    const ssize_t n =
        ::write(fd.get(), key.bytes().data() + written, kVmKeyBytes - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd.get()) == 0;
  if (!ok) {
    const int err = errno;
    ::unlink(path.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write key file ", path, ": ", Errno(err)));
  }
  return key;
}

std::string DefaultKeyPathFor(const std::string& mem_file) {
  return mem_file + ".key";
}

}  // namespace haywire::auth
