#include "jobs/job_test_fixture.h"

#include <date/date.h>
#include <date/tz.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "process/orphan_reaper.h"
#include "process/process_tree.h"

namespace webjobs::testing {

namespace {

constexpr std::chrono::seconds kWorkerGuard{30};
constexpr std::chrono::seconds kReapGuard{10};

// Instance ids unique to this test process and test, so the markers of
// concurrently running test binaries never match each other's processes.
std::string NextInstanceId() {
  static int counter = 0;
  return "t" + std::to_string(getpid()) + "x" + std::to_string(++counter);
}

std::filesystem::path MakeTempRoot() {
  std::string pattern = (std::filesystem::temp_directory_path() / "webjobs-jobs-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return {};
  }
  return std::filesystem::canonical(pattern);
}

void WriteFile(const std::filesystem::path& path, const std::string& text, bool executable) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  if (executable) chmod(path.c_str(), 0755);
}

}  // namespace

std::vector<pid_t> ChildrenOfThisProcess() {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream list(task.path() / "children");
    pid_t pid;
    while (list >> pid) children.push_back(pid);
  }
  return children;
}

TestClock::TestClock() : fixed_(Utc("2024-01-02T15:30:45.0123Z")) {}

TimePoint TestClock::Now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fixed_) return *fixed_;
  return std::chrono::system_clock::now() + offset_;
}

void TestClock::Set(TimePoint now) {
  std::lock_guard<std::mutex> lock(mutex_);
  fixed_ = now;
}

void TestClock::Advance(std::chrono::milliseconds step) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fixed_) {
    *fixed_ += step;
  } else {
    offset_ += step;
  }
}

void TestClock::FollowSystem(std::chrono::milliseconds offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  fixed_.reset();
  offset_ = offset;
}

// Parsed by hand: date::parse trips GCC 12's -Wmaybe-uninitialized at -O3.
TimePoint Utc(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  bool parsed = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%n", &year, &month, &day, &hour,
                            &minute, &second, &consumed) == 6;
  std::string rest = parsed ? text.substr(static_cast<size_t>(consumed)) : "";
  int64_t micros = 0;
  if (parsed && !rest.empty() && rest[0] == '.') {
    size_t digits = 1;
    int64_t scale = 100000;
    for (; digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]));
         ++digits, scale /= 10) {
      micros += (rest[digits] - '0') * scale;
    }
    rest = rest.substr(digits);
  }
  if (!parsed || rest != "Z") {
    [&] { FAIL() << "bad UTC time in the test: " << text; }();
    return {};
  }
  date::sys_days days = date::year{year} / month / day;
  auto time = days + std::chrono::hours(hour) + std::chrono::minutes(minute) +
              std::chrono::seconds(second) + std::chrono::microseconds(micros);
  return std::chrono::time_point_cast<TimePoint::duration>(time);
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << input.rdbuf();
  return bytes.str();
}

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream input(path, std::ios::binary);
  std::string line;
  while (std::getline(input, line)) lines.push_back(line);
  return lines;
}

size_t CountLinesContaining(const std::filesystem::path& path, std::string_view needle) {
  size_t count = 0;
  for (const std::string& line : ReadLines(path)) {
    if (line.find(needle) != std::string::npos) ++count;
  }
  return count;
}

bool ProcessAlive(pid_t pid) {
  std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  return stat[paren + 2] != 'Z';
}

