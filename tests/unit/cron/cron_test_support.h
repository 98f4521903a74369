// Helpers for cron tests: RFC 3339 text to instants and back, and the next
// few occurrences of a schedule as text, so expected values read like the
// cases they come from.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <cstdio>

#include "cron/cron_schedule.h"
#include "cron/time_zone.h"

namespace webjobs::cron_test {

// Parses "2024-01-01T00:02:30Z" or "2024-03-09T12:00:00-05:00". Aborts the
// test binary on malformed text, which is a bug in the test itself.
// (Parsed by hand: date::parse trips GCC 12's -Wmaybe-uninitialized at -O3.)
inline std::chrono::system_clock::time_point Instant(std::string_view text) {
  std::string copy(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6) {
    std::abort();
  }
  std::string_view zone = std::string_view(copy).substr(static_cast<size_t>(consumed));
  int offset_minutes = 0;
  if (zone != "Z") {
    int offset_hours = 0, offset_rest = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
        std::sscanf(copy.c_str() + consumed + 1, "%d:%d", &offset_hours, &offset_rest) != 2) {
      std::abort();
    }
    offset_minutes = (offset_hours * 60 + offset_rest) * (zone[0] == '-' ? -1 : 1);
  }
  date::sys_days days = date::year{year} / month / day;
  return days + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) - std::chrono::minutes(offset_minutes);
}

// Looks a zone up and aborts on failure (the test zones exist in tzdata).
inline const date::time_zone* Zone(std::string_view name) {
  auto zone = LocateTimeZone(name);
  if (!zone.ok()) std::abort();
  return *zone;
}

// Formats `instant` as RFC 3339 with the zone's offset, or with "Z" when
// `zone` is null or UTC.
inline std::string Format(std::chrono::system_clock::time_point instant,
                          const date::time_zone* zone) {
  const auto seconds = date::floor<std::chrono::seconds>(instant);
  if (zone == nullptr || zone->name() == "UTC" || zone->name() == "Etc/UTC") {
    return date::format("%FT%TZ", seconds);
  }
  return date::format("%FT%T%Ez", date::make_zoned(zone, seconds));
}

// Returns the next `count` occurrences after `from` as text in `zone`, or a
// single "error: ..." entry when the expression does not parse.
inline std::vector<std::string> NextTimes(std::string_view expression, std::string_view from,
                                          const date::time_zone* zone, int count) {
  auto schedule = CronSchedule::Parse(expression);
  if (!schedule.ok()) return {"error: " + schedule.error().message};
  std::vector<std::string> times;
  auto instant = Instant(from);
  for (int i = 0; i < count; ++i) {
    auto next = schedule->NextAfter(instant, zone);
    if (!next) {
      times.push_back("none");
      break;
    }
    times.push_back(Format(*next, zone));
    instant = *next;
  }
  return times;
}

// Returns the number of occurrences in [begin, end).
inline int CountBetween(const CronSchedule& schedule, std::chrono::system_clock::time_point begin,
                        std::chrono::system_clock::time_point end, const date::time_zone* zone) {
  int count = 0;
  auto instant = begin - std::chrono::seconds(1);
  while (auto next = schedule.NextAfter(instant, zone)) {
    if (*next >= end) break;
    ++count;
    instant = *next;
  }
  return count;
}

}  // namespace webjobs::cron_test
