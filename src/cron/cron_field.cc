// Field parsing works on the raw text values first and maps them into the
// field's cycle only when a range is expanded. That one step gives reversed
// ranges their wrap-around meaning and makes day-of-week 7 act as Sunday in
// every position: "5-7", "0-7", "7-7", "7-3" and "7/2" all follow from
// value = min + (v - min) mod cycle.
#include "cron/cron_field.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cron/cron_text.h"

namespace webjobs {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

struct FieldSpec {
  CronFieldKind kind;
  std::string_view name;
  int min;
  int max;                                  // largest value accepted in text (7 for day-of-week)
  int star_max;                             // largest value stored, and the end of `*` and `V/N`
  std::span<const std::string_view> names;  // full names of min, min+1, ...
  std::string_view usage;                   // ends every error message about the field
};

// The end of every error message about a field: its valid values and an
// example.
constexpr std::string_view kSecondUsage = "valid second values are 0-59, for example '0' or '*/15'";
constexpr std::string_view kMinuteUsage =
    "valid minute values are 0-59, for example '*/5' or '0,30'";
constexpr std::string_view kHourUsage = "valid hour values are 0-23, for example '9' or '8-18'";
constexpr std::string_view kDayOfMonthUsage =
    "valid day-of-month values are 1-31, for example '1' or '1,15'";
constexpr std::string_view kMonthUsage =
    "valid month values are 1-12 or JAN-DEC, for example 'JAN-MAR'";
constexpr std::string_view kDayOfWeekUsage =
    "valid day-of-week values are 0-7 (0 and 7 are Sunday) or SUN-SAT, for example 'MON-FRI'";

constexpr std::array<FieldSpec, 6> kSpecs = {{
    {CronFieldKind::kSecond, "second", 0, 59, 59, {}, kSecondUsage},
    {CronFieldKind::kMinute, "minute", 0, 59, 59, {}, kMinuteUsage},
    {CronFieldKind::kHour, "hour", 0, 23, 23, {}, kHourUsage},
    {CronFieldKind::kDayOfMonth, "day-of-month", 1, 31, 31, {}, kDayOfMonthUsage},
    {CronFieldKind::kMonth, "month", 1, 12, 12, kMonthNames, kMonthUsage},
    {CronFieldKind::kDayOfWeek, "day-of-week", 0, 7, 6, kWeekdayNames, kDayOfWeekUsage},
}};

const FieldSpec& SpecFor(CronFieldKind kind) { return kSpecs[static_cast<size_t>(kind)]; }

// The first and last value of a range as written, before wrapping.
struct Bounds {
  int first;
  int last;
};

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsAsciiAlphanumeric(char c) { return IsAsciiDigit(c) || IsAsciiLetter(c); }

bool IsAllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), IsAsciiDigit);
}

bool IsAllLetters(std::string_view text) {
  return std::all_of(text.begin(), text.end(), IsAsciiLetter);
}

// Returns a message for the Quartz day extensions L and W (`L`, `LW`, `15W`,
// `5L`), or nullopt when `token` is not one of them.
std::optional<std::string_view> DescribeDayExtension(const FieldSpec& spec,
                                                     std::string_view token) {
  if (spec.kind != CronFieldKind::kDayOfMonth && spec.kind != CronFieldKind::kDayOfWeek) {
    return std::nullopt;
  }
  const bool day_of_month = spec.kind == CronFieldKind::kDayOfMonth;
  if (EqualsIgnoreAsciiCase(token, "L")) {
    return day_of_month ? "is not supported (Quartz syntax for the last day of the month)"
                        : "is not supported (Quartz syntax for the last day of the week)";
  }
  if (EqualsIgnoreAsciiCase(token, "LW")) {
    if (!day_of_month) return std::nullopt;
    return "is not supported (Quartz syntax for the last weekday of the month)";
  }
  const std::string_view digits = token.substr(0, token.size() - 1);
  if (digits.empty() || !IsAllDigits(digits)) return std::nullopt;
  const char suffix = token.back();
  if ((suffix == 'W' || suffix == 'w') && day_of_month) {
    return "is not supported (Quartz syntax for the weekday nearest a day)";
  }
  if ((suffix == 'L' || suffix == 'l') && !day_of_month) {
    return "is not supported (Quartz syntax for the last such weekday of the month)";
  }
  return std::nullopt;
}

