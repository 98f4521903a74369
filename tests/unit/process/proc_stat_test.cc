#include "process/proc_stat.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace webjobs {
namespace {

TEST(ProcessStatTest, ParsesFieldsAfterCommandName) {
  Result<ProcessStat> stat = ParseProcessStat(
      "4242 (sleep) S 4000 4242 4242 0 -1 4194304 100 0 0 0 17 5 3 2 20 0 1 0 99 0 0\n");
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->pid, 4242);
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->parent_pid, 4000);
  EXPECT_EQ(stat->process_group, 4242);
  EXPECT_EQ(stat->session, 4242);
  EXPECT_EQ(stat->user_ticks, 17u);
  EXPECT_EQ(stat->system_ticks, 5u);
  EXPECT_EQ(stat->children_user_ticks, 3u);
  EXPECT_EQ(stat->children_system_ticks, 2u);
}

TEST(ProcessStatTest, CommandNameMayHoldSpacesAndParentheses) {
  Result<ProcessStat> stat = ParseProcessStat(
      "77 (a) R 1 (b c) ) Z 12 77 77 0 -1 0 0 0 0 0 1000 2000 30 40 20 0 1 0 5 0 0");
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->pid, 77);
  EXPECT_EQ(stat->state, 'Z');
  EXPECT_EQ(stat->parent_pid, 12);
  EXPECT_EQ(stat->user_ticks, 1000u);
  EXPECT_EQ(stat->children_system_ticks, 40u);
}

TEST(ProcessStatTest, RejectsMalformedLines) {
  EXPECT_FALSE(ParseProcessStat("").ok());
  EXPECT_FALSE(ParseProcessStat("12 (x S 1 2 3").ok());
  EXPECT_FALSE(ParseProcessStat("12 (x) S 1 2 3 4").ok());  // too few fields
  EXPECT_FALSE(ParseProcessStat("abc (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 1 1").ok());
  EXPECT_FALSE(ParseProcessStat("12 (x) S 1 1 1 0 -1 0 0 0 0 0 1 z 1 1").ok());
}

TEST(ProcessStatTest, ReadsOwnProcess) {
  Result<ProcessStat> stat = ReadProcessStat(getpid());
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->pid, getpid());
  EXPECT_EQ(stat->parent_pid, getppid());
  EXPECT_EQ(stat->process_group, getpgrp());
  EXPECT_FALSE(IsKernelThread(*stat));
  EXPECT_NE(stat->environment_end, 0u);
}

TEST(ProcessStatTest, ParsesEnvironmentEndWhenPresent) {
  std::string line = "5 (x) S 1 5 5 0 -1 4194560 0 0 0 0 1 2 3 4 20 0 1 0 9 0 0";
  for (int field = 25; field <= 50; ++field) line += " " + std::to_string(field);
  line += " 140721356689387 0\n";
  Result<ProcessStat> stat = ParseProcessStat(line);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->environment_end, 140721356689387u);
  EXPECT_EQ(stat->flags, 4194560u);
}

TEST(ProcessStatTest, MissingProcessIsNotFound) {
  Result<ProcessStat> stat = ReadProcessStat((1 << 22) + 1);
  ASSERT_FALSE(stat.ok());
  EXPECT_EQ(stat.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace webjobs
