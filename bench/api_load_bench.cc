// Throughput and latency of the read API under many keep-alive clients,
// measured with wrk against a host with 1,000 triggered jobs, while
// followers read the live output stream of a running job. The same wrk
// load then runs against a bare httplib::Server in this process that
// serves the bodies the host returned, byte for byte, at the same paths
// and with the same number of worker threads. The bare server is the
// physical limit of the HTTP library on this machine. What the host adds
// on top is authentication, routing, the event loop round trip, the store
// reads of the history and the JSON.
//
// The wrk requests alternate between GET /api/webjobs (the whole list) and
// GET /api/triggeredwebjobs/<random job>/history, each with an API token of
// scope read. Ten jobs have a full history page (50 runs), the others one
// run each. With --encoding gzip (the default) every request sends
// Accept-Encoding: gzip, as browsers and most HTTP client libraries do, so
// the host and the bare server send compressed bodies of 1 KiB or more.
// --encoding identity leaves the header out.
//
// Usage: api_load_bench --webjobs PATH [--jobs N] [--clients C]
//                       [--followers F] [--duration SECONDS]
//                       [--wrk-threads T] [--http-threads N]
//                       [--encoding gzip|identity]
// --http-threads is passed to `webjobs serve --http-threads`. The host's
// pool has that many threads (its default without the flag) plus one per
// allowed event stream, and the bare server gets as many. The program
// prints the result. It exits with
// 0 whether or not the target is met, and with non-zero only when the
// measurement itself failed.
#include <sys/utsname.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <regex>

#include "bench_util.h"

namespace webjobs::bench {
namespace {

// The target: no failed request and a p99 latency under this many ms.
constexpr double kTargetP99Milliseconds = 50;
// The host's defaults of --http-threads and --max-event-streams. Keep them
// equal to ApiServerOptions.
constexpr uint64_t kDefaultHttpThreads = 512;
constexpr uint64_t kDefaultMaxEventStreams = 100;
constexpr uint64_t kFullHistoryJobs = 10;
constexpr uint64_t kFullHistoryRuns = 50;
constexpr uint64_t kSetupThreads = 8;
constexpr char kJobScript[] = "echo \"run of $WEBJOBS_NAME\"\n";
constexpr char kStreamJob[] = "stream-source";
constexpr std::chrono::seconds kRunTimeout{60};
constexpr std::chrono::microseconds kPollPause{2000};
constexpr std::chrono::seconds kFollowerStartTimeout{10};

struct Options {
  std::string webjobs;
  uint64_t jobs = 1000;
  uint64_t clients = 200;
  uint64_t followers = 50;
  uint64_t duration_seconds = 60;
  uint64_t wrk_threads = 2;
  std::optional<uint64_t> http_threads;
  bool gzip = true;  // --encoding gzip
};

Result<Options> ParseOptions(int argc, char** argv) {
  Result<BenchFlags> flags = BenchFlags::Parse(argc, argv);
  if (!flags.ok()) return flags.error();
  std::vector<std::string> unknown =
      flags->Unknown({"webjobs", "jobs", "clients", "followers", "duration", "wrk-threads",
                      "http-threads", "encoding"});
  if (!unknown.empty()) return InvalidArgument("unknown flag --" + unknown.front());
  if (!flags->Has("webjobs")) {
    return InvalidArgument("--webjobs PATH (the host binary) is required");
  }

  Options options;
  options.webjobs = std::filesystem::absolute(flags->Text("webjobs", "")).string();
  for (auto [name, target] :
       {std::pair{"jobs", &options.jobs}, std::pair{"clients", &options.clients},
        std::pair{"duration", &options.duration_seconds},
        std::pair{"wrk-threads", &options.wrk_threads}}) {
    Result<uint64_t> value = flags->Count(name, *target);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  // Zero followers is allowed, so this flag is read by hand.
  std::string followers = flags->Text("followers", std::to_string(options.followers));
  if (followers == "0") {
    options.followers = 0;
  } else {
    Result<uint64_t> value = flags->Count("followers", options.followers);
    if (!value.ok()) return value.error();
    options.followers = *value;
  }
  if (flags->Has("http-threads")) {
    Result<uint64_t> value = flags->Count("http-threads", 0);
    if (!value.ok()) return value.error();
    options.http_threads = *value;
  }
  std::string encoding = flags->Text("encoding", "gzip");
  if (encoding != "gzip" && encoding != "identity") {
    return InvalidArgument("--encoding must be gzip or identity, not \"" + encoding + "\"");
  }
  options.gzip = encoding == "gzip";
  if (options.jobs < kFullHistoryJobs) {
    return InvalidArgument("--jobs must be at least " + std::to_string(kFullHistoryJobs));
  }
  return options;
}

std::string JobName(uint64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "load-%04llu", static_cast<unsigned long long>(index));
  return name;
}

// ---------------------------------------------------------------------------
// Machine

struct Machine {
  long cores = 0;
  std::string cpu_model;
  std::string kernel;
  std::string load_average;  // /proc/loadavg at the start
};

Machine DescribeMachine() {
  Machine machine;
  machine.cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon != std::string::npos) machine.cpu_model = line.substr(colon + 2);
    break;
  }
  utsname names{};
  if (uname(&names) == 0) machine.kernel = std::string(names.sysname) + " " + names.release;
  std::ifstream loadavg("/proc/loadavg");
  std::getline(loadavg, machine.load_average);
  return machine;
}

