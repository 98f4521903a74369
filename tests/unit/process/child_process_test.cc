#include "process/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace webjobs {
namespace {

TEST(DescribeExitTest, NamesExitCode) {
  EXPECT_EQ(DescribeExit({false, 0, 0, false}), "exit code 0");
  EXPECT_EQ(DescribeExit({false, 3, 0, false}), "exit code 3");
}

TEST(DescribeExitTest, NamesSignal) {
  EXPECT_EQ(DescribeExit({true, 137, SIGKILL, false}), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(DescribeExit({true, 143, SIGTERM, false}), "killed by signal 15 (SIGTERM)");
}

TEST(DescribeExitTest, NamesCoreDump) {
  EXPECT_EQ(DescribeExit({true, 139, SIGSEGV, true}), "killed by signal 11 (SIGSEGV), core dumped");
}

TEST(DescribeExitTest, RealTimeSignalHasNumberOnly) {
  EXPECT_EQ(DescribeExit({true, 128 + SIGRTMIN + 2, SIGRTMIN + 2, false}),
            "killed by signal " + std::to_string(SIGRTMIN + 2));
}

}  // namespace
}  // namespace webjobs
