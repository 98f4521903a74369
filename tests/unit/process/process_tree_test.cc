#include "process/process_tree.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
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

bool Contains(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

pid_t ParsePid(const std::string& text) {
  pid_t pid = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

TEST(JobMarkerTest, HasInstanceTypeNameAndRun) {
  EXPECT_EQ(MakeJobMarker("a1b2c3", JobType::kContinuous, "worker"),
            "WEBJOBS_JOB_MARKER=a1b2c3:continuous:worker");
  EXPECT_EQ(MakeJobMarker("a1b2c3", JobType::kTriggered, "nightly", "20261204193015"),
            "WEBJOBS_JOB_MARKER=a1b2c3:triggered:nightly:20261204193015");
}

TEST(JobMarkerTest, EscapesSeparatorsSoMarkersStayDistinct) {
  std::string job_with_colon = MakeJobMarker("i", JobType::kTriggered, "a:b");
  std::string job_and_run = MakeJobMarker("i", JobType::kTriggered, "a", "b");
  EXPECT_EQ(job_with_colon, "WEBJOBS_JOB_MARKER=i:triggered:a%3Ab");
  EXPECT_NE(job_with_colon, job_and_run);
  EXPECT_EQ(MakeJobMarker("i", JobType::kTriggered, "100%"),
            "WEBJOBS_JOB_MARKER=i:triggered:100%25");
}

TEST(FindMarkedProcessesTest, MatchesWholeEntryOnly) {
  TempDir dir;
  std::string marker = UniqueMarker("exact");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("exec sleep 1000", marker, dir.path()), marker);
  std::string longer = marker + "0";
  std::unique_ptr<JobGuard> other =
      StartJob(ShellOptions("exec sleep 1000", longer, dir.path()), longer);
  ASSERT_TRUE(job);
  ASSERT_TRUE(other);

  std::vector<pid_t> found = FindMarkedProcesses(marker);
  EXPECT_EQ(found, std::vector<pid_t>{job->child().pid()});
  EXPECT_EQ(FindMarkedProcesses(longer), std::vector<pid_t>{other->child().pid()});
  EXPECT_TRUE(FindMarkedProcesses(marker.substr(0, marker.size() - 1)).empty());
}

TEST(FindMarkedProcessesTest, FindsProcessDuringExec) {
  // Each shell execs sleep right after the spawn returns, so the scan
  // often meets a process in the middle of execve().
  TempDir dir;
  for (int i = 0; i < 30; ++i) {
    std::string marker = UniqueMarker("exec");
    std::unique_ptr<JobGuard> job =
        StartJob(ShellOptions("exec sleep 1000", marker, dir.path()), marker);
    ASSERT_TRUE(job);
    EXPECT_EQ(FindMarkedProcesses(marker), std::vector<pid_t>{job->child().pid()})
        << "iteration " << i;
  }
}

TEST(FindMarkedProcessesTest, EntryWithoutValueFindsNothing) {
  EXPECT_TRUE(FindMarkedProcesses("").empty());
  EXPECT_TRUE(FindMarkedProcesses("PATH").empty());
  EXPECT_TRUE(FindMarkedProcesses("=x").empty());
  EXPECT_TRUE(FindJobProcesses(0, "").empty());
}

TEST(KillJobProcessesTest, KillsChildThatIgnoresSigterm) {
  TempDir dir;
  std::string marker = UniqueMarker("ignores-term");
  std::unique_ptr<JobGuard> job = StartJob(
      ShellOptions("trap '' TERM; echo ready; while :; do sleep 1; done", marker, dir.path()),
      marker);
  ASSERT_TRUE(job);
  ASSERT_EQ(job->ReadStdoutLine(), "ready");
  pid_t group = job->child().process_group();

  ASSERT_TRUE(SignalJobProcesses(group, marker, SIGTERM).ok());
  EXPECT_FALSE(WaitReadable(job->child().pidfd(), milliseconds(300)))
      << "the job should have ignored SIGTERM";

  Result<size_t> killed = KillJobProcesses(group, marker);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_GE(*killed, 1u);
  ExitInfo exit = job->WaitForExit();
  EXPECT_TRUE(exit.signaled);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_TRUE(FindMarkedProcesses(marker).empty());
}

TEST(KillJobProcessesTest, KillsGrandchildInGroup) {
  TempDir dir;
  std::string marker = UniqueMarker("grandchild");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("sleep 1000 & echo $!; wait", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  pid_t grandchild = ParsePid(job->ReadStdoutLine());
  ASSERT_GT(grandchild, 0);
  Result<UniqueFd> grandchild_fd = OpenPidfd(grandchild);
  ASSERT_TRUE(grandchild_fd.ok()) << grandchild_fd.error().message;
  EXPECT_TRUE(Contains(FindMarkedProcesses(marker), grandchild));

  Result<size_t> killed = KillJobProcesses(job->child().process_group(), marker);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_EQ(*killed, 2u);  // sh and sleep
  EXPECT_TRUE(WaitReadable(grandchild_fd->get(), milliseconds(0)));

  EXPECT_TRUE(job->WaitForExit().signaled);
  ReapOrphans([](pid_t) { return false; });
  EXPECT_EQ(kill(grandchild, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(KillJobProcessesTest, KillsSetsidEscapeeFoundByMarker) {
  TempDir dir;
  std::string marker = UniqueMarker("setsid");
  // The grandchild starts a session of its own, so it leaves the job's
  // process group. The main process exits right away (a double fork).
  std::unique_ptr<JobGuard> job = StartJob(
      ShellOptions("setsid sh -c 'sleep 1000 & echo $!'; exit 0", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  pid_t escapee = ParsePid(job->ReadStdoutLine());
  ASSERT_GT(escapee, 0);
  Result<UniqueFd> escapee_fd = OpenPidfd(escapee);
  ASSERT_TRUE(escapee_fd.ok()) << escapee_fd.error().message;
  Result<ProcessStat> stat = ReadProcessStat(escapee);
  ASSERT_TRUE(stat.ok());
  EXPECT_NE(stat->process_group, job->child().process_group());

  // The leader has exited but is not reaped yet, so its group id is safe.
  ASSERT_TRUE(WaitReadable(job->child().pidfd(), seconds(30)));
  EXPECT_TRUE(Contains(FindMarkedProcesses(marker), escapee));
  Result<size_t> killed = KillJobProcesses(job->child().process_group(), marker);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_EQ(*killed, 1u);
  EXPECT_TRUE(WaitReadable(escapee_fd->get(), milliseconds(0)));

  EXPECT_EQ(job->WaitForExit().exit_code, 0);
  ReapOrphans([](pid_t) { return false; });
  EXPECT_EQ(kill(escapee, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(KillJobProcessesTest, KillsNohupOrphanAfterRunEnds) {
  TempDir dir;
  std::string marker = UniqueMarker("nohup");
  // A triggered run that leaves a background process and exits at once:
  // the run itself succeeds, and the orphan must not outlive the job.
  std::unique_ptr<JobGuard> job = StartJob(
      ShellOptions("nohup sleep 600 >/dev/null 2>&1 & echo $!; exit 0", marker, dir.path()),
      marker);
  ASSERT_TRUE(job);
  pid_t orphan = ParsePid(job->ReadStdoutLine());
  ASSERT_GT(orphan, 0);
  Result<UniqueFd> orphan_fd = OpenPidfd(orphan);
  ASSERT_TRUE(orphan_fd.ok()) << orphan_fd.error().message;
  ASSERT_TRUE(WaitReadable(job->child().pidfd(), seconds(30)));

  Result<size_t> killed = KillJobProcesses(job->child().process_group(), marker);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_EQ(*killed, 1u);
  EXPECT_TRUE(WaitReadable(orphan_fd->get(), milliseconds(0)));
  EXPECT_TRUE(FindJobProcesses(job->child().process_group(), marker).empty());
  EXPECT_EQ(job->WaitForExit().exit_code, 0);
}

TEST(SignalJobProcessesTest, ReachesSetsidEscapee) {
  TempDir dir;
  std::string marker = UniqueMarker("signal-escapee");
  std::unique_ptr<JobGuard> job = StartJob(
      ShellOptions("setsid sh -c 'sleep 1000 & echo $!'; exec sleep 1000", marker, dir.path()),
      marker);
  ASSERT_TRUE(job);
  pid_t escapee = ParsePid(job->ReadStdoutLine());
  ASSERT_GT(escapee, 0);
  Result<UniqueFd> escapee_fd = OpenPidfd(escapee);
  ASSERT_TRUE(escapee_fd.ok());

  ASSERT_TRUE(SignalJobProcesses(job->child().process_group(), marker, SIGTERM).ok());
  EXPECT_TRUE(WaitReadable(escapee_fd->get(), seconds(10)));
  ExitInfo exit = job->WaitForExit();
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_EQ(DescribeExit(exit), "killed by signal 15 (SIGTERM)");
}

TEST(KillJobProcessesTest, NothingToKillReturnsZero) {
  Result<size_t> killed = KillJobProcesses(0, UniqueMarker("nobody"));
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(*killed, 0u);
}

TEST(SumCpuTicksTest, GrowsForBusyChild) {
  TempDir dir;
  std::string marker = UniqueMarker("busy");
  std::unique_ptr<JobGuard> job =
      StartJob(ShellOptions("while :; do :; done", marker, dir.path()), marker);
  ASSERT_TRUE(job);
  std::vector<pid_t> pids = FindJobProcesses(job->child().process_group(), marker);
  ASSERT_EQ(pids, std::vector<pid_t>{job->child().pid()});

  Result<uint64_t> start = SumCpuTicks(pids);
  ASSERT_TRUE(start.ok()) << start.error().message;
  // CPU time has no event to wait for, so the test samples until it grows.
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  uint64_t now = *start;
  while (now <= *start && std::chrono::steady_clock::now() < deadline) {
    EXPECT_FALSE(WaitReadable(job->child().pidfd(), milliseconds(20)));
    Result<uint64_t> sample = SumCpuTicks(pids);
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    now = *sample;
  }
  EXPECT_GT(now, *start);
}

TEST(SumCpuTicksTest, SkipsVanishedProcesses) {
  // Above the largest possible pid_max (2^22).
  Result<uint64_t> ticks = SumCpuTicks({(1 << 22) + 1});
  ASSERT_TRUE(ticks.ok());
  EXPECT_EQ(*ticks, 0u);
}

}  // namespace
}  // namespace webjobs
