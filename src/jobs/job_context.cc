#include "jobs/job_context.h"

#include <date/date.h>
#include <spdlog/spdlog.h>

#include <random>
#include <utility>

#include "core/log.h"
#include "process/process_tree.h"

namespace webjobs {

namespace {

constexpr std::string_view kRunMarkerVariable = "WEBJOBS_RUN_MARKER";

}  // namespace

void JobContext::SaveRun(const RunRecord& run, std::function<void(Status)> done) {
  PendingRunSaves& pending = *pending_run_saves;
  const bool first = pending.runs.empty();
  pending.runs.push_back(run);
  pending.callbacks.push_back(std::move(done));
  if (first) loop.Defer([this] { SubmitRunSaves(); });
}

void JobContext::SubmitRunSaves() {
  if (pending_run_saves->runs.empty()) return;
  PendingRunSaves batch = std::exchange(*pending_run_saves, PendingRunSaves{});
  store_worker.Submit([this, batch = std::move(batch)]() mutable {
    std::vector<Status> results = store.PutRuns(batch.runs);
    bool any_callback = false;
    for (size_t i = 0; i < batch.runs.size(); ++i) {
      if (!results[i].ok()) {
        spdlog::error("event=store_write_failed job={} run={} error={}", batch.runs[i].job_name,
                      batch.runs[i].run_id, Quote(results[i].error().message));
      }
      any_callback = any_callback || batch.callbacks[i] != nullptr;
    }
    if (!any_callback) return;
    loop.Post([callbacks = std::move(batch.callbacks), results = std::move(results)] {
      for (size_t i = 0; i < callbacks.size(); ++i) {
        if (callbacks[i]) callbacks[i](results[i]);
      }
    });
  });
}

void JobContext::RunOnWorker(std::function<void()> work, std::function<void()> done) {
  SubmitRunSaves();
  store_worker.Submit([this, work = std::move(work), done = std::move(done)] {
    work();
    if (done) loop.Post(done);
  });
}

void JobContext::SetJobStateBatched(std::string job_name, std::string key, std::string value,
                                    std::function<void(Status)> done) {
  PendingStateWrites& pending = *pending_state_writes;
  const bool first = pending.entries.empty();
  pending.entries.push_back({std::move(job_name), std::move(key), std::move(value)});
  pending.callbacks.push_back(std::move(done));
  if (!first) return;

  // The flush runs after the callbacks of this loop turn, so it collects
  // every write they request.
  loop.Post([this] {
    SubmitRunSaves();
    PendingStateWrites batch = std::exchange(*pending_state_writes, PendingStateWrites{});
    store_worker.Submit([this, batch = std::move(batch)] {
      std::vector<Status> results = store.SetJobStates(batch.entries);
      loop.Post([batch, results = std::move(results)] {
        for (size_t i = 0; i < batch.callbacks.size(); ++i) {
          if (batch.callbacks[i]) batch.callbacks[i](results[i]);
        }
      });
    });
  });
}

std::vector<std::string> BuildEnvironment(const JobContext& context,
                                          const JobDefinition& definition,
                                          const JobEnvironment& job_environment) {
  std::vector<std::string> environment;
  environment.reserve(context.base_environment.size() + 12);
  for (const std::string& entry : context.base_environment) {
    // Variables the host sets itself are not inherited, so a stale value
    // from the host's own environment cannot leak into a job.
    if (entry.rfind("WEBJOBS_", 0) == 0 || entry.rfind("PYTHONUNBUFFERED=", 0) == 0 ||
        entry.rfind("PWD=", 0) == 0) {
      continue;
    }
    environment.push_back(entry);
  }
  std::string type(JobTypeName(definition.type));
  environment.push_back("WEBJOBS_NAME=" + definition.name);
  environment.push_back("WEBJOBS_TYPE=" + type);
  environment.push_back("WEBJOBS_PATH=" + job_environment.working_root.string());
  environment.push_back("WEBJOBS_DATA_PATH=" +
                        context.paths.DataDir(definition.type, definition.name).string());
  environment.push_back("WEBJOBS_RUN_ID=" + job_environment.run_id);
  environment.push_back("WEBJOBS_COMMAND_ARGUMENTS=" + job_environment.arguments);
  environment.push_back("WEBJOBS_SHUTDOWN_FILE=" + job_environment.shutdown_file.string());
  environment.push_back("WEBROOT_PATH=" + context.paths.WwwRoot().string());
  environment.push_back("PYTHONUNBUFFERED=1");
  if (!job_environment.scheduled_time.empty()) {
    environment.push_back("WEBJOBS_SCHEDULED_TIME=" + job_environment.scheduled_time);
  }
  if (job_environment.port > 0) {
    environment.push_back("WEBJOBS_PORT=" + std::to_string(job_environment.port));
  }
  environment.push_back(job_environment.marker_entry);
  if (!job_environment.run_marker_entry.empty()) {
    environment.push_back(job_environment.run_marker_entry);
  }
  return environment;
}

Result<std::filesystem::path> PrepareWorkingDir(const JobContext& context,
                                                const JobDefinition& definition) {
  bool in_place = definition.settings.is_in_place.value_or(definition.entry.runner.type == ".js");
  if (in_place) return definition.job_dir;

  std::filesystem::path root = context.paths.WorkingCopyRoot(definition.type, definition.name);
  std::filesystem::path copy = root / definition.fingerprint;
  std::error_code error;
  if (std::filesystem::is_directory(copy, error)) return copy;

  std::filesystem::create_directories(root, error);
  if (error) {
    return IoError("job \"" + definition.name + "\": cannot create the working folder " +
                   root.string() + ": " + error.message());
  }
  std::filesystem::path partial = root / (".partial-" + definition.fingerprint);
  std::filesystem::remove_all(partial, error);
  error.clear();
  std::filesystem::copy(
      definition.job_dir, partial,
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks,
      error);
  if (!error) std::filesystem::rename(partial, copy, error);
  if (error) {
    std::error_code cleanup_error;
    std::filesystem::remove_all(partial, cleanup_error);
    return IoError("job \"" + definition.name + "\": cannot copy " + definition.job_dir.string() +
                   " to the working folder " + copy.string() + ": " + error.message());
  }
  // Older copies belong to earlier versions; processes still running from
  // one keep their open files and working directory.
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    if (entry.path() != copy) std::filesystem::remove_all(entry.path(), error);
  }
  return copy;
}

