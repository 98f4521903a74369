#include "package/script_runners.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "package/package_test_util.h"

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using testing::ElfHeader;
using ::testing::HasSubstr;
using testing::MakeFakeInterpreters;
using testing::TempDir;
using testing::WriteExecutable;
using testing::WriteFile;

class ScriptRunnersTest : public ::testing::Test {
 protected:
  ScriptRunnersTest() : bin_(MakeFakeInterpreters(temp_ / "bin")), runners_(bin_.string()) {}

  std::filesystem::path Script(std::string_view name, std::string_view content = "echo\n") {
    WriteFile(temp_ / "job" / name, content);
    return temp_ / "job" / name;
  }
  std::string Bin(std::string_view program) const { return (bin_ / program).string(); }

  TempDir temp_;
  std::filesystem::path bin_;
  ScriptRunners runners_;
};

TEST_F(ScriptRunnersTest, ResolvesDefaultInterpreters) {
  EXPECT_THAT(runners_.Classify(Script("a.sh"))->command, ElementsAre(Bin("bash")));
  EXPECT_THAT(runners_.Classify(Script("a.py"))->command, ElementsAre(Bin("python3"), "-u"));
  EXPECT_THAT(runners_.Classify(Script("a.js"))->command, ElementsAre(Bin("node")));
  EXPECT_THAT(runners_.Classify(Script("a.php"))->command, ElementsAre(Bin("php")));
  EXPECT_THAT(runners_.Classify(Script("a.jar"))->command, ElementsAre(Bin("java"), "-jar"));
}

TEST_F(ScriptRunnersTest, MatchesExtensionIgnoringCase) {
  std::optional<FileRunner> runner = runners_.Classify(Script("RUN.SH"));
  ASSERT_TRUE(runner);
  EXPECT_EQ(runner->type, ".sh");
  EXPECT_TRUE(runner->runnable);
}

TEST_F(ScriptRunnersTest, WindowsTypesNeverRun) {
  for (const char* name : {"run.cmd", "run.bat", "tool.exe"}) {
    std::optional<FileRunner> runner = runners_.Classify(Script(name, "@echo off\r\n"));
    ASSERT_TRUE(runner) << name;
    EXPECT_FALSE(runner->runnable) << name;
    EXPECT_THAT(runner->reason, HasSubstr("cannot run on Linux")) << name;
  }
}

TEST_F(ScriptRunnersTest, PowerShellNeedsPwsh) {
  std::optional<FileRunner> without = runners_.Classify(Script("run.ps1"));
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->runnable);
  EXPECT_THAT(without->reason, HasSubstr("pwsh was not found"));

  ScriptRunners with_pwsh(MakeFakeInterpreters(temp_ / "bin2", true).string());
  std::optional<FileRunner> with = with_pwsh.Classify(Script("run.ps1"));
  ASSERT_TRUE(with);
  EXPECT_TRUE(with->runnable);
  EXPECT_THAT(with->command, ElementsAre((temp_ / "bin2" / "pwsh").string(), "-File"));
}

TEST_F(ScriptRunnersTest, MissingInterpreterMakesTypeUnavailable) {
  std::filesystem::remove(bin_ / "php");
  ScriptRunners runners(bin_.string());
  std::optional<FileRunner> runner = runners.Classify(Script("run.php"));
  ASSERT_TRUE(runner);
  EXPECT_FALSE(runner->runnable);
  EXPECT_THAT(runner->reason, HasSubstr("php was not found"));
}

TEST_F(ScriptRunnersTest, ElfFilesRunDirectly) {
  std::optional<FileRunner> exe = runners_.Classify(Script("tool.exe", ElfHeader()));
  ASSERT_TRUE(exe);
  EXPECT_TRUE(exe->runnable);
  EXPECT_EQ(exe->type, ".exe");
  EXPECT_TRUE(exe->command.empty());

  std::optional<FileRunner> bare = runners_.Classify(Script("run", ElfHeader(3)));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->type, "native");
  EXPECT_TRUE(bare->command.empty());

  std::optional<FileRunner> dotted = runners_.Classify(Script("app.bin", ElfHeader()));
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->type, "native");
}

