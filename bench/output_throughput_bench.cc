// Throughput of a triggered job that writes N bytes of lines to stdout,
// measured through the host into its output_log.txt, against the same
// writer with stdout redirected to a file on the same file system.
//
// The redirect is the physical limit: the job's bytes have to reach a file
// at least once. The host adds a pipe, a read into its buffer, line
// framing, the Kudu prefix on every line (about 33 bytes), and a write of
// the longer records. A third, informative figure is a plain relay through
// a pipe of the host's size into a file: what any design that reads the
// job's stdout through a pipe pays before it frames a single line.
//
// Each timed pass is preceded by an untimed write of the same size to a
// scratch file, see RecyclePageCache().
//
// Usage: output_throughput_bench --webjobs PATH [--bytes N] [--line-bytes L]
//                                [--repetitions R]
// Writer mode, used by the job itself:
//        output_throughput_bench --write-stdout N --line-bytes L
// The program prints the result. It exits with 0 whether or not the target
// is met, and with non-zero only when the measurement itself failed.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench_util.h"

namespace webjobs::bench {
namespace {

constexpr double kTargetRatio = 0.70;
constexpr char kJobName[] = "write-stdout";
constexpr uint64_t kDefaultBytes = 1ull << 30;
constexpr uint64_t kDefaultLineBytes = 100;
constexpr size_t kWriteBatchBytes = 1 << 20;
// Polling the history every 5 ms costs little CPU on a small machine and
// adds at most 5 ms to a run that takes seconds.
constexpr std::chrono::microseconds kPollPause{5000};
constexpr std::chrono::seconds kRunTimeout{600};

struct Options {
  std::string webjobs;
  std::string self;  // this program, for the job to exec in writer mode
  uint64_t bytes = kDefaultBytes;
  uint64_t line_bytes = kDefaultLineBytes;
  uint64_t repetitions = 3;
  uint64_t lines() const { return bytes / line_bytes; }
};

struct Repetition {
  double redirect_seconds = 0;
  double relay_seconds = 0;
  double host_seconds = 0;
  double host_cpu_seconds = 0;  // user + system time of the host process during its run
  uint64_t log_bytes = 0;       // size of the host's output_log.txt
};

// ---------------------------------------------------------------------------
// Writer mode

// Writes all of `data` to `fd`. `what` names the destination in an error.
Status WriteAll(int fd, const char* data, size_t size, const std::string& what) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return ErrnoError("write to " + what, errno);
    data += written;
    size -= static_cast<size_t>(written);
  }
  return Status::Ok();
}

