#include "http/dotnet_format.h"

#include <fmt/format.h>

namespace webjobs {
namespace {

// .NET ticks are 100 ns.
using Ticks = std::chrono::duration<int64_t, std::ratio<1, 10'000'000>>;
constexpr int64_t kTicksPerSecond = 10'000'000;

}  // namespace

std::string FormatIsoUtc(TimePoint time) {
  auto ticks = std::chrono::floor<Ticks>(time.time_since_epoch());
  auto days = std::chrono::floor<std::chrono::days>(ticks);
  std::chrono::year_month_day date{std::chrono::sys_days(days)};
  std::chrono::hh_mm_ss<Ticks> clock_time(ticks - days);

  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                                 static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                                 static_cast<unsigned>(date.day()), clock_time.hours().count(),
                                 clock_time.minutes().count(), clock_time.seconds().count());
  int64_t fraction = clock_time.subseconds().count();
  if (fraction != 0) {
    std::string digits = fmt::format("{:07}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += '.' + digits;
  }
  text += 'Z';
  return text;
}

std::string FormatTimeSpan(std::chrono::nanoseconds duration) {
  int64_t ticks = std::chrono::duration_cast<Ticks>(duration).count();
  std::string text;
  if (ticks < 0) {
    text = "-";
    ticks = -ticks;
  }
  int64_t total_seconds = ticks / kTicksPerSecond;
  int64_t fraction = ticks % kTicksPerSecond;
  int64_t days = total_seconds / 86400;
  int64_t hours = total_seconds / 3600 % 24;
  int64_t minutes = total_seconds / 60 % 60;
  int64_t seconds = total_seconds % 60;

  if (days != 0) text += fmt::format("{}.", days);
  text += fmt::format("{:02}:{:02}:{:02}", hours, minutes, seconds);
  if (fraction != 0) text += fmt::format(".{:07}", fraction);
  return text;
}

}  // namespace webjobs
