// Occurrence lists with their local times, offsets and DST marks, and the
// ISO 8601 instant parser used for their start.
#include "cron/cron_occurrence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cron/cron_schedule.h"
#include "cron/cron_test_support.h"

namespace webjobs {
namespace {

using cron_test::Instant;
using cron_test::Zone;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One occurrence as text: "<local time><offset> <abbreviation> <utc>" and
// the marks, for example
// "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:30:00".
std::string Describe(const CronOccurrence& occurrence) {
  std::string text = date::format("%FT%T", occurrence.local_time) +
                     FormatUtcOffset(occurrence.utc_offset) + " " + occurrence.abbreviation + " " +
                     date::format("%FT%TZ", occurrence.utc);
  if (occurrence.skipped_local_time) {
    text += " gap=" + date::format("%FT%T", *occurrence.skipped_local_time);
  }
  if (occurrence.overlap_pass) {
    text += " overlap=" + std::string(OverlapPassName(*occurrence.overlap_pass));
  }
  return text;
}

std::vector<std::string> List(std::string_view expression, std::string_view from,
                              const date::time_zone* zone, int count) {
  Result<CronSchedule> schedule = CronSchedule::Parse(expression);
  if (!schedule.ok()) return {"parse error: " + schedule.error().message};
  Result<std::vector<CronOccurrence>> occurrences =
      ListOccurrences(*schedule, zone, Instant(from), count);
  if (!occurrences.ok()) return {"list error: " + occurrences.error().message};
  std::vector<std::string> texts;
  for (const CronOccurrence& occurrence : *occurrences) texts.push_back(Describe(occurrence));
  return texts;
}

std::string FormatInstant(std::chrono::system_clock::time_point instant) {
  return date::format("%FT%TZ", date::floor<std::chrono::nanoseconds>(instant));
}

TEST(CronOccurrenceTest, NewYorkGapMovesToEndOfGap) {
  EXPECT_THAT(
      List("0 30 2 * * *", "2024-03-09T12:00:00-05:00", Zone("America/New_York"), 3),
      ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:30:00",
                  "2024-03-11T02:30:00-04:00 EDT 2024-03-11T06:30:00Z",
                  "2024-03-12T02:30:00-04:00 EDT 2024-03-12T06:30:00Z"));
}

TEST(CronOccurrenceTest, GapMarkNamesFirstSkippedMatch) {
  const date::time_zone* new_york = Zone("America/New_York");
  EXPECT_THAT(
      List("0 0,30 2 * * *", "2024-03-10T00:00:00-05:00", new_york, 1),
      ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:00:00"));
  EXPECT_THAT(
      List("15 40 2 * * *", "2024-03-10T00:00:00-05:00", new_york, 1),
      ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:40:15"));
  EXPECT_THAT(
      List("0 */15 * * * *", "2024-03-10T01:50:00-05:00", new_york, 3),
      ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:00:00",
                  "2024-03-10T03:15:00-04:00 EDT 2024-03-10T07:15:00Z",
                  "2024-03-10T03:30:00-04:00 EDT 2024-03-10T07:30:00Z"));
}

TEST(CronOccurrenceTest, ExactGapEndHasNoMark) {
  EXPECT_THAT(List("0 0 3 * * *", "2024-03-10T00:00:00-05:00", Zone("America/New_York"), 1),
              ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z"));
}

TEST(CronOccurrenceTest, FixedTimeInOverlapRunsFirstPassOnly) {
  EXPECT_THAT(List("0 30 1 * * *", "2024-11-02T12:00:00-04:00", Zone("America/New_York"), 3),
              ElementsAre("2024-11-03T01:30:00-04:00 EDT 2024-11-03T05:30:00Z overlap=first",
                          "2024-11-04T01:30:00-05:00 EST 2024-11-04T06:30:00Z",
                          "2024-11-05T01:30:00-05:00 EST 2024-11-05T06:30:00Z"));
}

TEST(CronOccurrenceTest, IntervalInOverlapRunsBothPasses) {
  EXPECT_THAT(List("0 */20 * * * *", "2024-11-03T00:50:00-04:00", Zone("America/New_York"), 7),
              ElementsAre("2024-11-03T01:00:00-04:00 EDT 2024-11-03T05:00:00Z overlap=first",
                          "2024-11-03T01:20:00-04:00 EDT 2024-11-03T05:20:00Z overlap=first",
                          "2024-11-03T01:40:00-04:00 EDT 2024-11-03T05:40:00Z overlap=first",
                          "2024-11-03T01:00:00-05:00 EST 2024-11-03T06:00:00Z overlap=second",
                          "2024-11-03T01:20:00-05:00 EST 2024-11-03T06:20:00Z overlap=second",
                          "2024-11-03T01:40:00-05:00 EST 2024-11-03T06:40:00Z overlap=second",
                          "2024-11-03T02:00:00-05:00 EST 2024-11-03T07:00:00Z"));
}

TEST(CronOccurrenceTest, StartInSecondPassMarksSecond) {
  EXPECT_THAT(List("0 */20 * * * *", "2024-11-03T01:10:00-05:00", Zone("America/New_York"), 2),
              ElementsAre("2024-11-03T01:20:00-05:00 EST 2024-11-03T06:20:00Z overlap=second",
                          "2024-11-03T01:40:00-05:00 EST 2024-11-03T06:40:00Z overlap=second"));
}

// Lord Howe Island moves its clocks by 30 minutes: 02:00 +10:30 to 02:30
// +11:00 in October, and 02:00 +11:00 back to 01:30 +10:30 in April.
TEST(CronOccurrenceTest, LordHoweHalfHourGap) {
  EXPECT_THAT(
      List("0 15 2 * * *", "2024-10-05T12:00:00+10:30", Zone("Australia/Lord_Howe"), 2),
      ElementsAre("2024-10-06T02:30:00+11:00 +11 2024-10-05T15:30:00Z gap=2024-10-06T02:15:00",
                  "2024-10-07T02:15:00+11:00 +11 2024-10-06T15:15:00Z"));
  EXPECT_THAT(List("0 45 2 * * *", "2024-10-05T12:00:00+10:30", Zone("Australia/Lord_Howe"), 1),
              ElementsAre("2024-10-06T02:45:00+11:00 +11 2024-10-05T15:45:00Z"));
}

TEST(CronOccurrenceTest, LordHoweHalfHourOverlap) {
  const date::time_zone* lord_howe = Zone("Australia/Lord_Howe");
  EXPECT_THAT(List("0 */15 * * * *", "2024-04-07T01:20:00+11:00", lord_howe, 5),
              ElementsAre("2024-04-07T01:30:00+11:00 +11 2024-04-06T14:30:00Z overlap=first",
                          "2024-04-07T01:45:00+11:00 +11 2024-04-06T14:45:00Z overlap=first",
                          "2024-04-07T01:30:00+10:30 +1030 2024-04-06T15:00:00Z overlap=second",
                          "2024-04-07T01:45:00+10:30 +1030 2024-04-06T15:15:00Z overlap=second",
                          "2024-04-07T02:00:00+10:30 +1030 2024-04-06T15:30:00Z"));
  EXPECT_THAT(List("0 45 1 * * *", "2024-04-07T00:00:00+11:00", lord_howe, 2),
              ElementsAre("2024-04-07T01:45:00+11:00 +11 2024-04-06T14:45:00Z overlap=first",
                          "2024-04-08T01:45:00+10:30 +1030 2024-04-07T15:15:00Z"));
}

TEST(CronOccurrenceTest, UtcHasNoMarks) {
  const std::vector<std::string> expected = {"2024-03-10T02:30:00+00:00 UTC 2024-03-10T02:30:00Z",
                                             "2024-03-11T02:30:00+00:00 UTC 2024-03-11T02:30:00Z"};
  EXPECT_EQ(List("0 30 2 * * *", "2024-03-10T00:00:00Z", nullptr, 2), expected);
  EXPECT_EQ(List("0 30 2 * * *", "2024-03-10T00:00:00Z", Zone("UTC"), 2), expected);
}

TEST(CronOccurrenceTest, SeoulHasNoDstMarks) {
  EXPECT_THAT(List("0 0 9 * * MON", "2024-03-09T00:00:00+09:00", Zone("Asia/Seoul"), 1),
              ElementsAre("2024-03-11T09:00:00+09:00 KST 2024-03-11T00:00:00Z"));
}

TEST(CronOccurrenceTest, FixedTimeNeverMarkedSecondPass) {
  // Whatever the zone, the engine runs a fixed-time schedule in the first
  // pass only, so no occurrence over two years may be a second pass.
  const char* const zones[] = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                               "America/Sao_Paulo"};
  for (const char* zone_name : zones) {
    Result<CronSchedule> schedule = CronSchedule::Parse("0 15,45 0,1,2,3 * * *");
    ASSERT_TRUE(schedule.ok());
    Result<std::vector<CronOccurrence>> occurrences =
        ListOccurrences(*schedule, Zone(zone_name), Instant("2017-01-01T00:00:00Z"), 1000);
    ASSERT_TRUE(occurrences.ok());
    for (const CronOccurrence& occurrence : *occurrences) {
      EXPECT_NE(occurrence.overlap_pass, OverlapPass::kSecond)
          << zone_name << ": " << Describe(occurrence);
    }
  }
}

TEST(CronOccurrenceTest, StartIsInclusive) {
  EXPECT_THAT(List("0 0 * * * *", "2024-01-01T10:00:00Z", nullptr, 2),
              ElementsAre("2024-01-01T10:00:00+00:00 UTC 2024-01-01T10:00:00Z",
                          "2024-01-01T11:00:00+00:00 UTC 2024-01-01T11:00:00Z"));
}

TEST(CronOccurrenceTest, SubSecondStartRoundsUp) {
  Result<CronSchedule> schedule = CronSchedule::Parse("* * * * * *");
  ASSERT_TRUE(schedule.ok());
  Result<std::vector<CronOccurrence>> occurrences = ListOccurrences(
      *schedule, nullptr, Instant("2024-01-01T10:00:00Z") + std::chrono::milliseconds(500), 1);
  ASSERT_TRUE(occurrences.ok());
  ASSERT_EQ(occurrences->size(), 1u);
  EXPECT_EQ(Describe(occurrences->front()), "2024-01-01T10:00:01+00:00 UTC 2024-01-01T10:00:01Z");
}

TEST(CronOccurrenceTest, CountOutsideRangeIsRejected) {
  for (int count : {0, -1, kMaxOccurrenceCount + 1}) {
    std::vector<std::string> listed = List("0 0 * * * *", "2024-01-01T00:00:00Z", nullptr, count);
    ASSERT_EQ(listed.size(), 1u) << count;
    EXPECT_THAT(listed[0], HasSubstr("invalid count " + std::to_string(count))) << count;
    EXPECT_THAT(listed[0], HasSubstr("from 1 to 1000")) << count;
  }
}

TEST(CronOccurrenceTest, MaxCountListsThatMany) {
  EXPECT_EQ(List("0 * * * * *", "2024-01-01T00:00:00Z", nullptr, kMaxOccurrenceCount).size(),
            static_cast<size_t>(kMaxOccurrenceCount));
}

TEST(CronOccurrenceTest, ListEndsBeforeEndOfClockRange) {
  EXPECT_THAT(List("0 0 0 1 1 *", "2261-06-01T00:00:00Z", nullptr, 5),
              ElementsAre("2262-01-01T00:00:00+00:00 UTC 2262-01-01T00:00:00Z"));
}

TEST(CronOccurrenceTest, ParsesInstantForms) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"2024-03-10T06:00:00Z", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10t06:00:00z", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10 06:00:00Z", "2024-03-10T06:00:00.000000000Z"},
      {"  2024-03-10T06:00Z ", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10T01:00:00-05:00", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10T01:00:00-0500", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10T11:00:00+05", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10T16:30:00+10:30", "2024-03-10T06:00:00.000000000Z"},
      {"2024-03-10T06:00:00.25Z", "2024-03-10T06:00:00.250000000Z"},
      {"2024-03-10T06:00:00,5Z", "2024-03-10T06:00:00.500000000Z"},
      {"2024-03-10T06:00:00.1234567891Z", "2024-03-10T06:00:00.123456789Z"},
      {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000000Z"},
      {"1678-01-01T00:00:00Z", "1678-01-01T00:00:00.000000000Z"},
      {"2261-12-31T23:59:59Z", "2261-12-31T23:59:59.000000000Z"},
  };
  for (const Case& c : cases) {
    Result<std::chrono::system_clock::time_point> instant = ParseIsoInstant(c.text);
    ASSERT_TRUE(instant.ok()) << c.text << ": " << instant.error().message;
    EXPECT_EQ(FormatInstant(*instant), c.expected) << c.text;
  }
}

