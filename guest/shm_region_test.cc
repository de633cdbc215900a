// Copyright 2026 The Haywire Authors.

#include "guest/shm_region.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/protocol/layout.h"
#include "haywire/protocol/page_header.h"
#include "haywire/protocol/region.h"

namespace haywire {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// /dev/shm is shared by every test run on the machine (sanitizer configs in
// parallel, other checkouts), and PIDs repeat across PID namespaces, so the
// name carries a random part as well.
std::string UniqueName(absl::string_view what) {
  std::random_device random;
  return absl::StrCat("haywire-test-", what, "-", getpid(), "-", random(),
                      random());
}

bool PathExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// VmLck of this process, from /proc/self/status: what the kernel has locked.
uint64_t LockedKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmLck:")) {
      uint64_t kib = 0;
      std::istringstream(line.substr(6)) >> kib;
      return kib;
    }
  }
  return 0;
}

constexpr uint64_t kRegionBytes = uint64_t{64} * kPageSize;

TEST(ShmRegionTest, CreatesUsableSharedMapping) {
  const std::string name = UniqueName("usable");
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_TRUE(shm.ok()) << shm.status();
  ShmRegion& region = **shm;

  EXPECT_EQ(region.name(), name);
  EXPECT_EQ(region.path(), "/dev/shm/" + name);
  EXPECT_EQ(region.bytes(), kRegionBytes);
  EXPECT_EQ(region.page_count(), 64u);
  EXPECT_FALSE(region.locked());
  EXPECT_TRUE(region.unlink_on_destroy());

  struct stat st;
  ASSERT_EQ(stat(region.path().c_str(), &st), 0) << std::strerror(errno);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), kRegionBytes);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Contiguous pages, zeroed, writable.
  PageTable pages = region.pages();
  ASSERT_EQ(pages.page_count(), 64u);
  for (uint32_t i = 0; i < pages.page_count(); ++i) {
    EXPECT_EQ(pages.page(i),
              static_cast<std::byte*>(region.data()) + uint64_t{i} * kPageSize);
    EXPECT_EQ(pages.page(i)[kPageSize - 1], std::byte{0});
    pages.page(i)[100] = std::byte{static_cast<unsigned char>(i + 1)};
  }

  // The mapping is the shared object itself: a read through the file sees
  // what was written through the mapping.
  const int fd = open(region.path().c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  unsigned char byte = 0;
  ASSERT_EQ(pread(fd, &byte, 1, 7 * kPageSize + 100), 1);
  EXPECT_EQ(byte, 8);
  close(fd);

  // And it holds a Haywire region.
  CompanionIdentity identity;
  identity.pid = 1;
  identity.hostname = "test";
  ASSERT_TRUE(InitializeRegion(pages, 0x1234, identity).ok());
  for (uint32_t i = 0; i < pages.page_count(); ++i) {
    EXPECT_EQ(CheckPageHeader(ReadPageHeader(pages.page(i))),
              HeaderVerdict::kValid);
  }
  WipeRegion(pages);
}

TEST(ShmRegionTest, SecondCreateWithTheSameNameFailsAndLeavesTheFirst) {
  const std::string name = UniqueName("twice");
  absl::StatusOr<std::unique_ptr<ShmRegion>> first =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<std::unique_ptr<ShmRegion>> second =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.status().message(),
            "/dev/shm/" + name +
                " already exists: another guest-serve is running, or a "
                "previous one crashed; stop it or remove the file");

  // The failed attempt must not remove the first one's object.
  EXPECT_TRUE(PathExists((*first)->path()));
}

// The unprivileged user the tests plant files as (tests run as root).
constexpr uid_t kNobody = 65534;

// Whether files can be given to kNobody here (root, and not in a user
// namespace without that uid, as Bazel's sandbox is).
bool CanPlant() {
  if (geteuid() != 0) return false;
  const std::string path = "/dev/shm/" + UniqueName("can-plant");
  const int fd =
      open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = fchown(fd, kNobody, kNobody) == 0;
  close(fd);
  unlink(path.c_str());
  return ok;
}

