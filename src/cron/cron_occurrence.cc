#include "cron/cron_occurrence.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>

#include "cron/cron_text.h"

namespace webjobs {
namespace {

using std::chrono::seconds;
using namespace std::chrono_literals;

// system_clock counts nanoseconds in 64 bits, from 1677-09-21 to
// 2262-04-11. Whole years inside that range keep every instant and every
// rounding step representable.
constexpr int kMinInstantYear = 1678;
constexpr int kMaxInstantYear = 2261;

constexpr std::string_view kInstantExample =
    "for example 2024-03-10T06:00:00Z or 2024-03-10T01:00:00-05:00";

// Local times are matched on the calendar alone when read as UTC instants,
// because UTC has no transitions. These two convert between the readings.
std::chrono::system_clock::time_point LocalAsUtc(date::local_seconds local) {
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(local.time_since_epoch())};
}

date::local_seconds UtcAsLocal(std::chrono::system_clock::time_point instant) {
  return date::local_seconds{date::floor<seconds>(instant).time_since_epoch()};
}

// Returns the earliest local time that `schedule` matches inside the
// spring-forward gap that ends at `instant`, when `instant` is the first
// instant after such a gap.
std::optional<date::local_seconds> FindSkippedLocalTime(const CronSchedule& schedule,
                                                        const date::time_zone* zone,
                                                        const date::sys_info& info,
                                                        date::sys_seconds instant) {
  if (instant != info.begin) return std::nullopt;
  const date::sys_info before = zone->get_info(info.begin - 1s);
  if (before.offset >= info.offset) return std::nullopt;

  // The clocks jumped from begin + before.offset to begin + info.offset, so
  // the local times in between never occurred.
  const date::local_seconds gap_begin{info.begin.time_since_epoch() + before.offset};
  const date::local_seconds gap_end{info.begin.time_since_epoch() + info.offset};
  const auto match = schedule.NextAfter(LocalAsUtc(gap_begin) - 1s, nullptr);
  if (!match || UtcAsLocal(*match) >= gap_end) return std::nullopt;
  return UtcAsLocal(*match);
}

// Maximum number of offset spans that NearestStandardOffset steps
// through. The longest run of DST spans in tzdata 2025b (Debian 12),
// checked for 1800-2040, is 11, in Europe/London from 1940 to 1945. So 16
// steps reach standard time wherever the data has it.
constexpr int kMaxSpansToStandardTime = 16;

enum class SearchDirection { kBackward, kForward };

// Returns the offset of the nearest span of standard time at or before
// `span` (kBackward) or at or after it (kForward), or nullopt when there is
// none within kMaxSpansToStandardTime spans.
std::optional<seconds> NearestStandardOffset(const date::time_zone* zone, date::sys_info span,
                                             SearchDirection direction) {
  for (int step = 0; step < kMaxSpansToStandardTime; ++step) {
    if (span.save == 0min) return span.offset;
    const date::sys_info next = direction == SearchDirection::kBackward
                                    ? zone->get_info(span.begin - 1s)
                                    : zone->get_info(span.end);
    // For the first and the last span of a zone's history, get_info
    // returns that span again.
    if (next.begin == span.begin) return std::nullopt;
    span = next;
  }
  return std::nullopt;
}

// Classifies the change from `before` to `after`, two adjacent spans of
// `zone`. It is a DST change when DST starts or ends, or when both spans
// are DST with different amounts of DST.
OffsetChangeKind ClassifyOffsetChange(const date::time_zone* zone, const date::sys_info& before,
                                      const date::sys_info& after) {
  const bool dst_before = before.save != 0min;
  const bool dst_after = after.save != 0min;
  if (dst_before != dst_after) return OffsetChangeKind::kDst;
  if (!dst_before) return OffsetChangeKind::kUtcOffset;

  // Read from the system's TZif files (date built with USE_OS_TZDB, as
  // Debian 12 ships it), `save` is only an is-DST flag of 0 or 1 minute. So
  // the amount of DST is derived: the offset minus the standard offset
  // nearest in time. The standard offset of `before` is searched backward
  // and that of `after` forward, because a change between two DST spans
  // may also change the standard offset, as Pacific/Apia's did on
  // 2011-12-30.
  const std::optional<seconds> standard_before =
      NearestStandardOffset(zone, before, SearchDirection::kBackward);
  const std::optional<seconds> standard_after =
      NearestStandardOffset(zone, after, SearchDirection::kForward);
  if (!standard_before || !standard_after) return OffsetChangeKind::kUtcOffset;
  const seconds dst_amount_before = before.offset - *standard_before;
  const seconds dst_amount_after = after.offset - *standard_after;
  return dst_amount_before != dst_amount_after ? OffsetChangeKind::kDst
                                               : OffsetChangeKind::kUtcOffset;
}

Error InvalidInstant(std::string_view text, std::string_view detail) {
  return InvalidArgument(
      fmt::format("invalid instant '{}': {}; use an ISO 8601 date and time "
                  "with Z or a UTC offset, {}",
                  PrintableText(text), detail, kInstantExample));
}

// A cursor over the instant text that reads fixed-width decimal numbers.
class InstantScanner {
 public:
  explicit InstantScanner(std::string_view text) : text_(text) {}

