#include "jobs/job_service_impl.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "core/log.h"
#include "package/job_name.h"
#include "package/package_importer.h"

namespace webjobs {

namespace {

std::string RandomName() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(generator()));
  return text;
}

// Writes the request's schedule, singleton and time zone into the staged
// settings.job, keeping every other key of the uploaded file.
Status ApplySettingOverrides(const DeployRequest& request, const std::filesystem::path& staged) {
  if (!request.schedule && !request.singleton && !request.time_zone) return Status::Ok();
  Result<std::filesystem::path> script_dir = FindScriptDirectory(staged);
  if (!script_dir.ok()) return script_dir.error();
  std::filesystem::path file = script_dir.value() / "settings.job";
  nlohmann::json settings = nlohmann::json::object();
  std::error_code error;
  if (std::filesystem::exists(file, error)) {
    std::ifstream input(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << input.rdbuf();
    Result<JobSettings> parsed = ParseJobSettings(bytes.str());
    if (!parsed.ok()) return InvalidArgument("settings.job: " + parsed.error().message);
    settings = parsed->raw;
  }
  if (request.schedule) settings["schedule"] = *request.schedule;
  if (request.singleton) settings["is_singleton"] = *request.singleton;
  if (request.time_zone) settings["time_zone"] = *request.time_zone;
  std::ofstream output(file, std::ios::binary | std::ios::trunc);
  output << SerializeJobSettings(settings);
  if (!output.flush()) return IoError("cannot write " + file.string());
  return Status::Ok();
}

}  // namespace

JobServiceImpl::JobServiceImpl(EventLoop& loop, JobManager& manager, Store& store,
                               const JobPaths& paths, DefinitionContext definitions,
                               PackageLimits limits, size_t history_limit,
                               LogFeedRegistry& log_feeds, const JobsConfig& config)
    : loop_(loop),
      manager_(manager),
      store_(store),
      paths_(paths),
      definitions_(definitions),
      limits_(limits),
      history_limit_(history_limit),
      log_feeds_(log_feeds),
      config_(config) {}

template <typename T>
T JobServiceImpl::Call(std::function<void(std::function<void(T)>)> work) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  loop_.Post([work = std::move(work), promise] {
    work([promise](T value) { promise->set_value(std::move(value)); });
  });
  return future.get();
}

Result<std::vector<JobView>> JobServiceImpl::ListJobs(std::optional<JobType> type) {
  return Call<Result<std::vector<JobView>>>(
      [this, type](auto reply) { reply(manager_.List(type)); });
}

Result<JobView> JobServiceImpl::GetJob(JobType type, const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid.error();
  return Call<Result<JobView>>([this, type, name](auto reply) { reply(manager_.Get(type, name)); });
}

Result<std::filesystem::path> JobServiceImpl::StagePackage(const DeployRequest& request,
                                                           std::vector<std::string>& warnings) {
  std::error_code error;
  std::filesystem::create_directories(paths_.StagingRoot(), error);
  // The job name stays out of the folder name, so a name of 255 bytes
  // still fits the file system's limit on one path component.
  std::filesystem::path staged = paths_.StagingRoot() / RandomName();
  Result<StagedPackage> package = [&]() -> Result<StagedPackage> {
    if (request.is_zip) return StageZip(request.body_path, staged, limits_);
    Result<std::string> file_name = SanitizeUploadFileName(request.file_name);
    if (!file_name.ok()) return file_name.error();
    return StageSingleFile(request.body_path, file_name.value(), staged);
  }();
  if (!package.ok()) return package.error();

  auto fail = [&](Error error_value) -> Result<std::filesystem::path> {
    RemoveTree(staged);
    return error_value;
  };
  if (Status applied = ApplySettingOverrides(request, staged); !applied.ok()) {
    return fail(applied.error());
  }
  Result<JobDefinition> definition =
      LoadJobDefinition(request.type, request.name, staged, definitions_, true, nullptr);
  if (!definition.ok()) return fail(definition.error());
  warnings = definition->warnings;
  return staged;
}

Result<DeployResult> JobServiceImpl::DeployJob(const DeployRequest& request) {
  if (Status valid = ValidateJobName(request.name); !valid.ok()) return valid.error();
  std::vector<std::string> warnings;
  Result<std::filesystem::path> staged = StagePackage(request, warnings);
  std::error_code error;
  std::filesystem::remove(request.body_path, error);
  if (!staged.ok()) {
    spdlog::warn("event=deploy_rejected job={} type={} error={}", request.name,
                 JobTypeName(request.type), Quote(staged.error().message));
    return staged.error();
  }
  for (const std::string& warning : warnings) {
    spdlog::warn("event=deploy_warning job={} warning={}", request.name, Quote(warning));
  }
  Result<DeployResult> result =
      Call<Result<DeployResult>>([this, &request, path = staged.value(), warnings](auto reply) {
        manager_.Activate(request.type, request.name, path, warnings, reply);
      });
  if (!result.ok()) RemoveTree(staged.value());
  return result;
}

Status JobServiceImpl::DeleteJob(JobType type, const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  return Call<Status>([this, type, name](auto reply) { manager_.Delete(type, name, reply); });
}

Status JobServiceImpl::StartJob(const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  return Call<Status>([this, name](auto reply) { reply(manager_.SetWantedRunning(name, true)); });
}

Status JobServiceImpl::StopJob(const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  return Call<Status>([this, name](auto reply) { reply(manager_.SetWantedRunning(name, false)); });
}