TEST(CronOccurrenceTest, RejectsInvalidInstants) {
  struct Case {
    const char* text;
    const char* detail;
  };
  const Case cases[] = {
      {"", "it is empty"},
      {"yesterday", "the date is not YYYY-MM-DD"},
      {"2024-3-10T06:00:00Z", "the date is not YYYY-MM-DD"},
      {"2023-02-29T00:00:00Z", "that date does not exist"},
      {"2024-13-01T00:00:00Z", "that date does not exist"},
      {"1677-12-31T00:00:00Z", "the year is outside 1678 to 2261"},
      {"2262-01-01T00:00:00Z", "the year is outside 1678 to 2261"},
      {"2024-03-10", "the time of day is missing"},
      {"2024-03-10T6:00:00Z", "the time of day is not HH:MM or HH:MM:SS"},
      {"2024-03-10T24:00:00Z", "out of range"},
      {"2024-03-10T23:59:60Z", "out of range"},
      {"2024-03-10T06:00:00.Z", "the fraction of a second has no digits"},
      {"2024-03-10T06:00:00", "the UTC offset is missing"},
      {"2024-03-10T06:00:00 EST", "expected Z or a UTC offset"},
      {"2024-03-10T06:00:00+5:00", "the UTC offset is not +HH:MM"},
      {"2024-03-10T06:00:00+24:00", "the UTC offset is not +HH:MM"},
      {"2024-03-10T06:00:00+05:", "the UTC offset is not +HH:MM"},
      {"2024-03-10T06:00:00Zulu", "unexpected text after the UTC offset"},
  };
  for (const Case& c : cases) {
    Result<std::chrono::system_clock::time_point> instant = ParseIsoInstant(c.text);
    ASSERT_FALSE(instant.ok()) << c.text;
    EXPECT_EQ(instant.error().code, ErrorCode::kInvalidArgument) << c.text;
    EXPECT_THAT(instant.error().message, HasSubstr(c.detail)) << c.text;
    EXPECT_THAT(instant.error().message, HasSubstr("2024-03-10T06:00:00Z")) << c.text;
  }
}

