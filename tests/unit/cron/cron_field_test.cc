#include "cron/cron_field.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Returns the allowed values of a field that must parse.
std::vector<int> Values(CronFieldKind kind, std::string_view text) {
  auto field = CronField::Parse(kind, text);
  EXPECT_TRUE(field.ok()) << text << ": " << field.error().message;
  if (!field.ok()) return {};
  std::vector<int> values;
  for (int v = field->NextFrom(0); v >= 0; v = field->NextFrom(v + 1)) values.push_back(v);
  return values;
}

std::string ErrorOf(CronFieldKind kind, std::string_view text) {
  auto field = CronField::Parse(kind, text);
  if (field.ok()) return "parsed: " + field->Expanded();
  EXPECT_EQ(field.error().code, ErrorCode::kInvalidArgument);
  return field.error().message;
}

TEST(CronFieldTest, ParsesValueRangeListAndStar) {
  EXPECT_THAT(Values(CronFieldKind::kHour, "5"), ElementsAre(5));
  EXPECT_THAT(Values(CronFieldKind::kHour, "05"), ElementsAre(5));
  EXPECT_THAT(Values(CronFieldKind::kHour, "1-3,7"), ElementsAre(1, 2, 3, 7));
  EXPECT_EQ(Values(CronFieldKind::kSecond, "*").size(), 60u);
  EXPECT_EQ(Values(CronFieldKind::kDayOfMonth, "*").front(), 1);
  EXPECT_EQ(Values(CronFieldKind::kDayOfMonth, "*").back(), 31);
}

TEST(CronFieldTest, StepsRestartAtFieldStart) {
  EXPECT_THAT(Values(CronFieldKind::kMinute, "*/15"), ElementsAre(0, 15, 30, 45));
  EXPECT_THAT(Values(CronFieldKind::kMinute, "*/59"), ElementsAre(0, 59));
  EXPECT_THAT(Values(CronFieldKind::kSecond, "*/45"), ElementsAre(0, 45));
  EXPECT_THAT(Values(CronFieldKind::kDayOfMonth, "*/7"), ElementsAre(1, 8, 15, 22, 29));
  EXPECT_THAT(Values(CronFieldKind::kMinute, "10-30/7"), ElementsAre(10, 17, 24));
  EXPECT_THAT(Values(CronFieldKind::kMinute, "*/100"), ElementsAre(0));
}

TEST(CronFieldTest, ValueWithStepRunsToFieldMaximum) {
  EXPECT_THAT(Values(CronFieldKind::kSecond, "5/15"), ElementsAre(5, 20, 35, 50));
  EXPECT_THAT(Values(CronFieldKind::kHour, "14/1"),
              ElementsAre(14, 15, 16, 17, 18, 19, 20, 21, 22, 23));
  EXPECT_THAT(Values(CronFieldKind::kMonth, "3/4"), ElementsAre(3, 7, 11));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "1/2"), ElementsAre(1, 3, 5));
}

TEST(CronFieldTest, ReversedRangeWraps) {
  EXPECT_THAT(Values(CronFieldKind::kHour, "22-2"), ElementsAre(0, 1, 2, 22, 23));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "FRI-MON"), ElementsAre(0, 1, 5, 6));
  EXPECT_THAT(Values(CronFieldKind::kMonth, "NOV-FEB"), ElementsAre(1, 2, 11, 12));
  EXPECT_THAT(Values(CronFieldKind::kDayOfMonth, "30-2"), ElementsAre(1, 2, 30, 31));
  EXPECT_THAT(Values(CronFieldKind::kMinute, "58-1"), ElementsAre(0, 1, 58, 59));
}

TEST(CronFieldTest, WrappedStepCountsAcrossTheWrap) {
  EXPECT_THAT(Values(CronFieldKind::kHour, "22-2/2"), ElementsAre(0, 2, 22));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "SAT-TUE/2"), ElementsAre(1, 6));
}

TEST(CronFieldTest, DayOfWeekSevenIsSunday) {
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "7"), ElementsAre(0));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "0"), ElementsAre(0));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "1-7"), ElementsAre(0, 1, 2, 3, 4, 5, 6));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "0-7"), ElementsAre(0, 1, 2, 3, 4, 5, 6));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "5-7"), ElementsAre(0, 5, 6));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "7-7"), ElementsAre(0));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "7-2"), ElementsAre(0, 1, 2));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "6-7"), ElementsAre(0, 6));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "7/2"), ElementsAre(0, 2, 4, 6));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "1-7/2"), ElementsAre(0, 1, 3, 5));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "*/2"), ElementsAre(0, 2, 4, 6));
}

TEST(CronFieldTest, AcceptsShortAndFullNames) {
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "MON-FRI"), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "mon-fri"), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "Monday-Friday"), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(Values(CronFieldKind::kDayOfWeek, "sunday,SATURDAY"), ElementsAre(0, 6));
  EXPECT_THAT(Values(CronFieldKind::kMonth, "jan,Mar,DECEMBER"), ElementsAre(1, 3, 12));
  EXPECT_THAT(Values(CronFieldKind::kMonth, "sep-October"), ElementsAre(9, 10));
  EXPECT_THAT(Values(CronFieldKind::kMonth, "Feb/3"), ElementsAre(2, 5, 8, 11));
}

