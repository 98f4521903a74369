// Upcoming occurrences of a schedule, each described as a clock in the
// schedule's time zone shows it. An occurrence carries the local wall-clock
// time and the UTC offset and zone abbreviation in force. It also marks
// whether a change of the UTC offset moved or repeated that time, and
// whether that change was a daylight saving time (DST) change or another
// one, such as a zone adopting a new standard offset.
//
// The occurrences themselves come from CronSchedule::NextAfter. The marks
// are derived separately, from the zone's date::sys_info and
// date::local_info around each instant, so they describe what the zone
// does at that instant and do not depend on how the engine searches.
// Only the transition next to an instant is looked at, as date's own
// local-time classification does.
//
// All functions are pure and thread-safe.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "cron/cron_schedule.h"

namespace webjobs {

// Largest number of occurrences that ListOccurrences returns in one call.
inline constexpr int kMaxOccurrenceCount = 1000;

// The pass of a local time that occurs twice because clocks went back.
enum class OverlapPass { kFirst, kSecond };

// Returns "first" or "second".
std::string_view OverlapPassName(OverlapPass pass);

// The kind of change of the UTC offset that skipped or repeated a local time.
enum class OffsetChangeKind {
  // DST starts or ends, or its amount changes (as from British Summer Time
  // to British Double Summer Time in 1941).
  kDst,
  // Any other change, such as a new standard offset (Pacific/Apia skipping
  // 2011-12-30) or the end of local mean time (Asia/Seoul in 1908).
  kUtcOffset,
};

// Returns "dst" or "utc_offset".
std::string_view OffsetChangeKindName(OffsetChangeKind kind);

// One occurrence of a schedule in a time zone.
struct CronOccurrence {
  date::sys_seconds utc;
  date::local_seconds local_time;
  std::chrono::seconds utc_offset{0};
  std::string abbreviation;  // such as "EDT", "KST" or "+1030", and "UTC" without a zone
  // Set when the occurrence runs in place of local times inside a
  // spring-forward gap. It is the earliest skipped local time that the
  // schedule matches. For `0 30 2 * * *` in America/New_York on 2024-03-10 the
  // occurrence is 03:00 EDT and this is 02:30:00.
  std::optional<date::local_seconds> skipped_local_time;
  // The change that made the gap. Meaningful only when skipped_local_time
  // is set.
  OffsetChangeKind gap_change = OffsetChangeKind::kDst;
  // Set when the local time occurs twice because of a fall-back overlap. It
  // is the pass of this occurrence.
  std::optional<OverlapPass> overlap_pass;
  // The change that made the overlap. Meaningful only when overlap_pass is
  // set.
  OffsetChangeKind overlap_change = OffsetChangeKind::kDst;
};

// Describes `instant`, an occurrence of `schedule`, in `zone` (nullptr
// means UTC, which has no DST marks).
CronOccurrence DescribeOccurrence(const CronSchedule& schedule, const date::time_zone* zone,
                                  date::sys_seconds instant);

// Lists up to `count` occurrences of `schedule` in `zone` (nullptr means
// UTC) at or after `from`, in time order. A sub-second `from` starts at
// the next whole second. The list is shorter than `count` only when the
// schedule has no further occurrence before the end of system_clock's
// range (2262-04-11). Returns kInvalidArgument when `count` is outside
// 1..kMaxOccurrenceCount.
Result<std::vector<CronOccurrence>> ListOccurrences(const CronSchedule& schedule,
                                                    const date::time_zone* zone,
                                                    std::chrono::system_clock::time_point from,
                                                    int count);

// Where the text of an instant comes from, which decides the hints in
// ParseIsoInstant's messages.
enum class InstantSource {
  kText,
  // A decoded URL query value, where a '+' that was not written as %2B
  // has become a space.
  kUrlQuery,
};

// Parses an ISO 8601 instant: a date, 'T' (or 't' or a space), a time of
// day with optional seconds and fraction, and 'Z' or a UTC offset in the
// form +HH:MM, +HHMM or +HH. For example "2024-03-10T06:00:00Z" and
// "2024-03-10T01:00:00.5-05:00". Years 1678 to 2261 are accepted, which
// system_clock covers. Returns kInvalidArgument naming the value and the
// expected form. A local time without an offset is rejected because it
// names no single instant. When the offset has a space in place of its
// sign, the message says so, and for kUrlQuery it says to write '+' as
// %2B.
Result<std::chrono::system_clock::time_point> ParseIsoInstant(
    std::string_view text, InstantSource source = InstantSource::kText);

// Formats `time` as "2024-03-10T03:00:00", with `separator` between the
// date and the time of day. Years must have four digits, as every year
// that system_clock covers has.
std::string FormatLocalTime(date::local_seconds time, char separator = 'T');

// Formats a UTC offset as "+09:00", "-04:00" or "+00:00". An offset with
// seconds, which only local mean time before the 20th century has, is
// written "-04:56:02".
std::string FormatUtcOffset(std::chrono::seconds offset);

}  // namespace webjobs
