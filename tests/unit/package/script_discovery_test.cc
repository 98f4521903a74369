#include "package/script_discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "package/package_test_util.h"

namespace webjobs {
namespace {

using testing::ElfHeader;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeFakeInterpreters;
using ::testing::Not;
using testing::TempDir;
using testing::WriteFile;

class ScriptDiscoveryTest : public ::testing::Test {
 protected:
  ScriptDiscoveryTest()
      : runners_(MakeFakeInterpreters(temp_ / "bin").string()), root_(temp_ / "job") {
    std::filesystem::create_directories(root_);
  }

  // Creates the files (content "echo\n" unless given) in reverse order, so
  // a result that depended on creation order would show.
  void Files(std::vector<std::string> names) {
    for (auto it = names.rbegin(); it != names.rend(); ++it) WriteFile(root_ / *it, "echo\n");
  }

  // Returns the run_command of the discovered entry point, or the error.
  std::string Discover() {
    Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
    if (!entry.ok()) return "error: " + entry.error().message;
    return entry->run_command;
  }

  TempDir temp_;
  ScriptRunners runners_;
  std::filesystem::path root_;
};

TEST_F(ScriptDiscoveryTest, FirstFileOfFirstType) {
  Files({"dependency-file.py", "main_script.py"});
  EXPECT_EQ(Discover(), "dependency-file.py");
}

TEST_F(ScriptDiscoveryTest, AnyRunFileBeatsEarlierTypes) {
  Files({"a.sh", "run.py"});
  EXPECT_EQ(Discover(), "run.py");
}

TEST_F(ScriptDiscoveryTest, RunNameIgnoresCase) {
  Files({"RUN.SH", "helper.sh"});
  EXPECT_EQ(Discover(), "RUN.SH");
}

TEST_F(ScriptDiscoveryTest, PythonComesBeforePhp) {
  Files({"a.php", "b.py"});
  EXPECT_EQ(Discover(), "b.py");
}

TEST_F(ScriptDiscoveryTest, RunShWinsOverRunCmdOnLinux) {
  Files({"run.cmd", "run.sh"});
  EXPECT_EQ(Discover(), "run.sh");
}

TEST_F(ScriptDiscoveryTest, NodeRunFileIsChosen) {
  Files({"run.js", "package.json"});
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->run_command, "run.js");
  EXPECT_EQ(entry->runner.type, ".js");
}

TEST_F(ScriptDiscoveryTest, WindowsExecutablesAreNotEntryPoints) {
  WriteFile(root_ / "createdump.exe", "MZ\x90");
  WriteFile(root_ / "ZZZ.exe", "MZ\x90");
  WriteFile(root_ / "ZZZ.dll", "MZ\x90");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(entry.error().message, HasSubstr("\"createdump.exe\""));
  EXPECT_THAT(entry.error().message, HasSubstr("Windows executables cannot run on Linux"));
}

TEST_F(ScriptDiscoveryTest, FirstElfExeByName) {
  WriteFile(root_ / "zzz.exe", ElfHeader());
  WriteFile(root_ / "createdump.exe", ElfHeader());
  EXPECT_EQ(Discover(), "createdump.exe");
}

TEST_F(ScriptDiscoveryTest, NameOrderIgnoresCase) {
  // The case-insensitive order of NTFS listings, as Kudu saw it.
  WriteFile(root_ / "createdump.exe", ElfHeader());
  WriteFile(root_ / "ZZZ.exe", ElfHeader());
  EXPECT_EQ(Discover(), "createdump.exe");
}

TEST_F(ScriptDiscoveryTest, NamesEqualButForCaseSortByteWise) {
  WriteFile(root_ / "b.py", "print(1)\n");
  WriteFile(root_ / "B.py", "print(2)\n");
  EXPECT_EQ(Discover(), "B.py");
}

TEST_F(ScriptDiscoveryTest, NoScriptListsFilesAndRunnableTypes) {
  Files({"readme.txt", "data.json"});
  std::filesystem::create_directories(root_ / "sub");
  WriteFile(root_ / "sub" / "run.sh", "echo\n");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().code, ErrorCode::kInvalidArgument);
  const std::string& message = entry.error().message;
  EXPECT_THAT(message, HasSubstr("no runnable script found"));
  EXPECT_THAT(message, HasSubstr("\"data.json\", \"readme.txt\", \"sub/\""));
  EXPECT_THAT(message, HasSubstr("sub-folders are not searched"));
  EXPECT_THAT(message, HasSubstr(".sh: " + (temp_ / "bin" / "bash").string()));
}

