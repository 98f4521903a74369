#include "process/process_spawner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "process/line_framer.h"
#include "process/proc_stat.h"
#include "process/test_support.h"

namespace webjobs {
namespace {

using testing::JobGuard;
using testing::ShellOptions;
using testing::StartJob;
using testing::TempDir;
using testing::UniqueMarker;

struct Output {
  std::string out;
  std::string err;
  ExitInfo exit;
};

// Runs `script` with /bin/sh in `dir` and collects its output and exit.
Output RunShell(const std::string& script, const std::filesystem::path& dir) {
  std::string marker = UniqueMarker("spawner");
  std::unique_ptr<JobGuard> job = StartJob(ShellOptions(script, marker, dir), marker);
  Output output;
  if (!job) return output;
  job->ReadAll(output.out, output.err);
  output.exit = job->WaitForExit();
  return output;
}

Error SpawnError(const SpawnOptions& options) {
  PosixProcessSpawner spawner;
  Result<ChildProcess> child = spawner.Spawn(options);
  if (child.ok()) {
    ADD_FAILURE() << "spawn of " << options.argv.front() << " succeeded";
    JobGuard guard(std::move(*child), "");
    return {};
  }
  return child.error();
}

void WriteScript(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary) << text;
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

TEST(PosixProcessSpawnerTest, ReportsExitCode) {
  TempDir dir;
  Output output = RunShell("exit 3", dir.path());
  EXPECT_FALSE(output.exit.signaled);
  EXPECT_EQ(output.exit.exit_code, 3);
  EXPECT_EQ(DescribeExit(output.exit), "exit code 3");
}

TEST(PosixProcessSpawnerTest, KeepsStdoutAndStderrApart) {
  TempDir dir;
  Output output = RunShell("echo ok; echo warn >&2; exit 0", dir.path());
  EXPECT_EQ(output.out, "ok\n");
  EXPECT_EQ(output.err, "warn\n");
  EXPECT_EQ(output.exit.exit_code, 0);
}

TEST(PosixProcessSpawnerTest, KillBySignalIsDescribed) {
  TempDir dir;
  Output output = RunShell("kill -9 $$", dir.path());
  EXPECT_TRUE(output.exit.signaled);
  EXPECT_EQ(output.exit.signal, SIGKILL);
  EXPECT_EQ(output.exit.exit_code, 137);
  EXPECT_FALSE(output.exit.core_dumped);
  EXPECT_EQ(DescribeExit(output.exit), "killed by signal 9 (SIGKILL)");
}

TEST(PosixProcessSpawnerTest, PassesEnvironmentExactly) {
  TempDir dir;
  std::string marker = UniqueMarker("env");
  SpawnOptions options{{"/usr/bin/env"}, {"A=1", "EMPTY=", marker}, dir.path()};
  std::unique_ptr<JobGuard> job = StartJob(options, marker);
  ASSERT_TRUE(job);
  std::string out;
  std::string err;
  job->ReadAll(out, err);
  EXPECT_EQ(out, "A=1\nEMPTY=\n" + marker + "\n");
  EXPECT_EQ(job->WaitForExit().exit_code, 0);
}

TEST(PosixProcessSpawnerTest, RunsInWorkingDir) {
  TempDir dir;
  Output output = RunShell("pwd -P", dir.path());
  EXPECT_EQ(output.out, dir.path().string() + "\n");
}

TEST(PosixProcessSpawnerTest, RelativeProgramIsTakenFromWorkingDir) {
  TempDir dir;
  WriteScript(dir.path() / "run.sh", "#!/bin/sh\necho from script\n", 0755);
  std::string marker = UniqueMarker("relative");
  std::unique_ptr<JobGuard> job =
      StartJob({{"./run.sh"}, testing::TestEnv(marker), dir.path()}, marker);
  ASSERT_TRUE(job);
  std::string out;
  std::string err;
  job->ReadAll(out, err);
  EXPECT_EQ(out, "from script\n");
}

TEST(PosixProcessSpawnerTest, SearchesPathOfChildEnvironment) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "bin");
  WriteScript(dir.path() / "bin" / "hello-tool", "#!/bin/sh\necho hello\n", 0755);
  SpawnOptions options{
      {"hello-tool"}, {"PATH=/nonexistent:" + (dir.path() / "bin").string()}, dir.path()};

