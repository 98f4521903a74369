// Field parsing works on the raw text values first and maps them into the
// field's cycle only when a range is expanded. That one step gives reversed
// ranges their wrap-around meaning and makes day-of-week 7 act as Sunday in
// every position: "5-7", "0-7", "7-7", "7-3" and "7/2" all follow from
// value = min + (v - min) mod cycle.
#include "cron/cron_field.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cassert>
#include <cctype>
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
  std::string_view usage;                   // the accepted values, for messages
};

constexpr std::array<FieldSpec, 6> kSpecs = {{
    {CronFieldKind::kSecond, "second", 0, 59, 59, {}, "0-59"},
    {CronFieldKind::kMinute, "minute", 0, 59, 59, {}, "0-59"},
    {CronFieldKind::kHour, "hour", 0, 23, 23, {}, "0-23"},
    {CronFieldKind::kDayOfMonth, "day-of-month", 1, 31, 31, {}, "1-31"},
    {CronFieldKind::kMonth, "month", 1, 12, 12, kMonthNames,
     "1-12, a three-letter name such as JAN, or a full name such as January"},
    {CronFieldKind::kDayOfWeek, "day-of-week", 0, 7, 6, kWeekdayNames,
     "0-7 (0 and 7 are Sunday), a three-letter name such as MON, or a full name such as "
     "Monday"},
}};

const FieldSpec& SpecFor(CronFieldKind kind) { return kSpecs[static_cast<size_t>(kind)]; }

// The first and last value of a range as written, before wrapping.
struct Bounds {
  int first;
  int last;
};

Error FieldError(const FieldSpec& spec, std::string_view text, std::string_view detail) {
  return InvalidArgument(fmt::format("{} field '{}': {}", spec.name, text, detail));
}

std::string DescribeChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte >= 0x7f) return fmt::format("\\x{:02X}", byte);
  return std::string(1, c);
}

bool IsAllDigits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsAllLetters(std::string_view text) {
  for (char c : text) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Returns an error for characters no NCRONTAB field contains, naming the
// Quartz or Vixie feature the character belongs to where there is one.
std::optional<Error> CheckCharacters(const FieldSpec& spec, std::string_view text) {
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '*' || c == ',' || c == '-' ||
        c == '/') {
      continue;
    }
    if (c == '#') {
      return FieldError(spec, text,
                        "'#' (the nth weekday of a month) is not supported in NCRONTAB");
    }
    if (c == '?') return FieldError(spec, text, "'?' is not supported in NCRONTAB; use '*'");
    return FieldError(spec, text,
                      fmt::format("character '{}' is not allowed; a field contains only digits, "
                                  "names, '*', ',', '-' and '/'",
                                  DescribeChar(c)));
  }
  return std::nullopt;
}

// Returns a message for the Quartz day extensions L and W (`L`, `LW`, `15W`,
// `5L`), or nullopt when `token` is not one of them.
std::optional<std::string> DescribeDayExtension(const FieldSpec& spec, std::string_view token) {
  if (spec.kind != CronFieldKind::kDayOfMonth && spec.kind != CronFieldKind::kDayOfWeek) {
    return std::nullopt;
  }
  if (EqualsIgnoreAsciiCase(token, "L") && spec.kind == CronFieldKind::kDayOfMonth) {
    return fmt::format(
        "'{}' (last day) is not supported in NCRONTAB; list the days instead, for example "
        "28-31",
        token);
  }
  if (EqualsIgnoreAsciiCase(token, "LW")) {
    return fmt::format("'{}' (last weekday of the month) is not supported in NCRONTAB", token);
  }
  const char suffix = static_cast<char>(std::toupper(static_cast<unsigned char>(token.back())));
  if (suffix == 'W' && spec.kind == CronFieldKind::kDayOfMonth) {
    return fmt::format("'{}': 'W' (the weekday nearest a day) is not supported in NCRONTAB", token);
  }
  if (suffix == 'L' && spec.kind == CronFieldKind::kDayOfWeek) {
    return fmt::format(
        "'{}': 'L' (the last such weekday of the month) is not supported in NCRONTAB", token);
  }
  return std::nullopt;
}

Result<int> ParseNumber(const FieldSpec& spec, std::string_view field_text,
                        std::string_view token) {
  int value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size() || value < spec.min ||
      value > spec.max) {
    return FieldError(spec, field_text,
                      fmt::format("{} is out of range; use {}", token, spec.usage));
  }
  return value;
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

