#include "jobs/job_watcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include "jobs/job_test_fixture.h"

namespace webjobs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::JobsTest;
using testing::LoopDriver;

constexpr milliseconds kDebounce{100};
// Long enough after a report that a second report of the same burst
// would have come.
constexpr milliseconds kQuietAfterReport{kDebounce * 4};

using JobKey = std::pair<JobType, std::string>;

class JobWatcherTest : public JobsTest {
 protected:
  void SetUp() override {
    JobsTest::SetUp();
    for (JobType type : {JobType::kContinuous, JobType::kTriggered}) {
      std::filesystem::create_directories(paths_.JobsRoot(type));
    }
  }

  void WriteFile(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::app) << text;
  }
  int Reports(JobType type, const std::string& name) {
    auto found = reports_.find({type, name});
    return found == reports_.end() ? 0 : found->second;
  }

  std::map<JobKey, int> reports_;
};

TEST_F(JobWatcherTest, ReportsJobOnceAfterBurstOfWrites) {
  std::filesystem::path job = paths_.JobDir(JobType::kTriggered, "alpha");
  WriteFile(job / "run.sh", "exit 0\n");
  JobWatcher watcher(loop(), paths_.JobsRoot(), kDebounce,
                     [&](JobType type, const std::string& name) {
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver
      .Do([&] {
        ASSERT_TRUE(watcher.Start().ok());
        // One burst, as an editor or an unzip makes: writes, a new file,
        // a rename, a removal.
        for (int i = 0; i < 50; ++i) WriteFile(job / "run.sh", "# line\n");
        WriteFile(job / "lib" / "helper.sh", "true\n");
        std::filesystem::rename(job / "lib" / "helper.sh", job / "lib" / "helper2.sh");
        std::filesystem::remove(job / "lib" / "helper2.sh");
      })
      .WaitUntil("a report", [&] { return !reports_.empty(); })
      .Idle(kQuietAfterReport);
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(Reports(JobType::kTriggered, "alpha"), 1);
  EXPECT_EQ(reports_.size(), 1u);
}

TEST_F(JobWatcherTest, WaitsForQuietAfterLongBurst) {
  // A copy of a large package writes for longer than the debounce. The
  // report must wait for a quiet period, or the job is reloaded from a
  // half-copied folder.
  // The gaps stay far below the debounce, so a slow loop turn cannot open
  // a quiet period inside the burst, which lasts twice the debounce.
  constexpr milliseconds kLongDebounce{300};
  constexpr milliseconds kGap{20};
  constexpr int kWrites = 2 * kLongDebounce / kGap;
  std::filesystem::path job = paths_.JobDir(JobType::kTriggered, "slowcopy");
  WriteFile(job / "run.sh", "exit 0\n");
  int writes_done = 0;
  int writes_at_first_report = -1;
  JobWatcher watcher(loop(), paths_.JobsRoot(), kLongDebounce,
                     [&](JobType type, const std::string& name) {
                       if (reports_.empty()) writes_at_first_report = writes_done;
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver.Do([&] { ASSERT_TRUE(watcher.Start().ok()); });
  for (int i = 0; i < kWrites; ++i) {
    driver
        .Do([&, i] {
          WriteFile(job / ("part" + std::to_string(i)), std::string(1000, 'x'));
          ++writes_done;
        })
        .Idle(kGap);
  }
  driver.WaitUntil("a report", [&] { return !reports_.empty(); }).Idle(kLongDebounce * 3);
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(writes_at_first_report, kWrites) << "reported while the copy was still writing";
  EXPECT_EQ(Reports(JobType::kTriggered, "slowcopy"), 1);
}

TEST_F(JobWatcherTest, ReportsEachJobOfOneBurstOnce) {
  WriteFile(paths_.JobDir(JobType::kTriggered, "first") / "run.sh", "exit 0\n");
  WriteFile(paths_.JobDir(JobType::kContinuous, "second") / "run.sh", "exit 0\n");
  JobWatcher watcher(loop(), paths_.JobsRoot(), kDebounce,
                     [&](JobType type, const std::string& name) {
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver
      .Do([&] {
        ASSERT_TRUE(watcher.Start().ok());
        for (int i = 0; i < 10; ++i) {
          WriteFile(paths_.JobDir(JobType::kTriggered, "first") / "run.sh", "# a\n");
          WriteFile(paths_.JobDir(JobType::kContinuous, "second") / "run.sh", "# b\n");
        }
      })
      .WaitUntil("both reports", [&] { return reports_.size() == 2; })
      .Idle(kQuietAfterReport);
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(Reports(JobType::kTriggered, "first"), 1);
  EXPECT_EQ(Reports(JobType::kContinuous, "second"), 1);
}

TEST_F(JobWatcherTest, ReportsJobFolderCopiedIn) {
  // Kudu picks up a job folder prepared elsewhere and copied in by hand,
  // here one with a subfolder.
  std::filesystem::path source = root_ / "outside" / "beta";
  WriteFile(source / "run.sh", "exit 0\n");
  WriteFile(source / "sub" / "lib.sh", "true\n");
  std::filesystem::path target = paths_.JobDir(JobType::kContinuous, "beta");
  JobWatcher watcher(loop(), paths_.JobsRoot(), kDebounce,
                     [&](JobType type, const std::string& name) {
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver
      .Do([&] {
        ASSERT_TRUE(watcher.Start().ok());
        std::filesystem::copy(source, target, std::filesystem::copy_options::recursive);
      })
      .WaitUntil("the copied job", [&] { return Reports(JobType::kContinuous, "beta") > 0; })
      .Idle(kQuietAfterReport)
      .Do([&] {
        EXPECT_EQ(Reports(JobType::kContinuous, "beta"), 1);
        // The subfolder that came with the copy is watched too.
        WriteFile(target / "sub" / "lib.sh", "# changed\n");
      })
      .WaitUntil("the change in the subfolder",
                 [&] { return Reports(JobType::kContinuous, "beta") == 2; });
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(reports_.size(), 1u);
}

TEST_F(JobWatcherTest, ReportsJobFolderRemoved) {
  std::filesystem::path job = paths_.JobDir(JobType::kTriggered, "gone");
  WriteFile(job / "run.sh", "exit 0\n");
  JobWatcher watcher(loop(), paths_.JobsRoot(), kDebounce,
                     [&](JobType type, const std::string& name) {
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver
      .Do([&] {
        ASSERT_TRUE(watcher.Start().ok());
        std::filesystem::remove_all(job);
      })
      .WaitUntil("the removed job", [&] { return Reports(JobType::kTriggered, "gone") > 0; })
      .Idle(kQuietAfterReport);
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(Reports(JobType::kTriggered, "gone"), 1);
}

TEST_F(JobWatcherTest, IgnoresDotFoldersAndOtherFolders) {
  WriteFile(paths_.JobDir(JobType::kTriggered, "real") / "run.sh", "exit 0\n");
  JobWatcher watcher(loop(), paths_.JobsRoot(), kDebounce,
                     [&](JobType type, const std::string& name) {
                       ++reports_[{type, name}];
                     });

  LoopDriver driver(loop());
  driver
      .Do([&] {
        ASSERT_TRUE(watcher.Start().ok());
        // Uploads are unpacked under a dot folder of the jobs root, and
        // half-written job folders carry a leading dot.
        WriteFile(paths_.StagingRoot() / "upload1" / "run.sh", "exit 0\n");
        WriteFile(paths_.JobsRoot(JobType::kTriggered) / ".partial-x" / "run.sh", "exit 0\n");
        WriteFile(paths_.JobsRoot() / "notes.txt", "not a job\n");
      })
      .Idle(kQuietAfterReport)
      .Do([&] {
        EXPECT_TRUE(reports_.empty());
        // A real change after them is still reported.
        WriteFile(paths_.JobDir(JobType::kTriggered, "real") / "run.sh", "# edit\n");
      })
      .WaitUntil("the real job", [&] { return Reports(JobType::kTriggered, "real") > 0; });
  ASSERT_TRUE(driver.Run(seconds(10)));

  EXPECT_EQ(reports_.size(), 1u);
}

}  // namespace
}  // namespace webjobs