std::filesystem::path NewShutdownFile(const JobContext& context, const JobDefinition& definition,
                                      bool remove_stale) {
  static std::mt19937_64 generator{std::random_device{}()};
  std::filesystem::path dir = context.paths.ShutdownDir(definition.type, definition.name);
  std::error_code error;
  if (remove_stale) {
    // Only the folder's entries go: deleting and creating the folder itself
    // on every run costs two directory operations on the file system.
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
      std::error_code ignored;
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }
  error.clear();
  std::filesystem::create_directories(dir, error);
  char name[24];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(generator()));
  return dir / name;
}

Result<JobLogWriter> OpenLog(const JobContext& context, const std::filesystem::path& path,
                             LogRotation rotation, std::shared_ptr<LogFeed> feed) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  JobLogWriterOptions options;
  options.rotation = std::move(rotation);
  options.feed = std::move(feed);
  return JobLogWriter::Open(path, context.config.instance_id, context.clock, std::move(options));
}

std::string RunOutputFeedKey(std::string_view job_name, std::string_view run_id) {
  return "triggered/" + std::string(job_name) + "/" + std::string(run_id);
}

std::string ContinuousLogFeedKey(std::string_view job_name) {
  return "continuous/" + std::string(job_name);
}

LogRotation ContinuousLogRotation(const JobsConfig& config, const std::filesystem::path& path) {
  LogRotation rotation;
  rotation.max_bytes = config.continuous_log_max_bytes;
  rotation.max_files = config.continuous_log_files;
  rotation.previous_path = path.parent_path() / "job_prev_log.txt";
  return rotation;
}

std::string MakeRunMarker(std::string_view scope, std::string_view job_name,
                          std::string_view run_id) {
  // MakeJobMarker escapes the parts; only the variable name differs.
  std::string marker = MakeJobMarker(scope, JobType::kTriggered, job_name, run_id);
  return std::string(kRunMarkerVariable) + marker.substr(kJobMarkerVariable.size());
}

std::string FormatUtcSeconds(TimePoint time) {
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(time));
}

std::string FormatRunId(TimePoint time) {
  auto tenths_of_ms = date::floor<std::chrono::duration<int64_t, std::ratio<1, 10000>>>(time);
  auto seconds = date::floor<std::chrono::seconds>(time);
  int64_t fraction = (tenths_of_ms - seconds).count();
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%04lld", static_cast<long long>(fraction));
  return date::format("%Y%m%d%H%M%S", seconds) + suffix;
}

void RemoveTree(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) {
    spdlog::warn("event=remove_failed path={} error={}", Quote(path.string()),
                 Quote(error.message()));
  }
}

}  // namespace webjobs

namespace webjobs {

Result<SpawnOptions> BuildSpawnOptions(const JobDefinition& definition,
                                       const std::filesystem::path& working_root,
                                       std::string_view arguments) {
  std::filesystem::path script =
      working_root / definition.entry.script_path.lexically_relative(definition.job_dir);
  // Discovery classified the script; the working copy contains the same file.
  Result<std::vector<std::string>> argv =
      ScriptRunners::BuildArgv(definition.entry.runner, script, arguments);
  if (!argv.ok()) {
    return InvalidArgument("job \"" + definition.name + "\": " + argv.error().message);
  }
  SpawnOptions options;
  options.argv = std::move(argv).value();
  options.working_dir = script.parent_path();
  return options;
}

}  // namespace webjobs
