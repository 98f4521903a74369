// Next-occurrence search.
//
// Local wall-clock time is not a monotonic function of real time, so the
// search walks the zone's offset spans (date::sys_info: a stretch of real
// time with one UTC offset) in real-time order. Inside one span, local time
// is real time plus a constant offset, so the calendar search runs on local
// time and the first match converts back exactly. Between two spans the DST
// rules apply:
//   - When the offset grows (spring forward), the local times skipped by
//     the jump belong to no span. If any of them matches, the schedule runs
//     once at the first instant of the new span.
//   - When the offset shrinks (fall back), the new span starts by repeating
//     local times that the previous span already covered. A fixed-time
//     schedule already ran in that first pass, so its search in the new
//     span starts where the repetition ends.
#include "cron/cron_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "cron/cron_text.h"

namespace webjobs {
namespace {

using std::chrono::seconds;
using namespace std::chrono_literals;

// One Gregorian cycle (400 years) plus two days: any window this long contains
// every calendar date on every weekday, from any start time of day.
constexpr date::days kSearchWindow{146097 + 2};

// More than any change of a zone's UTC offset. Offsets lie within -16 and
// +16 hours, so a change stays below 32 hours. The largest in tzdata 2025b
// is 24 hours (America/Adak).
constexpr seconds kMaxOffsetChange = std::chrono::hours{48};

// Stand-ins for "no transition" when no zone is given (UTC).
constexpr date::sys_seconds kFarPast{date::sys_days{date::year{-30000} / 1 / 1}};
constexpr date::sys_seconds kFarFuture{date::sys_days{date::year{30000} / 1 / 1}};

// Largest number of days per month in any year, February counting 29.
constexpr std::array<int, 13> kMaxDaysInMonth = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// A stretch of real time [begin, end) with one UTC offset.
struct OffsetSpan {
  date::sys_seconds begin;
  date::sys_seconds end;
  seconds offset;
};

bool IsSeparator(char c) { return c == ' ' || c == '\t'; }

// How the parser reads five fields, which every error about a five-field
// expression states, so that a six-field expression that lost a field does
// not look like a wrong value in the field after the gap.
constexpr std::string_view kFiveFieldReading =
    "5 fields, read as minute hour day-of-month month day-of-week";

// Returns the error for `expression`. A non-empty `reading` is shown in
// brackets after the expression.
Error ScheduleError(std::string_view expression, std::string_view detail,
                    std::string_view reading = {}) {
  if (reading.empty()) {
    return InvalidArgument(
        fmt::format("invalid schedule '{}': {}", PrintableText(expression), detail));
  }
  return InvalidArgument(
      fmt::format("invalid schedule '{}' ({}): {}", PrintableText(expression), reading, detail));
}

// One field of the expression as typed, and the 1-based character column
// of its first character.
struct FieldText {
  std::string_view text;
  int column;
};

std::vector<FieldText> SplitFields(std::string_view text) {
  std::vector<FieldText> fields;
  size_t pos = 0;
  size_t counted = 0;  // characters before `pos` are counted up to this byte
  int column = 1;
  while (pos < text.size()) {
    while (pos < text.size() && IsSeparator(text[pos])) ++pos;
    const size_t start = pos;
    while (pos < text.size() && !IsSeparator(text[pos])) ++pos;
    if (pos > start) {
      column += static_cast<int>(CountUtf8Characters(text.substr(counted, start - counted)));
      counted = start;
      fields.push_back({text.substr(start, pos - start), column});
    }
  }
  return fields;
}

constexpr std::string_view kSixFieldsHint =
    "write 6 fields (second minute hour day-of-month month day-of-week), for example "
    "'0 */5 * * * *' for every five minutes, or 5 fields in classic crontab form (minute first)";

// A Vixie cron macro and its NCRONTAB equivalent.
struct CronMacro {
  std::string_view name;  // without the '@'
  std::string_view equivalent;
  std::string_view meaning;
};

constexpr std::array<CronMacro, 7> kCronMacros = {{
    {"yearly", "0 0 0 1 1 *", "00:00 on January 1"},
    {"annually", "0 0 0 1 1 *", "00:00 on January 1"},
    {"monthly", "0 0 0 1 * *", "00:00 on the first day of each month"},
    {"weekly", "0 0 0 * * 0", "00:00 every Sunday"},
    {"daily", "0 0 0 * * *", "00:00 every day"},
    {"midnight", "0 0 0 * * *", "00:00 every day"},
    {"hourly", "0 0 * * * *", "minute 0 of every hour"},
}};

// Returns the part of the message that follows the quoted `word`, a first
// field that starts with '@': the equivalent of a known macro, or why
// there is none.
std::string DescribeMacro(std::string_view word) {
  const std::string_view name = word.substr(1);
  if (EqualsIgnoreAsciiCase(name, "reboot")) {
    return "is a cron macro with no NCRONTAB equivalent, because a schedule cannot name the "
           "start of the host; to run a script when the host starts, deploy it as a continuous "
           "job instead (the host starts continuous jobs when it starts and restarts them "
           "after they exit)";
  }
  for (const CronMacro& macro : kCronMacros) {
    if (EqualsIgnoreAsciiCase(name, macro.name)) {
      return fmt::format(
          "is a cron macro, which NCRONTAB does not support; write its six-field equivalent "
          "'{}' ({})",
          macro.equivalent, macro.meaning);
    }
  }
  return fmt::format("is not a known cron macro, and NCRONTAB supports no macros; {}",
                     kSixFieldsHint);
}

// Checks what applies to the expression as a whole: macros and the number
// of fields.
std::optional<Error> CheckShape(std::string_view expression, const std::vector<FieldText>& fields) {
  if (fields.empty()) {
    return ScheduleError(expression,
                         "the expression is empty; write six fields, for example '0 */5 * * * *'");
  }
  if (fields.front().text.starts_with('@')) {
    return ScheduleError(expression,
                         fmt::format("'{}' at column {} {}", PrintableText(fields.front().text),
                                     fields.front().column, DescribeMacro(fields.front().text)));
  }
  if (fields.size() > 6) {
    const FieldText& extra = fields[6];
    return ScheduleError(
        expression,
        fmt::format("it has {} fields, so '{}' at column {} {}; {}", fields.size(),
                    PrintableText(extra.text), extra.column,
                    fields.size() == 7 ? "is extra" : "and the fields after it are extra",
                    kSixFieldsHint));
  }
  if (fields.size() < 5) {
    return ScheduleError(expression, fmt::format("it has {} field{}; {}", fields.size(),
                                                 fields.size() == 1 ? "" : "s", kSixFieldsHint));
  }
  return std::nullopt;
}

// Returns the reason when no month of the month field has any day of the
// day-of-month field, so the schedule would never run.
std::optional<std::string> DescribeImpossibleDate(const CronField& days, const CronField& months,
                                                  const FieldText& days_text) {
  std::vector<std::string_view> month_names;
  int longest_month = 0;
  for (int month = 1; month <= 12; ++month) {
    if (!months.Contains(month)) continue;
    const int day = days.NextFrom(1);
    if (day >= 1 && day <= kMaxDaysInMonth[month]) return std::nullopt;
    month_names.push_back(CronMonthName(month));
    longest_month = std::max(longest_month, kMaxDaysInMonth[month]);
  }
  std::string month_list(month_names.front());
  for (size_t i = 1; i < month_names.size(); ++i) {
    month_list += i + 1 == month_names.size() ? " or " : ", ";
    month_list += month_names[i];
  }
  return fmt::format(
      "'{}' at column {} in the day-of-month field never occurs in {}, so the schedule would "
      "never run; valid day-of-month values for {} are 1-{}, for example '1'",
      PrintableText(days_text.text), days_text.column, month_list,
      month_names.size() == 1 ? month_list : std::string("these months"), longest_month);
}

date::local_seconds ToLocal(date::sys_seconds instant, seconds offset) {
  return date::local_seconds{instant.time_since_epoch() + offset};
}

date::sys_seconds ToSys(date::local_seconds local, seconds offset) {
  return date::sys_seconds{local.time_since_epoch() - offset};
}

OffsetSpan SpanAt(const date::time_zone* zone, date::sys_seconds instant) {
  if (zone == nullptr) return {kFarPast, kFarFuture, 0s};
  const date::sys_info info = zone->get_info(instant);
  return {info.begin, info.end, info.offset};
}

// Returns the span that ends where `span` begins, or nullopt at the start
// of the zone's history.
std::optional<OffsetSpan> SpanBefore(const date::time_zone* zone, const OffsetSpan& span) {
  if (zone == nullptr || span.begin <= kFarPast) return std::nullopt;
  const OffsetSpan previous = SpanAt(zone, span.begin - 1s);
  if (previous.end != span.begin) return std::nullopt;
  return previous;
}

}  // namespace

CronSchedule::CronSchedule(std::string expression, std::array<CronField, 6> fields)
    : expression_(std::move(expression)), fields_(std::move(fields)) {
  is_interval_ = field(CronFieldKind::kSecond).UsesIntervalSyntax() ||
                 field(CronFieldKind::kMinute).UsesIntervalSyntax() ||
                 field(CronFieldKind::kHour).UsesIntervalSyntax();
}

Result<CronSchedule> CronSchedule::Parse(std::string_view expression) {
  const std::string_view trimmed = TrimAsciiSpace(expression);
  if (trimmed.size() > kMaxExpressionLength) {
    return ScheduleError(trimmed, fmt::format("it is {} bytes long; the maximum is {}",
                                              trimmed.size(), kMaxExpressionLength));
  }
  std::vector<FieldText> texts = SplitFields(trimmed);
  if (auto error = CheckShape(trimmed, texts)) return *std::move(error);
  // Classic crontab: the seconds field that five-field input leaves out is
  // 0, which never fails, so its column does not matter.
  const std::string_view reading = texts.size() == 5 ? kFiveFieldReading : std::string_view();
  if (texts.size() == 5) texts.insert(texts.begin(), FieldText{"0", 0});

  std::vector<CronField> fields;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto field = CronField::Parse(static_cast<CronFieldKind>(i), texts[i].text, texts[i].column);
    if (!field.ok()) return ScheduleError(trimmed, field.error().message, reading);
    fields.push_back(*std::move(field));
  }