// Writes `lines` lines of `line_bytes` bytes each (the last one '\n') to
// stdout, in batches of about 1 MiB of whole lines.
int RunWriter(uint64_t lines, uint64_t line_bytes) {
  std::string line(line_bytes, '\n');
  for (uint64_t i = 0; i + 1 < line_bytes; ++i) line[i] = static_cast<char>('a' + i % 26);
  uint64_t lines_per_batch = std::max<uint64_t>(1, kWriteBatchBytes / line_bytes);
  std::string batch;
  for (uint64_t i = 0; i < lines_per_batch; ++i) batch += line;

  uint64_t remaining = lines;
  while (remaining > 0) {
    uint64_t count = std::min(remaining, lines_per_batch);
    if (Status status = WriteAll(STDOUT_FILENO, batch.data(), count * line_bytes, "stdout");
        !status) {
      std::fprintf(stderr, "writer: %s\n", status.error().message.c_str());
      return 1;
    }
    remaining -= count;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Measurement

Result<Options> ParseOptions(const BenchFlags& flags, const char* argv0) {
  std::vector<std::string> unknown =
      flags.Unknown({"webjobs", "bytes", "line-bytes", "repetitions"});
  if (!unknown.empty()) return InvalidArgument("unknown flag --" + unknown.front());
  if (!flags.Has("webjobs")) return InvalidArgument("--webjobs PATH (the host binary) is required");

  Options options;
  options.webjobs = std::filesystem::absolute(flags.Text("webjobs", "")).string();
  std::error_code error;
  options.self = std::filesystem::canonical("/proc/self/exe", error).string();
  if (error) options.self = std::filesystem::absolute(argv0).string();
  Result<uint64_t> bytes = flags.Count("bytes", options.bytes);
  if (!bytes.ok()) return bytes.error();
  Result<uint64_t> line_bytes = flags.Count("line-bytes", options.line_bytes);
  if (!line_bytes.ok()) return line_bytes.error();
  Result<uint64_t> repetitions = flags.Count("repetitions", options.repetitions);
  if (!repetitions.ok()) return repetitions.error();
  if (*line_bytes < 2 || *line_bytes > 60000) {
    // The host splits lines longer than 64 KiB, which would break the count check.
    return InvalidArgument("--line-bytes must be 2 to 60000, got " + std::to_string(*line_bytes));
  }
  if (*bytes < *line_bytes) return InvalidArgument("--bytes must be at least --line-bytes");
  options.bytes = *bytes / *line_bytes * *line_bytes;  // whole lines only
  options.line_bytes = *line_bytes;
  options.repetitions = *repetitions;
  return options;
}

std::string WriterScript(const Options& options) {
  return "exec '" + options.self + "' --write-stdout " + std::to_string(options.bytes) +
         " --line-bytes " + std::to_string(options.line_bytes) + "\n";
}

Status WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return ErrnoError("cannot create " + path.string(), errno);
  size_t written = std::fwrite(text.data(), 1, text.size(), file);
  bool closed = std::fclose(file) == 0;
  if (written != text.size() || !closed) return ErrnoError("cannot write " + path.string(), errno);
  return Status::Ok();
}

// Writes `bytes` to a scratch file in `dir` and deletes it. On a VM whose
// hypervisor reclaims freed guest memory, the first write into fresh page
// cache pages costs several times a write into recycled ones. On the VM of
// docs/benchmarks.md, 1 GiB took 0.2 s right after such a pass and 0.6 to
// 2.0 s after a few idle seconds. Running this pass just before each timed
// measurement lets both measurements write into recycled pages, so their
// ratio reflects the host's work and not the page allocator's state.
Status RecyclePageCache(const std::filesystem::path& dir, uint64_t bytes) {
  std::filesystem::path path = dir / "page_cache_recycle.bin";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create " + path.string(), errno);
  std::string block(kWriteBatchBytes, 'x');
  Status status;
  for (uint64_t written = 0; written < bytes && status.ok(); written += block.size()) {
    status = WriteAll(fd, block.data(), block.size(), path.string());
  }
  close(fd);
  unlink(path.c_str());
  return status;
}

// Bytes that the host's output_log.txt takes at most: each line gets the
// prefix "[MM/dd/yyyy HH:mm:ss > INSTANCE: INFO] ", 33 bytes plus the
// instance id.
uint64_t LogBytesUpperBound(const Options& options) { return options.bytes + options.lines() * 48; }

// Writes run.sh into `dir` and spawns it as the host would (bash run.sh in
// `dir`), with the stdout of `setup`. Returns the pid.
Result<pid_t> SpawnWriter(const Options& options, const std::string& bash,
                          const std::filesystem::path& dir, SpawnSetup setup) {
  std::filesystem::path script = dir / "run.sh";
  if (Status written = WriteTextFile(script, WriterScript(options)); !written) {
    return written.error();
  }
  setup.working_dir = dir;
  return Spawn({bash, script.string()}, setup);
}

// Checks that `output` contains exactly the written bytes, then deletes it.
Status CheckAndRemoveOutput(const Options& options, const std::filesystem::path& output) {
  std::error_code error;
  uint64_t size = std::filesystem::file_size(output, error);
  std::filesystem::remove(output, error);
  if (size == options.bytes) return Status::Ok();
  return IoError(output.string() + " has " + std::to_string(size) + " bytes, expected " +
                 std::to_string(options.bytes));
}

// Measures the writer with stdout opened on a file. Returns the seconds
// from spawn to exit.
Result<double> MeasureRedirect(const Options& options, const std::string& bash,
                               const std::filesystem::path& dir) {
  std::filesystem::path output = dir / "redirect_output.txt";
  SpawnSetup setup;
  setup.output_path = output;
  Clock::time_point start = Clock::now();
  Result<pid_t> pid = SpawnWriter(options, bash, dir, setup);
  if (!pid.ok()) return pid.error();
  Result<int> code = WaitForExit(*pid);
  double seconds = SecondsSince(start);
  if (!code.ok()) return code.error();
  if (*code != 0) return IoError("the writer exited with " + std::to_string(*code));
  if (Status checked = CheckAndRemoveOutput(options, output); !checked) return checked.error();
  return seconds;
}

// Copies everything from `from` to `to` (named `to_name` in errors) until
// end of file.
Status Relay(int from, int to, const std::string& to_name, size_t chunk_bytes) {
  std::vector<char> buffer(chunk_bytes);
  while (true) {
    ssize_t count = read(from, buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return ErrnoError("read from the writer's pipe", errno);
    if (count == 0) return Status::Ok();
    if (Status written = WriteAll(to, buffer.data(), static_cast<size_t>(count), to_name);
        !written) {
      return written;
    }
  }
}

// Measures the writer's stdout through a pipe sized like the host's
// (1 MiB), copied unchanged into a file with reads of the host's chunk size
// (256 KiB). This is the cost of the pipe alone, without framing or
// prefixes. Returns the seconds from spawn to exit and end of file.
Result<double> MeasurePipeRelay(const Options& options, const std::string& bash,
                                const std::filesystem::path& dir) {
  std::filesystem::path output = dir / "relay_output.txt";
  int file = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file < 0) return ErrnoError("cannot create " + output.string(), errno);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    close(file);
    return ErrnoError("pipe2 for the relay", errno);
  }
  (void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);

  SpawnSetup setup;
  setup.stdout_fd = fds[1];
  Clock::time_point start = Clock::now();
  Result<pid_t> pid = SpawnWriter(options, bash, dir, setup);
  close(fds[1]);
  Status relayed =
      pid.ok() ? Relay(fds[0], file, output.string(), 256 * 1024) : Status(pid.error());
  close(fds[0]);
  close(file);
  Result<int> code = pid.ok() ? WaitForExit(*pid) : Result<int>(pid.error());
  double seconds = SecondsSince(start);
  if (!relayed.ok()) return relayed.error();
  if (!code.ok()) return code.error();
  if (*code != 0) return IoError("the writer exited with " + std::to_string(*code));
  if (Status checked = CheckAndRemoveOutput(options, output); !checked) return checked.error();
  return seconds;
}