Result<std::string> JobServiceImpl::RunJob(const std::string& name, const std::string& arguments,
                                           const std::string& trigger) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid.error();
  return Call<Result<std::string>>([this, name, arguments, trigger](auto reply) {
    manager_.Run(name, arguments, trigger, reply);
  });
}

Status JobServiceImpl::CancelRun(const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  return Call<Status>([this, name](auto reply) { reply(manager_.Cancel(name)); });
}

Status JobServiceImpl::CancelRun(const std::string& name, const std::string& run_id) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  if (Status valid = ValidateRunId(run_id); !valid.ok()) return valid;
  return Call<Status>(
      [this, name, run_id](auto reply) { reply(manager_.CancelRun(name, run_id)); });
}

std::string JobServiceImpl::CanonicalJobName(const std::string& name) const {
  std::shared_ptr<const JobManager::ListedJobs> listed = manager_.Listed();
  if (listed->contains(name)) return name;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const auto& [listed_name, type] : *listed) {
    if (std::ranges::equal(listed_name, name, {}, lower, lower)) return listed_name;
  }
  return name;
}

Status JobServiceImpl::CheckTriggeredJobListed(const std::string& name) const {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  std::shared_ptr<const JobManager::ListedJobs> listed = manager_.Listed();
  auto found = listed->find(name);
  if (found == listed->end() || found->second != JobType::kTriggered) {
    return NotFound("triggered job \"" + name + "\" not found");
  }
  return Status::Ok();
}

Result<std::vector<RunRecord>> JobServiceImpl::ListRuns(const std::string& name) {
  if (Status listed = CheckTriggeredJobListed(name); !listed.ok()) return listed.error();
  return store_.ListRuns(name, history_limit_);
}

Result<std::vector<RunRecord>> JobServiceImpl::QueryRuns(const std::string& name,
                                                         const RunFilter& filter,
                                                         std::optional<size_t> limit) {
  if (Status listed = CheckTriggeredJobListed(name); !listed.ok()) return listed.error();
  return store_.QueryRuns(name, filter, limit.value_or(history_limit_));
}

Result<RunRecord> JobServiceImpl::GetRun(const std::string& name, const std::string& run_id) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid.error();
  if (Status valid = ValidateRunId(run_id); !valid.ok()) return valid.error();
  Result<std::optional<RunRecord>> run = store_.GetRun(name, run_id);
  if (!run.ok()) return run.error();
  if (!run.value()) {
    return NotFound("run " + run_id + " of triggered job \"" + name + "\" not found");
  }
  return *run.value();
}

Result<nlohmann::json> JobServiceImpl::GetSettings(JobType type, const std::string& name) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid.error();
  return Call<Result<nlohmann::json>>(
      [this, type, name](auto reply) { reply(manager_.Settings(type, name)); });
}

Status JobServiceImpl::PutSettings(JobType type, const std::string& name,
                                   const nlohmann::json& settings) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  if (!settings.is_object()) {
    return InvalidArgument(
        "settings must be a JSON object such as {\"schedule\": \"0 */5 * * * *\"}");
  }
  return Call<Status>([this, type, name, &settings](auto reply) {
    reply(manager_.PutSettings(type, name, settings));
  });
}

Status JobServiceImpl::PatchSettings(JobType type, const std::string& name,
                                     const nlohmann::json& patch) {
  if (Status valid = ValidateJobName(name); !valid.ok()) return valid;
  if (!patch.is_object()) {
    return InvalidArgument("a settings patch must be a JSON object such as {\"schedule\": null}");
  }
  return Call<Status>(
      [this, type, name, &patch](auto reply) { reply(manager_.PatchSettings(type, name, patch)); });
}

Result<std::filesystem::path> JobServiceImpl::RunOutputPath(const std::string& name,
                                                            const std::string& run_id) {
  Result<RunRecord> run = GetRun(name, run_id);
  if (!run.ok()) return run.error();
  std::filesystem::path path = paths_.RunOutputFile(name, run_id);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return NotFound("run " + run_id + " of job \"" + name + "\" has no output file");
  }
  return path;
}

Result<std::filesystem::path> JobServiceImpl::JobLogPath(JobType type, const std::string& name) {
  if (Result<JobView> job = GetJob(type, name); !job.ok()) return job.error();
  std::filesystem::path path =
      type == JobType::kContinuous ? paths_.ContinuousLogFile(name) : paths_.SchedulerLogFile(name);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return NotFound(std::string(JobTypeName(type)) + " job \"" + name + "\" has no log yet");
  }
  return path;
}

std::filesystem::path JobServiceImpl::DataJobsRoot() const { return paths_.DataJobsRoot(); }

Result<LogSource> JobServiceImpl::FollowRunOutput(const std::string& name,
                                                  const std::string& run_id) {
  // The feed is taken before the run is read: a run that ends in between
  // then closes this feed, and one that ended before shows as ended.
  std::shared_ptr<LogFeed> feed = log_feeds_.Follow(RunOutputFeedKey(name, run_id));
  if (Result<RunRecord> run = GetRun(name, run_id); !run.ok()) return run.error();
  return LogSource{std::move(feed), paths_.RunOutputFile(name, run_id), LogRotation{}};
}

Result<LogSource> JobServiceImpl::FollowJobLog(const std::string& name) {
  if (Result<JobView> job = GetJob(JobType::kContinuous, name); !job.ok()) return job.error();
  std::filesystem::path path = paths_.ContinuousLogFile(name);
  return LogSource{log_feeds_.Follow(ContinuousLogFeedKey(name)), path,
                   ContinuousLogRotation(config_, path)};
}

}  // namespace webjobs
