#include "package/package_importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include "package/package_test_util.h"
#include "package/script_discovery.h"

namespace webjobs {
namespace {

namespace fs = std::filesystem;

using testing::ElfHeader;
using testing::FileMode;
using ::testing::HasSubstr;
using testing::ListTree;
using testing::MakeFakeInterpreters;
using testing::ReadFile;
using testing::TempDir;
using ::testing::UnorderedElementsAre;
using testing::WriteFile;
using testing::WriteZip;
using testing::ZipEntrySpec;

constexpr uint32_t kRegular = S_IFREG;

ZipEntrySpec File(std::string name, std::string data, std::optional<uint32_t> mode = {}) {
  ZipEntrySpec entry;
  entry.name = std::move(name);
  entry.data = std::move(data);
  entry.unix_mode = mode;
  return entry;
}

ZipEntrySpec Folder(std::string name) {
  ZipEntrySpec entry;
  entry.name = std::move(name);
  entry.directory = true;
  return entry;
}

// Replaces every occurrence of `from` with `to` (same length) in a file.
void PatchBytes(const fs::path& path, std::string_view from, std::string_view to) {
  ASSERT_EQ(from.size(), to.size());
  std::string bytes = ReadFile(path);
  size_t count = 0;
  for (size_t at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 1)) {
    bytes.replace(at, to.size(), to);
    ++count;
  }
  ASSERT_GT(count, 0u);
  WriteFile(path, bytes);
}

std::string LittleEndian32(uint32_t value) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  return bytes;
}

// Each test works in its own temporary folder: the zip is written there,
// an existing job sits in site/Job, and uploads are staged in site/stage.
class PackageImporterTest : public ::testing::Test {
 protected:
  PackageImporterTest() {
    WriteFile(temp_ / "site" / "Job" / "run.sh", "#!/bin/bash\necho previous\n");
  }

  fs::path zip() const { return temp_ / "upload.zip"; }
  fs::path staging() const { return temp_ / "site" / "stage"; }

  Result<StagedPackage> Stage(const std::vector<ZipEntrySpec>& entries, PackageLimits limits = {}) {
    WriteZip(zip(), entries);
    return StageZip(zip(), staging(), limits);
  }

  // Stages `entries`, expects kInvalidArgument mentioning `expected`, and
  // checks that nothing was created anywhere.
  void ExpectRejected(const std::vector<ZipEntrySpec>& entries, std::string_view expected) {
    WriteZip(zip(), entries);
    std::set<std::string> before = ListTree(temp_.path());
    bool tmp_pwned_before = fs::exists("/tmp/pwned.txt");

    Result<StagedPackage> staged = StageZip(zip(), staging(), PackageLimits{});
    ASSERT_FALSE(staged.ok()) << expected;
    EXPECT_EQ(staged.error().code, ErrorCode::kInvalidArgument) << staged.error().message;
    EXPECT_THAT(staged.error().message, HasSubstr(std::string(expected)));
    EXPECT_EQ(ListTree(temp_.path()), before);
    EXPECT_EQ(fs::exists("/tmp/pwned.txt"), tmp_pwned_before);
    EXPECT_EQ(ReadFile(temp_ / "site" / "Job" / "run.sh"), "#!/bin/bash\necho previous\n");
  }

  TempDir temp_;
};

TEST_F(PackageImporterTest, UnpacksFilesAndFolders) {
  Result<StagedPackage> staged = Stage({
      File("run.sh", "#!/bin/bash\necho hi\n"),
      Folder("lib"),
      File("lib/helper.py", "print(1)\n", kRegular | 0644),
      File("bin/tool", ElfHeader()),
      File("bin/script", "x", kRegular | 0755),
      File("data.txt", "data", kRegular | 0666),
      File("setid", "x", kRegular | 06777),
      File("notes.md", "text"),
  });
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_EQ(staged->dir, staging());
  EXPECT_EQ(staged->file_count, 7u);
  EXPECT_EQ(staged->directory_count, 2u);
  EXPECT_EQ(staged->unpacked_bytes, 20u + 9 + 64 + 1 + 4 + 1 + 4);
  EXPECT_THAT(ListTree(staging()),
              UnorderedElementsAre("run.sh", "lib/", "lib/helper.py", "bin/", "bin/tool",
                                   "bin/script", "data.txt", "setid", "notes.md"));
  EXPECT_EQ(ReadFile(staging() / "lib" / "helper.py"), "print(1)\n");
}