// Writes `text` to a new file at `path` owned by kNobody with mode 0666, as
// an unprivileged guest user could before guest-serve starts.
void PlantFile(const std::string& path, const std::string& text) {
  const int fd =
      open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ASSERT_EQ(write(fd, text.data(), text.size()),
            static_cast<ssize_t>(text.size()));
  ASSERT_EQ(fchown(fd, kNobody, kNobody), 0) << std::strerror(errno);
  ASSERT_EQ(fchmod(fd, 0666), 0) << std::strerror(errno);
  close(fd);
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ShmRegionTest, AFilePlantedByAnotherUserIsRefusedAndLeftAlone) {
  if (!CanPlant()) GTEST_SKIP() << "needs root to plant as uid 65534";
  const std::string name = UniqueName("planted");
  const std::string path = "/dev/shm/" + name;
  PlantFile(path, "planted");
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_FALSE(shm.ok());
  EXPECT_EQ(shm.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(shm.status().message(),
              AllOf(HasSubstr(path), HasSubstr("belongs to uid 65534"),
                    HasSubstr("not used")));
  // Neither used, resized nor removed: still the planter's, as planted.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kNobody);
  EXPECT_EQ(FileText(path), "planted");
  unlink(path.c_str());
}

TEST(ShmRegionTest, ASymlinkPlantedAtTheNameIsNotFollowed) {
  if (!CanPlant()) GTEST_SKIP() << "needs root to plant as uid 65534";
  const std::string name = UniqueName("symlink");
  const std::string path = "/dev/shm/" + name;
  const std::string target = "/dev/shm/" + UniqueName("symlink-target");
  PlantFile(target, "target");
  ASSERT_EQ(symlink(target.c_str(), path.c_str()), 0) << std::strerror(errno);
  ASSERT_EQ(lchown(path.c_str(), kNobody, kNobody), 0);
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_FALSE(shm.ok());
  EXPECT_EQ(shm.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(shm.status().message(),
              AllOf(HasSubstr("symbolic link"), HasSubstr("not followed")));
  EXPECT_EQ(FileText(target), "target");  // not truncated to a region
  unlink(path.c_str());
  unlink(target.c_str());
}

TEST(ShmRegionTest, TheRegionIsAPrivateFileWithOneName) {
  const std::string name = UniqueName("private");
  const mode_t old_umask = umask(0);  // a careless umask changes nothing
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  umask(old_umask);
  ASSERT_TRUE(shm.ok()) << shm.status();
  struct stat st;
  ASSERT_EQ(lstat((*shm)->path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, geteuid());
  EXPECT_EQ(st.st_nlink, 1u);
}

TEST(ShmRegionTest, AFileThatTookTheNameIsNotRemovedAtExit) {
  if (!CanPlant()) GTEST_SKIP() << "needs root to plant as uid 65534";
  const std::string name = UniqueName("replaced");
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_TRUE(shm.ok()) << shm.status();
  const std::string path = (*shm)->path();
  // An administrator removes the name while the companion runs, and
  // another user's file takes it.
  ASSERT_EQ(unlink(path.c_str()), 0);
  PlantFile(path, "someone else's");
  shm->reset();
  EXPECT_EQ(FileText(path), "someone else's");
  unlink(path.c_str());
}

TEST(ShmRegionTest, RejectsBadSizes) {
  const std::string name = UniqueName("sizes");
  for (uint64_t bytes : {uint64_t{0}, uint64_t{5000}, kRegionBytes + 1,
                         uint64_t{kMinRegionPages - 1} * kPageSize,
                         uint64_t{kMaxRegionPages + 1} * kPageSize}) {
    absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
        ShmRegion::Create(name, bytes, /*lock_in_memory=*/false);
    ASSERT_FALSE(shm.ok()) << bytes;
    EXPECT_EQ(shm.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(shm.status().message(), HasSubstr("region size must be"));
    EXPECT_FALSE(PathExists("/dev/shm/" + name));
  }
  absl::StatusOr<std::unique_ptr<ShmRegion>> odd =
      ShmRegion::Create(name, 5000, /*lock_in_memory=*/false);
  EXPECT_EQ(odd.status().message(),
            "region size must be a multiple of the 4096-byte page size, not "
            "5000 bytes");
  absl::StatusOr<std::unique_ptr<ShmRegion>> small =
      ShmRegion::Create(name, uint64_t{kMinRegionPages - 1} * kPageSize, false);
  EXPECT_EQ(small.status().message(),
            "region size must be between 136 KiB (34 pages) and 1 GiB "
            "(262144 pages), not 132 KiB");

  // The bounds themselves are fine.
  EXPECT_TRUE(
      ShmRegion::Create(name, uint64_t{kMinRegionPages} * kPageSize, false)
          .ok());
}

TEST(ShmRegionTest, RejectsBadNames) {
  for (const std::string name : {"", "a/b", "/vm-pagebeacon", ".", ".."}) {
    absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
        ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
    ASSERT_FALSE(shm.ok()) << name;
    EXPECT_EQ(shm.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(shm.status().message(),
                HasSubstr("shared memory name must be a file name"));
  }
}

TEST(ShmRegionTest, DestructorRemovesTheObject) {
  const std::string name = UniqueName("destroy");
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/false);
  ASSERT_TRUE(shm.ok()) << shm.status();
  const std::string path = (*shm)->path();
  EXPECT_TRUE(PathExists(path));
  shm->reset();
  EXPECT_FALSE(PathExists(path));

  // The name is free again.
  EXPECT_TRUE(ShmRegion::Create(name, kRegionBytes, false).ok());
}

TEST(ShmRegionTest, LocksInMemoryOrExplainsWhyNot) {
  const std::string name = UniqueName("lock");
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/true);
  if (shm.ok()) {
    EXPECT_TRUE((*shm)->locked());
    EXPECT_GE(LockedKiB(), kRegionBytes / 1024);
    (*shm)->pages().page(63)[0] = std::byte{1};
    return;
  }
  // Unprivileged with a small `ulimit -l`: the error must say what to do.
  EXPECT_THAT(shm.status().message(),
              AllOf(HasSubstr("cannot lock the 256 KiB region in memory"),
                    HasSubstr("RLIMIT_MEMLOCK"), HasSubstr("ulimit -l"),
                    HasSubstr("root")));
  EXPECT_FALSE(PathExists("/dev/shm/" + name));
}

// For its scope, makes this thread an unprivileged locker: drops
// CAP_IPC_LOCK from the effective set (keeping it permitted, so it can be
// restored) and lowers the soft RLIMIT_MEMLOCK. Capabilities are per thread,
// and mlock() runs on the calling thread.
class ScopedMemlockLimit {
 public:
  explicit ScopedMemlockLimit(rlim_t soft_limit) {
    header_.version = _LINUX_CAPABILITY_VERSION_3;
    header_.pid = 0;
    if (syscall(SYS_capget, &header_, saved_caps_) == 0) {
      __user_cap_data_struct caps[2];
      std::memcpy(caps, saved_caps_, sizeof(caps));
      caps[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
      caps_changed_ = syscall(SYS_capset, &header_, caps) == 0;
    }
    if (getrlimit(RLIMIT_MEMLOCK, &saved_limit_) == 0) {
      struct rlimit lowered = saved_limit_;
      lowered.rlim_cur = soft_limit;
      limit_changed_ = setrlimit(RLIMIT_MEMLOCK, &lowered) == 0;
    }
  }
  ~ScopedMemlockLimit() {
    if (limit_changed_) setrlimit(RLIMIT_MEMLOCK, &saved_limit_);
    if (caps_changed_) syscall(SYS_capset, &header_, saved_caps_);
  }

  bool ok() const { return caps_changed_ && limit_changed_; }

 private:
  __user_cap_header_struct header_;
  __user_cap_data_struct saved_caps_[2];
  struct rlimit saved_limit_;
  bool caps_changed_ = false;
  bool limit_changed_ = false;
};

TEST(ShmRegionTest, MlockOverTheLimitExplainsTheLimit) {
  const std::string name = UniqueName("overlimit");
  ScopedMemlockLimit limit(64 * 1024);
  if (!limit.ok()) GTEST_SKIP() << "cannot drop CAP_IPC_LOCK here";
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/true);
  ASSERT_FALSE(shm.ok());
  EXPECT_EQ(shm.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(shm.status().message(),
            "cannot lock the 256 KiB region in memory (mlock: Cannot allocate "
            "memory): it exceeds the locked-memory limit RLIMIT_MEMLOCK of 64 "
            "KiB; raise the limit (`ulimit -l unlimited`, or "
            "LimitMEMLOCK=infinity for a systemd service) or run guest-serve "
            "as root");
  EXPECT_FALSE(PathExists("/dev/shm/" + name));
}

TEST(ShmRegionTest, MlockForbiddenExplainsThePermission) {
  const std::string name = UniqueName("nolock");
  ScopedMemlockLimit limit(0);
  if (!limit.ok()) GTEST_SKIP() << "cannot drop CAP_IPC_LOCK here";
  absl::StatusOr<std::unique_ptr<ShmRegion>> shm =
      ShmRegion::Create(name, kRegionBytes, /*lock_in_memory=*/true);
  ASSERT_FALSE(shm.ok());
  EXPECT_EQ(shm.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(
      shm.status().message(),
      AllOf(HasSubstr("may not lock memory at all"), HasSubstr("CAP_IPC_LOCK"),
            HasSubstr("ulimit -l"), HasSubstr("run guest-serve as root")));
  EXPECT_FALSE(PathExists("/dev/shm/" + name));
}

TEST(MlockFailureMessageTest, ShortOfMemoryDespiteTheLimit) {
  EXPECT_THAT(internal::MlockFailureMessage(ENOMEM, 64 << 20, RLIM_INFINITY),
              AllOf(HasSubstr("cannot lock the 64 MiB region in memory"),
                    HasSubstr("RLIMIT_MEMLOCK is unlimited"),
                    HasSubstr("short of memory")));
}

}  // namespace
}  // namespace haywire