// Matches a three-letter abbreviation or a full name, in any case. Other
// prefixes ("T", "Ju", "Augu") are rejected on purpose because they are
// easy to misread.
std::optional<int> LookUpName(const FieldSpec& spec, std::string_view token) {
  for (size_t i = 0; i < spec.names.size(); ++i) {
    const std::string_view full = spec.names[i];
    if (EqualsIgnoreAsciiCase(token, full) || EqualsIgnoreAsciiCase(token, full.substr(0, 3))) {
      return spec.min + static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// Expands a range into bits. A reversed range continues past the end of the
// cycle and wraps to its start, and the step counts across the wrap
// ("22-2/2" is 22, 0, 2).
uint64_t RangeBits(const FieldSpec& spec, Bounds bounds, int step) {
  assert(step >= 1);
  const int64_t cycle = spec.star_max - spec.min + 1;
  const int64_t last = bounds.first <= bounds.last ? bounds.last : bounds.last + cycle;
  uint64_t bits = 0;
  for (int64_t v = bounds.first; v <= last; v += step) {
    bits |= uint64_t{1} << (spec.min + (v - spec.min) % cycle);
  }
  return bits;
}

// A recursive-descent parser over one field's text. It keeps the offset of
// every token, so each error can quote the token and give its column. The
// grammar, with items separated by ',':
//   item  = range [ "/" step ]
//   range = "*" | value [ "-" value ]
//   value = letters and digits (a number or a name)
//   step  = digits
class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, std::string_view text, int first_column)
      : spec_(spec), text_(text), first_column_(first_column) {}

  Result<uint64_t> ParseList() {
    if (text_.empty()) return ErrorAt(0, "", "is empty");
    if (auto error = CheckCharacters()) return *std::move(error);

    uint64_t bits = 0;
    while (true) {
      auto item_bits = ParseItem();
      if (!item_bits.ok()) return item_bits.error();
      bits |= *item_bits;
      if (AtEnd()) return bits;
      ++position_;  // the ',' after the item
    }
  }

 private:
  bool AtEnd() const { return position_ >= text_.size(); }
  bool At(char c) const { return !AtEnd() && text_[position_] == c; }
  bool AtItemEnd() const { return AtEnd() || At(','); }

  // Returns the error for `token` at `offset` of the field text. The
  // message ends with the field's valid values, which the caller never
  // repeats in `problem`.
  Error ErrorAt(size_t offset, std::string_view token, std::string_view problem) const {
    return InvalidArgument(
        fmt::format("'{}' at column {} in the {} field {}; {}", PrintableText(token),
                    first_column_ + static_cast<int>(offset), spec_.name, problem, spec_.usage));
  }

  // Returns an error for the first character that no field contains,
  // naming the Quartz feature the character belongs to where there is one.
  // Every later check may then assume ASCII text, where a byte offset is a
  // character offset.
  std::optional<Error> CheckCharacters() const {
    for (size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (IsAsciiAlphanumeric(c) || c == '*' || c == ',' || c == '-' || c == '/') continue;
      if (c == '#') {
        return ErrorAt(i, "#", "is not supported (Quartz syntax for the nth weekday of a month)");
      }
      if (c == '?') {
        return ErrorAt(i, "?",
                       "is not supported (Quartz syntax for 'no specific value'), so write '*' "
                       "instead");
      }
      return ErrorAt(i, text_.substr(i, Utf8CharacterLength(text_.substr(i))),
                     "is not allowed (a field contains only ASCII letters, digits, '*', ',', '-' "
                     "and '/')");
    }
    return std::nullopt;
  }

  Result<uint64_t> ParseItem() {
    if (AtItemEnd()) {
      // The empty item lies before the ',' at the cursor, or after the
      // ',' that ends the text.
      const size_t comma = AtEnd() ? position_ - 1 : position_;
      return ErrorAt(comma, ",", "leaves an empty list item (remove the extra ',')");
    }

    auto bounds = ParseRange();
    if (!bounds.ok()) return bounds.error();
    int step = 1;
    if (At('/')) {
      auto parsed_step = ParseStep();
      if (!parsed_step.ok()) return parsed_step.error();
      step = *parsed_step;
    }
    if (!AtItemEnd()) {
      return ErrorAt(position_, text_.substr(position_, 1),
                     fmt::format("cannot follow '{}'", text_[position_ - 1]));
    }
    return RangeBits(spec_, *bounds, step);
  }

  // Parses `*`, `V` or `A-B`. A single value with a step (`5/15`) runs to
  // the end of the field's range.
  Result<Bounds> ParseRange() {
    if (At('*')) {
      ++position_;
      if (At('-')) return ErrorAt(position_ - 1, "*", "cannot be part of a range");
      return Bounds{spec_.min, spec_.star_max};
    }
    if (At('/')) return ErrorAt(position_, "/", "has no value before it");
    if (At('-')) {
      return ErrorAt(position_, "-", "has no value before it (negative values are not allowed)");
    }

    auto first = ParseValue();
    if (!first.ok()) return first.error();
    if (!At('-')) return Bounds{*first, At('/') ? spec_.star_max : *first};

    const size_t dash = position_++;
    if (AtItemEnd() || At('/')) return ErrorAt(dash, "-", "has no value after it");
    if (At('*')) return ErrorAt(position_, "*", "cannot be part of a range");
    if (At('-')) return ErrorAt(position_, "-", "is one '-' too many (a range has one '-')");
    auto last = ParseValue();
    if (!last.ok()) return last.error();
    if (At('-')) return ErrorAt(position_, "-", "is one '-' too many (a range has one '-')");
    return Bounds{*first, *last};
  }

  // Parses the run of letters and digits at the cursor: a number, or a
  // month or weekday name.
  Result<int> ParseValue() {
    const size_t start = position_;
    while (!AtEnd() && IsAsciiAlphanumeric(text_[position_])) ++position_;
    const std::string_view token = text_.substr(start, position_ - start);
    assert(!token.empty());

    if (IsAllDigits(token)) {
      int value = 0;
      const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
      if (error != std::errc() || end != token.data() + token.size() || value < spec_.min ||
          value > spec_.max) {
        return ErrorAt(start, token, "is out of range");
      }
      return value;
    }
    if (auto extension = DescribeDayExtension(spec_, token)) {
      return ErrorAt(start, token, *extension);
    }
    if (spec_.names.empty()) return ErrorAt(start, token, "is not a number");
    const bool month = spec_.kind == CronFieldKind::kMonth;
    const std::string_view noun = month ? "month" : "day";
    if (!IsAllLetters(token)) {
      return ErrorAt(start, token, fmt::format("is neither a number nor a {} name", noun));
    }
    if (auto value = LookUpName(spec_, token)) return *value;
    return ErrorAt(start, token,
                   fmt::format("is not a {} name (write three letters, such as {}, or the full "
                               "name, such as {})",
                               noun, month ? "JUN" : "TUE", month ? "June" : "Tuesday"));
  }

  // Parses `/N` at the cursor.
  Result<int> ParseStep() {
    const size_t slash = position_++;
    const size_t start = position_;
    while (!AtItemEnd() && !At('/')) ++position_;
    const std::string_view token = text_.substr(start, position_ - start);
    if (token.empty()) return ErrorAt(slash, "/", "has no step after it");

    constexpr std::string_view kInvalidStep =
        "is not a valid step (a step is a whole number of at least 1)";
    // Digits only, because from_chars would also accept a minus sign.
    if (!IsAllDigits(token)) return ErrorAt(start, token, kInvalidStep);
    int step = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), step);
    if (error != std::errc() || end != token.data() + token.size()) {
      return ErrorAt(start, token, "is too large for a step");
    }
    if (step == 0) return ErrorAt(start, token, kInvalidStep);
    if (At('/')) {
      return ErrorAt(position_, "/", "is one '/' too many (an item has at most one step)");
    }
    return step;
  }

  const FieldSpec& spec_;
  std::string_view text_;
  int first_column_;
  size_t position_ = 0;
};