TEST_F(PackageImporterTest, SetsModes) {
  Result<StagedPackage> staged = Stage({
      File("run.sh", "echo hi\n"),
      File("shebang", "#!/usr/bin/env python3\n"),
      File("tool", ElfHeader()),
      File("helper.py", "print(1)\n", kRegular | 0644),
      File("exec", "x", kRegular | 0700),
      File("data.txt", "data", kRegular | 0666),
      File("setid", "x", kRegular | 06777),
      File("plain.txt", "text"),
      Folder("dir"),
  });
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_EQ(FileMode(staging()), 0755u);
  EXPECT_EQ(FileMode(staging() / "run.sh"), 0755u);
  EXPECT_EQ(FileMode(staging() / "shebang"), 0755u);
  EXPECT_EQ(FileMode(staging() / "tool"), 0755u);
  EXPECT_EQ(FileMode(staging() / "helper.py"), 0644u);
  EXPECT_EQ(FileMode(staging() / "exec"), 0755u);
  EXPECT_EQ(FileMode(staging() / "data.txt"), 0644u);
  EXPECT_EQ(FileMode(staging() / "setid"), 0755u);
  EXPECT_EQ(FileMode(staging() / "plain.txt"), 0644u);
  EXPECT_EQ(FileMode(staging() / "dir"), 0755u);
}

TEST_F(PackageImporterTest, KeepsEntryTimes) {
  ZipEntrySpec entry = File("run.sh", "echo\n");
  entry.modified = 1700000000;
  ASSERT_TRUE(Stage({entry}).ok());
  struct stat info {};
  ASSERT_EQ(::stat((staging() / "run.sh").c_str(), &info), 0);
  EXPECT_NEAR(static_cast<double>(info.st_mtime), 1700000000.0, 2.0);
}

TEST_F(PackageImporterTest, AcceptsWindowsSeparators) {
  Result<StagedPackage> staged = Stage({File("run.sh", "echo\n"), File("lib\\helper.py", "x")});
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_THAT(ListTree(staging()), UnorderedElementsAre("run.sh", "lib/", "lib/helper.py"));
}

TEST_F(PackageImporterTest, SkipsArchiveMetadata) {
  Result<StagedPackage> staged = Stage({
      File("run.sh", "echo\n"),
      Folder("__MACOSX"),
      File("__MACOSX/._run.sh", "junk"),
      File(".DS_Store", "junk"),
      File("sub/Thumbs.db", "junk"),
  });
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_THAT(ListTree(staging()), UnorderedElementsAre("run.sh"));
  EXPECT_EQ(staged->skipped_entries.size(), 4u);
}

TEST_F(PackageImporterTest, RejectsParentTraversal) {
  ExpectRejected({File("../evil.sh", "x")}, "\"../evil.sh\"");
}

TEST_F(PackageImporterTest, RejectsDeepTraversal) {
  ExpectRejected({File("ok.sh", "x"), File("../../../../tmp/pwned.txt", "x")},
                 "\"../../../../tmp/pwned.txt\"");
}

TEST_F(PackageImporterTest, RejectsAbsolutePath) {
  ExpectRejected({File("/etc/cron.d/evil", "x")}, "\"/etc/cron.d/evil\": it is an absolute path");
}

