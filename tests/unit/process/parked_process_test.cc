#include "process/parked_process.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "process/launcher_image.h"
#include "process/pidfd.h"
#include "process/test_support.h"

namespace webjobs {
namespace {

using ::testing::HasSubstr;
using testing::JobGuard;
using testing::TempDir;
using testing::TestEnv;
using testing::UniqueMarker;

// A spawner that parks with the launcher image in a memfd.
class ParkedProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(BecomeSubreaper().ok());
    Result<UniqueFd> image = CreateLauncherImage();
    ASSERT_TRUE(image.ok()) << image.error().message;
    ASSERT_TRUE(spawner_.EnableParking(std::move(image).value()).ok());
  }

  std::unique_ptr<ParkedProcess> Park(const SpawnOptions& options) {
    Result<PreparedSpawn> prepared = spawner_.Prepare(options);
    EXPECT_TRUE(prepared.ok()) << prepared.error().message;
    if (!prepared.ok()) return nullptr;
    Result<std::unique_ptr<ParkedProcess>> parked = spawner_.Park(*prepared);
    EXPECT_TRUE(parked.ok()) << parked.error().message;
    return parked.ok() ? std::move(parked).value() : nullptr;
  }

  // The program a process runs now, from /proc.
  static std::string ExeOf(pid_t pid) {
    std::error_code ignored;
    return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ignored);
  }

  struct Finished {
    std::string out;
    std::string err;
    int exit_code = -1;
  };

  // Releases `parked`, then collects its output and exit code (-1 when the
  // release failed, which fails the test).
  static Finished ReleaseAndWait(ParkedProcess& parked, const std::string& marker) {
    Finished finished;
    Result<ChildProcess> child = parked.Release();
    EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
    if (!child.ok()) return finished;
    EXPECT_EQ(child->pid(), parked.pid());
    JobGuard job(std::move(*child), marker);
    job.ReadAll(finished.out, finished.err);
    finished.exit_code = job.WaitForExit().exit_code;
    return finished;
  }

  TempDir dir_;
  PosixProcessSpawner spawner_;
};

TEST_F(ParkedProcessTest, ProgramRunsOnlyAfterRelease) {
  std::string marker = UniqueMarker("parked");
  SpawnOptions options{{"/bin/sh", "-c", "echo \"$0 $1 $(pwd) $GREETING\"", "first", "second"},
                       TestEnv(marker),
                       dir_.path()};
  options.env.push_back("GREETING=hello");
  std::unique_ptr<ParkedProcess> parked = Park(options);
  ASSERT_TRUE(parked);
  // Held: the process runs the launcher, not the shell, and has written
  // nothing.
  EXPECT_THAT(ExeOf(parked->pid()), HasSubstr("memfd:webjobs-launcher"));

  Finished finished = ReleaseAndWait(*parked, marker);
  EXPECT_EQ(finished.exit_code, 0);
  EXPECT_EQ(finished.out, "first second " + dir_.path().string() + " hello\n");
  EXPECT_EQ(finished.err, "");
  EXPECT_FALSE(parked->ExecFailure().has_value());
}