Result<int> ParseValue(const FieldSpec& spec, std::string_view field_text, std::string_view token) {
  if (token == "*") {
    return FieldError(spec, field_text, "'*' cannot be the end of a range");
  }
  if (IsAllDigits(token)) return ParseNumber(spec, field_text, token);

  if (auto extension = DescribeDayExtension(spec, token)) {
    return FieldError(spec, field_text, *extension);
  }
  if (spec.names.empty() || !IsAllLetters(token)) {
    return FieldError(spec, field_text,
                      fmt::format("'{}' is not a number; use {}", token, spec.usage));
  }
  if (auto value = LookUpName(spec, token)) return *value;
  const std::string_view noun = spec.kind == CronFieldKind::kMonth ? "month" : "day";
  return FieldError(spec, field_text,
                    fmt::format("'{}' is not a {} name; use {}", token, noun, spec.usage));
}

Result<int> ParseStep(const FieldSpec& spec, std::string_view field_text, std::string_view text) {
  if (text.empty()) return FieldError(spec, field_text, "a step is missing after '/'");
  if (text.find('/') != std::string_view::npos) {
    return FieldError(spec, field_text, "an element has more than one '/'");
  }
  // Digits only: from_chars alone would also accept a minus sign.
  if (!IsAllDigits(text)) {
    return FieldError(spec, field_text, fmt::format("step '{}' is not a number", text));
  }
  int step = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), step);
  if (error != std::errc() || end != text.data() + text.size()) {
    return FieldError(spec, field_text, fmt::format("step {} is too large", text));
  }
  if (step == 0) return FieldError(spec, field_text, "step 0 is invalid; a step is at least 1");
  return step;
}

// Parses the part before '/': `*`, `V` or `A-B`. A single value with a step
// (`5/15`) runs to the end of the field's range.
Result<Bounds> ParseRange(const FieldSpec& spec, std::string_view field_text, std::string_view text,
                          bool has_step) {
  if (text == "*") return Bounds{spec.min, spec.star_max};
  if (text.empty()) return FieldError(spec, field_text, "a value is missing before '/'");

  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto value = ParseValue(spec, field_text, text);
    if (!value.ok()) return value.error();
    return Bounds{*value, has_step ? spec.star_max : *value};
  }

  const std::string_view first_text = text.substr(0, dash);
  const std::string_view last_text = text.substr(dash + 1);
  if (first_text.empty()) {
    return FieldError(spec, field_text,
                      fmt::format("a value is missing before '-' in '{}'; negative values are "
                                  "not allowed",
                                  text));
  }
  if (last_text.empty()) {
    return FieldError(spec, field_text, fmt::format("a value is missing after '-' in '{}'", text));
  }
  if (last_text.find('-') != std::string_view::npos) {
    return FieldError(spec, field_text, fmt::format("'{}' has more than one '-'", text));
  }
  auto first = ParseValue(spec, field_text, first_text);
  if (!first.ok()) return first.error();
  auto last = ParseValue(spec, field_text, last_text);
  if (!last.ok()) return last.error();
  return Bounds{*first, *last};
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

Result<uint64_t> ParseElement(const FieldSpec& spec, std::string_view field_text,
                              std::string_view element) {
  if (element.empty()) {
    return FieldError(spec, field_text, "a list element is empty; remove the extra ','");
  }
  std::string_view range_text = element;
  int step = 1;
  const size_t slash = element.find('/');
  if (slash != std::string_view::npos) {
    range_text = element.substr(0, slash);
    auto parsed_step = ParseStep(spec, field_text, element.substr(slash + 1));
    if (!parsed_step.ok()) return parsed_step.error();
    step = *parsed_step;
  }
  auto bounds = ParseRange(spec, field_text, range_text, slash != std::string_view::npos);
  if (!bounds.ok()) return bounds.error();
  return RangeBits(spec, *bounds, step);
}

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

Result<CronField> CronField::Parse(CronFieldKind kind, std::string_view text) {
  const FieldSpec& spec = SpecFor(kind);
  if (text.empty()) return FieldError(spec, text, "the field is empty");
  if (auto error = CheckCharacters(spec, text)) return *error;

  uint64_t bits = 0;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const size_t length = comma == std::string_view::npos ? std::string_view::npos : comma - start;
    auto element_bits = ParseElement(spec, text, text.substr(start, length));
    if (!element_bits.ok()) return element_bits.error();
    bits |= *element_bits;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  const bool uses_interval_syntax = text.find_first_of("*-/") != std::string_view::npos;
  return CronField(kind, bits, uses_interval_syntax);
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