  const auto day_index = static_cast<size_t>(CronFieldKind::kDayOfMonth);
  const auto month_index = static_cast<size_t>(CronFieldKind::kMonth);
  if (auto reason =
          DescribeImpossibleDate(fields[day_index], fields[month_index], texts[day_index])) {
    return ScheduleError(trimmed, *reason, reading);
  }

  return CronSchedule(std::string(trimmed),
                      {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]});
}

std::string CronSchedule::Expanded() const {
  std::string text;
  for (const CronField& field : fields_) {
    if (!text.empty()) text += ' ';
    text += field.Expanded();
  }
  return text;
}

std::optional<std::chrono::system_clock::time_point> CronSchedule::NextAfter(
    std::chrono::system_clock::time_point after, const date::time_zone* zone) const {
  const std::optional<date::sys_seconds> next = NextInstantAfter(date::floor<seconds>(after), zone);
  if (!next) return std::nullopt;

  constexpr auto kLatest = date::floor<seconds>(std::chrono::system_clock::time_point::max());
  if (*next > kLatest) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(*next);
}

std::optional<date::sys_seconds> CronSchedule::NextInstantAfter(date::sys_seconds after,
                                                                const date::time_zone* zone) const {
  const date::sys_seconds first = after + 1s;
  OffsetSpan span = SpanAt(zone, first);
  // The span before matters only while local times that the change into
  // `span` skipped or repeats still lie ahead, which ends less than
  // kMaxOffsetChange after the change. Later, the lookup is skipped, which
  // speeds up a typical search.
  std::optional<OffsetSpan> previous;
  if (first - span.begin < kMaxOffsetChange) previous = SpanBefore(zone, span);
  date::local_seconds from = ToLocal(first, span.offset);
  const date::local_seconds limit = from + kSearchWindow;

  while (true) {
    // Skipped local times run at the first instant of the span after the
    // jump. That instant counts only when it is after `after`.
    if (previous && span.begin >= first && span.offset > previous->offset &&
        FirstMatch(ToLocal(span.begin, previous->offset), ToLocal(span.begin, span.offset))) {
      return span.begin;
    }

    date::local_seconds search_from = std::max(from, ToLocal(span.begin, span.offset));
    if (previous && !is_interval_ && span.offset < previous->offset) {
      // NOTE: this compares with the previous span only, as date's own
      // local-time classification does. In tzdata 2025b (Debian 12), no span before the
      // previous one reaches later local times (checked for 1800-2040).
      search_from = std::max(search_from, ToLocal(span.begin, previous->offset));
    }
    const date::local_seconds span_end = ToLocal(span.end, span.offset);
    if (auto match = FirstMatch(search_from, std::min(span_end, limit))) {
      return ToSys(*match, span.offset);
    }
    if (span_end >= limit) return std::nullopt;

    previous = span;
    span = SpanAt(zone, span.end);
    from = ToLocal(span.begin, span.offset);
  }
}

