#include "http/dotnet_format.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TimePoint At(int year, unsigned month, unsigned day, hours h, minutes m, seconds s,
             nanoseconds fraction = nanoseconds(0)) {
  std::chrono::sys_days date = std::chrono::year{year} / month / day;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(date.time_since_epoch() + h + m +
                                                                   s + fraction));
}

TEST(FormatIsoUtcTest, WritesSevenFractionDigits) {
  TimePoint time = At(2024, 1, 2, hours(15), minutes(30), seconds(45), nanoseconds(12345600));
  EXPECT_EQ(FormatIsoUtc(time), "2024-01-02T15:30:45.0123456Z");
}

TEST(FormatIsoUtcTest, DropsTrailingZerosOfFraction) {
  TimePoint time = At(2024, 1, 2, hours(15), minutes(30), seconds(45), milliseconds(500));
  EXPECT_EQ(FormatIsoUtc(time), "2024-01-02T15:30:45.5Z");
}

TEST(FormatIsoUtcTest, OmitsFractionOnWholeSecond) {
  EXPECT_EQ(FormatIsoUtc(At(2026, 12, 31, hours(23), minutes(59), seconds(59))),
            "2026-12-31T23:59:59Z");
}

TEST(FormatIsoUtcTest, TruncatesBelowOneTick) {
  TimePoint time = At(2024, 1, 2, hours(0), minutes(0), seconds(0), nanoseconds(199));
  EXPECT_EQ(FormatIsoUtc(time), "2024-01-02T00:00:00.0000001Z");
}

TEST(FormatTimeSpanTest, FormatsSecondsWithFraction) {
  EXPECT_EQ(FormatTimeSpan(seconds(5) + nanoseconds(222222200)), "00:00:05.2222222");
}

TEST(FormatTimeSpanTest, OmitsFractionOnWholeSeconds) {
  EXPECT_EQ(FormatTimeSpan(hours(1) + minutes(2) + seconds(3)), "01:02:03");
  EXPECT_EQ(FormatTimeSpan(nanoseconds(0)), "00:00:00");
}

TEST(FormatTimeSpanTest, KeepsTrailingZerosOfFraction) {
  EXPECT_EQ(FormatTimeSpan(milliseconds(1500)), "00:00:01.5000000");
}

TEST(FormatTimeSpanTest, AddsDayPart) {
  EXPECT_EQ(FormatTimeSpan(hours(49) + seconds(1)), "2.01:00:01");
}

TEST(FormatTimeSpanTest, MarksNegativeDuration) {
  EXPECT_EQ(FormatTimeSpan(-seconds(90)), "-00:01:30");
}

}  // namespace
}  // namespace webjobs
