#include "process/orphan_reaper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "process/pidfd.h"
#include "process/proc_stat.h"
#include "process/test_support.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::JobGuard;
using testing::ShellOptions;
using testing::StartJob;
using testing::TempDir;
using testing::UniqueMarker;
using testing::WaitReadable;

TEST(OrphanReaperTest, LeavesTrackedChildForReapChild) {
  TempDir dir;
  std::string marker = UniqueMarker("tracked");
  std::unique_ptr<JobGuard> job = StartJob(ShellOptions("exit 7", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  pid_t tracked = job->child().pid();
  ASSERT_TRUE(WaitReadable(job->child().pidfd(), seconds(30)));  // now a zombie

  ReapOrphans([tracked](pid_t pid) { return pid == tracked; });

  EXPECT_EQ(job->WaitForExit().exit_code, 7);
}

TEST(OrphanReaperTest, ReapsOrphanedGrandchild) {
  TempDir dir;
  std::string marker = UniqueMarker("orphan");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("sleep 1000 & echo $!", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  pid_t orphan = std::stoi(job->ReadStdoutLine());
  Result<UniqueFd> orphan_fd = OpenPidfd(orphan);
  ASSERT_TRUE(orphan_fd.ok());
  EXPECT_EQ(job->WaitForExit().exit_code, 0);

  // The test process is a subreaper, so the orphan is now its child.
  Result<ProcessStat> stat = ReadProcessStat(orphan);
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->parent_pid, getpid());
  ASSERT_EQ(kill(orphan, SIGKILL), 0);
  ASSERT_TRUE(WaitReadable(orphan_fd->get(), seconds(10)));
  ASSERT_EQ(ReadProcessStat(orphan)->state, 'Z');

  // Zombies that earlier tests left behind may be reaped as well.
  EXPECT_GE(ReapOrphans([](pid_t) { return false; }), 1u);
  EXPECT_EQ(kill(orphan, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(OrphanReaperTest, LeavesLiveUntrackedChildAlone) {
  TempDir dir;
  std::string marker = UniqueMarker("live");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("exec sleep 1000", marker, dir.path()), marker);
  ASSERT_TRUE(job);

  EXPECT_EQ(ReapOrphans([](pid_t) { return false; }), 0u);
  EXPECT_EQ(kill(job->child().pid(), 0), 0);
}

TEST(OrphanReaperTest, SignalFdReportsChildExit) {
  sigset_t old_mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &old_mask);
  {
    Result<UniqueFd> signal_fd = CreateChildSignalFd();
    ASSERT_TRUE(signal_fd.ok()) << signal_fd.error().message;
    DrainSignalFd(signal_fd->get());

    TempDir dir;
    std::string marker = UniqueMarker("sigchld");
    std::unique_ptr<JobGuard> job = StartJob(ShellOptions("exit 0", marker, dir.path()), marker);
    ASSERT_TRUE(job);
    EXPECT_TRUE(WaitReadable(signal_fd->get(), seconds(30)));
    DrainSignalFd(signal_fd->get());
    EXPECT_FALSE(WaitReadable(signal_fd->get(), milliseconds(0)));
    EXPECT_EQ(job->WaitForExit().exit_code, 0);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
}

}  // namespace
}  // namespace webjobs
