// Triggered runs per second of a job that exits at once, measured from the
// POST .../run call to the history entry with a final status, against a
// bare posix_spawn + waitpid loop of the same command in the same folder.
//
// The bare loop is the physical limit: every host run has to start and reap
// at least this one process. What the host adds on top is the HTTP round
// trips, the run folder and output_log.txt, the working copy check, the
// history record writes and trims in SQLite, and the supervision (pipes,
// pidfd, process group).
//
// Usage: triggered_runs_bench --webjobs PATH [--runs N] [--repetitions R]
// The host inherits this program's environment, so WEBJOBS_HISTORY_SIZE
// and similar settings can be set around the call. The program prints the
// result. It exits with 0 whether or not the target is met, and with
// non-zero only when the measurement itself failed.
#include <cstdio>

#include "bench_util.h"

namespace webjobs::bench {
namespace {

constexpr double kTargetRatio = 0.25;
constexpr char kJobName[] = "exit-at-once";
constexpr char kScript[] = "exit 0\n";
constexpr double kConflictRetrySeconds = 5;
constexpr std::chrono::seconds kRunTimeout{30};

struct Options {
  std::string webjobs;
  uint64_t runs = 300;
  uint64_t repetitions = 3;
};

// Time spent by the host runs, summed over the runs.
struct HostTimes {
  uint64_t runs = 0;
  double seconds = 0;
  double post_seconds = 0;  // POST .../run until its 202
  uint64_t reads = 0;       // history GETs until the final status
  uint64_t conflicts = 0;   // POSTs rejected with 409 and retried
};

struct Repetition {
  HostTimes host;
  double bare_seconds = 0;
  double host_runs_per_second() const { return host.runs / host.seconds; }
  double bare_runs_per_second() const { return host.runs / bare_seconds; }
  double ratio() const { return bare_seconds / host.seconds; }
};

Result<Options> ParseOptions(int argc, char** argv) {
  Result<BenchFlags> flags = BenchFlags::Parse(argc, argv);
  if (!flags.ok()) return flags.error();
  std::vector<std::string> unknown = flags->Unknown({"webjobs", "runs", "repetitions"});
  if (!unknown.empty()) return InvalidArgument("unknown flag --" + unknown.front());
  if (!flags->Has("webjobs"))
    return InvalidArgument("--webjobs PATH (the host binary) is required");

  Options options;
  options.webjobs = std::filesystem::absolute(flags->Text("webjobs", "")).string();
  Result<uint64_t> runs = flags->Count("runs", options.runs);
  if (!runs.ok()) return runs.error();
  Result<uint64_t> repetitions = flags->Count("repetitions", options.repetitions);
  if (!repetitions.ok()) return repetitions.error();
  options.runs = *runs;
  options.repetitions = *repetitions;
  return options;
}

// Runs the job `runs` times, one after the other. A run that does not end
// Pause between two history reads of one run.
constexpr std::chrono::microseconds kPollPause{200};

// in Success is an error, because a failing job would measure another path.
Result<HostTimes> MeasureHost(HostProcess& host, uint64_t runs) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  HostTimes times;
  times.runs = runs;
  Clock::time_point start = Clock::now();
  for (uint64_t i = 0; i < runs; ++i) {
    Clock::time_point post = Clock::now();
    Result<std::string> run_id = StartRun(*client, kJobName);
    // The history can show the final status a moment before the job is
    // idle again, so a 409 here means "retry", not a failure.
    while (!run_id.ok() && run_id.error().code == ErrorCode::kConflict &&
           SecondsSince(post) < kConflictRetrySeconds) {
      ++times.conflicts;
      run_id = StartRun(*client, kJobName);
    }
    if (!run_id.ok()) return run_id.error();
    times.post_seconds += SecondsSince(post);

    // A short pause between reads keeps the polling client from taking the
    // core that the host and the job need on a small machine; it adds at
    // most kPollPause to each run.
    Result<FinalStatus> final_status =
        WaitForFinalStatus(*client, kJobName, *run_id, kPollPause, kRunTimeout);
    if (!final_status.ok()) return final_status.error();
    times.reads += final_status->reads;
    if (final_status->status != "Success") {
      return IoError("run " + *run_id + " ended with status " + final_status->status +
                     "; see its output_log.txt");
    }
  }
  times.seconds = SecondsSince(start);
  return times;
}

// Spawns `bash script` in the script's folder and reaps it, `runs` times.
// Returns the seconds taken.
Result<double> MeasureBare(const std::string& bash, const std::filesystem::path& script,
                           uint64_t runs) {
  std::vector<std::string> argv = {bash, script.string()};
  SpawnSetup setup;
  setup.working_dir = script.parent_path();
  Clock::time_point start = Clock::now();
  for (uint64_t i = 0; i < runs; ++i) {
    Result<pid_t> pid = Spawn(argv, setup);
    if (!pid.ok()) return pid.error();
    Result<int> code = WaitForExit(*pid);
    if (!code.ok()) return code.error();
    if (*code != 0) {
      return IoError(bash + " " + script.string() + " exited with " + std::to_string(*code));
    }
  }
  return SecondsSince(start);
}

// Returns the copy of run.sh that the host runs: its working copy under
// temp/ when there is one, else the deployed file.
std::filesystem::path FindRunScript(const std::filesystem::path& root) {
  std::error_code error;
  std::filesystem::path copies = root / "temp" / "jobs" / "triggered" / kJobName;
  for (const auto& entry : std::filesystem::directory_iterator(copies, error)) {
    std::filesystem::path candidate = entry.path() / "run.sh";
    if (std::filesystem::exists(candidate, error)) return candidate;
  }
  return root / "site" / "wwwroot" / "App_Data" / "jobs" / "triggered" / kJobName / "run.sh";
}

// Deploys the job, then measures the host and the bare loop on one host.
Result<Repetition> MeasureRepetition(HostProcess& host, const std::filesystem::path& root,
                                     const Options& options, const std::string& bash) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  if (Status deployed = DeployTriggeredScript(*client, kJobName, "run.sh", kScript); !deployed) {
    return deployed.error();
  }
  // One untimed run, so the working copy exists and the first timed run
  // does not pay for it.
  if (Result<HostTimes> warm = MeasureHost(host, 1); !warm.ok()) return warm.error();

