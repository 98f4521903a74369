// Time zone lookup for schedules.
//
// Zones come from the system's tz database (/usr/share/zoneinfo) through
// the date library. A returned zone pointer is owned by that database and
// stays valid for the life of the process. Both functions are thread-safe.
#pragma once

#include <date/tz.h>

#include <string_view>

#include "core/result.h"

namespace webjobs {

// Returns the zone named `name` after trimming white space: an IANA name
// such as "Asia/Seoul" or "UTC" (exact case), or a Windows zone id such as
// "Korea Standard Time" (any case), as Azure's WEBSITE_TIME_ZONE setting
// uses on Windows. The zone's data is loaded before it is returned, so
// later calls on it do not fail.
// Returns kInvalidArgument when the name is empty or unknown. The message
// names the value, suggests the right spelling when only the case differs,
// and gives an IANA example. Returns kIo when the zone exists but its data
// file cannot be read.
Result<const date::time_zone*> LocateTimeZone(std::string_view name);

// Returns the host's default zone for schedules: the zone named by
// `website_time_zone_setting` (the WEBSITE_TIME_ZONE value) if it is set and
// valid, else the system zone, else UTC. An invalid setting or an
// undeterminable system zone is logged as a warning. Returns nullptr only
// when the system has no tz database at all; CronSchedule::NextAfter reads
// nullptr as UTC.
const date::time_zone* DefaultTimeZone(std::string_view website_time_zone_setting);

}  // namespace webjobs