uint64_t FullMask(const FieldSpec& spec) {
  const uint64_t through_max = (uint64_t{1} << (spec.star_max + 1)) - 1;
  const uint64_t below_min = (uint64_t{1} << spec.min) - 1;
  return through_max & ~below_min;
}

}  // namespace

std::string_view CronFieldName(CronFieldKind kind) { return SpecFor(kind).name; }

std::string_view CronMonthName(int month) {
  assert(month >= 1);
  assert(month <= 12);
  return kMonthNames[static_cast<size_t>(month - 1)];
}

Result<CronField> CronField::Parse(CronFieldKind kind, std::string_view text, int first_column) {
  const FieldSpec& spec = SpecFor(kind);
  auto bits = FieldParser(spec, text, first_column).ParseList();
  if (!bits.ok()) return bits.error();
  const bool uses_interval_syntax = text.find_first_of("*-/") != std::string_view::npos;
  return CronField(kind, *bits, uses_interval_syntax);
}

bool CronField::Contains(int value) const {
  return value >= 0 && value < 64 && (bits_ >> value & 1) != 0;
}

int CronField::NextFrom(int from) const {
  if (from < 0) from = 0;
  if (from >= 64) return -1;
  const uint64_t remaining = bits_ >> from;
  if (remaining == 0) return -1;
  return from + std::countr_zero(remaining);
}

bool CronField::IsFull() const { return bits_ == FullMask(SpecFor(kind_)); }

std::string CronField::Expanded() const {
  if (IsFull()) return "*";
  const FieldSpec& spec = SpecFor(kind_);
  std::string text;
  for (int value = NextFrom(spec.min); value >= 0;) {
    int run_end = value;
    while (Contains(run_end + 1)) ++run_end;
    if (!text.empty()) text += ',';
    text += run_end == value ? fmt::format("{}", value) : fmt::format("{}-{}", value, run_end);
    value = NextFrom(run_end + 1);
  }
  return text;
}

}  // namespace webjobs
