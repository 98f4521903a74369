#include "jobs/job_manager.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <random>

#include "core/log.h"
#include "package/ascii_case.h"
#include "package/job_name.h"
#include "package/package_importer.h"
#include "process/process_tree.h"

namespace webjobs {

namespace {

constexpr std::chrono::milliseconds kWatchDebounce{1000};
// NOTE: a job's SDK marker, or a scheduler log the host starts writing,
// shows in the job's JSON up to this long after it appears.
constexpr std::chrono::milliseconds kFileCheckInterval{1000};

std::string TypeText(JobType type) { return std::string(JobTypeName(type)); }

std::string RandomSuffix() {
  static std::mt19937_64 generator{std::random_device{}()};
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(generator()));
  return text;
}

std::optional<TimePoint> ParseMicros(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    return TimePoint(std::chrono::microseconds(std::stoll(*text)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

JobManager::JobManager(JobContext& context, DefinitionContext definitions)
    : context_(context), definitions_(definitions) {}

JobManager::~JobManager() = default;

Status JobManager::Start() {
  std::error_code error;
  for (const std::filesystem::path& dir :
       {context_.paths.JobsRoot(JobType::kContinuous), context_.paths.JobsRoot(JobType::kTriggered),
        context_.paths.DataJobsRoot(), context_.paths.UploadDir(), context_.paths.TempRoot()}) {
    std::filesystem::create_directories(dir, error);
    if (error) {
      return IoError("cannot create " + dir.string() + ": " + error.message() +
                     "; check that the data root is writable or choose another with --root");
    }
  }
  RecoverRuns();
  LoadAll();
  for (auto& [name, job] : jobs_) {
    if (job.continuous) job.continuous->Activate();
    if (job.triggered) job.triggered->Activate();
  }
  watcher_ = std::make_unique<JobWatcher>(
      context_.loop, context_.paths.JobsRoot(), kWatchDebounce,
      [this](JobType type, const std::string& name) { Reload(type, name); });
  return watcher_->Start();
}

// A run still recorded as Initializing or Running belongs to a host that
// died; no process of this host runs it.
void JobManager::RecoverRuns() {
  for (const char* status : {run_status::kInitializing, run_status::kRunning}) {
    Result<std::vector<RunRecord>> stale = context_.store.ListRunsWithStatus(status);
    if (!stale.ok()) {
      spdlog::error("event=recovery_failed error={}", Quote(stale.error().message));
      continue;
    }
    for (RunRecord run : stale.value()) {
      run.status = run_status::kAborted;
      run.error = "the host stopped while the run was active";
      run.pid.reset();
      Status saved = context_.store.PutRun(run);
      spdlog::warn("event=run_aborted job={} run={} reason=host_restart saved={}", run.job_name,
                   run.run_id, saved.ok());
    }
  }
}

void JobManager::LoadAll() {
  for (JobType type : {JobType::kContinuous, JobType::kTriggered}) {
    std::vector<std::filesystem::path> dirs;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(context_.paths.JobsRoot(type), error)) {
      if (entry.is_directory(error)) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const std::filesystem::path& dir : dirs) {
      std::string name = dir.filename().string();
      if (!ValidateJobName(name).ok()) {
        spdlog::warn("event=job_skipped path={} reason=\"invalid job name\"", Quote(dir.string()));
        continue;
      }
      // Processes left by a host that was killed must not run on beside
      // the new ones.
      (void)KillJobProcesses(0, MakeJobMarker(context_.config.MarkerScope(), type, name));
      if (jobs_.count(name)) {
        spdlog::error("event=job_skipped job={} type={} reason=\"a {} job of that name exists\"",
                      name, TypeText(type), TypeText(jobs_.at(name).type));
        continue;
      }
      Result<JobDefinition> definition =
          LoadJobDefinition(type, name, dir, definitions_, false, nullptr);
      if (!definition.ok()) {
        spdlog::warn("event=job_skipped job={} type={} error={}", name, TypeText(type),
                     Quote(definition.error().message));
        continue;
      }
      AddJob(std::move(definition).value());
    }
  }
  PublishListed();
}

void JobManager::AddJob(JobDefinition definition) {
  std::string name = definition.name;
  JobType type = definition.type;
  ManagedJob job{type, nullptr, nullptr, {}};
  if (type == JobType::kContinuous) {
    Result<std::optional<std::string>> stopped = context_.store.GetJobState(name, "stopped");
    bool wanted = !(stopped.ok() && stopped.value() == std::optional<std::string>("1"));
    job.continuous = std::make_unique<ContinuousJob>(context_, std::move(definition), wanted);
  } else {
    Result<std::optional<std::string>> last_slot = context_.store.GetJobState(name, "last_slot");
    // NOTE: this store read runs on the loop when a job is added after
    // start-up (a deploy); it is one indexed row.
    std::optional<RunRecord> latest_run;
    Result<std::vector<RunRecord>> latest = context_.store.ListRuns(name, 1);
    if (latest.ok() && !latest->empty()) latest_run = latest->front();
    job.triggered = std::make_unique<TriggeredJob>(
        context_, std::move(definition),
        last_slot.ok() ? ParseMicros(last_slot.value()) : std::nullopt, latest_run);
  }
  spdlog::info("event=job_loaded job={} type={}", name, TypeText(type));
  jobs_.emplace(name, std::move(job));
}

// Called after files in the job's folder changed (by hand, by a deploy or
// by PUT settings). Our own writes come back here too, and an unchanged
// fingerprint distinguishes them from real changes.
void JobManager::Reload(JobType type, const std::string& name, bool force) {
  if (shutting_down_ || removing_.count(name) || !ValidateJobName(name).ok()) return;
  auto found = jobs_.find(name);
  if (found != jobs_.end() && found->second.type != type) return;
  std::filesystem::path dir = context_.paths.JobDir(type, name);
  std::error_code error;
  const JobDefinition* previous = found != jobs_.end() ? &found->second.definition() : nullptr;

  if (!std::filesystem::is_directory(dir, error)) {
    if (previous) RemoveJob(name, "its folder was removed", [] {});
    return;
  }
  Result<JobDefinition> definition =
      LoadJobDefinition(type, name, dir, definitions_, false, previous);
  if (!definition.ok()) {
    spdlog::warn("event=job_invalid job={} type={} error={}", name, TypeText(type),
                 Quote(definition.error().message));
    if (previous) RemoveJob(name, "it no longer has a runnable script", [] {});
    return;
  }
  if (!previous) {
    AddJob(std::move(definition).value());
    PublishListed();
    ManagedJob& job = jobs_.at(name);
    if (job.continuous) job.continuous->Activate();
    if (job.triggered) job.triggered->Activate();
    return;
  }
  if (!force && definition->fingerprint == previous->fingerprint &&
      definition->settings_error == previous->settings_error) {
    return;
  }
  if (definition->settings_error) {
    spdlog::error("event=settings_invalid job={} error={}", name,
                  Quote(*definition->settings_error));
  }
  spdlog::info("event=job_changed job={} type={}", name, TypeText(type));
  ManagedJob& job = found->second;
  if (job.continuous) job.continuous->Reload(std::move(definition).value());
  if (job.triggered) job.triggered->Reload(std::move(definition).value());
}

void JobManager::RemoveJob(const std::string& name, const std::string& reason,
                           std::function<void()> done) {
  auto found = jobs_.find(name);
  if (found == jobs_.end()) return done();
  JobType type = found->second.type;
  removing_.insert(name);
  PublishListed();
  auto finish = [this, name, type, done = std::move(done)] {
    // Erase in a later turn: the job's own callback may be on the stack.
    context_.loop.Post([this, name, type, done] {
      (void)KillJobProcesses(0, MakeJobMarker(context_.config.MarkerScope(), type, name));
      jobs_.erase(name);
      removing_.erase(name);
      PublishListed();
      spdlog::info("event=job_removed job={} type={}", name, TypeText(type));
      done();
    });
  };
  if (found->second.continuous) found->second.continuous->Shutdown(reason, finish);
  if (found->second.triggered) found->second.triggered->Shutdown(reason, finish);
}

void JobManager::Shutdown(std::function<void()> done) {
  shutting_down_ = true;
  watcher_.reset();
  if (jobs_.empty()) return done();
  auto remaining = std::make_shared<size_t>(jobs_.size());
  auto finish_one = [remaining, done] {
    if (--*remaining == 0) done();
  };
  for (auto& [name, job] : jobs_) {
    if (job.continuous) job.continuous->Shutdown("the host is shutting down", finish_one);
    if (job.triggered) job.triggered->Shutdown("the host shut down", finish_one);
  }
}

const JobManager::ManagedJob* JobManager::Find(JobType type, const std::string& name) const {
  auto found = jobs_.find(name);
  if (found == jobs_.end() || found->second.type != type || removing_.count(name)) return nullptr;
  return &found->second;
}

void JobManager::PublishListed() {
  auto listed = std::make_shared<ListedJobs>();
  for (const auto& [name, job] : jobs_) {
    if (!removing_.count(name)) listed->emplace_hint(listed->end(), name, job.type);
  }
  std::lock_guard<std::mutex> lock(listed_mutex_);
  listed_ = std::move(listed);
}

std::shared_ptr<const JobManager::ListedJobs> JobManager::Listed() const {
  std::lock_guard<std::mutex> lock(listed_mutex_);
  return listed_;
}

std::optional<JobType> JobManager::TypeOf(const std::string& name) const {
  auto found = jobs_.find(name);
  if (found == jobs_.end()) return std::nullopt;
  return found->second.type;
}

const JobManager::FileFlags& JobManager::CheckFiles(const ManagedJob& job) const {
  auto now = std::chrono::steady_clock::now();
  FileFlags& files = job.files;
  if (files.checked && now - *files.checked < kFileCheckInterval) return files;
  const JobDefinition& definition = job.definition();
  std::error_code error;
  files.using_sdk = std::filesystem::exists(
      context_.paths.DataDir(job.type, definition.name) / "WebJobsSdk.marker", error);
  files.has_scheduler_log = job.triggered && job.triggered->has_scheduler_log();
  files.checked = now;
  return files;
}

JobView JobManager::ViewOf(const ManagedJob& job) const {
  const JobDefinition& definition = job.definition();
  const FileFlags& files = CheckFiles(job);
  JobView view;
  view.name = definition.name;
  view.type = job.type;
  view.run_command = definition.entry.run_command;
  view.settings = definition.settings.raw;
  view.warnings = definition.warnings;
  view.error = definition.settings_error;
  view.using_sdk = files.using_sdk;
  if (job.continuous) {
    view.status = job.continuous->StatusName();
    if (context_.config.webjobs_stopped || definition.disabled_by_file) view.status = "Stopped";
    view.detailed_status = context_.config.instance_id + " - " + view.status + "\r\n";
    if (!view.error && job.continuous->last_error()) view.error = job.continuous->last_error();
    view.port = job.continuous->port();
  } else {
    view.latest_run = job.triggered->LatestRun();
    if (definition.schedule) view.schedule = definition.schedule->expression();
    view.next_scheduled_run = job.triggered->next_slot();
    view.has_scheduler_log = files.has_scheduler_log;
  }
  return view;
}

std::vector<JobView> JobManager::List(std::optional<JobType> type) const {
  std::vector<JobView> views;
  for (JobType listed : {JobType::kTriggered, JobType::kContinuous}) {
    if (type && *type != listed) continue;
    for (const auto& [name, job] : jobs_) {
      if (job.type == listed && !removing_.count(name)) views.push_back(ViewOf(job));
    }
  }
  return views;
}

Result<JobView> JobManager::Get(JobType type, const std::string& name) const {
  const ManagedJob* job = Find(type, name);
  if (!job) return NotFound(TypeText(type) + " job \"" + name + "\" not found");
  return ViewOf(*job);
}

namespace {

Error CaseConflict(JobType type, const std::string& existing, const std::string& name) {
  return Conflict("a " + std::string(JobTypeName(type)) + " job named \"" + existing +
                  "\" already exists, and \"" + name +
                  "\" differs from it only in case; job names are compared without regard to "
                  "case, as Kudu does, so use \"" +
                  existing + "\" or choose another name");
}

}  // namespace

Status JobManager::CheckNameFree(JobType type, const std::string& name) const {
  JobType other = type == JobType::kContinuous ? JobType::kTriggered : JobType::kContinuous;
  std::error_code error;
  auto found = jobs_.find(name);
  if ((found != jobs_.end() && found->second.type == other) ||
      std::filesystem::exists(context_.paths.JobDir(other, name), error)) {
    return Conflict("a " + TypeText(other) + " job named \"" + name +
                    "\" already exists; job names are unique across both types, so delete it "
                    "first or choose another name");
  }
  // Kudu looks jobs up by name without regard to case, so "Nightly" and
  // "nightly" would be one job there. The folders on disk count too,
  // because a job whose folder fails to load is not in jobs_.
  auto same_but_case = [&](const std::string& existing) {
    return existing != name && EqualsIgnoringAsciiCase(existing, name);
  };
  for (const auto& [existing, job] : jobs_) {
    if (same_but_case(existing)) return CaseConflict(job.type, existing, name);
  }
  for (JobType listed : {JobType::kTriggered, JobType::kContinuous}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(context_.paths.JobsRoot(listed), error)) {
      std::string existing = entry.path().filename().string();
      if (same_but_case(existing)) return CaseConflict(listed, existing, name);
    }
  }
  return Status::Ok();
}

void JobManager::Activate(JobType type, const std::string& name,
                          const std::filesystem::path& staged_dir,
                          std::vector<std::string> warnings,
                          std::function<void(Result<DeployResult>)> reply) {
  if (shutting_down_) return reply(Unavailable("the host is shutting down"));
  if (Status free = CheckNameFree(type, name); !free.ok()) return reply(free.error());
  if (removing_.count(name)) {
    return reply(Conflict("job \"" + name +
                          "\" is being deleted; deploy it again once the "
                          "delete has finished"));
  }
  std::filesystem::path job_dir = context_.paths.JobDir(type, name);
  if (Status swapped = ActivateStaged(staged_dir, job_dir); !swapped.ok()) {
    return reply(swapped.error());
  }
  spdlog::info("event=job_deployed job={} type={}", name, TypeText(type));
  Reload(type, name, true);
  const ManagedJob* job = Find(type, name);
  if (!job) {
    return reply(InternalError("job \"" + name + "\" was deployed to " + job_dir.string() +
                               " but could not be loaded; see the host log"));
  }
  DeployResult result;
  result.job = ViewOf(*job);
  result.warnings = std::move(warnings);
  reply(std::move(result));
}

void JobManager::Delete(JobType type, const std::string& name, std::function<void(Status)> reply) {
  std::filesystem::path job_dir = context_.paths.JobDir(type, name);
  std::error_code error;
  bool on_disk = std::filesystem::exists(job_dir, error);
  auto found = jobs_.find(name);
  bool loaded = found != jobs_.end() && found->second.type == type;
  if (!on_disk && !loaded) return reply(Status::Ok());  // Kudu returns 200 for a missing job

  // Move the folder out of the jobs tree first, so the watcher cannot load
  // it again while the job stops.
  std::filesystem::path doomed;
  if (on_disk) {
    std::filesystem::create_directories(context_.paths.StagingRoot(), error);
    doomed = context_.paths.StagingRoot() / (".deleted-" + RandomSuffix());
    std::filesystem::rename(job_dir, doomed, error);
    if (error) {
      return reply(IoError("cannot delete " + job_dir.string() + ": " + error.message()));
    }
  }
  RemoveJob(name, "the job is being deleted", [this, type, name, doomed, reply] {
    JobContext* context = &context_;
    context_.RunOnWorker(
        [context, type, name, doomed] {
          if (!doomed.empty()) RemoveTree(doomed);
          RemoveTree(context->paths.DataDir(type, name));
          RemoveTree(context->paths.WorkingCopyRoot(type, name));
          RemoveTree(context->paths.ShutdownDir(type, name));
          Status deleted = context->store.DeleteJob(name);
          if (!deleted.ok()) {
            spdlog::error("event=store_delete_failed job={} error={}", name,
                          Quote(deleted.error().message));
          }
        },
        [reply, name, type] {
          spdlog::info("event=job_deleted job={} type={}", name, TypeText(type));
          reply(Status::Ok());
        });
  });
}

Status JobManager::SetWantedRunning(const std::string& name, bool running) {
  const ManagedJob* job = Find(JobType::kContinuous, name);
  if (!job) return NotFound("continuous job \"" + name + "\" not found");
  Store* store = &context_.store;
  context_.RunOnWorker([store, name, running] {
    Status saved =
        running ? store->ClearJobState(name, "stopped") : store->SetJobState(name, "stopped", "1");
    if (!saved.ok()) {
      spdlog::error("event=store_write_failed job={} key=stopped error={}", name,
                    Quote(saved.error().message));
    }
  });
  spdlog::info("event=job_{} job={}", running ? "start_requested" : "stop_requested", name);
  job->continuous->SetWantedRunning(running);
  return Status::Ok();
}

void JobManager::Run(const std::string& name, const std::string& arguments,
                     const std::string& trigger, std::function<void(Result<std::string>)> reply) {
  const ManagedJob* job = Find(JobType::kTriggered, name);
  if (!job) return reply(NotFound("triggered job \"" + name + "\" not found"));
  job->triggered->StartRun(arguments, trigger, std::move(reply));
}

Status JobManager::Cancel(const std::string& name) {
  const ManagedJob* job = Find(JobType::kTriggered, name);
  if (!job) return NotFound("triggered job \"" + name + "\" not found");
  return job->triggered->CancelRun();
}

Status JobManager::CancelRun(const std::string& name, const std::string& run_id) {
  const ManagedJob* job = Find(JobType::kTriggered, name);
  if (!job) return NotFound("triggered job \"" + name + "\" not found");
  return job->triggered->CancelRun(run_id);
}

Result<nlohmann::json> JobManager::Settings(JobType type, const std::string& name) const {
  const ManagedJob* job = Find(type, name);
  if (!job) return NotFound(TypeText(type) + " job \"" + name + "\" not found");
  return job->definition().settings.raw;
}

Status JobManager::PatchSettings(JobType type, const std::string& name,
                                 const nlohmann::json& patch) {
  const ManagedJob* job = Find(type, name);
  if (!job) return NotFound(TypeText(type) + " job \"" + name + "\" not found");
  nlohmann::json merged = job->definition().settings.raw;
  if (!merged.is_object()) merged = nlohmann::json::object();
  merged.merge_patch(patch);
  return PutSettings(type, name, merged);
}

Status JobManager::PutSettings(JobType type, const std::string& name,
                               const nlohmann::json& settings) {
  const ManagedJob* job = Find(type, name);
  if (!job) return NotFound(TypeText(type) + " job \"" + name + "\" not found");
  Result<JobSettings> parsed = JobSettingsFromJson(settings);
  // The messages already start with "settings.job", as for an upload.
  if (!parsed.ok()) return InvalidArgument(parsed.error().message);
  if (Status checked = ValidateScheduleSettings(type, parsed.value()); !checked.ok()) {
    return InvalidArgument(checked.error().message);
  }
  // Write beside, then rename, so a reader never sees half a file.
  std::filesystem::path target = job->definition().entry.script_dir / "settings.job";
  std::filesystem::path partial = target.parent_path() / ".settings.job.partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << SerializeJobSettings(settings);
    if (!out.flush()) return IoError("cannot write " + partial.string());
  }
  std::error_code error;
  std::filesystem::rename(partial, target, error);
  if (error) return IoError("cannot replace " + target.string() + ": " + error.message());
  spdlog::info("event=settings_replaced job={} type={}", name, TypeText(type));
  Reload(type, name, true);
  return Status::Ok();
}

}  // namespace webjobs
