// Next-occurrence searches per second of CronSchedule::NextAfter over a mix
// of expressions and time zones, from random instants between 1970 and
// 2039, against two references measured in the same run:
//
//   - The floor: one local-to-UTC conversion (date's time_zone::to_sys) per
//     input, on the same zones. A zone-aware search has to convert at least
//     its local result to real time, so it cannot beat this rate.
//   - A peer: a naive search written here that steps minute by minute and
//     tests every minute against the fields, the way many cron libraries
//     search. It runs in UTC on a subset of the inputs, and the engine is
//     timed in UTC on the same subset for the ratio.
//
// It also times every search of the far-future expressions (next match up
// to decades away) on its own, three times, and reports the slowest input
// by its best time, so that preemption on a busy machine does not count.
//
// Usage: cron_next_bench [--inputs N] [--peer-inputs M] [--repetitions R]
//                        [--seed S]
// The program prints the result. It exits with 0 whether or not the target
// is met, and with non-zero only when the measurement itself failed.
#include <cstdio>
#include <random>

#include "bench_util.h"
#include "cron/cron_schedule.h"
#include "cron/time_zone.h"

namespace webjobs::bench {
namespace {

using std::chrono::seconds;

// Slowest acceptable single search for a far-future expression.
constexpr double kTargetWorstMicroseconds = 1000;

struct Expression {
  std::string_view text;
  bool far_future;  // the next match can be years or decades away
};

constexpr Expression kExpressions[] = {
    // Frequent.
    {"* * * * * *", false},
    {"*/15 * * * * *", false},
    {"0 */5 * * * *", false},
    {"0 0 * * * *", false},
    {"0 */20 9-17 * * MON-FRI", false},
    {"*/30 * 1 * * *", false},
    // Daily.
    {"0 0 0 * * *", false},
    {"0 30 2 * * *", false},
    {"15 30 9 * * *", false},
    {"0 0 22-2 * * *", false},
    // Weekly.
    {"0 0 8 * * MON", false},
    {"0 0 2 * * 0", false},
    {"0 30 9 * * MON-FRI", false},
    // Monthly and yearly.
    {"0 0 0 1 * *", false},
    {"0 0 0 31 * *", false},
    {"0 0 0 13 * FRI", false},
    {"0 0 1 1 8 *", false},
    {"5/15 0-10 22-2 */7 NOV-FEB FRI-MON", false},
    {"0 0 12 29 2 *", false},
    // Far future: Feb 29 on a given weekday, Dec 31 on a given weekday.
    {"0 0 0 29 2 1", true},
    {"0 0 0 29 2 SUN", true},
    {"0 0 0 31 12 0", true},
    {"59 59 23 31 12 6", true},
};

constexpr std::string_view kZones[] = {
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Africa/Casablanca",
    "America/Los_Angeles",
};

struct Options {
  uint64_t inputs = 200000;
  uint64_t peer_inputs = 230;
  uint64_t repetitions = 5;
  uint64_t seed = 1;
};

struct Input {
  size_t expression;
  const date::time_zone* zone;
  date::sys_seconds after;
  date::local_seconds local;  // an arbitrary local time, for the floor
};

// Searches per second of one repetition.
struct Repetition {
  double engine = 0;  // NextAfter over all inputs, in their zones
  double floor = 0;   // to_sys over all inputs
  // On the peer subset, in UTC: all of it, and without the far-future
  // expressions.
  double engine_utc = 0;
  double peer = 0;
  double engine_utc_regular = 0;
  double peer_regular = 0;
};

// Far-future searches timed one by one. Each input runs kFarFutureCalls
// times; the best of them is its cost without preemption, and the worst
// single call is kept as well.
struct FarFutureTimes {
  std::vector<double> best_microseconds;  // per input
  double slowest_best = 0;
  std::string slowest_best_input;
  double slowest_call = 0;
};

constexpr int kFarFutureCalls = 3;

Result<Options> ParseOptions(int argc, char** argv) {
  Result<BenchFlags> flags = BenchFlags::Parse(argc, argv);
  if (!flags.ok()) return flags.error();
  std::vector<std::string> unknown =
      flags->Unknown({"inputs", "peer-inputs", "repetitions", "seed"});
  if (!unknown.empty()) return InvalidArgument("unknown flag --" + unknown.front());
  Options options;
  for (auto [name, value] :
       {std::pair{"inputs", &options.inputs}, std::pair{"peer-inputs", &options.peer_inputs},
        std::pair{"repetitions", &options.repetitions}, std::pair{"seed", &options.seed}}) {
    Result<uint64_t> parsed = flags->Count(name, *value);
    if (!parsed.ok()) return parsed.error();
    *value = *parsed;
  }
  if (options.peer_inputs > options.inputs) {
    return InvalidArgument("--peer-inputs must not exceed --inputs");
  }
  return options;
}

// Builds the inputs: the expressions in turn, each with a random zone and
// a random instant between 1970 and 2039.
std::vector<Input> MakeInputs(const Options& options,
                              const std::vector<const date::time_zone*>& zones) {
  std::mt19937_64 random(options.seed);
  const int64_t first =
      date::sys_seconds{date::sys_days{date::year{1970} / 1 / 1}}.time_since_epoch().count();
  const int64_t last =
      date::sys_seconds{date::sys_days{date::year{2040} / 1 / 1}}.time_since_epoch().count() - 1;
  std::uniform_int_distribution<int64_t> instant(first, last);
  std::uniform_int_distribution<size_t> zone(0, zones.size() - 1);
  std::vector<Input> inputs;
  inputs.reserve(options.inputs);
  for (uint64_t i = 0; i < options.inputs; ++i) {
    const date::sys_seconds after{seconds{instant(random)}};
    inputs.push_back({i % std::size(kExpressions), zones[zone(random)], after,
                      date::local_seconds{after.time_since_epoch()}});
  }
  return inputs;
}

// Returns the first instant after `after` that matches in UTC, by testing
// every minute in turn, as the peer search. Gives up after `limit`.
std::optional<date::sys_seconds> MinuteSteppingNext(const CronSchedule& schedule,
                                                    date::sys_seconds after,
                                                    date::sys_seconds limit) {
  const CronField& seconds_field = schedule.field(CronFieldKind::kSecond);
  const CronField& minutes = schedule.field(CronFieldKind::kMinute);
  const CronField& hours = schedule.field(CronFieldKind::kHour);
  const CronField& days = schedule.field(CronFieldKind::kDayOfMonth);
  const CronField& months = schedule.field(CronFieldKind::kMonth);
  const CronField& weekdays = schedule.field(CronFieldKind::kDayOfWeek);

  const date::sys_seconds first = after + seconds{1};
  auto minute = date::floor<std::chrono::minutes>(first);
  int second_from = static_cast<int>((first - minute).count());
  for (; minute < limit; minute += std::chrono::minutes{1}, second_from = 0) {
    const date::sys_days day = date::floor<date::days>(minute);
    const date::year_month_day date{day};
    const date::hh_mm_ss<std::chrono::minutes> time{minute - day};
    if (!months.Contains(static_cast<int>(static_cast<unsigned>(date.month()))) ||
        !days.Contains(static_cast<int>(static_cast<unsigned>(date.day()))) ||
        !weekdays.Contains(static_cast<int>(date::weekday{day}.c_encoding())) ||
        !hours.Contains(static_cast<int>(time.hours().count())) ||
        !minutes.Contains(static_cast<int>(time.minutes().count()))) {
      continue;
    }
    const int second = seconds_field.NextFrom(second_from);
    if (second >= 0) return minute + seconds{second};
  }
  return std::nullopt;
}

// Keeps results alive so that the compiler cannot drop the timed calls.
volatile int64_t g_sink = 0;

std::string Describe(const Input& input) {
  return "'" + std::string(kExpressions[input.expression].text) + "' in " +
         std::string(input.zone->name()) + " after " + date::format("%FT%TZ", input.after);
}

// Shortest time to measure the engine or the floor: passes over the inputs
// repeat until it is reached, so that one preemption of a few milliseconds
// cannot dominate a short pass.
constexpr double kMinTimedSeconds = 0.25;

// Returns the mean seconds of one NextAfter call over `inputs`, in their
// zones or in UTC.
Result<double> TimeEngine(const std::vector<CronSchedule>& schedules, std::span<const Input> inputs,
                          bool in_utc) {
  int64_t sum = 0;
  uint64_t calls = 0;
  Clock::time_point start = Clock::now();
  do {
    for (const Input& input : inputs) {
      const auto next =
          schedules[input.expression].NextAfter(input.after, in_utc ? nullptr : input.zone);
      if (!next) return InternalError("no next occurrence for " + Describe(input));
      sum += next->time_since_epoch().count();
    }
    calls += inputs.size();
  } while (SecondsSince(start) < kMinTimedSeconds);
  const double elapsed = SecondsSince(start);
  g_sink = g_sink + sum;
  return elapsed / static_cast<double>(calls);
}

// Returns the mean seconds of one to_sys call over `inputs`.
double TimeFloor(std::span<const Input> inputs) {
  int64_t sum = 0;
  uint64_t calls = 0;
  Clock::time_point start = Clock::now();
  do {
    for (const Input& input : inputs) {
      sum += input.zone->to_sys(input.local, date::choose::earliest).time_since_epoch().count();
    }
    calls += inputs.size();
  } while (SecondsSince(start) < kMinTimedSeconds);
  const double elapsed = SecondsSince(start);
  g_sink = g_sink + sum;
  return elapsed / static_cast<double>(calls);
}

// Returns the seconds that the peer takes for `inputs` in UTC, after
// checking each of its results against the engine's.
Result<double> TimePeer(const std::vector<CronSchedule>& schedules, std::span<const Input> inputs) {
  const date::sys_seconds limit{date::sys_days{date::year{2200} / 1 / 1}};
  std::vector<std::optional<date::sys_seconds>> results;
  results.reserve(inputs.size());
  Clock::time_point start = Clock::now();
  for (const Input& input : inputs) {
    results.push_back(MinuteSteppingNext(schedules[input.expression], input.after, limit));
  }
  const double elapsed = SecondsSince(start);

  for (size_t i = 0; i < inputs.size(); ++i) {
    const Input& input = inputs[i];
    const auto engine = schedules[input.expression].NextAfter(input.after, nullptr);
    if (!results[i] || !engine || *engine != *results[i]) {
      return InternalError("the peer and the engine disagree in UTC on " + Describe(input));
    }
  }
  return elapsed;
}

FarFutureTimes TimeFarFuture(const std::vector<CronSchedule>& schedules,
                             std::span<const Input> inputs) {
  FarFutureTimes times;
  for (const Input& input : inputs) {
    if (!kExpressions[input.expression].far_future) continue;
    double best = 0;
    for (int call = 0; call < kFarFutureCalls; ++call) {
      Clock::time_point start = Clock::now();
      const auto next = schedules[input.expression].NextAfter(input.after, input.zone);
      const double microseconds = 1e6 * SecondsSince(start);
      g_sink = g_sink + (next ? next->time_since_epoch().count() : 0);
      best = call == 0 ? microseconds : std::min(best, microseconds);
      times.slowest_call = std::max(times.slowest_call, microseconds);
    }
    times.best_microseconds.push_back(best);
    if (best > times.slowest_best) {
      times.slowest_best = best;
      times.slowest_best_input = Describe(input);
    }
  }
  return times;
}

Result<Repetition> RunRepetition(const Options& options, const std::vector<CronSchedule>& schedules,
                                 const std::vector<Input>& inputs) {
  Repetition r;
  Result<double> engine = TimeEngine(schedules, inputs, false);
  if (!engine.ok()) return engine.error();
  r.engine = 1 / *engine;
  r.floor = 1 / TimeFloor(inputs);

  std::vector<Input> regular;
  std::vector<Input> far_future;
  for (size_t i = 0; i < options.peer_inputs; ++i) {
    (kExpressions[inputs[i].expression].far_future ? far_future : regular).push_back(inputs[i]);
  }
  double engine_seconds = 0;
  double peer_seconds = 0;
  for (const std::vector<Input>* group : {&regular, &far_future}) {
    Result<double> engine_utc = TimeEngine(schedules, *group, true);
    if (!engine_utc.ok()) return engine_utc.error();
    Result<double> peer = TimePeer(schedules, *group);
    if (!peer.ok()) return peer.error();
    engine_seconds += *engine_utc * static_cast<double>(group->size());
    peer_seconds += *peer;
    if (group == &regular) {
      r.engine_utc_regular = 1 / *engine_utc;
      r.peer_regular = static_cast<double>(regular.size()) / *peer;
    }
  }
  r.engine_utc = static_cast<double>(options.peer_inputs) / engine_seconds;
  r.peer = static_cast<double>(options.peer_inputs) / peer_seconds;
  return r;
}

void PrintReport(const Options& options, const std::vector<Repetition>& repetitions,
                 const FarFutureTimes& far_future) {
  const auto collect = [&](auto rate) {
    std::vector<double> values;
    for (const Repetition& r : repetitions) values.push_back(rate(r));
    return Summarize(values);
  };
  const auto rate_line = [](const char* label, Summary s) {
    std::printf("  %-46s %12.0f ops/s  [%.0f .. %.0f]\n", label, s.median, s.min, s.max);
  };
  const auto ratio_line = [](const char* label, Summary s) {
    std::printf("  %-46s %12.4f        [%.4f .. %.4f]\n", label, s.median, s.min, s.max);
  };

  std::printf(
      "\nnext-occurrence search, %zu expressions x %zu zones, %llu inputs from 1970-2039 "
      "(seed %llu), %zu repetitions (median, range)\n",
      std::size(kExpressions), std::size(kZones), static_cast<unsigned long long>(options.inputs),
      static_cast<unsigned long long>(options.seed), repetitions.size());
  rate_line("engine NextAfter, in the inputs' zones", collect([](auto& r) { return r.engine; }));
  rate_line("floor: one time_zone::to_sys per input", collect([](auto& r) { return r.floor; }));
  ratio_line("ratio engine / floor", collect([](auto& r) { return r.engine / r.floor; }));

  std::printf("  on the first %llu inputs, in UTC:\n",
              static_cast<unsigned long long>(options.peer_inputs));
  rate_line("engine NextAfter", collect([](auto& r) { return r.engine_utc; }));
  rate_line("peer: minute-by-minute search", collect([](auto& r) { return r.peer; }));
  ratio_line("ratio engine / peer", collect([](auto& r) { return r.engine_utc / r.peer; }));
  rate_line("engine, without far-future expressions",
            collect([](auto& r) { return r.engine_utc_regular; }));
  rate_line("peer, without far-future expressions",
            collect([](auto& r) { return r.peer_regular; }));
  ratio_line("ratio engine / peer, without far-future",
             collect([](auto& r) { return r.engine_utc_regular / r.peer_regular; }));

  std::vector<double> sorted = far_future.best_microseconds;
  std::sort(sorted.begin(), sorted.end());
  const auto percentile = [&](size_t per_mille) {
    return sorted[std::min(sorted.size() - 1, sorted.size() * per_mille / 1000)];
  };
  std::printf(
      "  far-future searches in the inputs' zones, %zu inputs, best of %d calls each: median "
      "%.1f us, 99.9th percentile %.1f us\n",
      sorted.size(), kFarFutureCalls, percentile(500), percentile(999));
  std::printf("  slowest input: %.1f us, %s\n", far_future.slowest_best,
              far_future.slowest_best_input.c_str());
  std::printf("  slowest single call, preemption included: %.1f us\n", far_future.slowest_call);
  std::printf("  target slowest input < %.0f us: %s\n", kTargetWorstMicroseconds,
              far_future.slowest_best < kTargetWorstMicroseconds ? "PASS" : "ABOVE TARGET");
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "error: %s\nusage: cron_next_bench [--inputs N] [--peer-inputs M] "
                 "[--repetitions R] [--seed S]\n",
                 options.error().message.c_str());
    return 2;
  }

