// `settings.job`: a JSON object next to a job's entry point.
//
// Kudu reads four keys (schedule, is_singleton, stopping_wait_time,
// is_in_place) and silently ignores a file that does not parse and any
// value of the wrong type. We read the same keys plus our own, and report
// both faults as errors instead, so a mistyped setting cannot go unnoticed.
// The file may be UTF-8 (with or without byte-order mark) or UTF-16/UTF-32
// with a byte-order mark, and may contain // and /* */ comments, as Kudu's
// parser (Json.NET) allows. Keys are case-sensitive, as in Kudu. Keys this
// host does not know are kept, so they round-trip through the settings API.
//
// All functions are pure and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"

namespace webjobs {

// Policy of a triggered job's scheduler for slots missed while the host
// was down. kKudu: run once if the newest missed slot is at most ten
// minutes old. kNone: never. kLatest: run once for the newest missed slot
// within catch_up_window. kAll: run every missed slot within the window.
enum class CatchUpPolicy { kKudu, kNone, kLatest, kAll };

// Policy for a scheduled slot or a manual run that comes while a run of the
// job is active. kSkip (Kudu's behavior): skip the slot and log it, and
// reject the manual run. kQueueOne: let at most one run wait and start it
// when the active run ends ("queue" is an accepted alias). kReplace: stop
// the active run and start the new one once the old one has exited.
// kAllow: start at once, beside the active runs.
enum class OverlapPolicy { kSkip, kQueueOne, kReplace, kAllow };

// The typed values of settings.job. A key that is absent, or whose value
// is JSON null, leaves its field empty: the caller applies the default.
struct JobSettings {
  std::optional<std::string> schedule;  // NCRONTAB; syntax checked by the scheduler
  std::optional<bool> is_singleton;
  std::optional<std::chrono::seconds> stopping_wait_time;
  std::optional<bool> is_in_place;
  std::optional<std::string> time_zone;  // IANA name; checked by the scheduler
  std::optional<int> stop_signal;        // signal number, 1..64
  std::optional<int64_t> history_size;
  std::optional<std::chrono::seconds> idle_timeout;  // 0: never kill an idle run
  std::optional<std::chrono::seconds> restart_delay;
  std::optional<CatchUpPolicy> catch_up;
  std::optional<std::chrono::seconds> catch_up_window;
  std::optional<OverlapPolicy> overlap;

  // The whole object as parsed, unknown keys included, for the API.
  nlohmann::json raw = nlohmann::json::object();
  // Problems that do not stop the settings from applying, such as a key
  // that differs from a known key only in case.
  std::vector<std::string> warnings;
};

// Largest value accepted for keys measured in seconds (about 68 years).
inline constexpr int64_t kMaxSettingSeconds = 2147483647;
// settings.job files larger than this are rejected.
inline constexpr size_t kMaxSettingsFileBytes = 1 << 20;
// Arrays and objects nested deeper than this are rejected.
inline constexpr int kMaxSettingsDepth = 32;

// Parses the bytes of a settings.job file. A file that is empty or holds
// only white space (after any BOM) means no settings.
// Returns kInvalidArgument for text in an unsupported encoding, a file over
// 1 MiB, invalid JSON (the message gives line and column, counted in
// characters), a value that is not an object, or nesting deeper than 32
// levels. A known key with a value of the wrong type or range is
// kInvalidArgument too, and the message names the key, the value found and
// what is expected.
Result<JobSettings> ParseJobSettings(std::string_view file_bytes);

// Checks an already parsed object, such as the body of PUT .../settings,
// with the same rules as ParseJobSettings.
Result<JobSettings> JobSettingsFromJson(const nlohmann::json& object);

// Returns `settings` as pretty JSON (two-space indent) with a trailing
// newline, as written to settings.job by PUT .../settings. Invalid UTF-8
// in strings is replaced by U+FFFD rather than failing.
std::string SerializeJobSettings(const nlohmann::json& settings);

// Kudu's default grace period between the shutdown file and the kill:
// 5 seconds for continuous jobs, 30 seconds for triggered jobs.
std::chrono::seconds DefaultStoppingWaitTime(JobType type);

// Lower-case names as written in settings.job ("kudu", "skip", ...). The
// overlap alias "queue" has no name of its own: it reads as "queue_one".
std::string_view CatchUpPolicyName(CatchUpPolicy policy);
std::string_view OverlapPolicyName(OverlapPolicy policy);

}  // namespace webjobs
