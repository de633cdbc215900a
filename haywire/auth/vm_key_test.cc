// Copyright 2026 The Haywire Authors.
//
// Key files: keygen's output is 32 random bytes, mode 0600, never replacing
// a file; reading refuses files others can read, of the wrong size, not
// regular, or (at a default path) owned by someone else.

#include "haywire/auth/vm_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace haywire::auth {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

void WriteFile(const std::string& path, const std::string& bytes, mode_t mode) {
  ::unlink(path.c_str());
  std::ofstream(path, std::ios::binary) << bytes;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

TEST(VmKeyTest, KeygenWritesA0600KeyThatReadsBack) {
  const std::string path = TempPath("keygen.key");
  ::unlink(path.c_str());
  absl::StatusOr<VmKey> written = WriteNewKeyFile(path);
  ASSERT_TRUE(written.ok()) << written.status();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kVmKeyBytes));
  absl::StatusOr<VmKey> read = ReadKeyFile(path, KeyFileCheck::kNamed);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(std::equal(read->bytes().begin(), read->bytes().end(),
                         written->bytes().begin()));
}

TEST(VmKeyTest, KeygenNeverReplacesAFile) {
  const std::string path = TempPath("existing.key");
  WriteFile(path, "not a key", 0600);
  absl::StatusOr<VmKey> written = WriteNewKeyFile(path);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(written.status().message().find("already exists"),
            std::string::npos);
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "not a key");
}

TEST(VmKeyTest, TwoKeysDiffer) {
  const std::string a = TempPath("a.key"), b = TempPath("b.key");
  ::unlink(a.c_str());
  ::unlink(b.c_str());
  absl::StatusOr<VmKey> ka = WriteNewKeyFile(a);
  absl::StatusOr<VmKey> kb = WriteNewKeyFile(b);
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_FALSE(
      std::equal(ka->bytes().begin(), ka->bytes().end(), kb->bytes().begin()));
}

TEST(VmKeyTest, RefusesAKeyOthersCanRead) {
  const std::string path = TempPath("open.key");
  WriteFile(path, std::string(32, 'k'), 0644);
  absl::StatusOr<VmKey> key = ReadKeyFile(path, KeyFileCheck::kNamed);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos)
      << key.status();
  // fw_cfg's file has whatever mode the kernel gives it.
  EXPECT_TRUE(ReadKeyFile(path, KeyFileCheck::kFirmware).ok());
}

TEST(VmKeyTest, RefusesWrongSizes) {
  const std::string path = TempPath("size.key");
  for (size_t size : {size_t{0}, size_t{31}, size_t{33}, size_t{4096}}) {
    WriteFile(path, std::string(size, 'k'), 0600);
    absl::StatusOr<VmKey> key = ReadKeyFile(path, KeyFileCheck::kNamed);
    ASSERT_FALSE(key.ok()) << size;
    EXPECT_NE(key.status().message().find("32-byte key"), std::string::npos)
        << key.status();
  }
}

TEST(VmKeyTest, MissingIsNotFoundAndADirectoryIsRefused) {
  absl::StatusOr<VmKey> missing =
      ReadKeyFile(TempPath("missing.key"), KeyFileCheck::kNamed);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  const std::string dir = TempPath("dir.key");
  ::mkdir(dir.c_str(), 0700);
  absl::StatusOr<VmKey> directory = ReadKeyFile(dir, KeyFileCheck::kNamed);
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("not a regular file"),
            std::string::npos);
}

TEST(VmKeyTest, DefaultPathMustBeOwnedByCallerOrRoot) {
  const std::string path = TempPath("owned.key");
  WriteFile(path, std::string(32, 'k'), 0600);
  EXPECT_TRUE(ReadKeyFile(path, KeyFileCheck::kDefault).ok());
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  absl::StatusOr<VmKey> key = ReadKeyFile(path, KeyFileCheck::kDefault);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("belongs to uid 65534"),
            std::string::npos)
      << key.status();
  // A path the user named is their choice.
  EXPECT_TRUE(ReadKeyFile(path, KeyFileCheck::kNamed).ok());
}

TEST(VmKeyTest, DefaultPathSitsNextToTheRamFile) {
  EXPECT_EQ(DefaultKeyPathFor("/tmp/haywire-vm-mem"),
            "/tmp/haywire-vm-mem.key");
}

}  // namespace
}  // namespace haywire::auth
