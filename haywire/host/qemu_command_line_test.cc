// Copyright 2026 The Haywire Authors.
//
// ParseQemuCommandLine against command lines as QEMU's documentation and
// libvirt write them: key=value and JSON -object forms, the machine's
// memory-backend and -numa memdev, commas escaped as ",,", -name with and
// without its key, and every way RAM can fail to be a shared file.

#include "haywire/host/qemu_command_line.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace haywire {
namespace {

// A command line written as the shell would split it (no quoting inside
// arguments here; JSON arguments are passed whole).
std::vector<std::string> Words(const std::string& line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

TEST(QemuCommandLineTest, SharedFileWithNumaMemdev) {
  // The vhost-user example of QEMU's documentation, with a name.
  const QemuRam ram = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -name guest=web1,debug-threads=on -m 4G "
            "-object memory-backend-file,id=mem,size=4G,mem-path=/dev/shm/"
            "vm,share=on -numa node,memdev=mem -nographic"));
  EXPECT_EQ(ram.name, "web1");
  EXPECT_EQ(ram.ram_file, "/dev/shm/vm");
  EXPECT_TRUE(ram.shared);
  EXPECT_EQ(ram.ram_bytes, 4ull << 30);
  EXPECT_EQ(ram.problem, "");
}

TEST(QemuCommandLineTest, SharedFileAsMachineMemoryBackend) {
  // README's line, the option spelled with two dashes.
  const QemuRam ram = ParseQemuCommandLine(
      Words("/usr/bin/qemu-system-x86_64 -accel tcg -m 512M --object "
            "memory-backend-file,id=mem,size=512M,mem-path=/tmp/haywire-vm-"
            "mem,share=on -machine pc,memory-backend=mem -name demo"));
  EXPECT_EQ(ram.name, "demo");
  EXPECT_EQ(ram.ram_file, "/tmp/haywire-vm-mem");
  EXPECT_TRUE(ram.shared);
  EXPECT_EQ(ram.ram_bytes, 512ull << 20);
  EXPECT_EQ(ram.problem, "");
}

TEST(QemuCommandLineTest, KeyHandedToTheGuestByFwCfg) {
  // README's line with the key; libvirt's <sysinfo type='fwcfg'> entry
  // gives the same option. Other fw_cfg entries are not keys.
  const QemuRam ram = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -fw_cfg name=opt/com.example/x,file=/etc/x "
            "-object memory-backend-file,id=mem,size=1G,mem-path=/tmp/m,"
            "share=on -machine q35,memory-backend=mem -fw_cfg "
            "name=opt/haywire/key,file=/var/lib/haywire/web1.key"));
  EXPECT_EQ(ram.key_file, "/var/lib/haywire/web1.key");
  const QemuRam other = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -fw_cfg name=opt/com.example/x,file=/etc/x "
            "-object memory-backend-file,id=mem,size=1G,mem-path=/tmp/m,"
            "share=on -machine q35,memory-backend=mem"));
  EXPECT_EQ(other.key_file, "");
}

TEST(QemuCommandLineTest, DoubledCommasAreCommasInValues) {
  const QemuRam ram = ParseQemuCommandLine(
      Words("qemu-system-aarch64 -M virt,memory-backend=ram0 -object "
            "memory-backend-file,id=ram0,mem-path=/srv/vm,,s/a,,b.mem,"
            "share=yes,size=1073741824"));
  EXPECT_EQ(ram.ram_file, "/srv/vm,s/a,b.mem");
  EXPECT_TRUE(ram.shared);
  EXPECT_EQ(ram.ram_bytes, 1ull << 30);
}

TEST(QemuCommandLineTest, LibvirtJsonObjectWithoutShareIsPrivate) {
  // As libvirt 7+ starts a domain with hugepage-backed memory (from a
  // libvirt log): JSON -object, no "share", -m in MiB.
  std::vector<std::string> argv = Words(
      "/usr/bin/qemu-system-x86_64 -name guest=Steam-GeForce,debug-threads=on "
      "-machine pc-i440fx-6.0,accel=kvm,usb=off,vmport=off,dump-guest-core="
      "off,memory-backend=pc.ram -m 4096 -object");
  argv.push_back(
      R"({"qom-type":"memory-backend-file","id":"pc.ram","mem-path":)"
      R"("/dev/hugepages/libvirt/qemu/2-Steam-GeForce",)"
      R"("x-use-canonical-path-for-ramblock-id":false,"prealloc":true,)"
      R"("size":4294967296,"host-nodes":[0],"policy":"bind"})");
  argv.push_back("-overcommit");
  argv.push_back("mem-lock=off");
  const QemuRam ram = ParseQemuCommandLine(argv);
  EXPECT_EQ(ram.name, "Steam-GeForce");
  EXPECT_EQ(ram.ram_file, "/dev/hugepages/libvirt/qemu/2-Steam-GeForce");
  EXPECT_FALSE(ram.shared);
  EXPECT_EQ(ram.ram_bytes, 4ull << 30);
  EXPECT_TRUE(absl::StrContains(ram.problem, "add share=on")) << ram.problem;
  EXPECT_TRUE(absl::StrContains(ram.problem, "id=pc.ram")) << ram.problem;
}