TEST_F(ScriptRunnersTest, IgnoresLibrariesAndData) {
  EXPECT_FALSE(runners_.Classify(Script("readme.txt")));
  EXPECT_FALSE(runners_.Classify(Script("run", "#!/bin/sh\n")));
  EXPECT_FALSE(runners_.Classify(Script("libfoo.so", ElfHeader(3))));
  EXPECT_FALSE(runners_.Classify(Script("libfoo.so.1", ElfHeader(3))));
  EXPECT_FALSE(runners_.Classify(Script("main.o", ElfHeader(1))));
  EXPECT_FALSE(runners_.Classify(Script("short",
                                        "\x7F"
                                        "EL")));
}

TEST_F(ScriptRunnersTest, RealElfBinaryIsExecutable) {
  EXPECT_TRUE(IsElfExecutable("/bin/sh"));
  EXPECT_FALSE(IsElfExecutable("/etc/hostname"));
}

TEST_F(ScriptRunnersTest, DiscoveryOrderFollowsKuduThenOurs) {
  WriteExecutable(bin_ / "pwsh", "#!/bin/sh\n");
  ScriptRunners runners(bin_.string());
  ASSERT_TRUE(runners.AddRunner(".rb", "ruby").ok());
  std::vector<std::string> names = {"a.cmd", "a.bat", "a.exe", "a.ps1", "a.sh",
                                    "a.py",  "a.php", "a.js",  "a.jar"};
  size_t previous = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    size_t priority = runners.Classify(Script(names[i]))->priority;
    if (i > 0) {
      EXPECT_GT(priority, previous) << names[i];
    }
    previous = priority;
  }
  size_t native = runners.Classify(Script("app", ElfHeader()))->priority;
  size_t ruby = runners.Classify(Script("a.rb"))->priority;
  EXPECT_GT(native, previous);
  EXPECT_GT(ruby, native);
}

TEST_F(ScriptRunnersTest, AddsUserRunner) {
  ASSERT_TRUE(runners_.AddRunner(".RB", "ruby").ok());
  std::optional<FileRunner> runner = runners_.Classify(Script("job.rb"));
  ASSERT_TRUE(runner);
  EXPECT_EQ(runner->type, ".rb");
  EXPECT_THAT(runner->command, ElementsAre(Bin("ruby")));
}

TEST_F(ScriptRunnersTest, ReplacesBuiltinKeepingOrder) {
  size_t before = runners_.Classify(Script("a.py"))->priority;
  ASSERT_TRUE(runners_.AddRunner(".py", "perl -w").ok());
  std::optional<FileRunner> runner = runners_.Classify(Script("a.py"));
  EXPECT_EQ(runner->priority, before);
  EXPECT_THAT(runner->command, ElementsAre(Bin("perl"), "-w"));
}

TEST_F(ScriptRunnersTest, UserRunnerForExeKeepsElfNative) {
  ASSERT_TRUE(runners_.AddRunner(".exe", "perl").ok());
  EXPECT_THAT(runners_.Classify(Script("win.exe", "MZ"))->command, ElementsAre(Bin("perl")));
  EXPECT_TRUE(runners_.Classify(Script("linux.exe", ElfHeader()))->command.empty());
}

TEST_F(ScriptRunnersTest, ParsesRunnerSpec) {
  ASSERT_TRUE(runners_.AddRunners(" .rb=ruby ; ;.pl=perl -w;").ok());
  EXPECT_THAT(runners_.Classify(Script("a.rb"))->command, ElementsAre(Bin("ruby")));
  EXPECT_THAT(runners_.Classify(Script("a.pl"))->command, ElementsAre(Bin("perl"), "-w"));
}

TEST_F(ScriptRunnersTest, RejectsBadRunners) {
  struct Case {
    const char* extension;
    const char* command;
    const char* message;
  };
  for (const Case& bad :
       {Case{"rb", "ruby", "invalid runner extension"},
        Case{".", "ruby", "invalid runner extension"},
        Case{".r/b", "ruby", "invalid runner extension"}, Case{".rb", "  ", "empty command"},
        Case{".rb", "no-such-ruby", "no-such-ruby was not found"},
        Case{".rb", "./ruby", "./ruby was not found"}}) {
    Status status = runners_.AddRunner(bad.extension, bad.command);
    ASSERT_FALSE(status.ok()) << bad.extension << "=" << bad.command;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(status.error().message, HasSubstr(bad.message));
  }
  EXPECT_THAT(runners_.AddRunners(".rb").error().message, HasSubstr("has no '='"));
  EXPECT_FALSE(runners_.AddRunners("=ruby").ok());
  EXPECT_THAT(runners_.AddRunners(".r b=ruby").error().message,
              HasSubstr("invalid runner extension \".r b\""));
}