TEST_F(ScriptDiscoveryTest, NoScriptMessageListsAtMostTwenty) {
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back("file" + std::to_string(10 + i) + ".txt");
  Files(names);
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_THAT(entry.error().message, HasSubstr("\"file29.txt\" and 5 more"));
  EXPECT_THAT(entry.error().message, Not(HasSubstr("file30.txt")));
}

TEST_F(ScriptDiscoveryTest, EmptyFolderSaysSo) {
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_THAT(entry.error().message, HasSubstr("the folder is empty"));
}

TEST_F(ScriptDiscoveryTest, MissingFolderIsNotFound) {
  Result<EntryPoint> entry = DiscoverEntryPoint(temp_ / "nope", runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().code, ErrorCode::kNotFound);
}

TEST_F(ScriptDiscoveryTest, SortsNamesIgnoringCase) {
  Files({"b.sh", "a.sh", "B.sh"});
  EXPECT_EQ(Discover(), "a.sh");
}

TEST_F(ScriptDiscoveryTest, RunOfEarliestTypeWinsAmongRuns) {
  Files({"run.py", "run.sh", "run.js", "a.cmd"});
  EXPECT_EQ(Discover(), "run.sh");
}

TEST_F(ScriptDiscoveryTest, FallbackOrderAcrossTypes) {
  Files({"x.js", "x.php", "x.py", "x.sh"});
  EXPECT_EQ(Discover(), "x.sh");
}

TEST_F(ScriptDiscoveryTest, UnwrapsSingleFolders) {
  WriteFile(root_ / "outer" / "inner" / "run.sh", "echo\n");
  WriteFile(root_ / "outer" / "inner" / "settings.job", "{}");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->run_command, "outer/inner/run.sh");
  EXPECT_EQ(entry->script_dir, root_ / "outer" / "inner");
  EXPECT_EQ(entry->script_path, root_ / "outer" / "inner" / "run.sh");
  EXPECT_TRUE(entry->script_dir.is_absolute());
}

TEST_F(ScriptDiscoveryTest, UnwrapIgnoresArchiveMetadata) {
  WriteFile(root_ / "app" / "run.sh", "echo\n");
  WriteFile(root_ / "__MACOSX" / "app" / "._run.sh", "junk");
  WriteFile(root_ / ".DS_Store", "junk");
  WriteFile(root_ / "Thumbs.db", "junk");
  WriteFile(root_ / "app" / ".DS_Store", "junk");
  EXPECT_EQ(Discover(), "app/run.sh");
}

TEST_F(ScriptDiscoveryTest, TopLevelFileStopsUnwrap) {
  // As in Kudu: settings.job beside the folder means no descent.
  WriteFile(root_ / "inner" / "run.sh", "echo\n");
  WriteFile(root_ / "settings.job", "{}");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_THAT(entry.error().message, HasSubstr("\"inner/\""));
}

TEST_F(ScriptDiscoveryTest, UnwrapDoesNotFollowSymlinks) {
  WriteFile(temp_ / "elsewhere" / "run.sh", "echo\n");
  std::filesystem::create_directory_symlink(temp_ / "elsewhere", root_ / "link");
  Result<std::filesystem::path> dir = FindScriptDirectory(root_);
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, root_);
}