  std::vector<CronSchedule> schedules;
  for (const Expression& expression : kExpressions) {
    Result<CronSchedule> schedule = CronSchedule::Parse(expression.text);
    if (!schedule.ok()) {
      std::fprintf(stderr, "error: %s\n", schedule.error().message.c_str());
      return 1;
    }
    schedules.push_back(*std::move(schedule));
  }
  std::vector<const date::time_zone*> zones;
  for (std::string_view name : kZones) {
    Result<const date::time_zone*> zone = LocateTimeZone(name);
    if (!zone.ok()) {
      std::fprintf(stderr, "error: %s\n", zone.error().message.c_str());
      return 1;
    }
    zones.push_back(*zone);
  }

  const std::vector<Input> inputs = MakeInputs(*options, zones);
  std::vector<Repetition> repetitions;
  for (uint64_t i = 0; i < options->repetitions; ++i) {
    Result<Repetition> repetition = RunRepetition(*options, schedules, inputs);
    if (!repetition.ok()) {
      std::fprintf(stderr, "error: %s\n", repetition.error().message.c_str());
      return 1;
    }
    const Repetition& r = *repetition;
    std::printf(
        "repetition %llu: engine %.0f ops/s, floor %.0f ops/s, engine in UTC %.0f ops/s, peer "
        "%.1f ops/s\n",
        static_cast<unsigned long long>(i + 1), r.engine, r.floor, r.engine_utc, r.peer);
    std::fflush(stdout);
    repetitions.push_back(r);
  }
  PrintReport(*options, repetitions, TimeFarFuture(schedules, inputs));
  return 0;
}

}  // namespace
}  // namespace webjobs::bench

int main(int argc, char** argv) { return webjobs::bench::Main(argc, argv); }
