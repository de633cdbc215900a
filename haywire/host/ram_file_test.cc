// Copyright 2026 The Haywire Authors.
//
// RamFile::Open on files that are not RAM files (a FIFO, which must not
// block), and CheckDefaultPathOwnership: a default RAM file in a
// world-writable directory is used only if it is the user's or root's.
// Tests run as root; "another user" is uid 65534.

#include "haywire/host/ram_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/host/failure.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;

constexpr uid_t kOtherUser = 65534;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

// A fresh directory of this test with `mode` (e.g. 01777, like /tmp).
std::string MakeDir(const std::string& name, mode_t mode) {
  const std::string dir = absl::StrCat(
      TempDir(), "/",
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".",
      name);
  EXPECT_EQ(::mkdir(dir.c_str(), 0700), 0) << dir << std::strerror(errno);
  EXPECT_EQ(::chmod(dir.c_str(), mode), 0);
  return dir;
}

std::string MakeFile(const std::string& path, uid_t owner) {
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_EXCL, 0600);
  EXPECT_GE(fd, 0) << path;
  EXPECT_EQ(::ftruncate(fd, 4096), 0);
  ::close(fd);
  // Needs root outside a user namespace (BUILD: no-sandbox).
  EXPECT_EQ(::chown(path.c_str(), owner, owner), 0) << std::strerror(errno);
  return path;
}

TEST(RamFileTest, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = MakeDir("dir", 0700) + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (bool writable : {false, true}) {
    absl::StatusOr<std::unique_ptr<RamFile>> file =
        RamFile::Open(fifo, writable);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(FailureOf(file.status()), Failure::kMemFileUnusable);
    EXPECT_THAT(file.status().message(),
                HasSubstr("is not a regular file (a FIFO)"));
  }
}

TEST(RamFileTest, CharacterDeviceIsRefused) {
  absl::StatusOr<std::unique_ptr<RamFile>> file =
      RamFile::Open("/dev/null", false);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(),
              HasSubstr("is not a regular file (a character device)"));
}

TEST(DefaultPathOwnershipTest, OtherUsersFileInWorldWritableDirIsRefused) {
  const std::string dir = MakeDir("shared", 01777);
  const std::string path = MakeFile(dir + "/haywire-vm-mem", kOtherUser);
  const absl::Status status = CheckDefaultPathOwnership(path);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(FailureOf(status), Failure::kMemFileUnusable);
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat("not using the default RAM file ", path,
                                     ": it is owned by uid ", kOtherUser)));
  EXPECT_THAT(status.message(), HasSubstr("--mem-file="));
}

TEST(DefaultPathOwnershipTest, OwnOrRootFileInWorldWritableDirIsUsed) {
  const std::string dir = MakeDir("shared", 01777);
  EXPECT_TRUE(
      CheckDefaultPathOwnership(MakeFile(dir + "/mine", ::geteuid())).ok());
  EXPECT_TRUE(CheckDefaultPathOwnership(MakeFile(dir + "/root", 0)).ok());
  // Missing: RamFile::Open reports it.
  EXPECT_TRUE(CheckDefaultPathOwnership(dir + "/missing").ok());
}

TEST(DefaultPathOwnershipTest, LinksAreJudgedByOwnerAndTarget) {
  const std::string dir = MakeDir("shared", 01777);
  const std::string theirs = MakeFile(dir + "/theirs", kOtherUser);
  // Our link to another user's file: refused.
  ASSERT_EQ(::symlink(theirs.c_str(), (dir + "/link-to-theirs").c_str()), 0);
  EXPECT_FALSE(CheckDefaultPathOwnership(dir + "/link-to-theirs").ok());
  // Another user's link to our file: refused too (they chose the target).
  const std::string mine = MakeFile(dir + "/mine", ::geteuid());
  ASSERT_EQ(::symlink(mine.c_str(), (dir + "/their-link").c_str()), 0);
  ASSERT_EQ(::lchown((dir + "/their-link").c_str(), kOtherUser, kOtherUser), 0);
  EXPECT_FALSE(CheckDefaultPathOwnership(dir + "/their-link").ok());
}

TEST(DefaultPathOwnershipTest, PrivateDirectoryIsNotChecked) {
  const std::string dir = MakeDir("private", 0755);
  EXPECT_TRUE(
      CheckDefaultPathOwnership(MakeFile(dir + "/theirs", kOtherUser)).ok());
}

}  // namespace
}  // namespace haywire
