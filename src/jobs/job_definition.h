// A job as its folder defines it: entry point, settings and schedule.
//
// LoadJobDefinition reads a job folder the way every code path needs it
// (deploy validation, start-up scan, reload after a file change), so the
// three cannot disagree about what a folder means.
#pragma once

#include <date/tz.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/job_type.h"
#include "core/result.h"
#include "cron/cron_schedule.h"
#include "package/job_settings.h"
#include "package/script_discovery.h"

namespace webjobs {

struct JobDefinition {
  JobType type = JobType::kTriggered;
  std::string name;
  std::filesystem::path job_dir;
  EntryPoint entry;
  JobSettings settings;
  // Set when settings.job on disk does not parse; `settings` then holds the
  // previous valid settings (or the defaults) and the job keeps running.
  std::optional<std::string> settings_error;
  std::optional<CronSchedule> schedule;        // triggered jobs with a valid schedule
  const date::time_zone* time_zone = nullptr;  // never null once loaded
  std::vector<std::string> warnings;           // entry point and settings warnings
  // Changes whenever a file in the job folder changes (paths, sizes and
  // modification times), so reloads after our own writes can be told apart
  // from real changes.
  std::string fingerprint;
  bool disabled_by_file = false;  // Kudu's disable.job is in the script folder

  // Stop wait: the setting, else Kudu's default (5 s continuous, 30 s triggered).
  std::chrono::seconds StopWait() const;
};

struct DefinitionContext {
  const ScriptRunners* runners = nullptr;
  const date::time_zone* default_zone = nullptr;
};

// Loads the job in `job_dir`. With `strict` (deploy and PUT settings), a
// settings.job that does not parse, a schedule that does not parse, or an
// unknown time zone is an error (kInvalidArgument naming the key or the
// line and column). Without it (a folder read from disk), those errors are
// kept in `settings_error` and `previous` settings stay in force.
// Returns kInvalidArgument when the folder has no runnable entry point and
// kNotFound when it does not exist.
Result<JobDefinition> LoadJobDefinition(JobType type, const std::string& name,
                                        const std::filesystem::path& job_dir,
                                        const DefinitionContext& context, bool strict,
                                        const JobDefinition* previous);

// Checks the parts of `settings` that need the cron and time zone engines:
// `schedule` (triggered jobs only; a continuous job with a schedule is an
// error that says to deploy it as triggered) and `time_zone`.
Status ValidateScheduleSettings(JobType type, const JobSettings& settings);

// Returns a digest of the paths, sizes and modification times below `dir`.
std::string FingerprintTree(const std::filesystem::path& dir);

}  // namespace webjobs
