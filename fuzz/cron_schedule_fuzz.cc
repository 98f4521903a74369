// Fuzzes the NCRONTAB parser and the next-occurrence search.
//
// Checks, with abort() on failure:
//   - Any input either parses or yields kInvalidArgument with a one-line
//     message that quotes the trimmed input. Only five-field input adds how
//     it was read. When the message points at a token ("'<token>' at
//     column <N>"), the trimmed input has that token at that column.
//   - A valid schedule round-trips through Expanded(): the reparsed
//     schedule has the same Expanded() text and the same next occurrences,
//     in UTC always and in a DST zone when both have the same IsInterval().
//   - NextAfter, in UTC and in one of several DST zones, returns strictly
//     increasing times with nothing skipped: from the second before a
//     result, the search lands on that same result.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cron/cron_schedule.h"
#include "cron/cron_text.h"
#include "cron/time_zone.h"

namespace {

using std::chrono::system_clock;

const date::time_zone* ZoneOrUtc(std::string_view name) {
  auto zone = webjobs::LocateTimeZone(name);
  return zone.ok() ? *zone : nullptr;
}

// FNV-1a, to derive a start time and zone from the input.
uint64_t Hash(std::string_view text) {
  uint64_t hash = 1469598103934665603ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

// Returns the number of fields: runs of characters other than space and
// tab.
size_t CountFields(std::string_view text) {
  size_t count = 0;
  bool in_field = false;
  for (char c : text) {
    const bool separator = c == ' ' || c == '\t';
    if (!separator && !in_field) ++count;
    in_field = !separator;
  }
  return count;
}

// Checks that the message quotes the trimmed input, and that a message of
// the form "... '<token>' at column <N> ..." points at <token> in it.
// Tokens that the message had to escape or cut are skipped, because their
// text differs from the input.
void CheckMessage(std::string_view message, std::string_view trimmed) {
  const std::string quoted = "invalid schedule '" + webjobs::PrintableText(trimmed) + "'";
  Check(message.starts_with(quoted));
  message.remove_prefix(quoted.size());
  constexpr std::string_view kFiveFieldReading =
      " (5 fields, read as minute hour day-of-month month day-of-week)";
  if (message.starts_with(kFiveFieldReading)) {
    Check(CountFields(trimmed) == 5);
    message.remove_prefix(kFiveFieldReading.size());
  }
  Check(message.starts_with(": "));
  message.remove_prefix(2);

  constexpr std::string_view kMarker = "' at column ";
  const size_t marker = message.find(kMarker);
  if (marker == std::string_view::npos) return;
  // A token contains no space, so the quote that opens it follows the last
  // space before the marker, or starts the rest of the message.
  const size_t space = message.rfind(' ', marker);
  const size_t open_quote = message.find('\'', space == std::string_view::npos ? 0 : space);
  Check(open_quote < marker);
  const std::string_view token = message.substr(open_quote + 1, marker - open_quote - 1);

  size_t column = 0;
  for (size_t i = marker + kMarker.size();
       i < message.size() && message[i] >= '0' && message[i] <= '9'; ++i) {
    column = column * 10 + static_cast<size_t>(message[i] - '0');
  }
  Check(column >= 1);
  if (token.find('\\') != std::string_view::npos || token.ends_with("...")) return;

  // Columns count characters. Check them where everything before the
  // token is ASCII, so that a column is a byte offset plus one.
  const std::string_view before = trimmed.substr(0, column - 1);
  const bool ascii = std::all_of(before.begin(), before.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii || before.size() != column - 1) return;
  Check(trimmed.substr(column - 1, token.size()) == token);
}

// Follows NextAfter from `start` for a few steps and checks the results.
// Returns them so that another schedule can be compared.
std::array<system_clock::time_point, 4> Follow(const webjobs::CronSchedule& schedule,
                                               system_clock::time_point start,
                                               const date::time_zone* zone) {
  std::array<system_clock::time_point, 4> results{};
  system_clock::time_point instant = start;
  for (system_clock::time_point& result : results) {
    const std::optional<system_clock::time_point> next = schedule.NextAfter(instant, zone);
    Check(next.has_value());
    Check(*next > instant);
    const system_clock::time_point just_before = *next - std::chrono::seconds{1};
    if (just_before >= instant) Check(schedule.NextAfter(just_before, zone) == next);
    result = *next;
    instant = *next;
  }
  return results;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<const date::time_zone*, 5> kDstZones = {
      ZoneOrUtc("America/New_York"), ZoneOrUtc("Australia/Lord_Howe"), ZoneOrUtc("Pacific/Apia"),
      ZoneOrUtc("Europe/Dublin"), ZoneOrUtc("America/Santiago")};

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schedule = webjobs::CronSchedule::Parse(text);
  if (!schedule.ok()) {
    const std::string& message = schedule.error().message;
    Check(schedule.error().code == webjobs::ErrorCode::kInvalidArgument);
    Check(message.find('\n') == std::string::npos);
    CheckMessage(message, webjobs::TrimAsciiSpace(text));
    return 0;
  }

  auto reparsed = webjobs::CronSchedule::Parse(schedule->Expanded());
  Check(reparsed.ok());
  Check(reparsed->Expanded() == schedule->Expanded());

  const uint64_t hash = Hash(text);
  const date::time_zone* dst_zone = kDstZones[hash % kDstZones.size()];
  // A start between 1900 and about 2100.
  const system_clock::time_point start =
      date::sys_days{date::year{1900} / 1 / 1} +
      std::chrono::seconds{static_cast<int64_t>((hash >> 8) % 6311390400)};

  Check(Follow(*schedule, start, nullptr) == Follow(*reparsed, start, nullptr));
  const auto in_dst_zone = Follow(*schedule, start, dst_zone);
  // Expanded() does not keep the interval rule, which decides the second
  // pass of a DST overlap.
  if (reparsed->IsInterval() == schedule->IsInterval()) {
    Check(in_dst_zone == Follow(*reparsed, start, dst_zone));
  }
  return 0;
}