std::string ShellQuote(const std::filesystem::path& path) {
  std::string quoted = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

JobsTest::JobsTest() : root_(MakeTempRoot()), paths_(root_) {
  config_.instance_id = NextInstanceId();
  utc_ = date::locate_zone("UTC");
  std::filesystem::create_directories(root_ / "probes");

  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << (loop.ok() ? "" : loop.error().message);
  if (!loop.ok()) return;  // SetUp fails the test
  loop_ = std::move(loop).value();
  store_worker_ = std::make_unique<WorkerPool>(1);
  // The host's own WEBJOBS_* variables are stale values a job must not see.
  std::vector<std::string> base_environment{"PATH=/usr/local/bin:/usr/bin:/bin",
                                            "HOME=" + root_.string(), "LANG=C.UTF-8",
                                            "WEBJOBS_NAME=stale-name", "WEBJOBS_RUN_ID=stale-run"};
  // Scheduled runs are held by the launcher ahead of their slot, as in the
  // host.
  Result<UniqueFd> launcher = CreateLauncherImage();
  EXPECT_TRUE(launcher.ok()) << (launcher.ok() ? "" : launcher.error().message);
  if (launcher.ok()) {
    EXPECT_TRUE(spawner_.EnableParking(std::move(launcher).value()).ok());
  }
  context_ = std::make_unique<JobContext>(JobContext{*loop_, *store_worker_, store_, spawner_,
                                                     clock_, paths_, config_, runners_,
                                                     std::move(base_environment)});
}

JobsTest::~JobsTest() {
  std::error_code ignored;
  if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
}

void JobsTest::SetUp() {
  ASSERT_NE(loop_, nullptr);
  ASSERT_FALSE(root_.empty());
  spdlog::set_level(spdlog::level::warn);
  // Grandchildren that outlive their parent come back to this process, so
  // TearDown can reap them instead of leaving zombies behind.
  ASSERT_TRUE(BecomeSubreaper().ok());
}

void JobsTest::TearDown() {
  // Posted closures and store tasks refer to the job objects, so they run
  // while the jobs still exist. Run() after Stop() only runs what was
  // posted.
  loop_->Stop();
  for (int round = 0; round < 3; ++round) {
    FlushStoreWorker();
    loop_->Run();
  }
  manager_.reset();
  triggered_.clear();
  continuous_.clear();
  store_worker_.reset();
  KillJobProcessesAndReap();
}

void JobsTest::KillJobProcessesAndReap() {
  for (const auto& [type, name] : job_names_) {
    std::string marker = Marker(type, name);
    Result<size_t> killed = KillJobProcesses(0, marker);
    EXPECT_TRUE(killed.ok()) << (killed.ok() ? "" : killed.error().message);
    EXPECT_TRUE(FindMarkedProcesses(marker).empty()) << "a process of " << name << " survived";
  }
  auto deadline = std::chrono::steady_clock::now() + kReapGuard;
  for (;;) {
    pid_t reaped = waitpid(-1, nullptr, WNOHANG);
    if (reaped > 0) continue;
    if (reaped < 0) break;  // ECHILD: no child left
    if (std::chrono::steady_clock::now() > deadline) {
      std::string pids;
      for (pid_t pid : ChildrenOfThisProcess()) pids += " " + std::to_string(pid);
      ADD_FAILURE() << "children still alive after the test:" << pids;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

JobDefinition JobsTest::DefineJob(JobType type, const std::string& name, const std::string& script,
                                  const std::string& settings_json) {
  job_names_.emplace(type, name);
  std::filesystem::path dir = paths_.JobDir(type, name);
  WriteFile(dir / "run.sh", script, true);
  if (!settings_json.empty()) WriteFile(dir / "settings.job", settings_json, false);

  Result<JobDefinition> definition =
      LoadJobDefinition(type, name, dir, DefinitionContext{&runners_, utc_}, true, nullptr);
  if (!definition.ok()) {
    [&] { FAIL() << "job " << name << " does not load: " << definition.error().message; }();
    return {};
  }
  return std::move(definition).value();
}

JobDefinition JobsTest::LoadAgain(const JobDefinition& definition) {
  Result<JobDefinition> reloaded =
      LoadJobDefinition(definition.type, definition.name, definition.job_dir,
                        DefinitionContext{&runners_, utc_}, true, &definition);
  if (!reloaded.ok()) {
    [&] {
      FAIL() << "job " << definition.name << " does not load: " << reloaded.error().message;
    }();
    return definition;
  }
  return std::move(reloaded).value();
}

ContinuousJob& JobsTest::AddContinuous(JobDefinition definition, bool wanted_running) {
  job_names_.emplace(JobType::kContinuous, definition.name);
  continuous_.push_back(
      std::make_unique<ContinuousJob>(*context_, std::move(definition), wanted_running));
  return *continuous_.back();
}

TriggeredJob& JobsTest::AddTriggered(JobDefinition definition, std::optional<TimePoint> last_slot,
                                     std::optional<RunRecord> latest_run) {
  job_names_.emplace(JobType::kTriggered, definition.name);
  triggered_.push_back(std::make_unique<TriggeredJob>(*context_, std::move(definition), last_slot,
                                                      std::move(latest_run)));
  return *triggered_.back();
}

JobManager& JobsTest::MakeManager() {
  // The manager finds its jobs in the folders the test defined.
  manager_ = std::make_unique<JobManager>(*context_, DefinitionContext{&runners_, utc_});
  return *manager_;
}

std::string JobsTest::TrackJob(JobType type, const std::string& name) {
  job_names_.emplace(type, name);
  return Marker(type, name);
}

std::filesystem::path JobsTest::Probe(const std::string& name) const {
  return root_ / "probes" / name;
}

std::string JobsTest::Marker(JobType type, const std::string& name) const {
  return MakeJobMarker(config_.instance_id, type, name);
}

void JobsTest::FlushStoreWorker() {
  if (!store_worker_) return;
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  store_worker_->Submit([done] { done->set_value(); });
  EXPECT_EQ(finished.wait_for(kWorkerGuard), std::future_status::ready)
      << "the store worker did not finish its tasks";
}

void JobsTest::AddStoreBarrier(LoopDriver& driver) {
  auto settled = std::make_shared<bool>(false);
  driver
      .Do([this, settled] {
        // The worker runs tasks in order and each posts before it ends, so
        // this closure reaches the loop after theirs.
        store_worker_->Submit([this, settled] { loop_->Post([settled] { *settled = true; }); });
      })
      .WaitUntil("the store worker's queued tasks", [settled] { return *settled; });
}

std::optional<RunRecord> JobsTest::StoredRun(const std::string& name, const std::string& run_id) {
  Result<std::optional<RunRecord>> run = store_.GetRun(name, run_id);
  if (!run.ok()) return std::nullopt;
  return run.value();
}

bool JobsTest::RunFinished(const std::string& name, const std::string& run_id) {
  std::optional<RunRecord> run = StoredRun(name, run_id);
  return run && run->status != run_status::kInitializing && run->status != run_status::kRunning;
}

}  // namespace webjobs::testing
