// Human-readable tables for `webjobs list` and `webjobs history`, built
// from the API's JSON. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs {

// Formats a header line and one line per row, columns left-aligned and
// separated by two spaces, each line ending in '\n'. Column widths count
// UTF-8 code points, so names with accents stay aligned. Rows shorter than
// the header get empty cells.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// Columns NAME, TYPE, STATUS, SCHEDULE, NEXT RUN, LAST RUN. STATUS is the
// status of a continuous job and the latest run's status of a triggered
// one ("never run" without runs). Missing values show as "-".
std::string FormatJobTable(const nlohmann::json& jobs);

// Columns ID, STATUS, START, DURATION, EXIT, TRIGGER for the "runs" array
// of GET .../history.
std::string FormatRunTable(const nlohmann::json& runs);

// Shortens API dates for tables: "2024-01-02T15:30:45.0123456Z" becomes
// "2024-01-02 15:30:45Z". Other text is returned unchanged.
std::string ShortTime(std::string_view iso_time);

// Shortens a TimeSpan to millisecond precision: "00:00:05.2222222" becomes
// "00:00:05.222", and "1.02:00:00" stays.
std::string ShortDuration(std::string_view duration);

}  // namespace webjobs
