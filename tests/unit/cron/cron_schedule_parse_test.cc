#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cron/cron_schedule.h"

namespace webjobs {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(std::string_view expression) {
  auto schedule = CronSchedule::Parse(expression);
  if (schedule.ok()) return "parsed: " + schedule->Expanded();
  EXPECT_EQ(schedule.error().code, ErrorCode::kInvalidArgument);
  return schedule.error().message;
}

std::string ExpandedOf(std::string_view expression) {
  auto schedule = CronSchedule::Parse(expression);
  return schedule.ok() ? schedule->Expanded() : "error: " + schedule.error().message;
}

TEST(CronScheduleParseTest, AcceptsSixFields) {
  auto schedule = CronSchedule::Parse("0 */5 * * * *");
  ASSERT_TRUE(schedule.ok()) << schedule.error().message;
  EXPECT_EQ(schedule->expression(), "0 */5 * * * *");
  EXPECT_EQ(schedule->Expanded(), "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * *");
}

TEST(CronScheduleParseTest, TrimsAndAcceptsRunsOfSpacesAndTabs) {
  const std::string expected = ExpandedOf("0 */5 * * * *");
  EXPECT_EQ(ExpandedOf("  0   */5 * * * *  "), expected);
  EXPECT_EQ(ExpandedOf("0\t*/5\t*\t*\t*\t*"), expected);
  EXPECT_EQ(ExpandedOf("0 \t */5 * * * *"), expected);
  EXPECT_EQ(ExpandedOf("0 */5 * * * *\n"), expected);
  EXPECT_EQ(ExpandedOf("\r\n0 */5 * * * *\r\n"), expected);
  auto schedule = CronSchedule::Parse("  0   */5 * * * *  ");
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->expression(), "0   */5 * * * *");
}

TEST(CronScheduleParseTest, ReadsFiveFieldsAsClassicCrontab) {
  EXPECT_EQ(ExpandedOf("*/5 * * * *"), "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * *");
  EXPECT_EQ(ExpandedOf("30 9 * * MON-FRI"), "0 30 9 * * 1-5");
  EXPECT_FALSE(CronSchedule::Parse("30 2 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("*/5 * * * *")->IsInterval());
}

TEST(CronScheduleParseTest, RejectsOtherFieldCountsWithExample) {
  EXPECT_EQ(ErrorOf("0 0 12 * * ? *"),
            "invalid schedule '0 0 12 * * ? *': it has 7 fields; expected 6 (second minute hour "
            "day-of-month month day-of-week), for example '0 */5 * * * *' for every five "
            "minutes, or 5 in classic crontab form (minute first)");
  EXPECT_THAT(ErrorOf("* * * *"), HasSubstr("it has 4 fields; expected 6"));
  EXPECT_THAT(ErrorOf("5"), HasSubstr("it has 1 field; expected 6"));
  EXPECT_THAT(ErrorOf("0 0 0 1 1 * 2024"), HasSubstr("'0 */5 * * * *'"));
}

TEST(CronScheduleParseTest, RejectsEmptyExpression) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("invalid schedule '': the expression is empty"));
  EXPECT_THAT(ErrorOf(" \t\n"), HasSubstr("the expression is empty; write six fields"));
}

TEST(CronScheduleParseTest, RejectsMacrosNamingThem) {
  EXPECT_THAT(ErrorOf("@daily"),
              HasSubstr("invalid schedule '@daily': macros such as '@daily' are not supported"));
  EXPECT_THAT(ErrorOf("@reboot"), HasSubstr("'@reboot'"));
  EXPECT_THAT(ErrorOf("@every 5m"), HasSubstr("'@every'"));
}

TEST(CronScheduleParseTest, RejectsExtensionsNamingTheToken) {
  EXPECT_THAT(ErrorOf("0 0 11 L * *"),
              HasSubstr("invalid schedule '0 0 11 L * *': day-of-month field 'L': 'L'"));
  EXPECT_THAT(ErrorOf("0 0 0 LW * *"), HasSubstr("'LW'"));
  EXPECT_THAT(ErrorOf("0 0 0 15W * *"), HasSubstr("'15W': 'W'"));
  EXPECT_THAT(ErrorOf("0 0 8 * * 2#1"), HasSubstr("day-of-week field '2#1': '#'"));
  EXPECT_THAT(ErrorOf("0 0 8 * * TUE#1"), HasSubstr("day-of-week field 'TUE#1': '#'"));
  EXPECT_THAT(ErrorOf("0 0 0 * * 5L"), HasSubstr("'5L': 'L'"));
  EXPECT_THAT(ErrorOf("0 0 8 ? * MON"), HasSubstr("day-of-month field '?': '?'"));
  EXPECT_THAT(ErrorOf("0 0 0 * * -1"), HasSubstr("negative values are not allowed"));
}

TEST(CronScheduleParseTest, AcceptsSundayAsZeroOrSeven) {
  EXPECT_EQ(ExpandedOf("0 0 0 * * 0"), "0 0 0 * * 0");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 7"), "0 0 0 * * 0");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 0,6"), "0 0 0 * * 0,6");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 1-7"), "0 0 0 * * *");
  EXPECT_EQ(ExpandedOf("0 0 11 28-31 * *"), "0 0 11 28-31 * *");
}

