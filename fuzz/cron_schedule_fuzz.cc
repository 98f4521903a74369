// Fuzzes the NCRONTAB parser and the next-occurrence search.
//
// Any input either parses or yields kInvalidArgument with a message. A
// valid schedule must round-trip through Expanded(), and NextAfter must
// return strictly increasing times, with nothing skipped: from any instant
// between a result and the one after it, the search lands on the same next
// result.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cron/cron_schedule.h"
#include "cron/time_zone.h"

namespace {

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<const date::time_zone*, 5> kZones = {
      nullptr, ZoneOrUtc("America/New_York"), ZoneOrUtc("Australia/Lord_Howe"),
      ZoneOrUtc("Pacific/Apia"), ZoneOrUtc("Europe/Dublin")};

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schedule = webjobs::CronSchedule::Parse(text);
  if (!schedule.ok()) {
    Check(schedule.error().code == webjobs::ErrorCode::kInvalidArgument);
    Check(!schedule.error().message.empty());
    return 0;
  }

  auto reparsed = webjobs::CronSchedule::Parse(schedule->Expanded());
  Check(reparsed.ok());
  Check(reparsed->Expanded() == schedule->Expanded());

  const uint64_t hash = Hash(text);
  const date::time_zone* zone = kZones[hash % kZones.size()];
  // A start between 1900 and about 2100.
  const auto start = date::sys_days{date::year{1900} / 1 / 1} +
                     std::chrono::seconds{static_cast<int64_t>(hash >> 8) % 6311390400};
  std::chrono::system_clock::time_point instant = start;
  for (int i = 0; i < 4; ++i) {
    const auto next = schedule->NextAfter(instant, zone);
    Check(next.has_value());
    Check(*next > instant);
    const auto just_before = *next - std::chrono::seconds{1};
    if (just_before >= instant) Check(schedule->NextAfter(just_before, zone) == next);
    instant = *next;
  }
  return 0;
}