TEST(CronOccurrenceTest, FormatsLocalTimes) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const date::local_days day{date::year{2024} / 3 / 10};
  EXPECT_EQ(FormatLocalTime(day), "2024-03-10T00:00:00");
  EXPECT_EQ(FormatLocalTime(day + hours{3} + minutes{7} + seconds{9}), "2024-03-10T03:07:09");
  EXPECT_EQ(FormatLocalTime(day + hours{23} + minutes{59} + seconds{59}, ' '),
            "2024-03-10 23:59:59");
  EXPECT_EQ(FormatLocalTime(date::local_days{date::year{1678} / 1 / 1}), "1678-01-01T00:00:00");
  EXPECT_EQ(FormatLocalTime(date::local_days{date::year{2262} / 4 / 11} + hours{23}),
            "2262-04-11T23:00:00");
}

TEST(CronOccurrenceTest, FormatsUtcOffsets) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  EXPECT_EQ(FormatUtcOffset(seconds{0}), "+00:00");
  EXPECT_EQ(FormatUtcOffset(hours{9}), "+09:00");
  EXPECT_EQ(FormatUtcOffset(-hours{4}), "-04:00");
  EXPECT_EQ(FormatUtcOffset(hours{10} + minutes{30}), "+10:30");
  EXPECT_EQ(FormatUtcOffset(hours{5} + minutes{45}), "+05:45");
  EXPECT_EQ(FormatUtcOffset(-(hours{9} + minutes{30})), "-09:30");
  EXPECT_EQ(FormatUtcOffset(-(hours{4} + minutes{56} + seconds{2})), "-04:56:02");
}

}  // namespace
}  // namespace webjobs
