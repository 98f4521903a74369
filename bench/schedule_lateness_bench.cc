// Scheduling lateness of the host with 10,000 scheduled triggered jobs.
// Lateness is the time from a slot instant to the start of the job's
// process, reported as p50, p99 and max. The peer is a bare
// clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) loop that spawns the same
// 100 executables at each of its slots.
//
// Set-up: --jobs job folders (default 10,000) are written before the host
// starts, so its start-up is not measured. --firing of them (default 100)
// run every second ("* * * * * *"). The others have hourly, daily, yearly
// and February 29 schedules whose next occurrence is at least 19 minutes
// away, so they only add timers and job state. Every job's entry point is
// schedule_probe, a static native executable that reads CLOCK_REALTIME
// first and appends one record to a file (see probe/probe_record.h).
//
// Lateness is (probe start) - (slot). The slot of a host run is
// WEBJOBS_SCHEDULED_TIME when the host sets it, else the start time floored
// to the whole second, which is right only while lateness stays under 1 s.
// The report says which one was used.
//
// The bare loop runs while the host runs, at each whole second + 500 ms,
// so its 100 spawns fall between the host's slots instead of competing
// with them for the CPU, and both see the same background load. It spawns
// the host's working copies of the probe in the same folders, then reaps
// them.
//
// The host's CPU share is the utime + stime of the webjobs process (its
// children excluded) over the measurement window, divided by wall time.
// The host starts a scheduled run's process ahead of its slot in
// webjobs-launcher, which executes the probe at the slot. The launcher's
// CPU time counts as the child's, so the bench adds it to the host's share
// before it checks the target. It takes that time as the CPU time of the
// host's reaped children per run minus that of the bare probes per run.
//
// With the defaults each firing job has run fewer than 40 times when the
// window ends, under the default WEBJOBS_HISTORY_SIZE of 50, so no run in
// the window trims history. A longer --seconds or a smaller
// WEBJOBS_HISTORY_SIZE adds a trim to every run.
//
// Usage: schedule_lateness_bench --webjobs PATH [--probe PATH] [--jobs N]
//          [--firing N] [--seconds N] [--warmup N] [--ready-timeout N]
//   --probe          schedule_probe (default: next to this program; CMake
//                    builds it with this target)
//   --jobs           job folders, default 10000, at most 65000
//   --firing         jobs that run every second, default 100
//   --seconds        measured slots, one per second, default 30
//   --warmup         seconds from the first run of every firing job to the
//                    window, default 3
//   --ready-timeout  seconds to wait for the full job list, and again for
//                    the first runs, default 900
// The host inherits this program's environment, with WEBSITE_TIME_ZONE set
// to UTC. The program exits with 0 whether or not the targets are met,
// and with non-zero only when the measurement itself failed.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bench_util.h"
#include "probe/probe_record.h"

namespace webjobs::bench {
namespace {

constexpr double kTargetP99DifferenceMs = 5.0;
constexpr double kTargetCpuShare = 0.10;
constexpr char kProbeFileName[] = "probe";
constexpr uint64_t kMaxJobs = 65000;
constexpr int64_t kNanosPerSecond = 1000000000;
// The bare loop's slots are this far after the host's.
constexpr int64_t kBareOffsetNs = kNanosPerSecond / 2;
// Host CPU time is sampled this long before the first host slot and
// before the slot after the last one, so each sampled second contains one
// slot and the work that follows it.
constexpr int64_t kCpuSampleLeadNs = kNanosPerSecond / 4;
constexpr std::chrono::milliseconds kListPollPause{1000};
constexpr std::chrono::milliseconds kRecordPollPause{100};

struct Options {
  std::string webjobs;
  std::string probe;
  uint64_t jobs = 10000;
  uint64_t firing = 100;
  uint64_t seconds = 30;
  uint64_t warmup = 3;
  uint64_t ready_timeout = 900;
};

// ---------------------------------------------------------------------------
// Options and machine

std::filesystem::path DefaultProbePath(const char* argv0) {
  std::error_code error;
  std::filesystem::path self = std::filesystem::canonical("/proc/self/exe", error);
  if (error) self = std::filesystem::absolute(argv0);
  return self.parent_path() / "schedule_probe";
}

Result<Options> ParseOptions(int argc, char** argv) {
  Result<BenchFlags> flags = BenchFlags::Parse(argc, argv);
  if (!flags.ok()) return flags.error();
  std::vector<std::string> unknown =
      flags->Unknown({"webjobs", "probe", "jobs", "firing", "seconds", "warmup", "ready-timeout"});
  if (!unknown.empty()) return InvalidArgument("unknown flag --" + unknown.front());
  if (!flags->Has("webjobs")) {
    return InvalidArgument("--webjobs PATH (the host binary) is required");
  }

  Options options;
  options.webjobs = std::filesystem::absolute(flags->Text("webjobs", "")).string();
  options.probe =
      std::filesystem::absolute(flags->Text("probe", DefaultProbePath(argv[0]).string())).string();
  std::initializer_list<std::pair<const char*, uint64_t*>> counts = {
      {"jobs", &options.jobs},
      {"firing", &options.firing},
      {"seconds", &options.seconds},
      {"warmup", &options.warmup},
      {"ready-timeout", &options.ready_timeout}};
  for (auto [name, value] : counts) {
    Result<uint64_t> count = flags->Count(name, *value);
    if (!count.ok()) return count.error();
    *value = *count;
  }
  if (options.firing > options.jobs) {
    return InvalidArgument("--firing " + std::to_string(options.firing) + " is more than --jobs " +
                           std::to_string(options.jobs));
  }
  // Every job folder hard-links one copy of the probe, and ext4 allows
  // 65,000 links to a file.
  if (options.jobs > kMaxJobs) {
    return InvalidArgument("--jobs must be at most " + std::to_string(kMaxJobs) + ", got " +
                           std::to_string(options.jobs));
  }
  if (access(options.probe.c_str(), X_OK) != 0) {
    return InvalidArgument("the probe " + options.probe +
                           " is not an executable file; build the schedule_probe target or "
                           "pass --probe PATH");
  }
  return options;
}

// Returns the first "model name" of /proc/cpuinfo, or "unknown CPU".
std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return "unknown CPU";
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line.empty() ? "unknown" : line;
}

// Names the file system type of `path` from statfs(2)'s magic number.
std::string FileSystemName(const std::filesystem::path& path) {
  struct statfs info {};
  if (statfs(path.c_str(), &info) != 0) return "an unknown file system";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0xEF53UL:
      return "ext4 (or ext2/ext3)";
    case 0x01021994UL:
      return "tmpfs";
    case 0x58465342UL:
      return "xfs";
    case 0x9123683EUL:
      return "btrfs";
    case 0x794C7630UL:
      return "overlayfs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof hex, "file system type 0x%lx",
                    static_cast<unsigned long>(info.f_type));
      return hex;
    }
  }
}