TEST_F(PackageImporterTest, RejectsOtherEscapes) {
  for (const char* name :
       {"a/../../b", "C:/x", "dir\\..\\..\\w", "..\\..\\x", "a/..", "\\\\server\\share\\x"}) {
    ExpectRejected({File("run.sh", "x"), File(name, "x")}, "invalid zip entry");
  }
}

TEST_F(PackageImporterTest, RejectsSymlinkEntry) {
  ExpectRejected({File("run.sh", "x"), File("link", "/etc/passwd", S_IFLNK | 0777)},
                 "\"link\": it is a symbolic link");
}

TEST_F(PackageImporterTest, RejectsSymlinkThenFileThroughIt) {
  // A classic two-step escape: a link to outside, then a file below it.
  ExpectRejected({File("out", "/tmp", S_IFLNK | 0777), File("out/pwned.txt", "x")},
                 "symbolic link");
}

TEST_F(PackageImporterTest, RejectsSpecialFiles) {
  ExpectRejected({File("fifo", "", S_IFIFO | 0644)}, "device, FIFO or socket");
  ExpectRejected({File("dev", "", S_IFCHR | 0644)}, "device, FIFO or socket");
}

TEST_F(PackageImporterTest, RejectsEncryptedEntry) {
  if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) GTEST_SKIP() << "libzip lacks AES";
  ZipEntrySpec secret = File("run.sh", "echo secret\n");
  secret.encrypt = true;
  ExpectRejected({secret}, "it is encrypted");
}

TEST_F(PackageImporterTest, RejectsDuplicatePaths) {
  ExpectRejected({File("a.sh", "1"), File("./a.sh", "2")}, "appears twice");
  ExpectRejected({File("x/y.sh", "1"), File("x//y.sh", "2")}, "appears twice");
}

TEST_F(PackageImporterTest, RejectsFileThatIsAlsoFolder) {
  ExpectRejected({File("a", "1"), File("a/b", "2")}, "\"a\" is both a file and a folder");
  ExpectRejected({File("c/d", "1"), File("c", "2")}, "\"c\" is both a file and a folder");
  ExpectRejected({Folder("e"), File("e", "2")}, "\"e\" is both a file and a folder");
}

TEST_F(PackageImporterTest, RejectsControlCharacters) {
  ExpectRejected({File("x\x01.sh", "1")}, "control character");
}

TEST_F(PackageImporterTest, RejectsUnsupportedCompression) {
  WriteZip(zip(), {File("run.sh", "echo echo echo echo\n")});
  // The method field sits at offset 8 of the local header and at offset 10
  // of the central directory header.
  std::string bytes = ReadFile(zip());
  size_t local = bytes.find("PK\x03\x04");
  size_t central = bytes.find("PK\x01\x02");
  ASSERT_NE(local, std::string::npos);
  ASSERT_NE(central, std::string::npos);
  bytes[local + 8] = 98;  // PPMd, which Debian's libzip cannot decompress
  bytes[central + 10] = 98;
  WriteFile(zip(), bytes);

  Result<StagedPackage> staged = StageZip(zip(), staging(), PackageLimits{});
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(staged.error().message, HasSubstr("compression method 98"));
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, RejectsBodyThatIsNotZip) {
  WriteFile(zip(), "#!/bin/bash\necho this is not a zip\n");
  Result<StagedPackage> staged = StageZip(zip(), staging(), PackageLimits{});
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(staged.error().message, HasSubstr("not a valid zip archive"));
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, RejectsTruncatedZip) {
  WriteZip(zip(), {File("run.sh", std::string(5000, 'x'))});
  std::string bytes = ReadFile(zip());
  WriteFile(zip(), bytes.substr(0, bytes.size() / 2));
  Result<StagedPackage> staged = StageZip(zip(), staging(), PackageLimits{});
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, RejectsTooManyEntries) {
  PackageLimits limits;
  limits.max_entries = 2;
  Result<StagedPackage> staged =
      Stage({File("a.sh", "1"), File("b.sh", "2"), File("c.sh", "3")}, limits);
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kTooLarge);
  EXPECT_THAT(staged.error().message, HasSubstr("3 entries; the limit is 2"));
  EXPECT_THAT(staged.error().message, HasSubstr("--max-zip-entries"));
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, RejectsTooManyBytes) {
  PackageLimits limits;
  limits.max_unpacked_bytes = 100;
  Result<StagedPackage> staged = Stage({File("run.sh", std::string(101, 'x'))}, limits);
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kTooLarge);
  EXPECT_THAT(staged.error().message, HasSubstr("--max-unpacked-bytes"));
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, RejectsHighCompressionRatio) {
  Result<StagedPackage> staged = Stage({File("zeros.bin", std::string(4 << 20, '\0'))});
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kTooLarge);
  EXPECT_THAT(staged.error().message, HasSubstr("--max-compression-ratio"));
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, ZeroLimitsMeanUnlimited) {
  PackageLimits unlimited{0, 0, 0};
  Result<StagedPackage> staged = Stage({File("zeros.bin", std::string(4 << 20, '\0'))}, unlimited);
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_EQ(staged->unpacked_bytes, 4u << 20);
}