  size_t position() const { return pos_; }
  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void Skip() { ++pos_; }

  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // Reads exactly `width` decimal digits.
  std::optional<int> Digits(size_t width) {
    if (text_.size() - pos_ < width) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < width; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += width;
    return value;
  }

  // Reads a decimal fraction after the '.', as nanoseconds. Digits beyond
  // the ninth are read but ignored.
  std::optional<std::chrono::nanoseconds> Fraction() {
    int64_t nanoseconds = 0;
    int digits = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (digits < 9) {
        nanoseconds = nanoseconds * 10 + (Peek() - '0');
        ++digits;
      }
      ++pos_;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanoseconds *= 10;
    return std::chrono::nanoseconds{nanoseconds};
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Returns the message for `text`, whose UTC offset has a space at
// `position` in place of its sign.
std::string DescribeSpaceForSign(std::string_view text, size_t position, InstantSource source) {
  if (source == InstantSource::kText) {
    return "the UTC offset has a space in place of its sign; write + or - before the offset";
  }
  // The suggestion also writes a space between date and time as 'T', so
  // that it can be pasted into a URL as it is.
  constexpr size_t kDateLength = 10;  // YYYY-MM-DD
  std::string corrected(text);
  corrected.replace(position, 1, "%2B");
  if (corrected[kDateLength] == ' ') corrected[kDateLength] = 'T';
  return fmt::format(
      "the UTC offset has a space in place of its sign, as when a '+' in a URL is not encoded; "
      "write '+' as %2B, as in {}",
      PrintableText(corrected));
}

Result<seconds> ParseOffset(InstantScanner& scanner, std::string_view text, InstantSource source) {
  if (scanner.Consume('Z') || scanner.Consume('z')) return seconds{0};
  const char sign = scanner.Peek();
  if (sign == ' ') {
    // `text` is trimmed, so a space is never its last character.
    const char next = text[scanner.position() + 1];
    if (next >= '0' && next <= '9') {
      return InvalidInstant(text, DescribeSpaceForSign(text, scanner.position(), source));
    }
  }
  if (sign != '+' && sign != '-') {
    return InvalidInstant(text, scanner.AtEnd()
                                    ? "the UTC offset is missing, and a local time names no "
                                      "single instant"
                                    : "expected Z or a UTC offset after the time of day");
  }
  scanner.Skip();
  const std::optional<int> hours = scanner.Digits(2);
  int minutes = 0;
  if (hours && !scanner.AtEnd()) {
    const bool colon = scanner.Consume(':');
    const std::optional<int> parsed = scanner.Digits(2);
    if (!parsed && colon) return InvalidInstant(text, "the UTC offset is not +HH:MM");
    minutes = parsed.value_or(0);
  }
  if (!hours || *hours > 23 || minutes > 59) {
    return InvalidInstant(text, "the UTC offset is not +HH:MM");
  }
  const seconds offset = std::chrono::hours{*hours} + std::chrono::minutes{minutes};
  return sign == '-' ? -offset : offset;
}

}  // namespace

std::string_view OverlapPassName(OverlapPass pass) {
  return pass == OverlapPass::kFirst ? "first" : "second";
}

std::string_view OffsetChangeKindName(OffsetChangeKind kind) {
  return kind == OffsetChangeKind::kDst ? "dst" : "utc_offset";
}

CronOccurrence DescribeOccurrence(const CronSchedule& schedule, const date::time_zone* zone,
                                  date::sys_seconds instant) {
  CronOccurrence occurrence;
  occurrence.utc = instant;
  if (zone == nullptr) {
    occurrence.local_time = date::local_seconds{instant.time_since_epoch()};
    occurrence.abbreviation = "UTC";
    return occurrence;
  }

  const date::sys_info info = zone->get_info(instant);
  occurrence.utc_offset = info.offset;
  occurrence.abbreviation = info.abbrev;
  occurrence.local_time = date::local_seconds{instant.time_since_epoch() + info.offset};
  occurrence.skipped_local_time = FindSkippedLocalTime(schedule, zone, info, instant);
  if (occurrence.skipped_local_time) {
    occurrence.gap_change = ClassifyOffsetChange(zone, zone->get_info(info.begin - 1s), info);
  }

  const date::local_info local_info = zone->get_info(occurrence.local_time);
  if (local_info.result == date::local_info::ambiguous) {
    const date::sys_seconds first_pass{occurrence.local_time.time_since_epoch() -
                                       local_info.first.offset};
    occurrence.overlap_pass = instant == first_pass ? OverlapPass::kFirst : OverlapPass::kSecond;
    occurrence.overlap_change = ClassifyOffsetChange(zone, local_info.first, local_info.second);
  }
  return occurrence;
}

Result<std::vector<CronOccurrence>> ListOccurrences(const CronSchedule& schedule,
                                                    const date::time_zone* zone,
                                                    std::chrono::system_clock::time_point from,
                                                    int count) {
  if (count < 1 || count > kMaxOccurrenceCount) {
    return InvalidArgument(fmt::format("invalid count {}: use a whole number from 1 to {}", count,
                                       kMaxOccurrenceCount));
  }

  std::vector<CronOccurrence> occurrences;
  occurrences.reserve(static_cast<size_t>(count));
  // NextAfter returns times strictly after its argument, so starting one
  // second before the first whole second at or after `from` includes it.
  std::chrono::system_clock::time_point after = date::ceil<seconds>(from) - 1s;
  while (occurrences.size() < static_cast<size_t>(count)) {
    const auto next = schedule.NextAfter(after, zone);
    if (!next) break;
    occurrences.push_back(DescribeOccurrence(schedule, zone, date::floor<seconds>(*next)));
    after = *next;
  }
  return occurrences;
}

Result<std::chrono::system_clock::time_point> ParseIsoInstant(std::string_view text,
                                                              InstantSource source) {
  const std::string_view trimmed = TrimAsciiSpace(text);
  if (trimmed.empty()) return InvalidInstant(text, "it is empty");

  InstantScanner scanner(trimmed);
  const std::optional<int> year = scanner.Digits(4);
  const bool date_dash = year && scanner.Consume('-');
  const std::optional<int> month = date_dash ? scanner.Digits(2) : std::nullopt;
  const std::optional<int> day = month && scanner.Consume('-') ? scanner.Digits(2) : std::nullopt;
  if (!day) return InvalidInstant(text, "the date is not YYYY-MM-DD");

  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return InvalidInstant(text, "that date does not exist");
  if (*year < kMinInstantYear || *year > kMaxInstantYear) {
    return InvalidInstant(
        text, fmt::format("the year is outside {} to {}", kMinInstantYear, kMaxInstantYear));
  }

  if (!(scanner.Consume('T') || scanner.Consume('t') || scanner.Consume(' '))) {
    return InvalidInstant(text, "the time of day is missing after the date");
  }
  const std::optional<int> hour = scanner.Digits(2);
  const std::optional<int> minute = hour && scanner.Consume(':') ? scanner.Digits(2) : std::nullopt;
  if (!minute) return InvalidInstant(text, "the time of day is not HH:MM or HH:MM:SS");
  int second = 0;
  std::chrono::nanoseconds fraction{0};
  if (scanner.Consume(':')) {
    const std::optional<int> parsed = scanner.Digits(2);
    if (!parsed) return InvalidInstant(text, "the seconds are not two digits");
    second = *parsed;
    if (scanner.Consume('.') || scanner.Consume(',')) {
      const auto parsed_fraction = scanner.Fraction();
      if (!parsed_fraction) return InvalidInstant(text, "the fraction of a second has no digits");
      fraction = *parsed_fraction;
    }
  }
  if (*hour > 23 || *minute > 59 || second > 59) {
    return InvalidInstant(text, "the time of day is out of range (00:00:00 to 23:59:59)");
  }

  Result<seconds> offset = ParseOffset(scanner, trimmed, source);
  if (!offset.ok()) return offset.error();
  if (!scanner.AtEnd()) return InvalidInstant(text, "unexpected text after the UTC offset");

  const date::sys_seconds local_as_utc = date::sys_days{ymd} + std::chrono::hours{*hour} +
                                         std::chrono::minutes{*minute} + seconds{second};
  const date::sys_seconds instant = local_as_utc - *offset;
  return std::chrono::system_clock::time_point{instant} +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction);
}

std::string FormatLocalTime(date::local_seconds time, char separator) {
  // fmt instead of date::format, which builds an ostringstream per call:
  // a preview of 1000 occurrences formats 3000 times.
  const date::local_days day = date::floor<date::days>(time);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> clock{time - day};
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     separator, clock.hours().count(), clock.minutes().count(),
                     clock.seconds().count());
}

std::string FormatUtcOffset(seconds offset) {
  const char sign = offset < 0s ? '-' : '+';
  const int64_t total = std::llabs(offset.count());
  const int64_t hours = total / 3600;
  const int64_t minutes = total / 60 % 60;
  const int64_t rest = total % 60;
  if (rest != 0) return fmt::format("{}{:02}:{:02}:{:02}", sign, hours, minutes, rest);
  return fmt::format("{}{:02}:{:02}", sign, hours, minutes);
}

}  // namespace webjobs