void PrintMachine() {
  utsname name{};
  uname(&name);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  std::printf("machine: %s, %ld cores online, %s %s\n", CpuModel().c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), name.sysname, name.release);
  std::printf("limits: open files %llu (soft), fs.inotify.max_user_watches %s\n",
              static_cast<unsigned long long>(files.rlim_cur),
              ReadFirstLine("/proc/sys/fs/inotify/max_user_watches").c_str());
}

// ---------------------------------------------------------------------------
// Clock

int64_t RealtimeNs() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * kNanosPerSecond + now.tv_nsec;
}

void SleepUntilRealtime(int64_t deadline_ns) {
  timespec deadline{static_cast<time_t>(deadline_ns / kNanosPerSecond),
                    static_cast<long>(deadline_ns % kNanosPerSecond)};
  while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

// ---------------------------------------------------------------------------
// Job folders

std::string JobName(uint64_t index, uint64_t firing) {
  char name[32];
  std::snprintf(name, sizeof name, "%s-%05llu", index < firing ? "fire" : "idle",
                static_cast<unsigned long long>(index));
  return name;
}

// Returns a schedule that does not fire within 19 minutes of `now` (UTC).
// `number` counts the non-firing jobs and picks one of four kinds and its
// fields, so the schedules differ from each other.
std::string IdleSchedule(uint64_t number, const tm& now) {
  uint64_t spread = number / 4;
  unsigned second = number % 60;
  unsigned minute = (number / 60) % 60;
  unsigned far_hour = (now.tm_hour + 6 + spread % 12) % 24;
  char text[64];
  switch (number % 4) {
    case 0: {  // hourly, 20 to 40 minutes from the current minute
      unsigned far_minute = (now.tm_min + 20 + spread % 21) % 60;
      std::snprintf(text, sizeof text, "%u %u * * * *", second, far_minute);
      break;
    }
    case 1:  // daily, 6 to 17 hours from the current hour
      std::snprintf(text, sizeof text, "%u %u %u * * *", second, minute, far_hour);
      break;
    case 2: {  // yearly, 3 to 8 months from the current month
      unsigned month = (now.tm_mon + 3 + spread % 6) % 12 + 1;
      std::snprintf(text, sizeof text, "%u %u %u %u %u *", second, minute,
                    static_cast<unsigned>(spread % 24), static_cast<unsigned>(1 + spread % 28),
                    month);
      break;
    }
    default:  // February 29, at least 6 hours from now even on February 28 and 29
      std::snprintf(text, sizeof text, "%u %u %u 29 2 *", second, minute, far_hour);
      break;
  }
  return text;
}

Status WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return ErrnoError("cannot create " + path.string(), errno);
  size_t written = std::fwrite(text.data(), 1, text.size(), file);
  bool closed = std::fclose(file) == 0;
  if (written != text.size() || !closed) return ErrnoError("cannot write " + path.string(), errno);
  return Status::Ok();
}