// Counts the stdout records of an output_log.txt and checks that each
// carries exactly one written line. Returns the count or kIo.
Result<uint64_t> CountStdoutRecords(const std::filesystem::path& path, uint64_t line_bytes) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return ErrnoError("cannot open " + path.string(), errno);
  std::vector<char> chunk(8 << 20);
  std::string carry;
  uint64_t records = 0;
  uint64_t malformed = 0;
  auto check_line = [&](std::string_view line) {
    size_t tag = line.find(": INFO] ");
    if (tag == std::string_view::npos) return;  // a host line such as SYS INFO
    ++records;
    if (line.size() - tag - 8 != line_bytes - 1) ++malformed;
  };

  size_t count = 0;
  while ((count = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) {
    std::string_view rest(chunk.data(), count);
    size_t newline = 0;
    while ((newline = rest.find('\n')) != std::string_view::npos) {
      if (carry.empty()) {
        check_line(rest.substr(0, newline));
      } else {
        carry.append(rest.substr(0, newline));
        check_line(carry);
        carry.clear();
      }
      rest.remove_prefix(newline + 1);
    }
    carry.append(rest);
  }
  std::fclose(file);
  if (malformed > 0) {
    return IoError(std::to_string(malformed) + " stdout records in " + path.string() +
                   " do not carry a line of " + std::to_string(line_bytes - 1) + " bytes");
  }
  return records;
}