TEST(CronFieldTest, RejectsOtherNamePrefixes) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "T"), HasSubstr("'T' is not a day name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "Ju"), HasSubstr("'Ju' is not a month name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "Augu"), HasSubstr("'Augu' is not a month name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "SEPT-October"), HasSubstr("'SEPT'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "DECEM"), HasSubstr("'DECEM'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "MON-FRX"),
              HasSubstr("day-of-week field 'MON-FRX': 'FRX' is not a day name"));
}

TEST(CronFieldTest, RejectsNamesInNumericFields) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "MON"), HasSubstr("'MON' is not a number; use 0-23"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "MON"), HasSubstr("'MON' is not a month name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "JAN"), HasSubstr("'JAN' is not a day name"));
}

TEST(CronFieldTest, RejectsOutOfRangeValues) {
  EXPECT_EQ(ErrorOf(CronFieldKind::kHour, "25"), "hour field '25': 25 is out of range; use 0-23");
  EXPECT_THAT(ErrorOf(CronFieldKind::kSecond, "60"), HasSubstr("60 is out of range; use 0-59"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "0"), HasSubstr("0 is out of range; use 1-31"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "13"), HasSubstr("13 is out of range"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "8"), HasSubstr("8 is out of range; use 0-7"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "99999999999999999999"),
              HasSubstr("is out of range"));
}

TEST(CronFieldTest, RejectsStepZeroAndBadSteps) {
  EXPECT_EQ(ErrorOf(CronFieldKind::kMinute, "*/0"),
            "minute field '*/0': step 0 is invalid; a step is at least 1");
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/"), HasSubstr("a step is missing after '/'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/x"), HasSubstr("step 'x' is not a number"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "1/-3"), HasSubstr("step '-3' is not a number"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/+3"), HasSubstr("character '+' is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/2/3"), HasSubstr("more than one '/'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "/5"), HasSubstr("a value is missing before '/'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/99999999999"), HasSubstr("too large"));
}

TEST(CronFieldTest, RejectsMalformedRangesAndLists) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "-1"),
              HasSubstr("a value is missing before '-' in '-1'; negative values are not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1-"), HasSubstr("a value is missing after '-'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1-2-3"), HasSubstr("'1-2-3' has more than one '-'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1,,2"), HasSubstr("a list element is empty"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1,"), HasSubstr("a list element is empty"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "*-3"), HasSubstr("'*' cannot be the end of a range"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, ""), HasSubstr("the field is empty"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1.5"), HasSubstr("character '.' is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1\n"), HasSubstr("character '\\x0A'"));
}

TEST(CronFieldTest, RejectsQuartzExtensionsNamingThem) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "L"),
              HasSubstr("day-of-month field 'L': 'L' (last day) is not supported in NCRONTAB"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "LW"),
              HasSubstr("'LW' (last weekday of the month) is not supported"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "15W"),
              HasSubstr("'15W': 'W' (the weekday nearest a day) is not supported"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "L"),
              HasSubstr("'L': 'L' (the last such weekday"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "5L"),
              HasSubstr("'5L': 'L' (the last such weekday of the month) is not supported"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "2#1"),
              HasSubstr("'#' (the nth weekday of a month) is not supported"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "TUE#1"), HasSubstr("'#'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "?"),
              HasSubstr("'?' is not supported in NCRONTAB; use '*'"));
}

TEST(CronFieldTest, ExpandedCollapsesRuns) {
  auto expanded = [](CronFieldKind kind, std::string_view text) {
    auto field = CronField::Parse(kind, text);
    return field.ok() ? field->Expanded() : field.error().message;
  };
  EXPECT_EQ(expanded(CronFieldKind::kMinute, "*/15"), "0,15,30,45");
  EXPECT_EQ(expanded(CronFieldKind::kHour, "22-2"), "0-2,22-23");
  EXPECT_EQ(expanded(CronFieldKind::kDayOfWeek, "MON-FRI"), "1-5");
  EXPECT_EQ(expanded(CronFieldKind::kDayOfWeek, "1-7"), "*");
  EXPECT_EQ(expanded(CronFieldKind::kDayOfWeek, "0,6,7"), "0,6");
  EXPECT_EQ(expanded(CronFieldKind::kMonth, "1-12"), "*");
  EXPECT_EQ(expanded(CronFieldKind::kSecond, "0-59"), "*");
  EXPECT_EQ(expanded(CronFieldKind::kSecond, "7"), "7");
}

TEST(CronFieldTest, RecordsIntervalSyntax) {
  EXPECT_TRUE(CronField::Parse(CronFieldKind::kHour, "*")->UsesIntervalSyntax());
  EXPECT_TRUE(CronField::Parse(CronFieldKind::kHour, "1-2")->UsesIntervalSyntax());
  EXPECT_TRUE(CronField::Parse(CronFieldKind::kHour, "5/2")->UsesIntervalSyntax());
  EXPECT_FALSE(CronField::Parse(CronFieldKind::kHour, "1,2")->UsesIntervalSyntax());
  EXPECT_FALSE(CronField::Parse(CronFieldKind::kHour, "0")->UsesIntervalSyntax());
}

TEST(CronFieldTest, NextFromHandlesBounds) {
  auto field = CronField::Parse(CronFieldKind::kMinute, "10,50");
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(field->NextFrom(-5), 10);
  EXPECT_EQ(field->NextFrom(11), 50);
  EXPECT_EQ(field->NextFrom(51), -1);
  EXPECT_EQ(field->NextFrom(1000), -1);
  EXPECT_FALSE(field->Contains(-1));
  EXPECT_FALSE(field->Contains(64));
}

}  // namespace
}  // namespace webjobs