TEST(QemuCommandLineTest, LibvirtJsonObjectWithSharedAccess) {
  // <memoryBacking><source type='file'/><access mode='shared'/>: libvirt
  // adds "share":true and keeps the file under memory_backing_dir.
  std::vector<std::string> argv = Words(
      "/usr/bin/qemu-system-x86_64 -name guest=demo,debug-threads=on "
      "-machine pc-q35-7.2,usb=off,memory-backend=pc.ram -m 2048 -object");
  argv.push_back(
      R"({"qom-type":"memory-backend-file","id":"pc.ram","mem-path":)"
      R"("/var/lib/libvirt/qemu/ram/1-demo/pc.ram","share":true,)"
      R"("x-use-canonical-path-for-ramblock-id":false,"size":2147483648})");
  const QemuRam ram = ParseQemuCommandLine(argv);
  EXPECT_EQ(ram.name, "demo");
  EXPECT_EQ(ram.ram_file, "/var/lib/libvirt/qemu/ram/1-demo/pc.ram");
  EXPECT_TRUE(ram.shared);
  EXPECT_EQ(ram.ram_bytes, 2ull << 30);
  EXPECT_EQ(ram.problem, "");
}

TEST(QemuCommandLineTest, RamNotInAFileSaysWhatToAdd) {
  const QemuRam plain =
      ParseQemuCommandLine(Words("qemu-system-x86_64 -m 1024 -name x"));
  EXPECT_EQ(plain.ram_file, "");
  EXPECT_EQ(plain.ram_bytes, 1ull << 30);
  EXPECT_TRUE(absl::StrContains(
      plain.problem,
      "-object memory-backend-file,id=mem,size=1024M,mem-path=FILE,share=on "
      "-machine memory-backend=mem"))
      << plain.problem;

  const QemuRam memfd = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -object memory-backend-memfd,id=m,size=1G,"
            "share=on -machine q35,memory-backend=m"));
  EXPECT_TRUE(absl::StrContains(memfd.problem, "memory-backend-memfd"))
      << memfd.problem;

  const QemuRam legacy = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -m 2G -mem-path /dev/hugepages"));
  EXPECT_EQ(legacy.ram_file, "/dev/hugepages");
  EXPECT_FALSE(legacy.shared);
  EXPECT_TRUE(absl::StrContains(legacy.problem, "privately")) << legacy.problem;

  const QemuRam private_file = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -object memory-backend-file,id=mem,size=1G,"
            "mem-path=/tmp/m,share=off -machine pc,memory-backend=mem"));
  EXPECT_EQ(private_file.ram_file, "/tmp/m");
  EXPECT_FALSE(private_file.shared);
  EXPECT_FALSE(private_file.problem.empty());
}

TEST(QemuCommandLineTest, BackendNamedByNothingIsNotUsed) {
  // A shared file object the machine does not use for RAM.
  const QemuRam ram = ParseQemuCommandLine(
      Words("qemu-system-x86_64 -m 256 -object memory-backend-file,id=other,"
            "size=64M,mem-path=/tmp/ivshmem,share=on"));
  EXPECT_EQ(ram.ram_file, "");
  EXPECT_FALSE(ram.problem.empty());
}

TEST(QemuCommandLineTest, RecognisesQemuBinaries) {
  EXPECT_TRUE(IsQemuSystemBinary("/usr/bin/qemu-system-x86_64"));
  EXPECT_TRUE(IsQemuSystemBinary("qemu-system-aarch64"));
  EXPECT_TRUE(IsQemuSystemBinary("/usr/libexec/qemu-kvm"));
  EXPECT_FALSE(IsQemuSystemBinary("/usr/bin/qemu-img"));
  EXPECT_FALSE(IsQemuSystemBinary("/usr/bin/qemu-x86_64-static"));
  EXPECT_FALSE(IsQemuSystemBinary("bash"));
}

}  // namespace
}  // namespace haywire
