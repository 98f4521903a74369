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
using ::testing::Not;
using ::testing::StartsWith;

// One occurrence as text: "<local time><offset> <abbreviation> <utc>" and
// the marks with the kind of change in brackets, for example
// "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:30:00 (dst)".
std::string Describe(const CronOccurrence& occurrence) {
  std::string text = date::format("%FT%T", occurrence.local_time) +
                     FormatUtcOffset(occurrence.utc_offset) + " " + occurrence.abbreviation + " " +
                     date::format("%FT%TZ", occurrence.utc);
  if (occurrence.skipped_local_time) {
    text += " gap=" + date::format("%FT%T", *occurrence.skipped_local_time) + " (" +
            std::string(OffsetChangeKindName(occurrence.gap_change)) + ")";
  }
  if (occurrence.overlap_pass) {
    text += " overlap=" + std::string(OverlapPassName(*occurrence.overlap_pass)) + " (" +
            std::string(OffsetChangeKindName(occurrence.overlap_change)) + ")";
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
      ElementsAre(
          "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:30:00 (dst)",
          "2024-03-11T02:30:00-04:00 EDT 2024-03-11T06:30:00Z",
          "2024-03-12T02:30:00-04:00 EDT 2024-03-12T06:30:00Z"));
}

TEST(CronOccurrenceTest, GapMarkNamesFirstSkippedMatch) {
  const date::time_zone* new_york = Zone("America/New_York");
  EXPECT_THAT(
      List("0 0,30 2 * * *", "2024-03-10T00:00:00-05:00", new_york, 1),
      ElementsAre(
          "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:00:00 (dst)"));
  EXPECT_THAT(
      List("15 40 2 * * *", "2024-03-10T00:00:00-05:00", new_york, 1),
      ElementsAre(
          "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:40:15 (dst)"));
  EXPECT_THAT(
      List("0 */15 * * * *", "2024-03-10T01:50:00-05:00", new_york, 3),
      ElementsAre(
          "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:00:00 (dst)",
          "2024-03-10T03:15:00-04:00 EDT 2024-03-10T07:15:00Z",
          "2024-03-10T03:30:00-04:00 EDT 2024-03-10T07:30:00Z"));
}

TEST(CronOccurrenceTest, ExactGapEndHasNoMark) {
  EXPECT_THAT(List("0 0 3 * * *", "2024-03-10T00:00:00-05:00", Zone("America/New_York"), 1),
              ElementsAre("2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z"));
}

TEST(CronOccurrenceTest, FixedTimeInOverlapRunsFirstPassOnly) {
  EXPECT_THAT(List("0 30 1 * * *", "2024-11-02T12:00:00-04:00", Zone("America/New_York"), 3),
              ElementsAre("2024-11-03T01:30:00-04:00 EDT 2024-11-03T05:30:00Z overlap=first (dst)",
                          "2024-11-04T01:30:00-05:00 EST 2024-11-04T06:30:00Z",
                          "2024-11-05T01:30:00-05:00 EST 2024-11-05T06:30:00Z"));
}

TEST(CronOccurrenceTest, IntervalInOverlapRunsBothPasses) {
  EXPECT_THAT(List("0 */20 * * * *", "2024-11-03T00:50:00-04:00", Zone("America/New_York"), 7),
              ElementsAre("2024-11-03T01:00:00-04:00 EDT 2024-11-03T05:00:00Z overlap=first (dst)",
                          "2024-11-03T01:20:00-04:00 EDT 2024-11-03T05:20:00Z overlap=first (dst)",
                          "2024-11-03T01:40:00-04:00 EDT 2024-11-03T05:40:00Z overlap=first (dst)",
                          "2024-11-03T01:00:00-05:00 EST 2024-11-03T06:00:00Z overlap=second (dst)",
                          "2024-11-03T01:20:00-05:00 EST 2024-11-03T06:20:00Z overlap=second (dst)",
                          "2024-11-03T01:40:00-05:00 EST 2024-11-03T06:40:00Z overlap=second (dst)",
                          "2024-11-03T02:00:00-05:00 EST 2024-11-03T07:00:00Z"));
}

TEST(CronOccurrenceTest, StartInSecondPassMarksSecond) {
  EXPECT_THAT(
      List("0 */20 * * * *", "2024-11-03T01:10:00-05:00", Zone("America/New_York"), 2),
      ElementsAre("2024-11-03T01:20:00-05:00 EST 2024-11-03T06:20:00Z overlap=second (dst)",
                  "2024-11-03T01:40:00-05:00 EST 2024-11-03T06:40:00Z overlap=second (dst)"));
}