  Result<std::string> program = ResolveProgram(options);
  ASSERT_TRUE(program.ok()) << program.error().message;
  EXPECT_EQ(*program, (dir.path() / "bin" / "hello-tool").string());

  options.env.clear();  // no PATH: /bin:/usr/bin only
  EXPECT_EQ(ResolveProgram(options).error().code, ErrorCode::kNotFound);
  options.argv = {"sh"};
  EXPECT_EQ(*ResolveProgram(options), "/bin/sh");
}

TEST(PosixProcessSpawnerTest, MissingProgramIsNotFound) {
  TempDir dir;
  Error error = SpawnError({{"/usr/bin/pwsh-not-installed", "run.ps1"}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_EQ(error.message,
            "interpreter or script not found: /usr/bin/pwsh-not-installed "
            "(working dir " +
                dir.path().string() + ")");
}

TEST(PosixProcessSpawnerTest, MissingShebangInterpreterIsNamed) {
  TempDir dir;
  WriteScript(dir.path() / "run.ps1", "#!/usr/bin/pwsh-not-installed -NoLogo\nWrite-Host hi\n",
              0755);
  Error error = SpawnError({{"./run.ps1"}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_NE(error.message.find("interpreter not found: /usr/bin/pwsh-not-installed"),
            std::string::npos)
      << error.message;
}

TEST(PosixProcessSpawnerTest, CrlfShebangIsExplained) {
  TempDir dir;
  WriteScript(dir.path() / "run.sh", "#!/bin/sh\r\necho hi\r\n", 0755);
  Error error = SpawnError({{"./run.sh"}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_NE(error.message.find("Windows line endings"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("/bin/sh\\r"), std::string::npos) << error.message;
}

TEST(PosixProcessSpawnerTest, FileWithoutExecutePermissionIsRejected) {
  TempDir dir;
  WriteScript(dir.path() / "run.sh", "#!/bin/sh\necho hi\n", 0644);
  Error error = SpawnError({{"./run.sh"}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.message.rfind("not executable: ./run.sh (working dir " + dir.path().string(), 0),
            0u)
      << error.message;
}

TEST(PosixProcessSpawnerTest, ScriptWithoutShebangIsRejected) {
  TempDir dir;
  WriteScript(dir.path() / "run.sh", "echo hi\n", 0755);
  Error error = SpawnError({{"./run.sh"}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("add a #! line"), std::string::npos) << error.message;
}

TEST(PosixProcessSpawnerTest, MissingWorkingDirIsNotFound) {
  TempDir dir;
  Error error = SpawnError({{"/bin/sh", "-c", "true"}, {}, dir.path() / "gone"});
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_NE(error.message.find("working directory not found: " + (dir.path() / "gone").string()),
            std::string::npos)
      << error.message;
}

TEST(PosixProcessSpawnerTest, EmptyArgvIsInvalid) {
  TempDir dir;
  Error error = SpawnError({{}, {}, dir.path()});
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
}

TEST(PosixProcessSpawnerTest, ChildLeadsNewSessionAndGroup) {
  TempDir dir;
  std::string marker = UniqueMarker("session");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("exec sleep 1000", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  pid_t pid = job->child().pid();
  Result<ProcessStat> stat = ReadProcessStat(pid);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->session, pid);
  EXPECT_EQ(stat->process_group, pid);
  EXPECT_EQ(stat->parent_pid, getpid());
}

TEST(PosixProcessSpawnerTest, ChildHasDefaultSignalsAndEmptyMask) {
  TempDir dir;
  // The daemon ignores SIGPIPE and may block signals. The child must
  // inherit neither.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  sigset_t block;
  sigset_t old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, &old_mask);

  Output output = RunShell("exec grep -E '^Sig(Ign|Blk)' /proc/self/status", dir.path());

  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &previous, nullptr);
  ASSERT_EQ(output.out.size(), 50u) << output.out;
  EXPECT_EQ(output.out.substr(0, 24), "SigBlk:\t0000000000000000");
  // glibc's posix_spawn() sets its two internal signals (32 and 33) to
  // SIG_IGN. Every other signal must be at its default action.
  uint64_t ignored = std::stoull(output.out.substr(33, 16), nullptr, 16);
  uint64_t glibc_internal = (uint64_t{1} << 31) | (uint64_t{1} << 32);
  EXPECT_EQ(ignored & ~glibc_internal, 0u) << output.out;
}

TEST(PosixProcessSpawnerTest, StdinIsDevNull) {
  TempDir dir;
  Output output = RunShell("exec readlink /proc/self/fd/0", dir.path());
  EXPECT_EQ(output.out, "/dev/null\n");
}

TEST(PosixProcessSpawnerTest, InheritsNoOtherDescriptor) {
  TempDir dir;
  int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  Output output = RunShell("exec ls /proc/self/fd", dir.path());
  close(leaked);
  // ls lists its own directory descriptor (3) as well.
  EXPECT_EQ(output.out, "0\n1\n2\n3\n");
}

TEST(PosixProcessSpawnerTest, PipesAreEnlargedAndNonBlocking) {
  TempDir dir;
  std::string marker = UniqueMarker("pipes");
  std::unique_ptr<JobGuard> job = StartJob(ShellOptions("exit 0", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  for (int fd : {job->child().stdout_fd(), job->child().stderr_fd()}) {
    EXPECT_EQ(fcntl(fd, F_GETPIPE_SZ), PosixProcessSpawner::kDefaultPipeBytes);
    EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  }
  EXPECT_TRUE(fcntl(job->child().pidfd(), F_GETFD) & FD_CLOEXEC);
}

TEST(PosixProcessSpawnerTest, ReapBeforeExitIsConflict) {
  TempDir dir;
  std::string marker = UniqueMarker("early-reap");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("exec sleep 1000", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  Result<ExitInfo> info = ReapChild(job->child().pidfd(), job->child().pid());
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kConflict);
}

TEST(PosixProcessSpawnerTest, FloodOfStdoutIsFramedIntoLines) {
  TempDir dir;
  std::string marker = UniqueMarker("flood");
  // 1,000,000 lines of 49 characters plus LF: 50 MB.
  std::unique_ptr<JobGuard> job = StartJob(
      ShellOptions("yes 0123456789012345678901234567890123456789012345678 | head -n 1000000",
                   marker, dir.path()),
      marker);
  ASSERT_TRUE(job);

  LineFramer framer;
  size_t lines = 0;
  size_t wrong = 0;
  LineFramer::LineSink sink = [&](std::string_view line) {
    ++lines;
    if (line != "0123456789012345678901234567890123456789012345678") ++wrong;
  };
  int fd = job->child().stdout_fd();
  std::string buffer(1 << 20, '\0');
  while (true) {
    ASSERT_TRUE(testing::WaitReadable(fd, std::chrono::seconds(30)));
    ssize_t length = read(fd, buffer.data(), buffer.size());
    if (length == 0) break;
    if (length < 0 && errno == EAGAIN) continue;
    ASSERT_GT(length, 0) << strerror(errno);
    framer.Feed(std::string_view(buffer.data(), static_cast<size_t>(length)), sink);
  }
  framer.Finish(sink);

  EXPECT_EQ(lines, 1000000u);
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(job->WaitForExit().exit_code, 0);
}

}  // namespace
}  // namespace webjobs
