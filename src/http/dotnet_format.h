// Date and duration text in the forms Kudu's JSON uses (Json.NET's ISO
// dates and .NET TimeSpan), so clients written against Azure parse our
// responses unchanged. Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "store/store.h"

namespace webjobs {

// end_time of a run that has not ended yet: .NET's DateTime.MinValue as
// Json.NET writes it, without a zone designator.
inline constexpr std::string_view kUnsetDotNetDate = "0001-01-01T00:00:00";

// Formats `time` as ISO-8601 UTC in 100 ns ticks with trailing zeros of the
// fraction dropped, like Json.NET: "2024-01-02T15:30:45.0123456Z",
// "2024-01-02T15:30:45.5Z", "2024-01-02T15:30:45Z".
std::string FormatIsoUtc(TimePoint time);

// Formats `duration` in TimeSpan's constant format "[-][d.]hh:mm:ss[.fffffff]":
// the day part only when there is a whole day, seven fraction digits only
// when the duration has a sub-second part. Sub-tick nanoseconds are dropped.
std::string FormatTimeSpan(std::chrono::nanoseconds duration);

}  // namespace webjobs
