#include "cron/time_zone.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string>

#include "core/log.h"
#include "cron/cron_text.h"
#include "cron/windows_zones.h"

namespace webjobs {
namespace {

// Looks `name` up among the IANA names. Returns nullptr when there is no
// such zone, and an error when the zone exists but cannot be loaded.
Result<const date::time_zone*> FindIanaZone(std::string_view name) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return static_cast<const date::time_zone*>(nullptr);
  }
  try {
    // The date library reads a zone's file on first use; do it here, where
    // a failure can still be reported.
    (void)zone->get_info(date::sys_seconds{});
  } catch (const std::exception& e) {
    return IoError(fmt::format("time zone '{}': reading its data from the tz database failed: {}",
                               name, e.what()));
  }
  return zone;
}

// Returns the IANA name that equals `name` except for case, if any.
std::optional<std::string> FindDifferentCase(std::string_view name) {
  try {
    for (const date::time_zone& zone : date::get_tzdb().zones) {
      if (EqualsIgnoreAsciiCase(zone.name(), name)) return std::string(zone.name());
    }
  } catch (const std::exception&) {
    // Without a database there is nothing to suggest, and the caller's
    // message is complete without a suggestion.
  }
  return std::nullopt;
}

Error UnknownZoneError(std::string_view name) {
  std::string hint;
  if (auto spelling = FindDifferentCase(name)) {
    hint = fmt::format(" (IANA names are case-sensitive; did you mean '{}'?)", *spelling);
  }
  return InvalidArgument(fmt::format(
      "unknown time zone '{}'{}; use an IANA name such as 'Asia/Seoul' or 'America/New_York', "
      "or a Windows zone id such as 'Korea Standard Time'",
      PrintableText(name), hint));
}

const date::time_zone* SystemZone() {
  try {
    return date::current_zone();
  } catch (const std::exception& e) {
    spdlog::warn("event=time_zone_system_unknown error={} fallback=UTC", Quote(e.what()));
    return nullptr;
  }
}

}  // namespace

Result<const date::time_zone*> LocateTimeZone(std::string_view name) {
  const std::string_view trimmed = TrimAsciiSpace(name);
  if (trimmed.empty()) {
    return InvalidArgument(
        "time zone name is empty; use an IANA name such as 'Asia/Seoul' or 'UTC'");
  }

  auto zone = FindIanaZone(trimmed);
  if (!zone.ok() || *zone != nullptr) return zone;

  if (auto iana_name = IanaNameForWindowsZone(trimmed)) {
    zone = FindIanaZone(*iana_name);
    if (!zone.ok() || *zone != nullptr) return zone;
    return InvalidArgument(fmt::format(
        "time zone '{}' is the Windows id of '{}', which this system's tz database lacks; "
        "install or update the tzdata package",
        trimmed, *iana_name));
  }
  return UnknownZoneError(trimmed);
}

const date::time_zone* DefaultTimeZone(std::string_view website_time_zone_setting) {
  if (!TrimAsciiSpace(website_time_zone_setting).empty()) {
    auto zone = LocateTimeZone(website_time_zone_setting);
    if (zone.ok()) return *zone;
    spdlog::warn(
        "event=time_zone_setting_invalid setting=WEBSITE_TIME_ZONE fallback=system error={}",
        Quote(zone.error().message));
  }

  if (const date::time_zone* system_zone = SystemZone()) {
    auto loaded = FindIanaZone(system_zone->name());
    if (loaded.ok() && *loaded != nullptr) return *loaded;
  }
  auto utc = FindIanaZone("UTC");
  if (utc.ok() && *utc != nullptr) return *utc;
  spdlog::warn("event=time_zone_database_missing fallback=UTC");
  return nullptr;
}

}  // namespace webjobs
