// An NCRONTAB schedule and the search for its next occurrence in a time zone.
//
// The native form has six fields, seconds first:
//   second minute hour day-of-month month day-of-week
// Five fields are accepted as classic crontab (minute first, second 0). Any
// run of spaces or tabs separates fields, and the expression is trimmed.
// Day-of-month and day-of-week must both match (NCRONTAB semantics, unlike
// Vixie cron, where either may match). A schedule whose day-of-month and
// month fields allow no real date (`30 2`, `31 4`) is rejected at parse time,
// so every valid schedule has occurrences.
//
// Time zones and daylight saving time (DST): a schedule is matched against
// local wall-clock time of the zone given to NextAfter.
//   - A local time that falls into a spring-forward gap runs once, at the
//     first instant after the gap. Several gap slots collapse into that one
//     run, and a slot at that instant itself is the same run.
//   - A local time that occurs twice in a fall-back overlap runs once, in
//     the first pass, for a fixed-time schedule, and in both passes for an
//     interval schedule (see IsInterval).
//
// A CronSchedule is an immutable value; all const members are safe to call
// from several threads at once.
#pragma once

#include <date/tz.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "cron/cron_field.h"

namespace webjobs {

class CronSchedule {
 public:
  // Maximum expression length in bytes, far above any real schedule.
  static constexpr size_t kMaxExpressionLength = 1024;

  // Parses `expression`. Returns kInvalidArgument when it is not a valid
  // schedule. Rejected: field counts other than 5 and 6, `@` macros, L, W,
  // #, ?, a step of 0, out-of-range values, names other than three-letter
  // and full English names, and dates that never occur.
  // The message is one line. It quotes the expression, then the bad token
  // with its 1-based character column in the trimmed expression as typed
  // (five-field input included), names the field and the problem, and ends
  // with the field's valid values and an example:
  //   invalid schedule '0 0 25 * * *': '25' at column 5 in the hour field
  //   is out of range; valid hour values are 0-23, for example '9' or '8-18'
  // For five-field input, "(5 fields, read as minute hour day-of-month
  // month day-of-week)" follows the quoted expression.
  // A wrong field count instead gives the count, the column of the first
  // extra field if there is one, and a six-field example. A known macro
  // gets its six-field equivalent, and @reboot the reason it has none.
  static Result<CronSchedule> Parse(std::string_view expression);

  // Returns the first occurrence strictly after `after`, with the DST rules
  // above applied in `zone`. A null `zone` means UTC. Sub-second parts of
  // `after` are honored: after 10:00:00.5 the earliest candidate is
  // 10:00:01. Returns nullopt only when the next occurrence lies beyond
  // what system_clock can represent (after the year 2262).
  //
  // The search jumps over non-matching months, days, hours and minutes, so
  // it costs microseconds even for schedules such as Feb 29 on a Monday.
  // It looks at most one 400-year Gregorian cycle ahead, which contains
  // every calendar date on every weekday.
  //
  // NOTE: the zone data comes from the system's TZif files through the date
  // library, which does not extend DST rules past the last transition
  // stored in the file (2037 in Debian's files). Later dates use the
  // offset in force after that transition.
  std::optional<std::chrono::system_clock::time_point> NextAfter(
      std::chrono::system_clock::time_point after, const date::time_zone* zone) const;

  // Returns the expression as given, without leading and trailing white
  // space.
  const std::string& expression() const { return expression_; }

  // Returns the schedule as six numeric fields with names resolved, runs of
  // consecutive values written as ranges and a full range written as `*`.
  // For example "0 */15 * * * *" gives "0 0,15,30,45 * * * *",
  // "0 0 22-2 * * *" gives "0 0 0-2,22-23 * * *" and "30 9 * * MON-FRI"
  // gives "0 30 9 * * 1-5". Parse accepts the result and yields a schedule
  // with the same occurrences. The DST pass rule (IsInterval) is not kept,
  // because it depends on the original text.
  std::string Expanded() const;

  // Returns true when the second, minute or hour field contains `*`, `-` or
  // `/`. Such a schedule runs in both passes of a DST overlap; any other
  // schedule runs only in the first pass.
  bool IsInterval() const { return is_interval_; }

  // Returns the parsed field of `kind`.
  const CronField& field(CronFieldKind kind) const { return fields_[static_cast<size_t>(kind)]; }

 private:
  CronSchedule(std::string expression, std::array<CronField, 6> fields);

  // Returns the first local time in [from, limit) that matches every field.
  std::optional<date::local_seconds> FirstMatch(date::local_seconds from,
                                                date::local_seconds limit) const;

  // Returns the first time of day (seconds since midnight) at or after
  // `time_of_day` that matches the second, minute and hour fields.
  std::optional<std::chrono::seconds> FirstTimeOfDay(std::chrono::seconds time_of_day) const;

  // Returns the first day at or after `day` that matches the day-of-month,
  // month and day-of-week fields, or a day past `last_day` when none does.
  date::local_days FirstMatchingDay(date::local_days day, date::local_days last_day) const;

  std::optional<date::sys_seconds> NextInstantAfter(date::sys_seconds after,
                                                    const date::time_zone* zone) const;

  std::string expression_;
  std::array<CronField, 6> fields_;
  bool is_interval_;
};

}  // namespace webjobs
