#include "host/root_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "process/test_support.h"

namespace webjobs {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(LockRootTest, SecondLockNamesHolderAndRoot) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "host.lock";
  Result<UniqueFd> first = LockRoot(file, dir.path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::string pid;
  std::ifstream(file) >> pid;
  EXPECT_EQ(pid, std::to_string(getpid()));

  // flock() locks belong to an open file, so a second open in this process
  // conflicts like another host would.
  Result<UniqueFd> second = LockRoot(file, dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_THAT(second.error().message, HasSubstr("(pid " + pid + ")"));
  EXPECT_THAT(second.error().message, HasSubstr(dir.path().string()));
  EXPECT_THAT(second.error().message, HasSubstr("--root"));
}

TEST(LockRootTest, ReleasedWhenTheHolderCloses) {
  TempDir dir;
  std::filesystem::path file = dir.path() / "host.lock";
  {
    Result<UniqueFd> first = LockRoot(file, dir.path());
    ASSERT_TRUE(first.ok());
  }
  Result<UniqueFd> again = LockRoot(file, dir.path());
  EXPECT_TRUE(again.ok()) << again.error().message;
}

TEST(LockRootTest, MissingFolderIsAnIoError) {
  TempDir dir;
  Result<UniqueFd> lock = LockRoot(dir.path() / "missing" / "host.lock", dir.path());
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code, ErrorCode::kIo);
  EXPECT_THAT(lock.error().message, HasSubstr("missing/host.lock"));
}

}  // namespace
}  // namespace webjobs
