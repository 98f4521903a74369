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
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "T"),
              HasSubstr("'T' at column 1 in the day-of-week field is not a day name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "Ju"),
              HasSubstr("'Ju' at column 1 in the month field is not a month name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "Augu"), HasSubstr("'Augu' at column 1"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "SEPT-October"), HasSubstr("'SEPT' at column 1"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "DECEM"), HasSubstr("'DECEM' at column 1"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "MON-FRX"),
              HasSubstr("'FRX' at column 5 in the day-of-week field is not a day name"));
}

TEST(CronFieldTest, RejectsNamesInNumericFields) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "MON"),
              HasSubstr("'MON' at column 1 in the hour field is not a number; valid hour values "
                        "are 0-23"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "MON"), HasSubstr("'MON' at column 1 in the month "
                                                               "field is not a month name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "JAN"),
              HasSubstr("'JAN' at column 1 in the day-of-week field is not a day name"));
}

TEST(CronFieldTest, RejectsOutOfRangeValues) {
  EXPECT_EQ(ErrorOf(CronFieldKind::kHour, "25"),
            "'25' at column 1 in the hour field is out of range; valid hour values are 0-23, for "
            "example '9' or '8-18'");
  EXPECT_THAT(ErrorOf(CronFieldKind::kSecond, "60"),
              HasSubstr("'60' at column 1 in the second field is out of range; valid second "
                        "values are 0-59"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "0"),
              HasSubstr("'0' at column 1 in the day-of-month field is out of range; valid "
                        "day-of-month values are 1-31"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMonth, "13"),
              HasSubstr("'13' at column 1 in the month field is out of range"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "8"),
              HasSubstr("'8' at column 1 in the day-of-week field is out of range; valid "
                        "day-of-week values are 0-7"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "1,99999999999999999999"),
              HasSubstr("'99999999999999999999' at column 3 in the minute field is out of range"));
}

TEST(CronFieldTest, ColumnsStartAtFirstColumn) {
  auto field = CronField::Parse(CronFieldKind::kHour, "1,2,30", 12);
  ASSERT_FALSE(field.ok());
  EXPECT_THAT(field.error().message, HasSubstr("'30' at column 16 in the hour field"));
}

TEST(CronFieldTest, RejectsStepZeroAndBadSteps) {
  EXPECT_EQ(ErrorOf(CronFieldKind::kMinute, "*/0"),
            "'0' at column 3 in the minute field is not a valid step (a step is a whole number of "
            "at least 1); valid minute values are 0-59, for example '*/5' or '0,30'");
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/"),
              HasSubstr("'/' at column 2 in the minute field has no step after it"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/x"),
              HasSubstr("'x' at column 3 in the minute field is not a valid step"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "1/-3"),
              HasSubstr("'-3' at column 3 in the minute field is not a valid step"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/+3"),
              HasSubstr("'+' at column 3 in the minute field is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/2/3"),
              HasSubstr("'/' at column 4 in the minute field is one '/' too many"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "/5"),
              HasSubstr("'/' at column 1 in the minute field has no value before it"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kMinute, "*/99999999999"),
              HasSubstr("'99999999999' at column 3 in the minute field is too large for a step"));
}

TEST(CronFieldTest, RejectsMalformedRangesAndLists) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "-1"),
              HasSubstr("'-' at column 1 in the day-of-week field has no value before it "
                        "(negative values are not allowed)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1-"),
              HasSubstr("'-' at column 2 in the hour field has no value after it"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1-/2"),
              HasSubstr("'-' at column 2 in the hour field has no value after it"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1-2-3"),
              HasSubstr("'-' at column 4 in the hour field is one '-' too many"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1--3"),
              HasSubstr("'-' at column 3 in the hour field is one '-' too many"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1,,2"),
              HasSubstr("',' at column 3 in the hour field leaves an empty list item"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1,"),
              HasSubstr("',' at column 2 in the hour field leaves an empty list item"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, ",1"),
              HasSubstr("',' at column 1 in the hour field leaves an empty list item"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "*-3"),
              HasSubstr("'*' at column 1 in the hour field cannot be part of a range"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "3-*"),
              HasSubstr("'*' at column 3 in the hour field cannot be part of a range"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "*5"),
              HasSubstr("'5' at column 2 in the hour field cannot follow '*'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "5*"),
              HasSubstr("'*' at column 2 in the hour field cannot follow '5'"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, ""),
              HasSubstr("'' at column 1 in the hour field is empty"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1.5"),
              HasSubstr("'.' at column 2 in the hour field is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1\n"),
              HasSubstr("'\\x0A' at column 2 in the hour field is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "1,\xE2\x80\x93"),
              HasSubstr("'\xE2\x80\x93' at column 3 in the hour field is not allowed"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "\xE2\x80"),
              HasSubstr("'\\xE2' at column 1 in the hour field is not allowed"));
}

TEST(CronFieldTest, RejectsQuartzExtensionsNamingThem) {
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "L"),
              HasSubstr("'L' at column 1 in the day-of-month field is not supported (Quartz "
                        "syntax for the last day of the month)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "lw"),
              HasSubstr("'lw' at column 1 in the day-of-month field is not supported (Quartz "
                        "syntax for the last weekday of the month)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "1,15W"),
              HasSubstr("'15W' at column 3 in the day-of-month field is not supported (Quartz "
                        "syntax for the weekday nearest a day)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "L"),
              HasSubstr("'L' at column 1 in the day-of-week field is not supported (Quartz "
                        "syntax for the last day of the week)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "5L"),
              HasSubstr("'5L' at column 1 in the day-of-week field is not supported (Quartz "
                        "syntax for the last such weekday of the month)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "2#1"),
              HasSubstr("'#' at column 2 in the day-of-week field is not supported (Quartz "
                        "syntax for the nth weekday of a month)"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "TUE#1"), HasSubstr("'#' at column 4"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfMonth, "?"),
              HasSubstr("'?' at column 1 in the day-of-month field is not supported (Quartz "
                        "syntax for 'no specific value'), so write '*' instead"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kDayOfWeek, "LW"),
              HasSubstr("'LW' at column 1 in the day-of-week field is not a day name"));
  EXPECT_THAT(ErrorOf(CronFieldKind::kHour, "L"),
              HasSubstr("'L' at column 1 in the hour field is not a number"));
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
