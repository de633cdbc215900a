// Copyright 2026 The Haywire Authors.
//
// Local files another user could plant, end to end with the real binary: a
// RAM file that is a FIFO or a socket is refused at once (never a hang), and
// a cache directory that is not the user's own, or group/world writable, is
// not used at all (the command still works, warns once, writes nothing),
// while a cache entry that is a symbolic link is not followed.
//
// Tests run as root; "another user" is uid 65534 (nobody). Every wait is
// bounded (RunCommand's timeout).

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "haywire/testing/command_checks.h"
#include "haywire/testing/companion_process.h"
#include "haywire/testing/subprocess.h"

namespace haywire {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A command that would block on a FIFO is killed after this: far longer than
// a refusal takes, even under sanitizers.
constexpr absl::Duration kPrompt = absl::Seconds(30);
constexpr uid_t kOtherUser = 65534;

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(RamFileTypeE2eTest, FifoIsRefusedAtOnce) {
  const std::string fifo = TestTempPath("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  for (const char* command : {"discover", "ps"}) {
    SCOPED_TRACE(command);
    const SubprocessResult result =
        RunCommand({HaywirePath(), command, absl::StrCat("--mem-file=", fifo),
                    absl::StrCat("--cache-dir=", TestTempPath("cache"))},
                   kPrompt);
    ExpectEndedByItself(result);
    ExpectOneLineError(result, 3);
    EXPECT_THAT(result.err, HasSubstr("is not a regular file (a FIFO)"));
  }
}

TEST(RamFileTypeE2eTest, SocketAndDeviceAreRefused) {
  // sun_path holds 108 bytes: TEST_TMPDIR is too deep for it.
  char socket_dir[] = "/tmp/haywire-test-XXXXXX";
  ASSERT_NE(::mkdtemp(socket_dir), nullptr);
  const std::string socket_path = absl::StrCat(socket_dir, "/sock");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.size(), sizeof(address.sun_path));
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0)
      << std::strerror(errno);
  ASSERT_EQ(::listen(fd, 1), 0);
  for (const std::string& path : {socket_path, std::string("/dev/zero")}) {
    SCOPED_TRACE(path);
    const SubprocessResult result = RunCommand(
        {HaywirePath(), "discover", absl::StrCat("--mem-file=", path)},
        kPrompt);
    ExpectEndedByItself(result);
    ExpectOneLineError(result, 3);
    EXPECT_THAT(result.err, HasSubstr("is not a regular file"));
  }
  ::close(fd);
  ::unlink(socket_path.c_str());
  ::rmdir(socket_dir);
}

class CacheDirE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<CompanionProcess>> serve =
        CompanionProcess::Start(ram_, "serve", {"--event-source=off"});
    ASSERT_TRUE(serve.ok()) << serve.status();
    companion_ = *std::move(serve);
  }

  SubprocessResult Ps(const std::string& cache_dir) {
    const SubprocessResult result = RunCommand(
        {HaywirePath(), "ps", absl::StrCat("--mem-file=", ram_),
         absl::StrCat("--cache-dir=", cache_dir), "--live-wait-ms=3000"});
    ExpectEndedByItself(result);
    EXPECT_EQ(result.exit_code, 0) << result.DebugString();
    EXPECT_THAT(result.out, HasSubstr("COMMAND"));
    return result;
  }

  // A fresh directory owned by `owner` with `mode`.
  std::string MakeDir(absl::string_view name, uid_t owner, mode_t mode) {
    const std::string dir = TestTempPath(name);
    EXPECT_EQ(::mkdir(dir.c_str(), 0700), 0) << dir;
    // Needs root outside a user namespace (BUILD: no-sandbox).
    EXPECT_EQ(::chown(dir.c_str(), owner, owner), 0)
        << dir << ": " << std::strerror(errno);
    EXPECT_EQ(::chmod(dir.c_str(), mode), 0) << dir;
    return dir;
  }

  void ExpectNotUsed(const std::string& dir, absl::string_view why) {
    const SubprocessResult result = Ps(dir);
    EXPECT_THAT(Entries(dir), IsEmpty());
    // One warning line, saying which directory and why.
    const std::vector<std::string> lines =
        absl::StrSplit(result.err, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 1u) << result.err;
    EXPECT_THAT(lines[0], HasSubstr(absl::StrCat("not using cache directory ",
                                                 dir, ": ", why)));
    // A second run neither reads nor writes it.
    Ps(dir);
    EXPECT_THAT(Entries(dir), IsEmpty());
  }

  const std::string ram_ = TestTempPath("ram");
  std::unique_ptr<CompanionProcess> companion_;
};

TEST_F(CacheDirE2eTest, WorldWritableDirectoryIsNotUsed) {
  ExpectNotUsed(MakeDir("cache", ::geteuid(), 0777), "group or world writable");
}

TEST_F(CacheDirE2eTest, GroupWritableDirectoryIsNotUsed) {
  ExpectNotUsed(MakeDir("cache", ::geteuid(), 0770), "group or world writable");
}

TEST_F(CacheDirE2eTest, DirectoryOfAnotherUserIsNotUsed) {
  ExpectNotUsed(MakeDir("cache", kOtherUser, 0700),
                absl::StrCat("owned by uid ", kOtherUser));
}

TEST_F(CacheDirE2eTest, CreatedDirectoryIsPrivateAndUsed) {
  const std::string dir = TestTempPath("cache/a/b");
  const SubprocessResult result = Ps(dir);
  EXPECT_EQ(result.err, "");
  struct stat st;
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  const std::vector<std::string> names = Entries(dir);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(names[0], "session-")) << names[0];
  ASSERT_EQ(::stat(absl::StrCat(dir, "/", names[0]).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(CacheDirE2eTest, SymlinkedEntryIsNotFollowed) {
  const std::string dir = MakeDir("cache", ::geteuid(), 0700);
  Ps(dir);
  std::vector<std::string> names = Entries(dir);
  ASSERT_EQ(names.size(), 1u);
  const std::string entry = absl::StrCat(dir, "/", names[0]);
  // The entry becomes a link to a FIFO: following it would block for ever.
  const std::string fifo = TestTempPath("planted-fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_EQ(::unlink(entry.c_str()), 0);
  ASSERT_EQ(::symlink(fifo.c_str(), entry.c_str()), 0);
  const SubprocessResult result =
      RunCommand({HaywirePath(), "ps", absl::StrCat("--mem-file=", ram_),
                  absl::StrCat("--cache-dir=", dir), "--live-wait-ms=3000"},
                 kPrompt);
  ExpectEndedByItself(result);
  EXPECT_EQ(result.exit_code, 0) << result.DebugString();
  // The rescan replaced the link by a new entry; the FIFO is untouched.
  struct stat st;
  ASSERT_EQ(::lstat(entry.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));

  // A link to a regular file elsewhere is not read either: the file stays
  // as it was, and the entry is rewritten in place of the link.
  const std::string elsewhere = TestTempPath("elsewhere");
  ASSERT_EQ(::rename(entry.c_str(), elsewhere.c_str()), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), entry.c_str()), 0);
  ASSERT_EQ(::truncate(elsewhere.c_str(), 0), 0);
  Ps(dir);
  ASSERT_EQ(::lstat(entry.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  ASSERT_EQ(::stat(elsewhere.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
}

}  // namespace
}  // namespace haywire