TEST_F(ScriptRunnersTest, AcceptsAbsoluteProgramPath) {
  ASSERT_TRUE(runners_.AddRunner(".rb", Bin("ruby") + " --disable-gems").ok());
  EXPECT_THAT(runners_.Classify(Script("a.rb"))->command,
              ElementsAre(Bin("ruby"), "--disable-gems"));
}

TEST_F(ScriptRunnersTest, BuildsArgvWithoutShell) {
  std::filesystem::path script = Script("run.sh");
  Result<std::vector<std::string>> argv =
      runners_.BuildArgv(script, "\"first arg\" \"second arg\" $HOME");
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_THAT(*argv, ElementsAre(Bin("bash"), script.string(), "first arg", "second arg", "$HOME"));
}

TEST_F(ScriptRunnersTest, BuildsArgvForNativeExecutable) {
  Script("run", ElfHeader());
  std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(temp_ / "job");
  Result<std::vector<std::string>> argv = runners_.BuildArgv("run", "x");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_THAT(*argv, ElementsAre("./run", "x"));
}

TEST_F(ScriptRunnersTest, BuildArgvReportsUnrunnable) {
  Result<std::vector<std::string>> cmd = runners_.BuildArgv(Script("run.cmd"), "");
  ASSERT_FALSE(cmd.ok());
  EXPECT_THAT(cmd.error().message, HasSubstr("cannot run \"run.cmd\""));
  EXPECT_FALSE(runners_.BuildArgv(Script("notes.txt"), "").ok());
  EXPECT_FALSE(runners_.BuildArgv(Script("run.sh"), "\"open").ok());
}

TEST_F(ScriptRunnersTest, DescribesRunnableAndUnavailableTypes) {
  std::vector<std::string> runnable = runners_.RunnableDescriptions();
  EXPECT_THAT(runnable, ::testing::Contains(".sh: " + Bin("bash") + " <script>"));
  EXPECT_THAT(runnable, ::testing::Contains(".py: " + Bin("python3") + " -u <script>"));
  EXPECT_THAT(runnable, ::testing::Contains(HasSubstr("Linux (ELF) executables")));
  for (const std::string& line : runnable) EXPECT_THAT(line, ::testing::Not(HasSubstr(".cmd")));

  std::vector<std::string> unavailable = runners_.UnavailableDescriptions();
  EXPECT_THAT(unavailable, ::testing::Contains(HasSubstr(".cmd: Windows batch files")));
  EXPECT_THAT(unavailable, ::testing::Contains(HasSubstr(".ps1: pwsh was not found")));
}

TEST(FindExecutableTest, SearchesDirectoriesInOrder) {
  TempDir temp;
  WriteExecutable(temp / "first" / "tool", "#!/bin/sh\n");
  WriteExecutable(temp / "second" / "tool", "#!/bin/sh\n");
  WriteFile(temp / "plain" / "other", "not executable");
  std::string path = (temp / "first").string() + ":" + (temp / "second").string();
  EXPECT_EQ(FindExecutable("tool", path), (temp / "first" / "tool").string());
  std::string reversed = (temp / "second").string() + ":" + (temp / "first").string();
  EXPECT_EQ(FindExecutable("tool", reversed), (temp / "second" / "tool").string());
  EXPECT_EQ(FindExecutable("other", (temp / "plain").string()), std::nullopt);
  EXPECT_EQ(FindExecutable("missing", path), std::nullopt);
}

TEST(FindExecutableTest, IgnoresRelativeAndEmptyEntries) {
  TempDir temp;
  WriteExecutable(temp / "tool", "#!/bin/sh\n");
  std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(temp.path());
  std::optional<std::string> found = FindExecutable("tool", ":.:relative");
  std::filesystem::current_path(previous);
  EXPECT_EQ(found, std::nullopt);
}

TEST(FindExecutableTest, SystemPathAvoidsUserShims) {
  // The search path the host passes finds Debian's interpreters, never a
  // pyenv shim that root's own PATH may list first.
  std::optional<std::string> python = FindExecutable("python3", kSystemSearchPath);
  if (!python) GTEST_SKIP() << "python3 is not installed in a system directory";
  EXPECT_THAT(*python, ::testing::Not(HasSubstr("pyenv")));
  EXPECT_TRUE(python->starts_with("/usr/") || python->starts_with("/bin/")) << *python;
}

}  // namespace
}  // namespace webjobs