// Writes the job folders under `jobs_root`. Each gets a hard link to
// `probe` (one inode for all jobs, so 10,000 jobs take no extra space) and
// a settings.job with its schedule.
Status WriteJobFolders(const std::filesystem::path& jobs_root, const std::filesystem::path& probe,
                       const Options& options) {
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  std::error_code error;
  for (uint64_t index = 0; index < options.jobs; ++index) {
    std::filesystem::path dir = jobs_root / JobName(index, options.firing);
    std::filesystem::create_directories(dir, error);
    if (error) return IoError("cannot create " + dir.string() + ": " + error.message());
    std::filesystem::path entry = dir / kProbeFileName;
    if (link(probe.c_str(), entry.c_str()) != 0) {
      return ErrnoError("cannot link " + probe.string() + " to " + entry.string(), errno);
    }
    std::string schedule =
        index < options.firing ? "* * * * * *" : IdleSchedule(index - options.firing, utc);
    if (Status written =
            WriteTextFile(dir / "settings.job", "{\"schedule\": \"" + schedule + "\"}");
        !written) {
      return written;
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Probe records

Result<std::vector<ProbeRecord>> ReadProbeRecords(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return IoError("cannot open the probe record file " + path.string());
  std::vector<ProbeRecord> records;
  ProbeRecord record;
  while (file.read(reinterpret_cast<char*>(&record), sizeof record)) records.push_back(record);
  if (file.gcount() != 0) {
    return IoError(path.string() + " ends with a partial record of " +
                   std::to_string(file.gcount()) + " bytes; the probe's writes were torn");
  }
  return records;
}

// Waits until each firing job has appended at least one record, so its
// working copy exists and its first run is done. Returns kUnavailable
// naming the count seen when `timeout` passes first.
Status WaitForFirstFires(HostProcess& host, const std::filesystem::path& path,
                         const Options& options, double timeout) {
  Clock::time_point start = Clock::now();
  size_t seen = 0;
  while (SecondsSince(start) < timeout) {
    Result<std::vector<ProbeRecord>> records = ReadProbeRecords(path);
    if (!records.ok()) return records.error();
    std::set<uint32_t> jobs;
    for (const ProbeRecord& record : *records) {
      if (record.job_index < options.firing) jobs.insert(record.job_index);
    }
    seen = jobs.size();
    if (seen == options.firing) return Status::Ok();
    if (kill(host.pid(), 0) != 0) return IoError("the host exited before its first runs");
    std::this_thread::sleep_for(kRecordPollPause);
  }
  return Unavailable(std::to_string(seen) + " of " + std::to_string(options.firing) +
                     " firing jobs had started a run after " + std::to_string(timeout) +
                     " s; check that the host passes " + kProbeFileVariable +
                     " to its jobs and runs native executables");
}

// ---------------------------------------------------------------------------
// The host process

// Returns how many jobs GET /api/triggeredwebjobs lists.
Result<size_t> CountListedJobs(httplib::Client& client) {
  httplib::Result reply = client.Get("/api/triggeredwebjobs");
  if (!reply || reply->status != 200) {
    return IoError("GET /api/triggeredwebjobs: " + DescribeReply(reply));
  }
  nlohmann::json list = nlohmann::json::parse(reply->body, nullptr, false);
  if (!list.is_array()) return IoError("GET /api/triggeredwebjobs returned no JSON array");
  return list.size();
}

// Polls the job list until it has `expected` jobs. Returns kUnavailable
// with the last count when `timeout` passes first.
Status WaitForListedJobs(HostProcess& host, size_t expected, double timeout) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  Clock::time_point start = Clock::now();
  size_t listed = 0;
  while (SecondsSince(start) < timeout) {
    Result<size_t> count = CountListedJobs(*client);
    if (!count.ok()) return count.error();
    listed = *count;
    if (listed == expected) return Status::Ok();
    std::this_thread::sleep_for(kListPollPause);
  }
  return Unavailable("GET /api/triggeredwebjobs listed " + std::to_string(listed) + " of " +
                     std::to_string(expected) + " jobs after " + std::to_string(timeout) + " s");
}

// Resources of the host process with all jobs loaded.
struct HostResources {
  std::string resident = "?";       // VmRSS
  std::string peak_resident = "?";  // VmHWM
  std::string threads = "?";
  size_t open_files = 0;
  size_t inotify_watches = 0;
};

HostResources ReadHostResources(pid_t pid) {
  HostResources resources;
  std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream status(proc + "/status");
  std::string line;
  auto value_of = [&line] {
    size_t start = line.find_first_not_of(" \t", line.find(':') + 1);
    return start == std::string::npos ? std::string("?") : line.substr(start);
  };
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) resources.resident = value_of();
    if (line.rfind("VmHWM:", 0) == 0) resources.peak_resident = value_of();
    if (line.rfind("Threads:", 0) == 0) resources.threads = value_of();
  }

  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd", error)) {
    ++resources.open_files;
    std::error_code link_error;
    std::filesystem::path target = std::filesystem::read_symlink(entry.path(), link_error);
    if (link_error || target != "anon_inode:inotify") continue;
    std::ifstream info(proc + "/fdinfo/" + entry.path().filename().string());
    while (std::getline(info, line)) {
      if (line.rfind("inotify wd:", 0) == 0) ++resources.inotify_watches;
    }
  }
  return resources;
}