TEST_F(ParkedProcessTest, DropKillsAndReapsLauncher) {
  std::string marker = UniqueMarker("parked");
  std::filesystem::path witness = dir_.path() / "ran";
  std::unique_ptr<ParkedProcess> parked =
      Park({{"/bin/sh", "-c", "touch " + witness.string()}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(parked);
  pid_t pid = parked->pid();
  parked.reset();
  // Reaped: the pid names no process, not even a zombie.
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(std::filesystem::exists(witness));
}

TEST_F(ParkedProcessTest, ReleaseAfterOutsideKillFails) {
  std::string marker = UniqueMarker("parked");
  std::unique_ptr<ParkedProcess> parked = Park({{"/bin/true"}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(parked);
  ASSERT_EQ(kill(parked->pid(), SIGKILL), 0);
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(parked->pid()), &info, WEXITED | WNOWAIT), 0);

  Result<ChildProcess> child = parked->Release();
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(child.error().message, HasSubstr(std::to_string(parked->pid())));
  EXPECT_THAT(child.error().message, HasSubstr("/bin/true"));
}

TEST_F(ParkedProcessTest, ExecFailureMatchesDirectSpawn) {
  std::string marker = UniqueMarker("parked");
  std::filesystem::path script = dir_.path() / "job.sh";
  std::ofstream(script) << "#!/no/such/interpreter\necho never\n";
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  std::unique_ptr<ParkedProcess> parked = Park({{script.string()}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(parked);

  Finished finished = ReleaseAndWait(*parked, marker);
  EXPECT_EQ(finished.exit_code, 127);
  std::optional<Error> failure = parked->ExecFailure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->code, ErrorCode::kNotFound);
  EXPECT_THAT(failure->message, HasSubstr("interpreter not found: /no/such/interpreter"));
  EXPECT_THAT(finished.err, HasSubstr("cannot execute " + script.string()));
}

TEST_F(ParkedProcessTest, SecondReleaseIsConflict) {
  std::string marker = UniqueMarker("parked");
  std::unique_ptr<ParkedProcess> parked = Park({{"/bin/true"}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(parked);
  Result<ChildProcess> child = parked->Release();
  ASSERT_TRUE(child.ok());
  JobGuard job(std::move(*child), marker);
  EXPECT_EQ(parked->Release().error().code, ErrorCode::kConflict);
  EXPECT_EQ(job.WaitForExit().exit_code, 0);
}

TEST_F(ParkedProcessTest, UnexecutableLauncherPausesParking) {
  // An image without the execute permission stands for one the kernel
  // refuses to run.
  std::filesystem::path copy = dir_.path() / "launcher-copy";
  std::ofstream(copy, std::ios::binary) << LauncherImage();
  ASSERT_EQ(chmod(copy.c_str(), 0644), 0);
  ASSERT_TRUE(spawner_.EnableParking(UniqueFd(open(copy.c_str(), O_RDONLY | O_CLOEXEC))).ok());
  Result<PreparedSpawn> prepared = spawner_.Prepare({{"/bin/true"}, {}, dir_.path()});
  ASSERT_TRUE(prepared.ok());
  Result<std::unique_ptr<ParkedProcess>> parked = spawner_.Park(*prepared);
  ASSERT_FALSE(parked.ok());
  EXPECT_EQ(parked.error().code, ErrorCode::kIo);
  EXPECT_THAT(parked.error().message, HasSubstr("cannot execute webjobs-launcher"));
  EXPECT_THAT(parked.error().message, HasSubstr("spawned at their slot"));
  // Later slots do not try it again until the next check.
  Result<std::unique_ptr<ParkedProcess>> again = spawner_.Park(*prepared);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnavailable);
}

TEST_F(ParkedProcessTest, JobInheritsNoLauncherDescriptor) {
  std::string marker = UniqueMarker("parked");
  std::unique_ptr<ParkedProcess> parked =
      Park({{"/bin/sh", "-c", "ls /proc/self/fd"}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(parked);
  Finished finished = ReleaseAndWait(*parked, marker);
  EXPECT_EQ(finished.exit_code, 0);
  // stdin, stdout, stderr, and the descriptor ls opened for the listing.
  EXPECT_EQ(finished.out, "0\n1\n2\n3\n");
}

TEST_F(ParkedProcessTest, FailureOfOneSpawnKeepsParking) {
  // The working dir is gone, so this spawn fails, but the launcher is fine.
  std::filesystem::path removed_dir = dir_.path() / "gone";
  std::filesystem::create_directory(removed_dir);
  Result<PreparedSpawn> prepared = spawner_.Prepare({{"/bin/true"}, {}, removed_dir});
  ASSERT_TRUE(prepared.ok());
  std::filesystem::remove(removed_dir);
  Result<std::unique_ptr<ParkedProcess>> parked = spawner_.Park(*prepared);
  ASSERT_FALSE(parked.ok());
  EXPECT_EQ(parked.error().code, ErrorCode::kIo);
  EXPECT_THAT(parked.error().message, HasSubstr("ahead of its slot"));
  EXPECT_THAT(parked.error().message, HasSubstr("working directory not found"));

  std::string marker = UniqueMarker("parked");
  std::unique_ptr<ParkedProcess> next = Park({{"/bin/true"}, TestEnv(marker), dir_.path()});
  ASSERT_TRUE(next);
}

TEST(ProcessSpawnerParkTest, SpawnerWithoutLauncherCannotPark) {
  TempDir dir;
  PosixProcessSpawner spawner;
  Result<PreparedSpawn> prepared = spawner.Prepare({{"/bin/true"}, {}, dir.path()});
  ASSERT_TRUE(prepared.ok());
  Result<std::unique_ptr<ParkedProcess>> parked = spawner.Park(*prepared);
  ASSERT_FALSE(parked.ok());
  EXPECT_EQ(parked.error().code, ErrorCode::kUnavailable);
}

TEST(CreateLauncherImageTest, HoldsTheImageSealed) {
  Result<UniqueFd> image = CreateLauncherImage();
  ASSERT_TRUE(image.ok()) << image.error().message;
  struct stat info {};
  ASSERT_EQ(fstat(image->get(), &info), 0);
  EXPECT_EQ(static_cast<size_t>(info.st_size), LauncherImage().size());
  EXPECT_GT(LauncherImage().size(), 1000u);
  EXPECT_EQ(LauncherImage().substr(0, 4),
            "\x7f"
            "ELF");
  int seals = fcntl(image->get(), F_GET_SEALS);
  EXPECT_NE(seals & F_SEAL_WRITE, 0);
  EXPECT_NE(seals & F_SEAL_SEAL, 0);
  EXPECT_EQ(write(image->get(), "x", 1), -1);
  EXPECT_NE(fcntl(image->get(), F_GETFD) & FD_CLOEXEC, 0);
}

}  // namespace
}  // namespace webjobs