TEST(CronScheduleParseTest, RejectsStepZero) {
  EXPECT_EQ(ErrorOf("0 */0 * * * *"),
            "invalid schedule '0 */0 * * * *': minute field '*/0': step 0 is invalid; a step is "
            "at least 1");
}

TEST(CronScheduleParseTest, RejectsOneLetterAndPartialNames) {
  EXPECT_THAT(ErrorOf("0 0 9 * * T"), HasSubstr("day-of-week field 'T': 'T' is not a day name"));
  EXPECT_THAT(ErrorOf("0 0 0 1 Ju *"), HasSubstr("month field 'Ju': 'Ju' is not a month name"));
  EXPECT_THAT(ErrorOf("0 0 9 * * MON-FRX"), HasSubstr("'FRX' is not a day name"));
  EXPECT_EQ(ExpandedOf("0 0 9 * * Monday-Friday"), "0 0 9 * * 1-5");
  EXPECT_EQ(ExpandedOf("0 0 9 * * mon-fri"), "0 0 9 * * 1-5");
}

TEST(CronScheduleParseTest, ReversedRangesWrap) {
  EXPECT_EQ(ExpandedOf("0 0 22-2 * * *"), "0 0 0-2,22-23 * * *");
  EXPECT_EQ(ExpandedOf("0 0 8 * * FRI-MON"), "0 0 8 * * 0-1,5-6");
}

TEST(CronScheduleParseTest, RejectsDatesThatNeverOccur) {
  EXPECT_EQ(ErrorOf("0 0 0 30 2 *"),
            "invalid schedule '0 0 0 30 2 *': the date never occurs: day-of-month 30 does not "
            "exist in February");
  EXPECT_EQ(ErrorOf("0 0 0 31 4 *"),
            "invalid schedule '0 0 0 31 4 *': the date never occurs: day-of-month 31 does not "
            "exist in April");
  EXPECT_THAT(ErrorOf("0 0 0 31 2,4,6,9,11 *"),
              HasSubstr("day-of-month 31 does not exist in February or April or June or "
                        "September or November"));
  EXPECT_THAT(ErrorOf("0 0 0 30-31 FEB *"), HasSubstr("day-of-month 30-31 does not exist"));
}

TEST(CronScheduleParseTest, AcceptsDatesThatOccurInSomeMonth) {
  EXPECT_TRUE(CronSchedule::Parse("0 0 12 29 2 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 31 4,5 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 30,1 2 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 31 * *").ok());
}

TEST(CronScheduleParseTest, ErrorQuotesExpressionAndNamesField) {
  EXPECT_EQ(ErrorOf("0 0 25 * * *"),
            "invalid schedule '0 0 25 * * *': hour field '25': 25 is out of range; use 0-23");
  EXPECT_EQ(ErrorOf("0 0 0 0 * *"),
            "invalid schedule '0 0 0 0 * *': day-of-month field '0': 0 is out of range; use 1-31");
}

TEST(CronScheduleParseTest, RejectsControlCharactersInside) {
  EXPECT_EQ(ErrorOf("0 0\n12 * * *"),
            "invalid schedule '0 0\\x0A12 * * *': byte \\x0A at offset 3 is not allowed; separate "
            "fields with spaces or tabs");
  EXPECT_THAT(ErrorOf("0 0 12 * * \xC3\xA9"), HasSubstr("byte \\xC3 at offset 11"));
}

TEST(CronScheduleParseTest, RejectsOverlongExpressionAndCutsQuote) {
  const std::string expression = "0 0 0 * * " + std::string(2000, '1');
  const std::string message = ErrorOf(expression);
  EXPECT_THAT(message, HasSubstr("it is 2010 bytes long; the maximum is 1024"));
  EXPECT_LT(message.size(), 300u);
}

TEST(CronScheduleParseTest, IntervalFollowsSecondMinuteHourSyntax) {
  EXPECT_TRUE(CronSchedule::Parse("0 */20 * * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 0 * * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("*/30 * 1 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 0 1-2 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 5/30 1 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 30 1 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 0,30 1,2 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 0 2 */2 * 1-5")->IsInterval());
}

TEST(CronScheduleParseTest, ExpandedParsesBackToSameSchedule) {
  for (std::string_view expression : {"0 */15 * * * *", "5/15 0-10 22-2 */7 NOV-FEB FRI-MON",
                                      "* * * * * *", "0 0 12 29 2 *", "1,2,3 59 23 31 12 7"}) {
    auto schedule = CronSchedule::Parse(expression);
    ASSERT_TRUE(schedule.ok()) << expression;
    auto reparsed = CronSchedule::Parse(schedule->Expanded());
    ASSERT_TRUE(reparsed.ok()) << schedule->Expanded();
    EXPECT_EQ(reparsed->Expanded(), schedule->Expanded());
  }
}

}  // namespace
}  // namespace webjobs