// ---------------------------------------------------------------------------
// The bare timer loop

// Returns the folder of the working copy that the host runs for `job`:
// the one folder under temp/jobs/triggered/JOB/ that contains the probe.
Result<std::filesystem::path> FindWorkingCopy(const std::filesystem::path& root,
                                              const std::string& job) {
  std::filesystem::path copies = root / "temp" / "jobs" / "triggered" / job;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(copies, error)) {
    if (entry.path().filename().string().rfind(".partial-", 0) == 0) continue;
    if (std::filesystem::exists(entry.path() / kProbeFileName, error)) return entry.path();
  }
  return NotFound("no working copy of " + job + " with a " + kProbeFileName + " under " +
                  copies.string() + "; did the host run the job?");
}

// One job of the bare loop: the probe's path, its environment without the
// slot, and the posix_spawn actions that enter the probe's folder.
struct BareJob {
  std::string program;
  std::vector<std::string> environment;
  posix_spawn_file_actions_t actions;
};

class BareLoop {
 public:
  ~BareLoop() {
    for (BareJob& job : jobs_) posix_spawn_file_actions_destroy(&job.actions);
  }

  // Prepares one spawn per firing job: the host's working copy, run in its
  // folder, with this process's environment minus the WEBJOBS_* and
  // SCHEDULE_PROBE_* variables, plus WEBJOBS_NAME and the record file.
  Status Prepare(const std::filesystem::path& root, const std::filesystem::path& record_file,
                 const Options& options) {
    std::vector<std::string> base;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string_view text = *entry;
      if (text.rfind("WEBJOBS_", 0) == 0 || text.rfind("SCHEDULE_PROBE_", 0) == 0) continue;
      base.emplace_back(text);
    }
    base.push_back(std::string(kProbeFileVariable) + "=" + record_file.string());

    jobs_.reserve(options.firing);
    for (uint64_t index = 0; index < options.firing; ++index) {
      std::string name = JobName(index, options.firing);
      Result<std::filesystem::path> folder = FindWorkingCopy(root, name);
      if (!folder.ok()) return folder.error();
      BareJob& job = jobs_.emplace_back();
      posix_spawn_file_actions_init(&job.actions);
      int rc = posix_spawn_file_actions_addchdir_np(&job.actions, folder->c_str());
      if (rc != 0) return ErrnoError("posix_spawn_file_actions_addchdir_np", rc);
      job.program = (*folder / kProbeFileName).string();
      job.environment = base;
      job.environment.push_back("WEBJOBS_NAME=" + name);
    }
    return Status::Ok();
  }

  // Sleeps until `slot_ns`, spawns every job, then reaps them. Returns the
  // seconds from the slot until the last one was reaped.
  Result<double> RunSlot(int64_t slot_ns) {
    std::string slot_entry = std::string(kProbeSlotVariable) + "=" + std::to_string(slot_ns);
    std::vector<std::vector<char*>> environments;
    environments.reserve(jobs_.size());
    for (BareJob& job : jobs_) {
      std::vector<char*>& pointers = environments.emplace_back();
      for (std::string& entry : job.environment) pointers.push_back(entry.data());
      pointers.push_back(slot_entry.data());
      pointers.push_back(nullptr);
    }
    std::vector<pid_t> pids(jobs_.size(), -1);

    SleepUntilRealtime(slot_ns);
    for (size_t i = 0; i < jobs_.size(); ++i) {
      char* argv[] = {jobs_[i].program.data(), nullptr};
      int rc =
          posix_spawn(&pids[i], argv[0], &jobs_[i].actions, nullptr, argv, environments[i].data());
      if (rc != 0) {
        (void)ReapAll(pids);
        return ErrnoError("posix_spawn of " + jobs_[i].program, rc);
      }
    }
    Status reaped = ReapAll(pids);
    if (!reaped.ok()) return reaped.error();
    return static_cast<double>(RealtimeNs() - slot_ns) / kNanosPerSecond;
  }

 private:
  // Waits for every started pid. Returns kIo naming the first probe that
  // did not exit with 0.
  Status ReapAll(const std::vector<pid_t>& pids) {
    Status first_error = Status::Ok();
    for (size_t i = 0; i < pids.size(); ++i) {
      if (pids[i] < 0) continue;
      Result<int> code = WaitForExit(pids[i]);
      if (first_error.ok() && !code.ok()) first_error = code.error();
      if (first_error.ok() && *code != 0) {
        first_error = IoError(jobs_[i].program + " exited with " + std::to_string(*code));
      }
    }
    return first_error;
  }

  std::vector<BareJob> jobs_;
};