// ---------------------------------------------------------------------------
// Setup of the host

// Calls `work(index)` for every index below `count` on kSetupThreads
// threads and returns the first error.
Status ForEachInParallel(uint64_t count, const std::function<Status(uint64_t)>& work) {
  std::atomic<uint64_t> next{0};
  std::mutex mutex;
  std::optional<Error> first_error;
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < std::min(kSetupThreads, count); ++t) {
    threads.emplace_back([&] {
      while (true) {
        uint64_t index = next.fetch_add(1);
        if (index >= count) return;
        Status done = work(index);
        if (done.ok()) continue;
        std::lock_guard<std::mutex> lock(mutex);
        if (!first_error) first_error = done.error();
        next = count;
        return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  if (first_error) return *first_error;
  return Status::Ok();
}

// Runs `job` once and waits until the run has a final status, retrying the
// POST while an earlier run is still finishing.
Status RunToCompletion(httplib::Client& client, const std::string& job) {
  Clock::time_point post = Clock::now();
  Result<std::string> run_id = StartRun(client, job);
  while (!run_id.ok() && run_id.error().code == ErrorCode::kConflict && SecondsSince(post) < 5) {
    std::this_thread::sleep_for(kPollPause);
    run_id = StartRun(client, job);
  }
  if (!run_id.ok()) return run_id.error();
  Result<FinalStatus> final_status =
      WaitForFinalStatus(client, job, *run_id, kPollPause, kRunTimeout);
  if (!final_status.ok()) return final_status.error();
  if (final_status->status != "Success") {
    return IoError("run " + *run_id + " of " + job + " ended with status " + final_status->status);
  }
  return Status::Ok();
}

Status DeployAndRunJobs(HostProcess& host, const Options& options) {
  Clock::time_point start = Clock::now();
  auto each_job = [&](const std::function<Status(httplib::Client&, uint64_t)>& work) {
    return ForEachInParallel(options.jobs, [&](uint64_t index) {
      thread_local std::unique_ptr<httplib::Client> client;
      if (!client) client = host.NewClient();
      return work(*client, index);
    });
  };
  Status deployed = each_job([](httplib::Client& client, uint64_t index) {
    return DeployTriggeredScript(client, JobName(index), "run.sh", kJobScript);
  });
  if (!deployed.ok()) return deployed;
  std::printf("setup: deployed %llu jobs in %.1f s\n",
              static_cast<unsigned long long>(options.jobs), SecondsSince(start));

  start = Clock::now();
  Status ran = each_job([](httplib::Client& client, uint64_t index) {
    return RunToCompletion(client, JobName(index));
  });
  if (!ran.ok()) return ran;
  std::printf("setup: ran each job once in %.1f s\n", SecondsSince(start));

  start = Clock::now();
  Status filled = ForEachInParallel(kFullHistoryJobs, [&](uint64_t index) {
    std::unique_ptr<httplib::Client> client = host.NewClient();
    for (uint64_t run = 1; run < kFullHistoryRuns; ++run) {
      if (Status done = RunToCompletion(*client, JobName(index)); !done.ok()) return done;
    }
    return Status::Ok();
  });
  if (!filled.ok()) return filled;
  std::printf("setup: gave %llu jobs %llu runs each in %.1f s\n",
              static_cast<unsigned long long>(kFullHistoryJobs),
              static_cast<unsigned long long>(kFullHistoryRuns), SecondsSince(start));
  std::fflush(stdout);
  return Status::Ok();
}

// Creates an API token of scope read and returns its secret.
Result<std::string> CreateReadToken(HostProcess& host) {
  std::unique_ptr<httplib::Client> client = host.NewClient();
  httplib::Result reply =
      client->Post("/api/tokens", R"({"label":"load","scope":"read"})", "application/json");
  if (!reply || reply->status != 201) {
    return IoError("POST /api/tokens: " + DescribeReply(reply));
  }
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
  if (body.is_discarded() || !body.contains("token") || !body["token"].is_string()) {
    return IoError("POST /api/tokens returned no token: " + reply->body);
  }
  return body["token"].get<std::string>();
}

// The bodies the host returns to the wrk requests, for the bare server.
// A reply body as the host sent it, compressed or not.
struct CapturedBody {
  std::string bytes;
  bool gzip = false;  // Content-Encoding: gzip
};

struct ReplyBodies {
  CapturedBody list;
  size_t list_text_bytes = 0;                   // the list's JSON before compression
  std::map<std::string, CapturedBody> history;  // job name -> body
  size_t history_bytes = 0;
  size_t largest_history = 0;
};

std::string AcceptEncoding(const Options& options) { return options.gzip ? "gzip" : "identity"; }

Result<ReplyBodies> CaptureBodies(HostProcess& host, const Options& options,
                                  const std::string& token) {
  ReplyBodies bodies;
  std::unique_ptr<httplib::Client> client = host.NewClient();
  httplib::Headers plain = {{"Authorization", "Bearer " + token}};
  httplib::Result text = client->Get("/api/webjobs", plain);
  if (!text || text->status != 200) return IoError("GET /api/webjobs: " + DescribeReply(text));
  bodies.list_text_bytes = text->body.size();

  // The bodies exactly as wrk receives them.
  client->set_decompress(false);
  httplib::Headers headers = {{"Authorization", "Bearer " + token},
                              {"Accept-Encoding", AcceptEncoding(options)}};
  auto capture = [](const httplib::Response& response) {
    return CapturedBody{response.body, response.get_header_value("Content-Encoding") == "gzip"};
  };
  httplib::Result list = client->Get("/api/webjobs", headers);
  if (!list || list->status != 200) return IoError("GET /api/webjobs: " + DescribeReply(list));
  bodies.list = capture(*list);
  for (uint64_t index = 0; index < options.jobs; ++index) {
    std::string path = "/api/triggeredwebjobs/" + JobName(index) + "/history";
    httplib::Result history = client->Get(path, headers);
    if (!history || history->status != 200) {
      return IoError("GET " + path + ": " + DescribeReply(history));
    }
    bodies.history_bytes += history->body.size();
    bodies.largest_history = std::max(bodies.largest_history, history->body.size());
    bodies.history[JobName(index)] = capture(*history);
  }
  return bodies;
}

// ---------------------------------------------------------------------------
// Followers of the live output stream

// A script that prints a numbered line every 10 ms for `seconds`, and
// exits early once the host creates the shutdown file.
std::string StreamScript(uint64_t seconds) {
  return "for i in $(seq 1 " + std::to_string(seconds * 100) +
         "); do\n"
         "  [ -e \"$WEBJOBS_SHUTDOWN_FILE\" ] && exit 0\n"
         "  echo \"line $i of the live output\"\n"
         "  sleep 0.01\n"
         "done\n";
}

struct FollowerReport {
  bool route_missing = false;  // the stream route returned 404
  std::string route_reply;     // its status and body then
  uint64_t started = 0;
  uint64_t errors = 0;
  std::vector<std::string> error_samples;
  uint64_t bytes = 0;
  uint64_t min_bytes = 0;
};

// Readers of GET /api/triggeredwebjobs/{job}/history/{id}/stream, one
// thread and connection each, from Start() until Stop().
class Followers {
 public:
  Followers(const HostProcess& host, std::string path) : host_(host), path_(std::move(path)) {}
  ~Followers() { Stop(); }

  // Opens `count` streams and waits until each has received its first
  // bytes or failed. Returns kNotFound when the route returns 404.
  Status Start(uint64_t count) {
    if (count == 0) return Status::Ok();
    if (Status probe = Probe(); !probe.ok()) return probe;
    bytes_ = std::vector<std::atomic<uint64_t>>(count);
    for (uint64_t index = 0; index < count; ++index) {
      threads_.emplace_back([this, index] { Follow(index); });
    }
    Clock::time_point start = Clock::now();
    while (SecondsSince(start) < static_cast<double>(kFollowerStartTimeout.count())) {
      uint64_t ready = 0;
      for (const auto& bytes : bytes_) ready += bytes > 0 ? 1 : 0;
      if (ready + errors_ >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::Ok();
  }

  // Closes every stream and returns what the followers saw. A stream that
  // ended before Stop() or failed counts as an error.
  FollowerReport Stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    FollowerReport report;
    report.started = bytes_.size();
    report.errors = errors_;
    report.error_samples = error_samples_;
    report.min_bytes = bytes_.empty() ? 0 : UINT64_MAX;
    for (const auto& bytes : bytes_) {
      report.bytes += bytes;
      report.min_bytes = std::min<uint64_t>(report.min_bytes, bytes);
    }
    return report;
  }

 private:
  // One short read of the stream, so a missing route is found before the
  // followers start.
  Status Probe() {
    std::unique_ptr<httplib::Client> client = host_.NewClient();
    int status = 0;
    std::string body;
    httplib::Result reply = client->Get(
        path_,
        [&status](const httplib::Response& response) {
          status = response.status;
          return true;
        },
        [&status, &body](const char* data, size_t length) {
          body.append(data, length);
          return status != 200;  // the first chunk of a good stream is enough
        });
    if (status == 404) {
      return NotFound("GET " + path_ + " returned HTTP 404 " + body);
    }
    if (status != 200) {
      return IoError("GET " + path_ + " returned HTTP " + std::to_string(status) + " " + body +
                     (reply ? "" : " (" + httplib::to_string(reply.error()) + ")"));
    }
    return Status::Ok();
  }

  void Follow(uint64_t index) {
    std::unique_ptr<httplib::Client> client = host_.NewClient();
    client->set_read_timeout(10);
    int status = 0;
    httplib::Result reply = client->Get(
        path_,
        [&status](const httplib::Response& response) {
          status = response.status;
          return status == 200;
        },
        [this, index](const char*, size_t length) {
          bytes_[index] += length;
          return !stopping_;
        });
    bool closed_by_us = !reply && reply.error() == httplib::Error::Canceled && stopping_;
    if (closed_by_us) return;
    std::string description = "follower " + std::to_string(index) + ": ";
    if (status != 0 && status != 200) {
      description += "HTTP " + std::to_string(status);
    } else if (!reply) {
      description += httplib::to_string(reply.error());
    } else {
      description += "the stream ended before the load did";
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ++errors_;
    if (error_samples_.size() < 3) error_samples_.push_back(description);
  }

  const HostProcess& host_;
  std::string path_;
  std::vector<std::thread> threads_;
  std::vector<std::atomic<uint64_t>> bytes_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> errors_{0};
  std::mutex mutex_;
  std::vector<std::string> error_samples_;
};

// ---------------------------------------------------------------------------
// wrk

struct WrkFigures {
  double requests_per_second = 0;
  uint64_t requests = 0;
  std::string transfer_per_second;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  uint64_t non_2xx = 0;
  uint64_t socket_errors = 0;
  std::string socket_error_line;
  double host_cpu_seconds = 0;  // of the host process during the load; 0 for the bare server
};

// The Lua script: alternate list and history requests, send the token,
// and print the latency percentiles (wrk gives microseconds) when done.
std::string WrkScript(const std::string& token, uint64_t jobs, bool gzip) {
  std::string names;
  for (uint64_t index = 0; index < jobs; ++index) {
    names += "\"" + JobName(index) + "\",";
  }
  return "local names = {" + names +
         "}\n"
         "local counter = 0\n"
         "wrk.headers[\"Authorization\"] = \"Bearer " +
         token + "\"\n" + (gzip ? "wrk.headers[\"Accept-Encoding\"] = \"gzip\"\n" : "") +
         "request = function()\n"
         "  counter = counter + 1\n"
         "  if counter % 2 == 1 then\n"
         "    return wrk.format(\"GET\", \"/api/webjobs\")\n"
         "  end\n"
         "  local name = names[math.random(#names)]\n"
         "  return wrk.format(\"GET\", \"/api/triggeredwebjobs/\" .. name .. \"/history\")\n"
         "end\n"
         "done = function(summary, latency, requests)\n"
         "  io.write(string.format(\"LATENCY_US p50=%.0f p90=%.0f p99=%.0f max=%.0f\\n\",\n"
         "    latency:percentile(50), latency:percentile(90), latency:percentile(99),\n"
         "    latency.max))\n"
         "end\n";
}

std::optional<double> NumberAfter(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return std::nullopt;
  const char* start = text.c_str() + at + label.size();
  char* end = nullptr;
  double value = std::strtod(start, &end);
  if (end == start) return std::nullopt;
  return value;
}

Result<WrkFigures> ParseWrkOutput(const std::string& output) {
  WrkFigures figures;

  std::optional<double> rate = NumberAfter(output, "Requests/sec:");
  std::optional<double> p50 = NumberAfter(output, "LATENCY_US p50=");
  std::optional<double> p90 = NumberAfter(output, " p90=");
  std::optional<double> p99 = NumberAfter(output, " p99=");
  std::optional<double> max = NumberAfter(output, " max=");
  if (!rate || !p50 || !p90 || !p99 || !max) {
    return IoError("cannot find Requests/sec and the LATENCY_US line in the wrk output:\n" +
                   output);
  }
  figures.requests_per_second = *rate;
  figures.p50_ms = *p50 / 1e3;
  figures.p90_ms = *p90 / 1e3;
  figures.p99_ms = *p99 / 1e3;
  figures.max_ms = *max / 1e3;

  // "123456 requests in 60.00s, 25.00GB read"
  static const std::regex total(R"((\d+) requests in )");
  std::smatch match;
  if (std::regex_search(output, match, total)) figures.requests = std::stoull(match[1]);
  static const std::regex transfer(R"(Transfer/sec:\s+(\S+))");
  if (std::regex_search(output, match, transfer)) figures.transfer_per_second = match[1];

  // wrk prints these two lines only when the count is not zero.
  if (std::optional<double> non_2xx = NumberAfter(output, "Non-2xx or 3xx responses:")) {
    figures.non_2xx = static_cast<uint64_t>(*non_2xx);
  }
  static const std::regex sockets(
      R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))");
  if (std::regex_search(output, match, sockets)) {
    for (int group = 1; group <= 4; ++group) figures.socket_errors += std::stoull(match[group]);
    figures.socket_error_line = match[0];
  }
  return figures;
}

// Runs wrk against 127.0.0.1:`port` and parses its report. `host_pid`,
// when positive, is the process whose CPU time is measured.
Result<WrkFigures> RunWrk(const std::string& wrk, const Options& options,
                          const std::filesystem::path& script, int port, pid_t host_pid,
                          const std::filesystem::path& output_path) {
  std::vector<std::string> argv = {wrk,
                                   "-t" + std::to_string(options.wrk_threads),
                                   "-c" + std::to_string(options.clients),
                                   "-d" + std::to_string(options.duration_seconds) + "s",
                                   "--latency",
                                   "-s",
                                   script.string(),
                                   "http://127.0.0.1:" + std::to_string(port)};
  double cpu_before = 0;
  if (host_pid > 0) {
    Result<double> cpu = ProcessCpuSeconds(host_pid);
    if (!cpu.ok()) return cpu.error();
    cpu_before = *cpu;
  }
  Result<pid_t> pid = Spawn(argv, SpawnSetup{{}, output_path});
  if (!pid.ok()) return pid.error();
  Result<int> code = WaitForExit(*pid);
  if (!code.ok()) return code.error();
  std::string output = ReadFileTail(output_path, 1 << 16);
  if (*code != 0) return IoError("wrk exited with " + std::to_string(*code) + ":\n" + output);
  Result<WrkFigures> figures = ParseWrkOutput(output);
  if (!figures.ok()) return figures.error();
  if (host_pid > 0) {
    Result<double> cpu = ProcessCpuSeconds(host_pid);
    if (!cpu.ok()) return cpu.error();
    figures->host_cpu_seconds = *cpu - cpu_before;
  }
  return figures;
}

// ---------------------------------------------------------------------------
// The bare server

// An httplib::Server on a free loopback port that serves `bodies` at the
// paths of the host, with the host's connection settings.
class BareServer {
 public:
  BareServer(const ReplyBodies& bodies, size_t threads) : bodies_(bodies) {
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_keep_alive_timeout(2);
    server_.set_keep_alive_max_count(1000);
    server_.set_tcp_nodelay(true);
    server_.set_socket_options([this](socket_t socket) {
      int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listen_socket_ = socket;
    });
    server_.Get("/api/webjobs", [this](const httplib::Request&, httplib::Response& response) {
      Reply(bodies_.list, response);
    });
    server_.Get(R"(/api/triggeredwebjobs/([^/]+)/history)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  auto found = bodies_.history.find(request.matches[1]);
                  if (found == bodies_.history.end()) {
                    response.status = 404;
                    return;
                  }
                  Reply(found->second, response);
                });
  }
  ~BareServer() {
    server_.stop();
    if (listener_.joinable()) listener_.join();
  }

  Result<int> Start() {
    int port = server_.bind_to_any_port("127.0.0.1");
    // The host's listen backlog (see kListenBacklog in api_server.cc).
    if (port >= 0 && ::listen(listen_socket_, 1024) != 0) {
      return IoError("the bare server failed to set its listen backlog");
    }
    if (port < 0) return IoError("the bare server failed to bind a port on 127.0.0.1");
    listener_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return port;
  }

 private:
  // The type is the host's, which httplib does not compress.
  static void Reply(const CapturedBody& body, httplib::Response& response) {
    response.set_content(body.bytes, "application/json; charset=utf-8");
    if (body.gzip) {
      response.set_header("Content-Encoding", "gzip");
      response.set_header("Vary", "Accept-Encoding");
    }
  }

  const ReplyBodies& bodies_;
  int listen_socket_ = -1;
  httplib::Server server_;
  std::thread listener_;
};

// ---------------------------------------------------------------------------
// The measurement

struct Measurement {
  ReplyBodies bodies;
  WrkFigures host;
  WrkFigures bare;
  FollowerReport followers;
  uint64_t followers_requested = 0;
};

Result<Measurement> MeasureOnHost(HostProcess& host, const Options& options,
                                  const std::filesystem::path& temp, const std::string& wrk) {
  if (Status ready = DeployAndRunJobs(host, options); !ready.ok()) return ready.error();
  Result<std::string> token = CreateReadToken(host);
  if (!token.ok()) return token.error();

  Measurement measurement;
  measurement.followers_requested = options.followers;
  Result<ReplyBodies> bodies = CaptureBodies(host, options, *token);
  if (!bodies.ok()) return bodies.error();
  measurement.bodies = std::move(bodies.value());

  std::filesystem::path script = temp / "load.lua";
  {
    std::ofstream file(script);
    file << WrkScript(*token, options.jobs, options.gzip);
    if (!file.flush()) return IoError("cannot write " + script.string());
  }

  // The streamed job runs through setup, the load and a margin.
  std::unique_ptr<httplib::Client> client = host.NewClient();
  uint64_t stream_seconds = options.duration_seconds + 120;
  if (Status deployed =
          DeployTriggeredScript(*client, kStreamJob, "run.sh", StreamScript(stream_seconds));
      !deployed.ok()) {
    return deployed.error();
  }
  Result<std::string> run_id = StartRun(*client, kStreamJob);
  if (!run_id.ok()) return run_id.error();
  std::string stream_path =
      "/api/triggeredwebjobs/" + std::string(kStreamJob) + "/history/" + *run_id + "/stream";
  Followers followers(host, stream_path);
  if (Status started = followers.Start(options.followers); !started.ok()) {
    if (started.error().code != ErrorCode::kNotFound) return started.error();
    measurement.followers.route_missing = true;
    measurement.followers.route_reply = started.error().message;
    std::printf(
        "note: the live output stream route is not in this build (%s); measuring without "
        "followers\n",
        started.error().message.c_str());
  }
  std::printf(
      "load: wrk -t%llu -c%llu -d%llus against the host, %llu followers\n",
      static_cast<unsigned long long>(options.wrk_threads),
      static_cast<unsigned long long>(options.clients),
      static_cast<unsigned long long>(options.duration_seconds),
      static_cast<unsigned long long>(measurement.followers.route_missing ? 0 : options.followers));
  std::fflush(stdout);

  Result<WrkFigures> on_host =
      RunWrk(wrk, options, script, host.port(), host.pid(), temp / "wrk-host.txt");
  if (!measurement.followers.route_missing) {
    FollowerReport report = followers.Stop();
    measurement.followers = report;
  }
  if (!on_host.ok()) return on_host.error();
  measurement.host = *on_host;

  // The streamed job stops before the bare server is measured.
  httplib::Result cancel = client->Post(
      "/api/triggeredwebjobs/" + std::string(kStreamJob) + "/cancel", "", "text/plain");
  if (!cancel || cancel->status != 200) {
    std::fprintf(stderr, "note: POST .../cancel of %s: %s\n", kStreamJob,
                 DescribeReply(cancel).c_str());
  }
  return measurement;
}

Status MeasureBare(Measurement& measurement, const Options& options,
                   const std::filesystem::path& temp, const std::string& wrk) {
  size_t threads = options.http_threads.value_or(kDefaultHttpThreads) + kDefaultMaxEventStreams;
  BareServer server(measurement.bodies, threads);
  Result<int> port = server.Start();
  if (!port.ok()) return port.error();
  std::printf("load: the same wrk load against a bare httplib::Server with %zu threads\n", threads);
  std::fflush(stdout);
  Result<WrkFigures> figures =
      RunWrk(wrk, options, temp / "load.lua", *port, -1, temp / "wrk-bare.txt");
  if (!figures.ok()) return figures.error();
  measurement.bare = *figures;
  return Status::Ok();
}

Result<Measurement> Measure(const Options& options, const std::string& wrk) {
  Result<TempDir> temp = TempDir::Create("webjobs-load-bench");
  if (!temp.ok()) return temp.error();
  std::filesystem::path root = temp->path() / "root";
  std::filesystem::path log = temp->path() / "host.log";
  std::vector<std::string> extra_args;
  if (options.http_threads) {
    extra_args = {"--http-threads", std::to_string(*options.http_threads)};
  }
  Result<std::unique_ptr<HostProcess>> host =
      HostProcess::Start(options.webjobs, root, log, extra_args);
  if (!host.ok()) {
    return Error{host.error().code, host.error().message + "\n" + ReadFileTail(log, 4096)};
  }

  Result<Measurement> result = MeasureOnHost(**host, options, temp->path(), wrk);
  if (result.ok()) {
    if (Status bare = MeasureBare(*result, options, temp->path(), wrk); !bare.ok()) {
      result = bare.error();
    }
  }
  int code = (*host)->Stop();
  if (!result.ok()) {
    return Error{result.error().code,
                 result.error().message + "\nend of the host log:\n" + ReadFileTail(log, 4096)};
  }
  if (code != 0) std::fprintf(stderr, "note: the host exited with %d after SIGTERM\n", code);
  return result;
}

// ---------------------------------------------------------------------------
// Report

void PrintFigures(const char* label, const WrkFigures& f, uint64_t duration_seconds) {
  std::printf("  %-6s %9.1f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", label,
              f.requests_per_second, f.p50_ms, f.p90_ms, f.p99_ms, f.max_ms);
  std::string socket_errors =
      f.socket_error_line.empty() ? std::string() : " (" + f.socket_error_line + ")";
  std::printf("         %llu requests, %s/s, non-2xx %llu, socket errors %llu%s\n",
              static_cast<unsigned long long>(f.requests), f.transfer_per_second.c_str(),
              static_cast<unsigned long long>(f.non_2xx),
              static_cast<unsigned long long>(f.socket_errors), socket_errors.c_str());
  if (f.host_cpu_seconds > 0 && f.requests > 0) {
    std::printf("         host CPU %.1f s in %llu s (%.2f cores), %.3f ms per request\n",
                f.host_cpu_seconds, static_cast<unsigned long long>(duration_seconds),
                f.host_cpu_seconds / static_cast<double>(duration_seconds),
                1e3 * f.host_cpu_seconds / static_cast<double>(f.requests));
  }
}

void PrintReport(const Machine& machine, const Options& options, const Measurement& m) {
  std::printf("\nmachine: %ld cores, %s, %s, load average at start %s\n", machine.cores,
              machine.cpu_model.c_str(), machine.kernel.c_str(), machine.load_average.c_str());
  std::printf(
      "API under load: %llu jobs (%llu with %llu runs), wrk %llu threads x %llu connections for "
      "%llu s, Accept-Encoding: %s,\n  GET /api/webjobs (%zu bytes%s, %zu as JSON) and GET "
      ".../history (%zu bytes on average, %zu at most) alternately\n",
      static_cast<unsigned long long>(options.jobs),
      static_cast<unsigned long long>(kFullHistoryJobs),
      static_cast<unsigned long long>(kFullHistoryRuns),
      static_cast<unsigned long long>(options.wrk_threads),
      static_cast<unsigned long long>(options.clients),
      static_cast<unsigned long long>(options.duration_seconds), AcceptEncoding(options).c_str(),
      m.bodies.list.bytes.size(), m.bodies.list.gzip ? " gzip" : "", m.bodies.list_text_bytes,
      m.bodies.history.empty() ? 0 : m.bodies.history_bytes / m.bodies.history.size(),
      m.bodies.largest_history);
  PrintFigures("host", m.host, options.duration_seconds);
  PrintFigures("bare", m.bare, options.duration_seconds);
  std::printf("  ratio host / bare: throughput %.3f, p99 %.2f\n",
              m.host.requests_per_second / m.bare.requests_per_second,
              m.host.p99_ms / m.bare.p99_ms);

  const FollowerReport& f = m.followers;
  if (m.followers_requested == 0) {
    std::printf("  followers: none requested\n");
  } else if (f.route_missing) {
    std::printf("  followers: none, the stream route is not in this build (%s)\n",
                f.route_reply.c_str());
  } else {
    std::printf(
        "  followers: %llu streams, %llu bytes in all, %llu at least per stream, %llu "
        "errors\n",
        static_cast<unsigned long long>(f.started), static_cast<unsigned long long>(f.bytes),
        static_cast<unsigned long long>(f.min_bytes), static_cast<unsigned long long>(f.errors));
    for (const std::string& sample : f.error_samples) std::printf("    %s\n", sample.c_str());
  }

  uint64_t errors = m.host.non_2xx + m.host.socket_errors + f.errors;
  bool met = errors == 0 && m.host.p99_ms < kTargetP99Milliseconds;
  std::printf("  target no errors and p99 < %.0f ms: %s (%llu errors, p99 %.2f ms)\n",
              kTargetP99Milliseconds, met ? "PASS" : "BELOW TARGET",
              static_cast<unsigned long long>(errors), m.host.p99_ms);
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: api_load_bench --webjobs PATH [--jobs N] [--clients C] "
                 "[--followers F] [--duration SECONDS] [--wrk-threads T] [--http-threads N] "
                 "[--encoding gzip|identity]\n",
                 options.error().message.c_str());
    return 2;
  }
  Result<std::string> wrk = FindInPath("wrk");
  if (!wrk.ok()) {
    std::fprintf(stderr, "error: %s; install the Debian package wrk\n",
                 wrk.error().message.c_str());
    return 1;
  }
  // Each follower and wrk connection is a file descriptor here or in the
  // host, which inherits this limit.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  Machine machine = DescribeMachine();
  Result<Measurement> measurement = Measure(*options, *wrk);
  if (!measurement.ok()) {
    std::fprintf(stderr, "error: %s\n", measurement.error().message.c_str());
    return 1;
  }
  PrintReport(machine, *options, *measurement);
  return 0;
}

}  // namespace
}  // namespace webjobs::bench

int main(int argc, char** argv) { return webjobs::bench::Main(argc, argv); }