TEST_F(PackageImporterTest, CountsBytesActuallyUnpacked) {
  // The archive claims 16 bytes but the entry contains 2 MiB, deflated or stored.
  for (bool store : {false, true}) {
    ZipEntrySpec entry = File("big.bin", std::string(2 << 20, 'a'));
    entry.store = store;
    WriteZip(zip(), {entry});
    PatchBytes(zip(), LittleEndian32(2 << 20), LittleEndian32(16));
    std::set<std::string> before = ListTree(temp_.path());

    PackageLimits limits;
    limits.max_unpacked_bytes = 1 << 20;
    limits.max_compression_ratio = 0;
    Result<StagedPackage> staged = StageZip(zip(), staging(), limits);
    ASSERT_FALSE(staged.ok()) << "store=" << store;
    EXPECT_NE(staged.error().code, ErrorCode::kIo) << staged.error().message;
    EXPECT_EQ(ListTree(temp_.path()), before);
  }
}

TEST_F(PackageImporterTest, StagedZipHasEntryPoint) {
  ScriptRunners runners(MakeFakeInterpreters(temp_ / "bin").string());
  ASSERT_TRUE(Stage({File("run.sh", "#!/bin/bash\necho hi\n")}).ok());
  Result<EntryPoint> entry = DiscoverEntryPoint(staging(), runners);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->run_command, "run.sh");
}

TEST_F(PackageImporterTest, FinderZipUnwrapsToItsFolder) {
  // macOS Finder puts the folder and a __MACOSX twin at the top level.
  ScriptRunners runners(MakeFakeInterpreters(temp_ / "bin").string());
  ASSERT_TRUE(Stage({Folder("app"), File("app/run.py", "print(1)\n"), File("app/.DS_Store", "junk"),
                     Folder("__MACOSX"), File("__MACOSX/app/._run.py", "junk")})
                  .ok());
  Result<EntryPoint> entry = DiscoverEntryPoint(staging(), runners);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->run_command, "app/run.py");
}

TEST_F(PackageImporterTest, UsesExistingEmptyStagingFolder) {
  fs::create_directories(staging());
  ASSERT_TRUE(Stage({File("run.sh", "echo\n")}).ok());
  EXPECT_THAT(ListTree(staging()), UnorderedElementsAre("run.sh"));
}

TEST_F(PackageImporterTest, RefusesNonEmptyStagingFolder) {
  WriteFile(staging() / "leftover", "x");
  Result<StagedPackage> staged = Stage({File("run.sh", "echo\n")});
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(fs::exists(staging() / "leftover"));
}

