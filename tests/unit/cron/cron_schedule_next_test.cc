// Next-occurrence cases in UTC: field semantics without DST.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cron/cron_schedule.h"
#include "cron/cron_test_support.h"

namespace webjobs {
namespace {

using cron_test::Format;
using cron_test::Instant;
using cron_test::NextTimes;
using cron_test::Zone;
using ::testing::ElementsAre;

const date::time_zone* Utc() { return Zone("UTC"); }

TEST(CronScheduleNextTest, EveryFiveMinutes) {
  for (std::string_view expression :
       {"0 */5 * * * *", "  0   */5 * * * *  ", "0\t*/5\t*\t*\t*\t*", "0 */5 * * * *\n"}) {
    EXPECT_THAT(NextTimes(expression, "2024-01-01T00:02:30Z", Utc(), 3),
                ElementsAre("2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z", "2024-01-01T00:15:00Z"))
        << "'" << expression << "'";
  }
}

TEST(CronScheduleNextTest, FiveFieldsRunAtSecondZero) {
  EXPECT_THAT(NextTimes("*/5 * * * *", "2024-01-01T00:02:30Z", Utc(), 3),
              ElementsAre("2024-01-01T00:05:00Z", "2024-01-01T00:10:00Z", "2024-01-01T00:15:00Z"));
}

TEST(CronScheduleNextTest, NullZoneMeansUtc) {
  EXPECT_THAT(NextTimes("0 0 9 * * MON-FRI", "2024-03-01T10:00:00Z", nullptr, 2),
              ElementsAre("2024-03-04T09:00:00Z", "2024-03-05T09:00:00Z"));
}

TEST(CronScheduleNextTest, WeekdayNamesInAnyAcceptedForm) {
  for (std::string_view expression :
       {"0 0 9 * * MON-FRI", "0 0 9 * * mon-fri", "0 0 9 * * Monday-Friday", "0 0 9 * * 1-5"}) {
    EXPECT_THAT(NextTimes(expression, "2024-03-01T10:00:00Z", Utc(), 3),
                ElementsAre("2024-03-04T09:00:00Z", "2024-03-05T09:00:00Z", "2024-03-06T09:00:00Z"))
        << expression;
  }
}

TEST(CronScheduleNextTest, SundayAsZeroOrSeven) {
  // 2024-03-03 is a Sunday.
  EXPECT_THAT(NextTimes("0 0 0 * * 7", "2024-03-01T00:00:00Z", Utc(), 2),
              ElementsAre("2024-03-03T00:00:00Z", "2024-03-10T00:00:00Z"));
  EXPECT_THAT(NextTimes("0 0 0 * * 0", "2024-03-01T00:00:00Z", Utc(), 2),
              ElementsAre("2024-03-03T00:00:00Z", "2024-03-10T00:00:00Z"));
  EXPECT_THAT(NextTimes("0 0 0 * * 1-7", "2024-03-01T00:00:00Z", Utc(), 2),
              ElementsAre("2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z"));
}

TEST(CronScheduleNextTest, ReversedHourRangeWrapsPastMidnight) {
  EXPECT_THAT(NextTimes("0 0 22-2 * * *", "2024-01-01T00:00:00Z", Utc(), 4),
              ElementsAre("2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z", "2024-01-01T22:00:00Z",
                          "2024-01-01T23:00:00Z"));
}

TEST(CronScheduleNextTest, ReversedWeekdayRangeWrapsPastSaturday) {
  EXPECT_THAT(NextTimes("0 0 8 * * FRI-MON", "2024-03-01T10:00:00Z", Utc(), 4),
              ElementsAre("2024-03-02T08:00:00Z", "2024-03-03T08:00:00Z", "2024-03-04T08:00:00Z",
                          "2024-03-08T08:00:00Z"));
}

TEST(CronScheduleNextTest, SecondsResetWhenLargerFieldMoves) {
  EXPECT_THAT(NextTimes("*/30 * 23,0,1,2 * * 1-5", "2023-08-31T14:40:25Z", Utc(), 3),
              ElementsAre("2023-08-31T23:00:00Z", "2023-08-31T23:00:30Z", "2023-08-31T23:01:00Z"));
  EXPECT_THAT(NextTimes("* 0-1 10 * * *", "2021-02-24T09:50:35Z", Utc(), 2),
              ElementsAre("2021-02-24T10:00:00Z", "2021-02-24T10:00:01Z"));
  EXPECT_THAT(NextTimes("* 55 * * * *", "2021-02-24T09:35:35Z", Utc(), 1),
              ElementsAre("2021-02-24T09:55:00Z"));
}

TEST(CronScheduleNextTest, MinutesResetWhenDayMoves) {
  EXPECT_THAT(NextTimes("30 15 10 * * *", "2024-01-01T10:20:40Z", Utc(), 2),
              ElementsAre("2024-01-02T10:15:30Z", "2024-01-03T10:15:30Z"));
}

TEST(CronScheduleNextTest, StepsThatDoNotDivideTheRange) {
  EXPECT_THAT(NextTimes("0 */7 * * * *", "2024-01-01T00:50:00Z", Utc(), 3),
              ElementsAre("2024-01-01T00:56:00Z", "2024-01-01T01:00:00Z", "2024-01-01T01:07:00Z"));
  EXPECT_THAT(NextTimes("0 */59 * * * *", "2024-01-01T00:30:00Z", Utc(), 4),
              ElementsAre("2024-01-01T00:59:00Z", "2024-01-01T01:00:00Z", "2024-01-01T01:59:00Z",
                          "2024-01-01T02:00:00Z"));
  EXPECT_THAT(NextTimes("*/45 * * * * *", "2024-01-01T00:00:00Z", Utc(), 3),
              ElementsAre("2024-01-01T00:00:45Z", "2024-01-01T00:01:00Z", "2024-01-01T00:01:45Z"));
  EXPECT_THAT(NextTimes("0 0 0 */7 * *", "2023-02-20T00:00:00Z", Utc(), 3),
              ElementsAre("2023-02-22T00:00:00Z", "2023-03-01T00:00:00Z", "2023-03-08T00:00:00Z"));
}

TEST(CronScheduleNextTest, ValueWithStepRunsToFieldMaximum) {
  EXPECT_THAT(NextTimes("5/15 * * * * *", "2024-01-01T00:00:00Z", Utc(), 5),
              ElementsAre("2024-01-01T00:00:05Z", "2024-01-01T00:00:20Z", "2024-01-01T00:00:35Z",
                          "2024-01-01T00:00:50Z", "2024-01-01T00:01:05Z"));
  EXPECT_THAT(NextTimes("0 40 14/1 * * *", "2000-01-01T14:40:00Z", Utc(), 2),
              ElementsAre("2000-01-01T15:40:00Z", "2000-01-01T16:40:00Z"));
}

TEST(CronScheduleNextTest, LeapDaySkipsToNextLeapYear) {
  EXPECT_THAT(NextTimes("0 0 12 29 2 *", "2024-03-01T00:00:00Z", Utc(), 3),
              ElementsAre("2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z", "2036-02-29T12:00:00Z"));
  // 2100 is not a leap year.
  EXPECT_THAT(NextTimes("0 0 12 29 2 *", "2096-03-01T00:00:00Z", Utc(), 1),
              ElementsAre("2104-02-29T12:00:00Z"));
}

TEST(CronScheduleNextTest, DayThirtyOneSkipsShortMonths) {
  EXPECT_THAT(NextTimes("0 0 0 31 * *", "2024-01-31T00:00:01Z", Utc(), 3),
              ElementsAre("2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z"));
}

TEST(CronScheduleNextTest, DayAndWeekdayBothMatch) {
  // Friday the 13th.
  EXPECT_THAT(NextTimes("0 0 0 13 * FRI", "2024-01-01T00:00:00Z", Utc(), 3),
              ElementsAre("2024-09-13T00:00:00Z", "2024-12-13T00:00:00Z", "2025-06-13T00:00:00Z"));
}

TEST(CronScheduleNextTest, RareDateIsFoundFast) {
  // Feb 29 on a Monday: 2016, 2044 and 2072.
  auto schedule = CronSchedule::Parse("0 0 0 29 2 MON");
  ASSERT_TRUE(schedule.ok());
  const auto started = std::chrono::steady_clock::now();
  auto next = schedule->NextAfter(Instant("2016-03-01T00:00:00Z"), Utc());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(Format(*next, Utc()), "2044-02-29T00:00:00Z");
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(CronScheduleNextTest, EveryValidDateOnEveryWeekdayOccurs) {
  const std::array<int, 13> max_days = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const auto from = Instant("2024-06-15T12:00:00Z");
  for (int month = 1; month <= 12; ++month) {
    for (int day = 1; day <= max_days[month]; ++day) {
      for (int weekday = 0; weekday <= 6; ++weekday) {
        const std::string expression = "0 0 0 " + std::to_string(day) + " " +
                                       std::to_string(month) + " " + std::to_string(weekday);
        auto schedule = CronSchedule::Parse(expression);
        ASSERT_TRUE(schedule.ok()) << expression;
        auto next = schedule->NextAfter(from, Utc());
        ASSERT_TRUE(next.has_value()) << expression;
        const date::year_month_weekday found{date::floor<date::days>(*next)};
        const date::year_month_day found_date{date::floor<date::days>(*next)};
        EXPECT_EQ(found.weekday().c_encoding(), static_cast<unsigned>(weekday)) << expression;
        EXPECT_EQ(static_cast<unsigned>(found_date.day()), static_cast<unsigned>(day));
      }
    }
  }
}

TEST(CronScheduleNextTest, FarFutureYearlyRun) {
  EXPECT_THAT(NextTimes("0 0 1 1 8 *", "2019-10-18T11:35:12Z", Utc(), 2),
              ElementsAre("2020-08-01T01:00:00Z", "2021-08-01T01:00:00Z"));
}

TEST(CronScheduleNextTest, NextIsStrictlyAfterGivenInstant) {
  auto schedule = CronSchedule::Parse("0 0 4 * * *");
  ASSERT_TRUE(schedule.ok());
  const auto slot = Instant("2024-01-01T04:00:00Z");
  // A timer that fires early, at 03:59:59.990, still gets today's slot.
  auto early = schedule->NextAfter(slot - std::chrono::milliseconds(10), Utc());
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(Format(*early, Utc()), "2024-01-01T04:00:00Z");
  // From the slot itself, the next run is tomorrow.
  auto after_slot = schedule->NextAfter(slot, Utc());
  ASSERT_TRUE(after_slot.has_value());
  EXPECT_EQ(Format(*after_slot, Utc()), "2024-01-02T04:00:00Z");
  // Half a second past a matching second skips that second.
  auto every_second = CronSchedule::Parse("* * * * * *");
  ASSERT_TRUE(every_second.ok());
  auto next = every_second->NextAfter(slot + std::chrono::milliseconds(500), Utc());
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, slot + std::chrono::seconds(1));
}

TEST(CronScheduleNextTest, InstantsBeforeEpochWork) {
  EXPECT_THAT(NextTimes("0 0 0 1 1 *", "1969-12-31T23:59:59Z", Utc(), 1),
              ElementsAre("1970-01-01T00:00:00Z"));
  EXPECT_THAT(NextTimes("30 * * * * *", "1950-06-01T00:00:45Z", Utc(), 1),
              ElementsAre("1950-06-01T00:01:30Z"));
}

TEST(CronScheduleNextTest, BeyondSystemClockRangeIsNone) {
  auto schedule = CronSchedule::Parse("0 0 0 1 1 *");
  ASSERT_TRUE(schedule.ok());
  EXPECT_FALSE(schedule->NextAfter(std::chrono::system_clock::time_point::max(), Utc()));
  auto from_min = schedule->NextAfter(std::chrono::system_clock::time_point::min(), Utc());
  ASSERT_TRUE(from_min.has_value());
  EXPECT_EQ(Format(*from_min, Utc()), "1678-01-01T00:00:00Z");
}

}  // namespace
}  // namespace webjobs
