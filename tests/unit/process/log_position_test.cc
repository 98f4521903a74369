#include "process/log_position.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "process/test_support.h"

namespace webjobs {
namespace {

TEST(LogPositionTest, FormatsOffsetAlone) {
  EXPECT_EQ(FormatLogPosition(LogPosition{0, 1234}), "1234");
}

TEST(LogPositionTest, FormatsKeyAsSixteenHexDigits) {
  EXPECT_EQ(FormatLogPosition(LogPosition{0xc0ffee, 7}), "0000000000c0ffee-7");
}

TEST(LogPositionTest, ParsesBothForms) {
  EXPECT_EQ(ParseLogPosition("1234"), (LogPosition{0, 1234}));
  EXPECT_EQ(ParseLogPosition(" 0000000000C0FFEE-7\t"), (LogPosition{0xc0ffee, 7}));
  EXPECT_EQ(ParseLogPosition("18446744073709551615"), (LogPosition{0, UINT64_MAX}));
}

TEST(LogPositionTest, RejectsMalformedText) {
  const char* const invalid[] = {"",       "-1",   "+1",          "1.5",  "abc",
                                 "12 34",  "c0ffee-7", "0000000000c0ffee-", "0000000000c0ffeg-1",
                                 "18446744073709551616", "0000000000c0ffee-7-8"};
  for (const char* text : invalid) EXPECT_FALSE(ParseLogPosition(text).has_value()) << text;
}

TEST(LogPositionTest, FileKeySurvivesRename) {
  testing::TempDir dir;
  std::filesystem::path first = dir.path() / "job_log.txt";
  std::filesystem::path second = dir.path() / "job_prev_log.txt";
  std::ofstream(first) << "x\n";
  int fd = open(first.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  uint64_t before = LogFileKey(fd);
  close(fd);
  ASSERT_EQ(std::rename(first.c_str(), second.c_str()), 0);
  std::ofstream(first) << "y\n";

  int renamed = open(second.c_str(), O_RDONLY);
  int fresh = open(first.c_str(), O_RDONLY);
  ASSERT_GE(renamed, 0);
  ASSERT_GE(fresh, 0);
  EXPECT_NE(before, 0u);
  EXPECT_EQ(LogFileKey(renamed), before);
  EXPECT_NE(LogFileKey(fresh), before);
  close(renamed);
  close(fresh);
}

}  // namespace
}  // namespace webjobs
