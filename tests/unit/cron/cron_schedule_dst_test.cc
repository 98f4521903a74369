// Next-occurrence cases across daylight-saving changes. A local time in a
// spring-forward gap runs once, at the first instant after the gap. In a
// fall-back overlap, a fixed-time schedule runs in the first pass only, and
// an interval schedule runs in both passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cron/cron_schedule.h"
#include "cron/cron_test_support.h"

namespace webjobs {
namespace {

using cron_test::CountBetween;
using cron_test::Instant;
using cron_test::NextTimes;
using cron_test::Zone;
using ::testing::ElementsAre;

int CountOn(std::string_view expression, std::string_view day_start, std::string_view day_end,
            std::string_view zone) {
  auto schedule = CronSchedule::Parse(expression);
  EXPECT_TRUE(schedule.ok()) << expression;
  if (!schedule.ok()) return -1;
  return CountBetween(*schedule, Instant(day_start), Instant(day_end), Zone(zone));
}

TEST(CronScheduleDstTest, GapTimeRunsAtEndOfGap) {
  EXPECT_THAT(NextTimes("0 30 2 * * *", "2024-03-09T12:00:00-05:00", Zone("America/New_York"), 3),
              ElementsAre("2024-03-10T03:00:00-04:00", "2024-03-11T02:30:00-04:00",
                          "2024-03-12T02:30:00-04:00"));
}

TEST(CronScheduleDstTest, GapTimeDropsItsSeconds) {
  EXPECT_THAT(NextTimes("15 30 2 * * *", "2024-03-09T12:00:00-05:00", Zone("America/New_York"), 2),
              ElementsAre("2024-03-10T03:00:00-04:00", "2024-03-11T02:30:15-04:00"));
}

TEST(CronScheduleDstTest, GapRunCountsOnlyWhenStrictlyAfter) {
  const auto* new_york = Zone("America/New_York");
  EXPECT_THAT(NextTimes("0 30 2 * * *", "2024-03-10T01:59:59-05:00", new_york, 1),
              ElementsAre("2024-03-10T03:00:00-04:00"));
  EXPECT_THAT(NextTimes("0 30 2 * * *", "2024-03-10T03:00:00-04:00", new_york, 1),
              ElementsAre("2024-03-11T02:30:00-04:00"));
}

TEST(CronScheduleDstTest, SeveralGapSlotsCollapseIntoOneRun) {
  const auto* new_york = Zone("America/New_York");
  EXPECT_THAT(NextTimes("0 0,30 2 * * *", "2024-03-10T00:00:00-05:00", new_york, 3),
              ElementsAre("2024-03-10T03:00:00-04:00", "2024-03-11T02:00:00-04:00",
                          "2024-03-11T02:30:00-04:00"));
  EXPECT_THAT(NextTimes("0 */15 * * * *", "2024-03-10T01:50:00-05:00", new_york, 3),
              ElementsAre("2024-03-10T03:00:00-04:00", "2024-03-10T03:15:00-04:00",
                          "2024-03-10T03:30:00-04:00"));
  EXPECT_THAT(NextTimes("* * 2 * * *", "2024-03-10T01:59:58-05:00", new_york, 2),
              ElementsAre("2024-03-10T03:00:00-04:00", "2024-03-11T02:00:00-04:00"));
}

TEST(CronScheduleDstTest, FixedTimeOverlapRunsOnce) {
  EXPECT_THAT(NextTimes("0 30 1 * * *", "2024-11-02T12:00:00-04:00", Zone("America/New_York"), 3),
              ElementsAre("2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00",
                          "2024-11-05T01:30:00-05:00"));
}

TEST(CronScheduleDstTest, SecondPassStartWaitsForNextDay) {
  const auto* new_york = Zone("America/New_York");
  EXPECT_THAT(NextTimes("0 30 1 * * *", "2024-11-03T01:40:00-04:00", new_york, 1),
              ElementsAre("2024-11-04T01:30:00-05:00"));
  EXPECT_THAT(NextTimes("0 30 1 * * *", "2024-11-03T01:10:00-05:00", new_york, 1),
              ElementsAre("2024-11-04T01:30:00-05:00"));
}

TEST(CronScheduleDstTest, BerlinSundayTwoAmSkipsSecondPass) {
  const auto* berlin = Zone("Europe/Berlin");
  EXPECT_THAT(NextTimes("0 0 2 * * 0", "2024-10-27T00:30:00Z", berlin, 2),
              ElementsAre("2024-11-03T02:00:00+01:00", "2024-11-10T02:00:00+01:00"));
  EXPECT_THAT(NextTimes("0 0 2 * * 0", "2024-10-26T23:30:00Z", berlin, 2),
              ElementsAre("2024-10-27T02:00:00+02:00", "2024-11-03T02:00:00+01:00"));
}

TEST(CronScheduleDstTest, WeekdayMorningKeepsWallClockAfterFallBack) {
  EXPECT_THAT(NextTimes("0 0 8 * * 1-5", "2018-11-02T08:00:00-04:00", Zone("America/New_York"), 3),
              ElementsAre("2018-11-05T08:00:00-05:00", "2018-11-06T08:00:00-05:00",
                          "2018-11-07T08:00:00-05:00"));
}

TEST(CronScheduleDstTest, IntervalRunsInBothPasses) {
  EXPECT_THAT(NextTimes("0 */20 * * * *", "2018-11-04T00:50:00-04:00", Zone("America/New_York"), 7),
              ElementsAre("2018-11-04T01:00:00-04:00", "2018-11-04T01:20:00-04:00",
                          "2018-11-04T01:40:00-04:00", "2018-11-04T01:00:00-05:00",
                          "2018-11-04T01:20:00-05:00", "2018-11-04T01:40:00-05:00",
                          "2018-11-04T02:00:00-05:00"));
}

TEST(CronScheduleDstTest, SecondsIntervalContinuesIntoSecondPass) {
  EXPECT_THAT(NextTimes("*/15 * * * * *", "2024-11-03T01:59:45-04:00", Zone("America/New_York"), 3),
              ElementsAre("2024-11-03T01:00:00-05:00", "2024-11-03T01:00:15-05:00",
                          "2024-11-03T01:00:30-05:00"));
}

TEST(CronScheduleDstTest, HourlyCountsOnChangeDays) {
  // Local days in New York: 2024-11-03 lasts 25 hours, 2024-03-10 lasts 23.
  EXPECT_EQ(CountOn("0 0 * * * *", "2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00",
                    "America/New_York"),
            25);
  EXPECT_EQ(CountOn("0 0 * * * *", "2024-03-10T00:00:00-05:00", "2024-03-11T00:00:00-04:00",
                    "America/New_York"),
            23);
  EXPECT_EQ(CountOn("*/30 * 1 * * *", "2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00",
                    "America/New_York"),
            240);
  EXPECT_EQ(CountOn("0 30 1 * * *", "2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00",
                    "America/New_York"),
            1);
}

TEST(CronScheduleDstTest, DailyKeepsWallClockAcrossOffsetChange) {
  EXPECT_THAT(NextTimes("0 30 23 * * *", "2018-03-24T23:30:00+01:00", Zone("Europe/Berlin"), 3),
              ElementsAre("2018-03-25T23:30:00+02:00", "2018-03-26T23:30:00+02:00",
                          "2018-03-27T23:30:00+02:00"));
  EXPECT_THAT(NextTimes("0 0 20 * * *", "2022-10-30T00:00:00+02:00", Zone("Europe/Paris"), 3),
              ElementsAre("2022-10-30T20:00:00+01:00", "2022-10-31T20:00:00+01:00",
                          "2022-11-01T20:00:00+01:00"));
}

TEST(CronScheduleDstTest, LordHoweHalfHourGap) {
  // DST starts 2024-10-06 02:00 +10:30, clocks jump to 02:30 +11:00.
  const auto* lord_howe = Zone("Australia/Lord_Howe");
  EXPECT_THAT(NextTimes("0 15 2 * * *", "2024-10-05T12:00:00+10:30", lord_howe, 2),
              ElementsAre("2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00"));
  EXPECT_THAT(NextTimes("0 45 2 * * *", "2024-10-05T12:00:00+10:30", lord_howe, 1),
              ElementsAre("2024-10-06T02:45:00+11:00"));
  EXPECT_EQ(CountOn("0 */30 * * * *", "2024-10-06T00:00:00+10:30", "2024-10-07T00:00:00+11:00",
                    "Australia/Lord_Howe"),
            47);
}

TEST(CronScheduleDstTest, LordHoweHalfHourOverlap) {
  // DST ends 2024-04-07 02:00 +11:00, clocks go back to 01:30 +10:30.
  const auto* lord_howe = Zone("Australia/Lord_Howe");
  EXPECT_THAT(NextTimes("0 45 1 * * *", "2024-04-06T12:00:00+11:00", lord_howe, 2),
              ElementsAre("2024-04-07T01:45:00+11:00", "2024-04-08T01:45:00+10:30"));
  EXPECT_THAT(NextTimes("0 */15 * * * *", "2024-04-07T01:40:00+11:00", lord_howe, 4),
              ElementsAre("2024-04-07T01:45:00+11:00", "2024-04-07T01:30:00+10:30",
                          "2024-04-07T01:45:00+10:30", "2024-04-07T02:00:00+10:30"));
  EXPECT_EQ(CountOn("0 */30 * * * *", "2024-04-07T00:00:00+11:00", "2024-04-08T00:00:00+10:30",
                    "Australia/Lord_Howe"),
            49);
}

TEST(CronScheduleDstTest, MidnightGapRunsDailyJobAtOneAm) {
  // Cuba starts DST at 00:00 local; 2024-03-10 00:00 does not exist.
  EXPECT_THAT(NextTimes("0 0 0 * * *", "2024-03-09T12:00:00-05:00", Zone("America/Havana"), 2),
              ElementsAre("2024-03-10T01:00:00-04:00", "2024-03-11T00:00:00-04:00"));
}

TEST(CronScheduleDstTest, SkippedDayRunsAtNextMidnight) {
  // Samoa moved across the date line: 2011-12-30 does not exist in Apia.
  EXPECT_THAT(NextTimes("0 0 12 * * *", "2011-12-29T12:00:00-10:00", Zone("Pacific/Apia"), 2),
              ElementsAre("2011-12-31T00:00:00+14:00", "2011-12-31T12:00:00+14:00"));
  EXPECT_THAT(NextTimes("0 0 12 30 12 *", "2011-12-01T00:00:00-10:00", Zone("Pacific/Apia"), 2),
              ElementsAre("2011-12-31T00:00:00+14:00", "2012-12-30T12:00:00+14:00"));
}

TEST(CronScheduleDstTest, ZoneWithoutDstIsPlainOffset) {
  EXPECT_THAT(NextTimes("0 0 9 * * *", "2023-12-31T12:00:00Z", Zone("Asia/Seoul"), 2),
              ElementsAre("2024-01-01T09:00:00+09:00", "2024-01-02T09:00:00+09:00"));
  EXPECT_THAT(NextTimes("0 30 0 * * *", "2024-01-01T00:00:00Z", Zone("Asia/Kolkata"), 1),
              ElementsAre("2024-01-02T00:30:00+05:30"));
}

TEST(CronScheduleDstTest, EveryZoneYieldsMatchingTimes) {
  // In every zone of the tz database, consecutive results increase, and each
  // result is either a matching local time or the first instant after an
  // offset change (where skipped local times run).
  struct Probe {
    std::string_view expression;
    int minute;  // expected local minute, or -1 for any
    int hour;    // expected local hour, or -1 for any
  };
  const Probe probes[] = {
      {"0 30 2 * * *", 30, 2}, {"0 */20 * * * *", -1, -1}, {"0 0 0 29 2 *", 0, 0}};
  for (const date::time_zone& zone : date::get_tzdb().zones) {
    for (const Probe& probe : probes) {
      auto schedule = CronSchedule::Parse(probe.expression);
      ASSERT_TRUE(schedule.ok());
      for (std::string_view from :
           {"1900-01-01T00:00:00Z", "1975-06-01T00:00:00Z", "2024-01-01T00:00:00Z"}) {
        auto instant = Instant(from);
        for (int i = 0; i < 8; ++i) {
          auto next = schedule->NextAfter(instant, &zone);
          ASSERT_TRUE(next.has_value()) << zone.name() << " " << probe.expression;
          ASSERT_GT(*next, instant) << zone.name() << " " << probe.expression;
          const auto seconds = date::floor<std::chrono::seconds>(*next);
          const date::sys_info info = zone.get_info(seconds);
          const date::local_seconds local{seconds.time_since_epoch() + info.offset};
          const date::hh_mm_ss<std::chrono::seconds> time{local - date::floor<date::days>(local)};
          const bool matches = time.seconds().count() == 0 &&
                               (probe.minute < 0 || time.minutes().count() == probe.minute) &&
                               (probe.hour < 0 || time.hours().count() == probe.hour);
          EXPECT_TRUE(matches || seconds == info.begin)
              << zone.name() << " " << probe.expression << " gave "
              << cron_test::Format(*next, &zone);
          instant = *next;
        }
      }
    }
  }
}

}  // namespace
}  // namespace webjobs