// Lord Howe Island moves its clocks by 30 minutes: 02:00 +10:30 to 02:30
// +11:00 in October, and 02:00 +11:00 back to 01:30 +10:30 in April.
TEST(CronOccurrenceTest, LordHoweHalfHourGap) {
  EXPECT_THAT(
      List("0 15 2 * * *", "2024-10-05T12:00:00+10:30", Zone("Australia/Lord_Howe"), 2),
      ElementsAre(
          "2024-10-06T02:30:00+11:00 +11 2024-10-05T15:30:00Z gap=2024-10-06T02:15:00 (dst)",
          "2024-10-07T02:15:00+11:00 +11 2024-10-06T15:15:00Z"));
  EXPECT_THAT(List("0 45 2 * * *", "2024-10-05T12:00:00+10:30", Zone("Australia/Lord_Howe"), 1),
              ElementsAre("2024-10-06T02:45:00+11:00 +11 2024-10-05T15:45:00Z"));
}

TEST(CronOccurrenceTest, LordHoweHalfHourOverlap) {
  const date::time_zone* lord_howe = Zone("Australia/Lord_Howe");
  EXPECT_THAT(
      List("0 */15 * * * *", "2024-04-07T01:20:00+11:00", lord_howe, 5),
      ElementsAre("2024-04-07T01:30:00+11:00 +11 2024-04-06T14:30:00Z overlap=first (dst)",
                  "2024-04-07T01:45:00+11:00 +11 2024-04-06T14:45:00Z overlap=first (dst)",
                  "2024-04-07T01:30:00+10:30 +1030 2024-04-06T15:00:00Z overlap=second (dst)",
                  "2024-04-07T01:45:00+10:30 +1030 2024-04-06T15:15:00Z overlap=second (dst)",
                  "2024-04-07T02:00:00+10:30 +1030 2024-04-06T15:30:00Z"));
  EXPECT_THAT(List("0 45 1 * * *", "2024-04-07T00:00:00+11:00", lord_howe, 2),
              ElementsAre("2024-04-07T01:45:00+11:00 +11 2024-04-06T14:45:00Z overlap=first (dst)",
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

// A skipped or repeated local time is marked with the kind of change: DST
// when DST starts, ends or changes its amount, and utc_offset for any other
// change of the offset.
TEST(CronOccurrenceTest, MarksKindOfOffsetChange) {
  struct Case {
    const char* zone;
    const char* expression;
    const char* from;
    const char* expected;
  };
  const Case cases[] = {
      // Samoa crossed to the west of the date line, so 2011-12-30 did not
      // exist. Both sides are DST (-10 and +14, standard -11 and +13).
      {"Pacific/Apia", "0 0 0 * * *", "2011-12-29T12:00:00-10:00",
       "2011-12-31T00:00:00+14:00 +14 2011-12-30T10:00:00Z gap=2011-12-30T00:00:00 (utc_offset)"},
      // Local mean time (+08:27:52) ended, and clocks jumped by 2 min 8 s.
      {"Asia/Seoul", "0 1 0 * * *", "1908-03-31T00:00:00Z",
       "1908-04-01T00:02:08+08:30 KST 1908-03-31T15:32:08Z gap=1908-04-01T00:01:00 "
       "(utc_offset)"},
      // Russia left permanent +04 for permanent +03: 01:00-02:00 repeated.
      {"Europe/Moscow", "0 30 1 * * *", "2014-10-25T12:00:00Z",
       "2014-10-26T01:30:00+04:00 MSK 2014-10-25T21:30:00Z overlap=first (utc_offset)"},
      {"Europe/Moscow", "0 */20 * * * *", "2014-10-25T22:10:00Z",
       "2014-10-26T01:20:00+03:00 MSK 2014-10-25T22:20:00Z overlap=second (utc_offset)"},
      // North Korea went from +09:00 to +08:30 on 2015-08-15.
      {"Asia/Pyongyang", "0 45 23 * * *", "2015-08-14T00:00:00Z",
       "2015-08-14T23:45:00+09:00 KST 2015-08-14T14:45:00Z overlap=first (utc_offset)"},
      // British Summer Time (+01) to Double Summer Time (+02) and back: both
      // sides are DST, but the amount of DST changes.
      {"Europe/London", "0 30 2 * * *", "1941-05-03T12:00:00Z",
       "1941-05-04T03:00:00+02:00 BDST 1941-05-04T01:00:00Z gap=1941-05-04T02:30:00 (dst)"},
      {"Europe/London", "0 30 2 * * *", "1941-08-09T12:00:00Z",
       "1941-08-10T02:30:00+02:00 BDST 1941-08-10T00:30:00Z overlap=first (dst)"},
      // Ireland has negative DST in tzdata 2025b (Debian 12): winter time
      // (GMT) is the DST side. The flag changes either way.
      {"Europe/Dublin", "0 30 1 * * *", "2024-03-30T12:00:00Z",
       "2024-03-31T02:00:00+01:00 IST 2024-03-31T01:00:00Z gap=2024-03-31T01:30:00 (dst)"},
      {"Europe/Dublin", "0 30 1 * * *", "2024-10-26T12:00:00Z",
       "2024-10-27T01:30:00+01:00 IST 2024-10-27T00:30:00Z overlap=first (dst)"},
      {"America/New_York", "0 30 2 * * *", "2024-03-09T12:00:00-05:00",
       "2024-03-10T03:00:00-04:00 EDT 2024-03-10T07:00:00Z gap=2024-03-10T02:30:00 (dst)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(List(c.expression, c.from, Zone(c.zone), 1), ElementsAre(c.expected))
        << c.zone << " " << c.expression;
  }
}

TEST(CronOccurrenceTest, OffsetChangeKindNames) {
  EXPECT_EQ(OffsetChangeKindName(OffsetChangeKind::kDst), "dst");
  EXPECT_EQ(OffsetChangeKindName(OffsetChangeKind::kUtcOffset), "utc_offset");
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

// A '+' that a URL query does not encode as %2B arrives as a space.
TEST(CronOccurrenceTest, SpaceForSignGetsUrlHint) {
  struct Case {
    const char* text;
    const char* corrected;
  };
  const Case cases[] = {
      {"2024-03-10T06:00:00 01:00", "2024-03-10T06:00:00%2B01:00"},
      {"2024-03-10T06:00 0100", "2024-03-10T06:00%2B0100"},
      {"2024-03-10T06:00:00.5 09", "2024-03-10T06:00:00.5%2B09"},
      // The '+' between date and time became a space too.
      {"2024-03-10 06:00:00 01:00", "2024-03-10T06:00:00%2B01:00"},
      {" 2024-03-10T06:00:00 05:30 ", "2024-03-10T06:00:00%2B05:30"},
  };
  for (const Case& c : cases) {
    Result<std::chrono::system_clock::time_point> instant =
        ParseIsoInstant(c.text, InstantSource::kUrlQuery);
    ASSERT_FALSE(instant.ok()) << c.text;
    EXPECT_EQ(instant.error().code, ErrorCode::kInvalidArgument) << c.text;
    EXPECT_THAT(instant.error().message,
                HasSubstr("the UTC offset has a space in place of its sign"))
        << c.text;
    EXPECT_THAT(instant.error().message,
                HasSubstr("write '+' as %2B, as in " + std::string(c.corrected)))
        << c.text;
  }
}

TEST(CronOccurrenceTest, SpaceForSignInText) {
  Result<std::chrono::system_clock::time_point> instant =
      ParseIsoInstant("2024-03-10T06:00:00 01:00");
  ASSERT_FALSE(instant.ok());
  EXPECT_EQ(instant.error().message,
            "invalid instant '2024-03-10T06:00:00 01:00': the UTC offset has a space in place "
            "of its sign; write + or - before the offset; use an ISO 8601 date and time with Z "
            "or a UTC offset, for example 2024-03-10T06:00:00Z or 2024-03-10T01:00:00-05:00");
}

TEST(CronOccurrenceTest, UrlHintOnlyForSpaceBeforeDigits) {
  for (InstantSource source : {InstantSource::kText, InstantSource::kUrlQuery}) {
    Result<std::chrono::system_clock::time_point> zone_name =
        ParseIsoInstant("2024-03-10T06:00:00 EST", source);
    ASSERT_FALSE(zone_name.ok());
    EXPECT_THAT(zone_name.error().message, HasSubstr("expected Z or a UTC offset"));
    EXPECT_THAT(zone_name.error().message, Not(HasSubstr("%2B")));

    Result<std::chrono::system_clock::time_point> minus =
        ParseIsoInstant("2024-03-10T01:00:00-05:00", source);
    ASSERT_TRUE(minus.ok()) << minus.error().message;
    EXPECT_EQ(FormatInstant(*minus), "2024-03-10T06:00:00.000000000Z");
  }
}

TEST(CronOccurrenceTest, InstantErrorQuotesNonAsciiAsCharacters) {
  Result<std::chrono::system_clock::time_point> instant =
      ParseIsoInstant("2024-03-10T06:00:00\xEC\x8B\x9C", InstantSource::kUrlQuery);
  ASSERT_FALSE(instant.ok());
  EXPECT_THAT(instant.error().message,
              StartsWith("invalid instant '2024-03-10T06:00:00\xEC\x8B\x9C': expected Z or a "
                         "UTC offset"));
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