// ---------------------------------------------------------------------------
// Analysis

struct Lateness {
  size_t samples = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentile of sorted values: the smallest value with at
// least `fraction` of the values at or below it.
double Percentile(const std::vector<double>& sorted, double fraction) {
  size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

Lateness SummarizeLateness(std::vector<double> lateness_ms) {
  Lateness result;
  result.samples = lateness_ms.size();
  if (lateness_ms.empty()) return result;
  std::sort(lateness_ms.begin(), lateness_ms.end());
  result.p50_ms = Percentile(lateness_ms, 0.50);
  result.p99_ms = Percentile(lateness_ms, 0.99);
  result.max_ms = lateness_ms.back();
  return result;
}

struct HostSamples {
  std::vector<double> lateness_ms;
  size_t from_scheduled_time = 0;         // slot from WEBJOBS_SCHEDULED_TIME
  size_t from_start_time = 0;             // slot = start time floored to the second
  size_t invalid_slot = 0;                // WEBJOBS_SCHEDULED_TIME set but not parsed
  size_t duplicates = 0;                  // a second record of one job for one slot
  size_t idle_job_runs = 0;               // runs of jobs that should not fire, at any time
  size_t malformed = 0;                   // bad magic or no job number
  std::map<int64_t, double> slot_max_ms;  // the latest start of each slot
};

// Picks the host records of the firing jobs whose slot lies in
// [first_slot_ns, end_ns) and returns their lateness.
HostSamples CollectHostSamples(const std::vector<ProbeRecord>& records, const Options& options,
                               int64_t first_slot_ns, int64_t end_ns) {
  HostSamples samples;
  std::set<std::pair<uint32_t, int64_t>> seen;
  for (const ProbeRecord& record : records) {
    if (record.magic != kProbeRecordMagic || record.job_index == kNoJobIndex) {
      ++samples.malformed;
      continue;
    }
    if (record.job_index >= options.firing) {
      ++samples.idle_job_runs;
      continue;
    }
    auto source = static_cast<SlotSource>(record.slot_source);
    int64_t slot_ns = record.slot_ns;
    if (source == SlotSource::kInvalid) {
      ++samples.invalid_slot;
      continue;
    }
    if (source != SlotSource::kScheduledTime) {
      slot_ns = record.start_ns / kNanosPerSecond * kNanosPerSecond;
    }
    if (slot_ns < first_slot_ns || slot_ns >= end_ns) continue;
    if (!seen.emplace(record.job_index, slot_ns).second) {
      ++samples.duplicates;
      continue;
    }
    ++(source == SlotSource::kScheduledTime ? samples.from_scheduled_time
                                            : samples.from_start_time);
    double lateness_ms = static_cast<double>(record.start_ns - slot_ns) / 1e6;
    samples.lateness_ms.push_back(lateness_ms);
    double& slot_max = samples.slot_max_ms[slot_ns];
    slot_max = std::max(slot_max, lateness_ms);
  }
  return samples;
}

// Returns the lateness of the bare loop's records; a record without its
// slot is an error, because the bare loop always sets one.
Result<std::vector<double>> CollectBareSamples(const std::vector<ProbeRecord>& records) {
  std::vector<double> lateness_ms;
  for (const ProbeRecord& record : records) {
    if (record.magic != kProbeRecordMagic ||
        static_cast<SlotSource>(record.slot_source) != SlotSource::kProbeSlot) {
      return IoError("a bare-loop probe record has no " + std::string(kProbeSlotVariable) +
                     " slot (source " + std::to_string(record.slot_source) + ")");
    }
    lateness_ms.push_back(static_cast<double>(record.start_ns - record.slot_ns) / 1e6);
  }
  return lateness_ms;
}

// ---------------------------------------------------------------------------
// The run

struct SetupTimes {
  double write_seconds = 0;        // writing the job folders
  double start_seconds = 0;        // host spawn until it served the job list
  double listed_seconds = 0;       // host spawn until the list had every job
  double first_fires_seconds = 0;  // host spawn until every firing job had run
  double stop_seconds = 0;         // SIGTERM until the host exited
};

// Lines of scheduler events in the host's log, from start to exit. A
// skipped or missed line can stand for several slots, and its reason
// field gives the cause.
struct LoggedEvents {
  size_t run_started_lines = 0;
  size_t schedule_skipped_lines = 0;
  size_t schedule_missed_lines = 0;
};

LoggedEvents CountLoggedEvents(const std::filesystem::path& log) {
  LoggedEvents events;
  std::ifstream file(log);
  std::string line;
  while (std::getline(file, line)) {
    if (line.find("event=run_started ") != std::string::npos) ++events.run_started_lines;
    if (line.find("event=schedule_skipped ") != std::string::npos) ++events.schedule_skipped_lines;
    if (line.find("event=schedule_missed ") != std::string::npos) ++events.schedule_missed_lines;
  }
  return events;
}

struct Measurement {
  SetupTimes setup;
  LoggedEvents logged;
  HostResources resources;
  HostSamples host;
  Lateness host_lateness;
  Lateness bare_lateness;
  double host_cpu_seconds = 0;
  // CPU time of the children reaped in the window: the host's runs
  // (launcher and probe), the bare loop's probes.
  double host_children_cpu_seconds = 0;
  double bare_children_cpu_seconds = 0;
  double window_seconds = 0;
  double bare_max_burst_seconds = 0;  // bare slot until its last probe was reaped
};

// Waits out the warm-up, then measures `options.seconds` host slots with a
// bare-loop slot half a second after each, and the host's CPU time.
Result<Measurement> MeasureWindow(HostProcess& host, const std::filesystem::path& root,
                                  const std::filesystem::path& host_records,
                                  const std::filesystem::path& bare_records, const Options& options,
                                  Measurement measurement) {
  BareLoop bare;
  if (Status prepared = bare.Prepare(root, bare_records, options); !prepared) {
    return prepared.error();
  }
  std::this_thread::sleep_for(std::chrono::seconds(options.warmup));

  int64_t seconds = static_cast<int64_t>(options.seconds);
  int64_t first_slot_ns = (RealtimeNs() / kNanosPerSecond + 2) * kNanosPerSecond;
  int64_t end_ns = first_slot_ns + seconds * kNanosPerSecond;

  SleepUntilRealtime(first_slot_ns - kCpuSampleLeadNs);
  Clock::time_point window_start = Clock::now();
  Result<double> cpu_before = ProcessCpuSeconds(host.pid());
  if (!cpu_before.ok()) return cpu_before.error();
  Result<double> children_before = ProcessCpuSeconds(host.pid(), true);
  if (!children_before.ok()) return children_before.error();
  double bare_children_before = ReapedChildrenCpuSeconds();
  for (int64_t k = 0; k < seconds; ++k) {
    Result<double> burst = bare.RunSlot(first_slot_ns + k * kNanosPerSecond + kBareOffsetNs);
    if (!burst.ok()) return burst.error();
    measurement.bare_max_burst_seconds = std::max(measurement.bare_max_burst_seconds, *burst);
  }
  SleepUntilRealtime(end_ns - kCpuSampleLeadNs);
  Result<double> cpu_after = ProcessCpuSeconds(host.pid());
  if (!cpu_after.ok()) return cpu_after.error();
  Result<double> children_after = ProcessCpuSeconds(host.pid(), true);
  if (!children_after.ok()) return children_after.error();
  measurement.window_seconds = SecondsSince(window_start);
  measurement.host_cpu_seconds = *cpu_after - *cpu_before;
  measurement.host_children_cpu_seconds = *children_after - *children_before;
  measurement.bare_children_cpu_seconds = ReapedChildrenCpuSeconds() - bare_children_before;

  // Let the runs of the last host slot write their records.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  measurement.resources = ReadHostResources(host.pid());

  Result<std::vector<ProbeRecord>> host_read = ReadProbeRecords(host_records);
  if (!host_read.ok()) return host_read.error();
  measurement.host = CollectHostSamples(*host_read, options, first_slot_ns, end_ns);
  measurement.host_lateness = SummarizeLateness(measurement.host.lateness_ms);

  Result<std::vector<ProbeRecord>> bare_read = ReadProbeRecords(bare_records);
  if (!bare_read.ok()) return bare_read.error();
  Result<std::vector<double>> bare_samples = CollectBareSamples(*bare_read);
  if (!bare_samples.ok()) return bare_samples.error();
  measurement.bare_lateness = SummarizeLateness(std::move(bare_samples).value());
  return measurement;
}

Status CreateEmptyFile(const std::filesystem::path& path) { return WriteTextFile(path, ""); }

// Writes the jobs, starts the host, waits until it lists every job and
// has run every firing job once, then measures. An error carries the end
// of the host's log.
Result<Measurement> Run(const Options& options, const std::filesystem::path& temp) {
  std::filesystem::path root = temp / "root";
  std::filesystem::path log = temp / "host.log";
  std::filesystem::path host_records = temp / "host_records.bin";
  std::filesystem::path bare_records = temp / "bare_records.bin";
  std::filesystem::path probe = temp / kProbeFileName;
  std::filesystem::path jobs_root = root / "site" / "wwwroot" / "App_Data" / "jobs" / "triggered";

  // The probe is copied into the root's file system, so the job folders
  // can hard-link it.
  std::error_code error;
  std::filesystem::copy_file(options.probe, probe, error);
  if (error) {
    return IoError("cannot copy " + options.probe + " to " + probe.string() + ": " +
                   error.message());
  }
  for (const auto& path : {host_records, bare_records}) {
    if (Status created = CreateEmptyFile(path); !created) return created.error();
  }

  Measurement measurement;
  Clock::time_point start = Clock::now();
  if (Status written = WriteJobFolders(jobs_root, probe, options); !written) {
    return written.error();
  }
  measurement.setup.write_seconds = SecondsSince(start);

  setenv(kProbeFileVariable, host_records.c_str(), 1);
  setenv("WEBSITE_TIME_ZONE", "UTC", 1);
  start = Clock::now();
  Result<std::unique_ptr<HostProcess>> host = HostProcess::Start(options.webjobs, root, log);
  unsetenv(kProbeFileVariable);
  if (!host.ok()) {
    return Error{host.error().code, host.error().message + "\n" + ReadFileTail(log, 4096)};
  }
  measurement.setup.start_seconds = SecondsSince(start);

  auto with_log = [&log](const Error& failed) {
    return Error{failed.code,
                 failed.message + "\nend of the host log:\n" + ReadFileTail(log, 4096)};
  };
  double timeout = static_cast<double>(options.ready_timeout);
  if (Status listed = WaitForListedJobs(**host, options.jobs, timeout); !listed) {
    return with_log(listed.error());
  }
  measurement.setup.listed_seconds = SecondsSince(start);
  if (Status fired = WaitForFirstFires(**host, host_records, options, timeout); !fired) {
    return with_log(fired.error());
  }
  measurement.setup.first_fires_seconds = SecondsSince(start);

  Result<Measurement> result =
      MeasureWindow(**host, root, host_records, bare_records, options, measurement);
  start = Clock::now();
  int code = (*host)->Stop();
  if (!result.ok()) return with_log(result.error());
  result->setup.stop_seconds = SecondsSince(start);
  result->logged = CountLoggedEvents(log);
  if (code != 0) std::fprintf(stderr, "note: the host exited with %d after SIGTERM\n", code);
  return result;
}

// ---------------------------------------------------------------------------
// Report

void PrintLateness(const char* label, const Lateness& lateness) {
  std::printf("  %-34s %8zu %9.3f %9.3f %9.3f\n", label, lateness.samples, lateness.p50_ms,
              lateness.p99_ms, lateness.max_ms);
}

void PrintReport(const Options& options, const Measurement& m) {
  const SetupTimes& setup = m.setup;
  std::printf(
      "set-up: %llu job folders written in %.1f s; after the host started: job list served "
      "after %.1f s, all %llu jobs listed after %.1f s, every firing job run after %.1f s; "
      "SIGTERM until exit %.1f s\n",
      static_cast<unsigned long long>(options.jobs), setup.write_seconds, setup.start_seconds,
      static_cast<unsigned long long>(options.jobs), setup.listed_seconds,
      setup.first_fires_seconds, setup.stop_seconds);
  const HostResources& r = m.resources;
  std::printf(
      "host with the jobs loaded: RSS %s (peak %s), %s threads, %zu open files, %zu inotify "
      "watches\n",
      r.resident.c_str(), r.peak_resident.c_str(), r.threads.c_str(), r.open_files,
      r.inotify_watches);

  const HostSamples& host = m.host;
  uint64_t expected = options.firing * options.seconds;
  std::printf(
      "\nscheduling lateness: %llu triggered jobs, %llu firing every second, %llu on schedules "
      "that do not fire (hourly, daily, yearly, February 29); %llu s after %llu s of warm-up\n",
      static_cast<unsigned long long>(options.jobs),
      static_cast<unsigned long long>(options.firing),
      static_cast<unsigned long long>(options.jobs - options.firing),
      static_cast<unsigned long long>(options.seconds),
      static_cast<unsigned long long>(options.warmup));
  if (host.from_start_time > 0) {
    std::printf(
        "slot of a host run: %zu samples used the start time floored to the whole second because "
        "WEBJOBS_SCHEDULED_TIME was not set, valid only while lateness < 1 s; %zu used "
        "WEBJOBS_SCHEDULED_TIME\n",
        host.from_start_time, host.from_scheduled_time);
  } else {
    std::printf("slot of a host run: WEBJOBS_SCHEDULED_TIME (all %zu samples)\n",
                host.from_scheduled_time);
  }
  std::printf(
      "bare loop: clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) to each whole second "
      "+ 500 ms, then posix_spawn of the same %llu probes and waitpid\n",
      static_cast<unsigned long long>(options.firing));
  std::printf("\n  %-34s %8s %9s %9s %9s\n", "lateness (process start - slot)", "samples", "p50 ms",
              "p99 ms", "max ms");
  PrintLateness("host scheduler", m.host_lateness);
  PrintLateness("bare clock_nanosleep loop", m.bare_lateness);

  if (m.host_lateness.samples != expected || host.duplicates > 0 || host.idle_job_runs > 0 ||
      host.invalid_slot > 0 || host.malformed > 0) {
    std::printf(
        "  host samples: %zu of %llu expected; %zu duplicate (job, slot) records, %zu runs of "
        "non-firing jobs, %zu unparsable WEBJOBS_SCHEDULED_TIME, %zu malformed records\n",
        m.host_lateness.samples, static_cast<unsigned long long>(expected), host.duplicates,
        host.idle_job_runs, host.invalid_slot, host.malformed);
  }
  if (!host.slot_max_ms.empty()) {
    // A slow second and a slow run in every second call for different fixes.
    std::vector<double> slot_max;
    for (const auto& [slot, max_ms] : host.slot_max_ms) slot_max.push_back(max_ms);
    std::sort(slot_max.begin(), slot_max.end());
    std::printf(
        "  host, latest start in each slot: median %.3f ms, best %.3f ms, worst %.3f ms "
        "(%zu slots)\n",
        slot_max[slot_max.size() / 2], slot_max.front(), slot_max.back(), slot_max.size());
  }
  const LoggedEvents& logged = m.logged;
  std::printf(
      "  host log lines from start to exit: %zu event=run_started, %zu event=schedule_skipped, "
      "%zu event=schedule_missed\n",
      logged.run_started_lines, logged.schedule_skipped_lines, logged.schedule_missed_lines);
  if (m.bare_lateness.samples != expected) {
    std::printf("  bare samples: %zu of %llu expected\n", m.bare_lateness.samples,
                static_cast<unsigned long long>(expected));
  }
  if (m.bare_max_burst_seconds >= 0.5) {
    std::printf(
        "  note: a bare slot took %.3f s until its last probe was reaped, so it overlapped "
        "the next host slot\n",
        m.bare_max_burst_seconds);
  }

  double difference = m.host_lateness.p99_ms - m.bare_lateness.p99_ms;
  double share = m.host_cpu_seconds / m.window_seconds;
  std::printf("\n  p99 host - p99 bare             %9.3f ms\n", difference);
  std::printf("  host CPU (utime + stime)        %9.2f s over %.2f s = %.1f%% of one core\n",
              m.host_cpu_seconds, m.window_seconds, 100 * share);
  // The host may start a run's process ahead of its slot in a launcher
  // that executes the probe at the slot. The launcher's CPU time is the
  // child's, so it is counted here as the host's by comparing what a run's
  // process used with what a bare probe used.
  double runs = static_cast<double>(std::max<size_t>(m.host_lateness.samples, 1));
  double bare_runs = static_cast<double>(std::max<size_t>(m.bare_lateness.samples, 1));
  double host_child_us = 1e6 * m.host_children_cpu_seconds / runs;
  double bare_child_us = 1e6 * m.bare_children_cpu_seconds / bare_runs;
  double extra_share =
      std::max(0.0, host_child_us - bare_child_us) * 1e-6 * runs / m.window_seconds;
  std::printf("  CPU per run's process           host %.0f us, bare probe %.0f us\n", host_child_us,
              bare_child_us);
  std::printf("  host CPU + launcher overhead    %9.1f%% of one core\n",
              100 * (share + extra_share));
  share += extra_share;
  // A slot without a run has no lateness to rank, so the p99 of the
  // samples alone would flatter a host that drops slots.
  bool complete = m.host_lateness.samples == expected && m.bare_lateness.samples == expected;
  const char* verdict = "PASS";
  if (!complete) {
    verdict = "FAIL (samples are missing, see above)";
  } else if (difference > kTargetP99DifferenceMs) {
    verdict = "FAIL";
  }
  std::printf("  target p99 host - p99 bare <= %.0f ms: %s\n", kTargetP99DifferenceMs, verdict);
  std::printf("  target host CPU < %.0f%% of one core: %s\n", 100 * kTargetCpuShare,
              share < kTargetCpuShare ? "PASS" : "FAIL");
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: schedule_lateness_bench --webjobs PATH [--probe PATH] "
                 "[--jobs N] [--firing N] [--seconds N] [--warmup N] [--ready-timeout N]\n",
                 options.error().message.c_str());
    return 2;
  }
  PrintMachine();
  std::fflush(stdout);
  Result<TempDir> temp = TempDir::Create("webjobs-lateness-bench");
  if (!temp.ok()) {
    std::fprintf(stderr, "error: %s\n", temp.error().message.c_str());
    return 1;
  }
  // Every run creates a folder and a file, so the file system of the
  // host's root shows in its CPU time.
  std::printf("host root under %s, on %s (TMPDIR chooses another)\n", temp->path().c_str(),
              FileSystemName(temp->path()).c_str());
  std::fflush(stdout);
  Result<Measurement> measurement = Run(*options, temp->path());
  if (!measurement.ok()) {
    std::fprintf(stderr, "error: %s\n", measurement.error().message.c_str());
  } else {
    PrintReport(*options, *measurement);
  }
  std::fflush(stdout);
  // Removing thousands of job and run folders can take minutes on a file
  // system mounted with online discard.
  std::fprintf(stderr, "removing %s\n", temp->path().c_str());
  return measurement.ok() ? 0 : 1;
}

}  // namespace
}  // namespace webjobs::bench

int main(int argc, char** argv) { return webjobs::bench::Main(argc, argv); }
