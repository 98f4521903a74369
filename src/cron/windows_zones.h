// Windows time zone ids and the IANA zones they stand for.
//
// Azure App Service on Windows names the host time zone in
// WEBSITE_TIME_ZONE with a Windows id such as "Korea Standard Time". The
// table maps each id to the IANA zone that the Unicode CLDR windowsZones
// data lists for the id's main region ("001"). The IANA names are the
// canonical ones of current tzdata (Asia/Kolkata, not Asia/Calcutta).
// The table is constant; all functions are thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace webjobs {

struct WindowsZoneMapping {
  std::string_view windows_id;  // for example "Pacific Standard Time"
  std::string_view iana_name;   // for example "America/Los_Angeles"
};

// Returns the whole table, one entry per Windows id.
std::span<const WindowsZoneMapping> WindowsZoneMappings();

// Returns the IANA name for `windows_id`, compared without regard to ASCII
// case as Windows does, or nullopt when the id is not in the table.
std::optional<std::string_view> IanaNameForWindowsZone(std::string_view windows_id);

}  // namespace webjobs