// Measures one run through the host, from POST .../run to the final status
// in its history entry, then checks and removes its output_log.txt.
Result<double> MeasureHost(HostProcess& host, const Options& options,
                           const std::filesystem::path& root, Repetition& result) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  Result<double> cpu_before = ProcessCpuSeconds(host.pid());
  if (!cpu_before.ok()) return cpu_before.error();
  Clock::time_point start = Clock::now();
  Result<std::string> run_id = StartRun(*client, kJobName);
  if (!run_id.ok()) return run_id.error();
  Result<FinalStatus> final_status =
      WaitForFinalStatus(*client, kJobName, *run_id, kPollPause, kRunTimeout);
  double seconds = SecondsSince(start);
  Result<double> cpu_after = ProcessCpuSeconds(host.pid());
  if (!final_status.ok()) return final_status.error();
  if (!cpu_after.ok()) return cpu_after.error();
  result.host_cpu_seconds = *cpu_after - *cpu_before;
  std::filesystem::path log =
      root / "data" / "jobs" / "triggered" / kJobName / *run_id / "output_log.txt";
  if (final_status->status != "Success") {
    return IoError("run " + *run_id + " ended with status " + final_status->status + ":\n" +
                   ReadFileTail(log, 2048));
  }

  std::error_code error;
  result.log_bytes = std::filesystem::file_size(log, error);
  Result<uint64_t> records = CountStdoutRecords(log, options.line_bytes);
  std::filesystem::remove(log, error);
  if (!records.ok()) return records.error();
  if (*records != options.lines()) {
    return IoError("output_log.txt of run " + *run_id + " has " + std::to_string(*records) +
                   " stdout records, expected " + std::to_string(options.lines()));
  }
  return seconds;
}

Result<Repetition> MeasureRepetition(HostProcess& host, const std::filesystem::path& temp,
                                     const std::filesystem::path& root, const Options& options,
                                     const std::string& bash) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  if (Status deployed = DeployTriggeredScript(*client, kJobName, "run.sh", WriterScript(options));
      !deployed) {
    return deployed.error();
  }
  std::filesystem::path redirect_dir = temp / "redirect";
  std::error_code error;
  std::filesystem::create_directories(redirect_dir, error);
  if (error) return IoError("cannot create " + redirect_dir.string() + ": " + error.message());

  Repetition result;
  if (Status recycled = RecyclePageCache(redirect_dir, options.bytes); !recycled) {
    return recycled.error();
  }
  Result<double> redirect = MeasureRedirect(options, bash, redirect_dir);
  if (!redirect.ok()) return redirect.error();
  if (Status recycled = RecyclePageCache(redirect_dir, options.bytes); !recycled) {
    return recycled.error();
  }
  Result<double> relay = MeasurePipeRelay(options, bash, redirect_dir);
  if (!relay.ok()) return relay.error();
  if (Status recycled = RecyclePageCache(root, LogBytesUpperBound(options)); !recycled) {
    return recycled.error();
  }
  Result<double> through_host = MeasureHost(host, options, root, result);
  if (!through_host.ok()) return through_host.error();
  result.redirect_seconds = *redirect;
  result.relay_seconds = *relay;
  result.host_seconds = *through_host;
  return result;
}

Result<Repetition> RunRepetition(const Options& options, const std::string& bash) {
  Result<TempDir> temp = TempDir::Create("webjobs-output-bench");
  if (!temp.ok()) return temp.error();
  std::filesystem::path root = temp->path() / "root";
  std::filesystem::path log = temp->path() / "host.log";
  Result<std::unique_ptr<HostProcess>> host = HostProcess::Start(options.webjobs, root, log);
  if (!host.ok()) {
    return Error{host.error().code, host.error().message + "\n" + ReadFileTail(log, 4096)};
  }

  Result<Repetition> result = MeasureRepetition(**host, temp->path(), root, options, bash);
  int code = (*host)->Stop();
  if (!result.ok()) {
    return Error{result.error().code,
                 result.error().message + "\nend of the host log:\n" + ReadFileTail(log, 4096)};
  }
  if (code != 0) std::fprintf(stderr, "note: the host exited with %d after SIGTERM\n", code);
  return result;
}