TEST_F(ScriptDiscoveryTest, NamesUnwrappedFolderWhenEmpty) {
  std::filesystem::create_directories(root_ / "only" / "deeper");
  WriteFile(root_ / "only" / "deeper" / "notes.txt", "x");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_FALSE(entry.ok());
  EXPECT_THAT(entry.error().message, HasSubstr("top level of \"only/deeper/\" (the job folder"));
}

TEST_F(ScriptDiscoveryTest, NativeExecutableNamedRun) {
  WriteFile(root_ / "run", ElfHeader());
  Files({"helper.py"});
  EXPECT_EQ(Discover(), "run");
}

TEST_F(ScriptDiscoveryTest, NativeComesAfterScriptTypes) {
  WriteFile(root_ / "app", ElfHeader());
  Files({"tool.jar"});
  EXPECT_EQ(Discover(), "tool.jar");
  std::filesystem::remove(root_ / "tool.jar");
  EXPECT_EQ(Discover(), "app");
}

TEST_F(ScriptDiscoveryTest, SharedLibraryIsNotEntryPoint) {
  WriteFile(root_ / "libfoo.so", ElfHeader(3));
  EXPECT_THAT(Discover(), HasSubstr("error: no runnable script"));
}

TEST_F(ScriptDiscoveryTest, UserTypesComeLast) {
  ASSERT_TRUE(runners_.AddRunner(".rb", "ruby").ok());
  WriteFile(root_ / "app", ElfHeader());
  Files({"a.rb"});
  EXPECT_EQ(Discover(), "app");
  Files({"run.rb"});
  EXPECT_EQ(Discover(), "run.rb");
}

TEST_F(ScriptDiscoveryTest, SkipsPowerShellWithoutPwsh) {
  Files({"run.ps1", "a.sh"});
  EXPECT_EQ(Discover(), "a.sh");
  ScriptRunners with_pwsh(MakeFakeInterpreters(temp_ / "bin2", true).string());
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, with_pwsh);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->run_command, "run.ps1");
}

TEST_F(ScriptDiscoveryTest, SkipsTypeWithoutInterpreter) {
  std::filesystem::remove(temp_ / "bin" / "php");
  ScriptRunners runners((temp_ / "bin").string());
  Files({"run.php", "a.js"});
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->run_command, "a.js");
}

TEST_F(ScriptDiscoveryTest, WarnsAboutCrlfShellScript) {
  WriteFile(root_ / "run.sh",
            "#!/bin/bash\r\necho hello\r\nfoo=bar\r\n"
            "if [ \"$foo\" = \"bar\" ]; then echo match; else echo nomatch; fi\r\nexit 0\r\n");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_TRUE(entry.ok());
  ASSERT_EQ(entry->warnings.size(), 1u);
  EXPECT_THAT(entry->warnings[0], HasSubstr("run.sh has Windows (CRLF) line endings"));
  EXPECT_THAT(entry->warnings[0], HasSubstr("dos2unix run.sh"));
}

TEST_F(ScriptDiscoveryTest, WarnsAboutBomInShellScript) {
  WriteFile(root_ / "inner" / "run.sh", "\xEF\xBB\xBF#!/bin/bash\necho hello\nexit 0\n");
  Result<EntryPoint> entry = DiscoverEntryPoint(root_, runners_);
  ASSERT_TRUE(entry.ok());
  ASSERT_EQ(entry->warnings.size(), 1u);
  EXPECT_THAT(entry->warnings[0], HasSubstr("inner/run.sh starts with a UTF-8 byte-order mark"));
}

TEST_F(ScriptDiscoveryTest, NoWarningForCleanScriptOrOtherTypes) {
  WriteFile(root_ / "run.sh", "#!/bin/bash\necho hello\n");
  EXPECT_THAT(DiscoverEntryPoint(root_, runners_)->warnings, IsEmpty());
  std::filesystem::remove(root_ / "run.sh");
  WriteFile(root_ / "run.py", "print('x')\r\n");
  EXPECT_THAT(DiscoverEntryPoint(root_, runners_)->warnings, IsEmpty());
}

}  // namespace
}  // namespace webjobs
