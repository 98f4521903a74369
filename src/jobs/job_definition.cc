#include "jobs/job_definition.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "cron/time_zone.h"

namespace webjobs {

namespace {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) return IoError("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << input.rdbuf();
  return bytes.str();
}

// Reads settings.job from the script folder. A missing file means empty
// settings; a present one that does not parse is an error.
Result<JobSettings> ReadSettings(const std::filesystem::path& script_dir) {
  std::filesystem::path file = script_dir / "settings.job";
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return JobSettings{};
  Result<std::string> bytes = ReadFile(file);
  if (!bytes.ok()) return bytes.error();
  Result<JobSettings> settings = ParseJobSettings(bytes.value());
  if (!settings.ok()) {
    const std::string& message = settings.error().message;
    return InvalidArgument(message.rfind("settings.job", 0) == 0 ? message
                                                                 : "settings.job: " + message);
  }
  if (Status checked = ValidateScheduleSettings(JobType::kTriggered, settings.value());
      !checked.ok()) {
    return InvalidArgument("settings.job: " + checked.error().message);
  }
  return settings;
}

}  // namespace

std::chrono::seconds JobDefinition::StopWait() const {
  return settings.stopping_wait_time.value_or(DefaultStoppingWaitTime(type));
}

Status ValidateScheduleSettings(JobType type, const JobSettings& settings) {
  if (settings.schedule) {
    if (type == JobType::kContinuous) {
      return InvalidArgument(
          "\"schedule\" is set, but continuous jobs do not run on a schedule; deploy the job as "
          "triggered, or remove the key");
    }
    Result<CronSchedule> schedule = CronSchedule::Parse(*settings.schedule);
    if (!schedule.ok()) return InvalidArgument("\"schedule\": " + schedule.error().message);
  }
  if (settings.time_zone) {
    Result<const date::time_zone*> zone = LocateTimeZone(*settings.time_zone);
    if (!zone.ok()) return InvalidArgument("\"time_zone\": " + zone.error().message);
  }
  return Status::Ok();
}

// Inode numbers and change times are part of the digest: an activated
// upload brings new inodes, and ctime moves on every write even when the
// size stays and the modification time was set from a zip entry (which
// has a 2-second resolution).
std::string FingerprintTree(const std::filesystem::path& dir) {
  std::vector<std::string> entries;
  std::error_code error;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, options, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    struct stat info {};
    std::string line = it->path().lexically_relative(dir).string();
    if (lstat(it->path().c_str(), &info) == 0) {
      line += "|" + std::to_string(info.st_ino) + "|" + std::to_string(info.st_size) + "|" +
              std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) +
              "|" + std::to_string(info.st_ctim.tv_sec) + "." +
              std::to_string(info.st_ctim.tv_nsec);
    }
    entries.push_back(std::move(line));
  }
  std::sort(entries.begin(), entries.end());
  uint64_t digest = 1469598103934665603ull;
  for (const std::string& entry : entries) {
    for (unsigned char ch : entry) digest = (digest ^ ch) * 1099511628211ull;
    digest = (digest ^ '\n') * 1099511628211ull;
  }
  char text[40];
  std::snprintf(text, sizeof text, "%zu-%016llx", entries.size(),
                static_cast<unsigned long long>(digest));
  return text;
}

Result<JobDefinition> LoadJobDefinition(JobType type, const std::string& name,
                                        const std::filesystem::path& job_dir,
                                        const DefinitionContext& context, bool strict,
                                        const JobDefinition* previous) {
  JobDefinition definition;
  definition.type = type;
  definition.name = name;
  definition.job_dir = job_dir;
  definition.fingerprint = FingerprintTree(job_dir);

  Result<EntryPoint> entry = DiscoverEntryPoint(job_dir, *context.runners);
  if (!entry.ok()) return entry.error();
  definition.entry = std::move(entry).value();
  definition.warnings = definition.entry.warnings;

  Result<JobSettings> settings = ReadSettings(definition.entry.script_dir);
  if (settings.ok() && type == JobType::kContinuous && settings->schedule) {
    settings = InvalidArgument(
        "settings.job: \"schedule\" is set, but continuous jobs do not run on a schedule; deploy "
        "the job as triggered, or remove the key");
  }
  if (!settings.ok()) {
    if (strict) return settings.error();
    definition.settings_error = settings.error().message;
    if (previous != nullptr) definition.settings = previous->settings;
  } else {
    definition.settings = std::move(settings).value();
  }
  for (const std::string& warning : definition.settings.warnings) {
    definition.warnings.push_back(
        warning.rfind("settings.job", 0) == 0 ? warning : "settings.job: " + warning);
  }

  definition.time_zone = context.default_zone;
  if (definition.settings.time_zone) {
    Result<const date::time_zone*> zone = LocateTimeZone(*definition.settings.time_zone);
    if (zone.ok()) definition.time_zone = zone.value();
  }
  if (type == JobType::kTriggered && definition.settings.schedule) {
    Result<CronSchedule> schedule = CronSchedule::Parse(*definition.settings.schedule);
    if (schedule.ok()) definition.schedule = std::move(schedule).value();
  }
  std::error_code error;
  definition.disabled_by_file =
      std::filesystem::exists(definition.entry.script_dir / "disable.job", error);
  return definition;
}

}  // namespace webjobs