TEST_F(PackageImporterTest, RefusesSymlinkStagingFolder) {
  fs::create_directories(temp_ / "elsewhere");
  fs::create_directory_symlink(temp_ / "elsewhere", staging());
  Result<StagedPackage> staged = Stage({File("run.sh", "echo\n")});
  ASSERT_FALSE(staged.ok());
  EXPECT_TRUE(fs::is_empty(temp_ / "elsewhere"));
}

TEST_F(PackageImporterTest, StagesSingleFile) {
  WriteFile(temp_ / "body", "#!/bin/bash\necho hi\n");
  Result<StagedPackage> staged = StageSingleFile(temp_ / "body", "run.sh", staging());
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_THAT(ListTree(staging()), UnorderedElementsAre("run.sh"));
  EXPECT_EQ(ReadFile(staging() / "run.sh"), "#!/bin/bash\necho hi\n");
  EXPECT_EQ(FileMode(staging() / "run.sh"), 0755u);
  EXPECT_EQ(staged->file_count, 1u);
  EXPECT_EQ(staged->unpacked_bytes, 20u);
  EXPECT_TRUE(fs::exists(temp_ / "body"));
}

TEST_F(PackageImporterTest, SingleFileModeFollowsContent) {
  WriteFile(temp_ / "text", "hello");
  ASSERT_TRUE(StageSingleFile(temp_ / "text", "notes.txt", temp_ / "s1").ok());
  EXPECT_EQ(FileMode(temp_ / "s1" / "notes.txt"), 0644u);
  WriteFile(temp_ / "elf", ElfHeader());
  ASSERT_TRUE(StageSingleFile(temp_ / "elf", "app", temp_ / "s2").ok());
  EXPECT_EQ(FileMode(temp_ / "s2" / "app"), 0755u);
}

TEST_F(PackageImporterTest, SingleFileRejectsPathNames) {
  WriteFile(temp_ / "body", "x");
  for (const char* name : {"../x.sh", "a/b.sh", "..", "", "x\n.sh"}) {
    Result<StagedPackage> staged = StageSingleFile(temp_ / "body", name, staging());
    ASSERT_FALSE(staged.ok()) << name;
    EXPECT_EQ(staged.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(fs::exists(staging())) << name;
  }
}

TEST_F(PackageImporterTest, SingleFileMissingBodyRemovesStaging) {
  Result<StagedPackage> staged = StageSingleFile(temp_ / "missing", "run.sh", staging());
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, ErrorCode::kIo);
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, ActivatesNewJob) {
  ASSERT_TRUE(Stage({File("run.sh", "echo new\n")}).ok());
  fs::path job = temp_ / "site" / "jobs" / "triggered" / "New";
  ASSERT_TRUE(ActivateStaged(staging(), job).ok());
  EXPECT_FALSE(fs::exists(staging()));
  EXPECT_EQ(ReadFile(job / "run.sh"), "echo new\n");
}

TEST_F(PackageImporterTest, ActivationReplacesWholeFolder) {
  WriteFile(temp_ / "site" / "Job" / "old.sh", "echo old\n");
  ASSERT_TRUE(Stage({File("run.sh", "echo new\n")}).ok());
  ASSERT_TRUE(ActivateStaged(staging(), temp_ / "site" / "Job").ok());
  EXPECT_THAT(ListTree(temp_ / "site" / "Job"), UnorderedElementsAre("run.sh"));
  EXPECT_EQ(ReadFile(temp_ / "site" / "Job" / "run.sh"), "echo new\n");
  EXPECT_FALSE(fs::exists(staging()));
}

TEST_F(PackageImporterTest, FailedActivationKeepsJob) {
  Status status = ActivateStaged(temp_ / "site" / "missing-stage", temp_ / "site" / "Job");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_EQ(ReadFile(temp_ / "site" / "Job" / "run.sh"), "#!/bin/bash\necho previous\n");
}

}  // namespace
}  // namespace webjobs