  Result<HostTimes> host_times = MeasureHost(host, options.runs);
  if (!host_times.ok()) return host_times.error();
  Result<double> bare_seconds = MeasureBare(bash, FindRunScript(root), options.runs);
  if (!bare_seconds.ok()) return bare_seconds.error();
  return Repetition{*host_times, *bare_seconds};
}

// Starts a host on a fresh data root, measures, stops the host and removes
// the root. An error carries the end of the host's log.
Result<Repetition> RunRepetition(const Options& options, const std::string& bash) {
  Result<TempDir> temp = TempDir::Create("webjobs-runs-bench");
  if (!temp.ok()) return temp.error();
  std::filesystem::path root = temp->path() / "root";
  std::filesystem::path log = temp->path() / "host.log";
  Result<std::unique_ptr<HostProcess>> host = HostProcess::Start(options.webjobs, root, log);
  if (!host.ok()) {
    return Error{host.error().code, host.error().message + "\n" + ReadFileTail(log, 4096)};
  }

  Result<Repetition> result = MeasureRepetition(**host, root, options, bash);
  int code = (*host)->Stop();
  if (!result.ok()) {
    return Error{result.error().code,
                 result.error().message + "\nend of the host log:\n" + ReadFileTail(log, 4096)};
  }
  if (code != 0) std::fprintf(stderr, "note: the host exited with %d after SIGTERM\n", code);
  return result;
}

void PrintRepetition(uint64_t number, const Repetition& r) {
  const HostTimes& host = r.host;
  double runs = static_cast<double>(host.runs);
  std::printf(
      "repetition %llu: host %.1f runs/s, bare %.1f runs/s, ratio %.3f\n"
      "  per host run: %.2f ms total, %.2f ms POST until 202, %.2f ms and %.1f history GETs "
      "until the final status; %llu POSTs got 409\n",
      static_cast<unsigned long long>(number), r.host_runs_per_second(), r.bare_runs_per_second(),
      r.ratio(), 1e3 * host.seconds / runs, 1e3 * host.post_seconds / runs,
      1e3 * (host.seconds - host.post_seconds) / runs, static_cast<double>(host.reads) / runs,
      static_cast<unsigned long long>(host.conflicts));
}

void PrintReport(const Options& options, const std::vector<Repetition>& repetitions) {
  std::vector<double> host;
  std::vector<double> bare;
  std::vector<double> ratio;
  for (const Repetition& r : repetitions) {
    host.push_back(r.host_runs_per_second());
    bare.push_back(r.bare_runs_per_second());
    ratio.push_back(r.ratio());
  }

  Summary h = Summarize(host);
  Summary b = Summarize(bare);
  Summary q = Summarize(ratio);

  std::printf("\ntriggered runs, %llu runs x %zu repetitions (median, range)\n",
              static_cast<unsigned long long>(options.runs), repetitions.size());
  std::printf("  host (POST run .. final history status)  %8.1f runs/s  [%.1f .. %.1f]\n", h.median,
              h.min, h.max);
  std::printf("  bare posix_spawn + waitpid                %8.1f runs/s  [%.1f .. %.1f]\n",
              b.median, b.min, b.max);
  std::printf("  ratio host / bare                         %8.3f         [%.3f .. %.3f]\n",
              q.median, q.min, q.max);
  std::printf("  target >= %.2f: %s\n", kTargetRatio,
              q.median >= kTargetRatio ? "PASS" : "BELOW TARGET");
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: triggered_runs_bench --webjobs PATH [--runs N] "
                 "[--repetitions R]\n",
                 options.error().message.c_str());
    return 2;
  }
  Result<std::string> bash = FindInPath("bash");
  if (!bash.ok()) {
    std::fprintf(stderr, "error: %s\n", bash.error().message.c_str());
    return 1;
  }

  std::vector<Repetition> repetitions;
  for (uint64_t i = 0; i < options->repetitions; ++i) {
    Result<Repetition> repetition = RunRepetition(*options, *bash);
    if (!repetition.ok()) {
      std::fprintf(stderr, "error: %s\n", repetition.error().message.c_str());
      return 1;
    }
    PrintRepetition(i + 1, *repetition);
    std::fflush(stdout);
    repetitions.push_back(*repetition);
  }
  PrintReport(*options, repetitions);
  return 0;
}

}  // namespace
}  // namespace webjobs::bench

int main(int argc, char** argv) { return webjobs::bench::Main(argc, argv); }