double MegabytesPerSecond(uint64_t bytes, double seconds) {
  return static_cast<double>(bytes) / 1e6 / seconds;
}

void PrintRepetition(uint64_t number, const Repetition& r) {
  std::printf(
      "repetition %llu: redirect %.3f s, pipe relay %.3f s, host %.3f s (host CPU %.2f s), "
      "ratio %.3f, output_log.txt %llu bytes\n",
      static_cast<unsigned long long>(number), r.redirect_seconds, r.relay_seconds, r.host_seconds,
      r.host_cpu_seconds, r.redirect_seconds / r.host_seconds,
      static_cast<unsigned long long>(r.log_bytes));
}

void PrintReport(const Options& options, const std::vector<Repetition>& repetitions) {
  std::vector<double> redirect;
  std::vector<double> relay;
  std::vector<double> host;
  std::vector<double> ratio;
  std::vector<double> relay_ratio;
  std::vector<double> host_cpu;
  for (const Repetition& r : repetitions) {
    host_cpu.push_back(r.host_cpu_seconds);
    redirect.push_back(MegabytesPerSecond(options.bytes, r.redirect_seconds));
    relay.push_back(MegabytesPerSecond(options.bytes, r.relay_seconds));
    host.push_back(MegabytesPerSecond(options.bytes, r.host_seconds));
    ratio.push_back(r.redirect_seconds / r.host_seconds);
    relay_ratio.push_back(r.relay_seconds / r.host_seconds);
  }

  Summary d = Summarize(redirect);
  Summary p = Summarize(relay);
  Summary h = Summarize(host);
  Summary q = Summarize(ratio);
  Summary pq = Summarize(relay_ratio);
  Summary c = Summarize(host_cpu);

  std::printf(
      "\nstdout throughput, %llu bytes in lines of %llu bytes, %zu repetitions "
      "(median, range; MB = 10^6 bytes of job output)\n",
      static_cast<unsigned long long>(options.bytes),
      static_cast<unsigned long long>(options.line_bytes), repetitions.size());
  std::printf("  redirect to a file                   %8.1f MB/s  [%.1f .. %.1f]\n", d.median,
              d.min, d.max);
  std::printf("  pipe relay, no framing (reference)   %8.1f MB/s  [%.1f .. %.1f]\n", p.median,
              p.min, p.max);
  std::printf("  through the host (POST .. final)     %8.1f MB/s  [%.1f .. %.1f]\n", h.median,
              h.min, h.max);
  std::printf("  host process CPU time (user + sys)   %8.2f s     [%.2f .. %.2f]\n", c.median,
              c.min, c.max);
  std::printf("  ratio host / redirect                %8.3f       [%.3f .. %.3f]\n", q.median,
              q.min, q.max);
  std::printf("  ratio host / pipe relay              %8.3f       [%.3f .. %.3f]\n", pq.median,
              pq.min, pq.max);
  std::printf("  target host / redirect >= %.2f: %s\n", kTargetRatio,
              q.median >= kTargetRatio ? "PASS" : "BELOW TARGET");
}

int MeasureMain(const BenchFlags& flags, const char* argv0) {
  Result<Options> options = ParseOptions(flags, argv0);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: output_throughput_bench --webjobs PATH [--bytes N] "
                 "[--line-bytes L] [--repetitions R]\n",
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

int Main(int argc, char** argv) {
  Result<BenchFlags> flags = BenchFlags::Parse(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "error: %s\n", flags.error().message.c_str());
    return 2;
  }
  if (!flags->Has("write-stdout")) return MeasureMain(*flags, argv[0]);

  Result<uint64_t> bytes = flags->Count("write-stdout", 0);
  Result<uint64_t> line_bytes = flags->Count("line-bytes", kDefaultLineBytes);
  if (!bytes.ok() || !line_bytes.ok()) {
    std::fprintf(stderr, "error: --write-stdout N and --line-bytes L must be positive integers\n");
    return 2;
  }
  return RunWriter(*bytes / *line_bytes, *line_bytes);
}

}  // namespace
}  // namespace webjobs::bench

int main(int argc, char** argv) { return webjobs::bench::Main(argc, argv); }