std::optional<date::local_seconds> CronSchedule::FirstMatch(date::local_seconds from,
                                                            date::local_seconds limit) const {
  if (from >= limit) return std::nullopt;
  const date::local_days last_day = date::floor<date::days>(limit - 1s);
  date::local_days day = date::floor<date::days>(from);
  seconds time_of_day = from - day;

  while (true) {
    const date::local_days match_day = FirstMatchingDay(day, last_day);
    if (match_day > last_day) return std::nullopt;
    if (match_day != day) time_of_day = 0s;
    if (auto time = FirstTimeOfDay(time_of_day)) {
      const date::local_seconds candidate = match_day + *time;
      if (candidate >= limit) return std::nullopt;
      return candidate;
    }
    day = match_day + date::days{1};
    time_of_day = 0s;
  }
}

date::local_days CronSchedule::FirstMatchingDay(date::local_days day,
                                                date::local_days last_day) const {
  const CronField& months = field(CronFieldKind::kMonth);
  const CronField& days_of_month = field(CronFieldKind::kDayOfMonth);
  const CronField& weekdays = field(CronFieldKind::kDayOfWeek);

  while (day <= last_day) {
    const date::year_month_day date{day};
    const int month = static_cast<int>(static_cast<unsigned>(date.month()));
    const int days_in_month =
        static_cast<int>(static_cast<unsigned>((date.year() / date.month() / date::last).day()));
    const int day_of_month =
        days_of_month.NextFrom(static_cast<int>(static_cast<unsigned>(date.day())));

    if (!months.Contains(month) || day_of_month < 0 || day_of_month > days_in_month) {
      // Jump to the first day of the next month the month field allows.
      int next_month = months.NextFrom(month + 1);
      date::year year = date.year();
      if (next_month < 0) {
        next_month = months.NextFrom(1);
        year += date::years{1};
      }
      day = date::local_days{year / date::month(static_cast<unsigned>(next_month)) / 1};
      continue;
    }
    day = date::local_days{date.year() / date.month() /
                           date::day(static_cast<unsigned>(day_of_month))};
    if (weekdays.Contains(static_cast<int>(date::weekday{day}.c_encoding()))) return day;
    day += date::days{1};
  }
  return day;
}

std::optional<seconds> CronSchedule::FirstTimeOfDay(seconds time_of_day) const {
  const CronField& hours = field(CronFieldKind::kHour);
  const CronField& minutes = field(CronFieldKind::kMinute);
  const CronField& seconds_field = field(CronFieldKind::kSecond);

  const auto start = static_cast<int>(time_of_day.count());
  const int start_hour = start / 3600;
  int minute_from = start / 60 % 60;
  int second_from = start % 60;
  for (int hour = hours.NextFrom(start_hour); hour >= 0; hour = hours.NextFrom(hour + 1)) {
    // A later hour or minute starts from its first second, never from the
    // second of the starting time.
    if (hour != start_hour) minute_from = second_from = 0;
    for (int minute = minutes.NextFrom(minute_from); minute >= 0;
         minute = minutes.NextFrom(minute + 1)) {
      if (minute != minute_from) second_from = 0;
      const int second = seconds_field.NextFrom(second_from);
      if (second >= 0) return seconds{hour * 3600 + minute * 60 + second};
    }
  }
  return std::nullopt;
}

}  // namespace webjobs
