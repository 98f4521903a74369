// Compares CronSchedule::NextAfter with an independent brute-force model
// that steps through every second of a window.
//
// The model decides for each instant u whether a schedule fires at u. It
// fires when any of these is true:
//   - The local time at u matches, and date's local_info classifies it as
//     unique.
//   - The local time at u matches and is ambiguous, and either u lies in the
//     first pass or the schedule is an interval schedule.
//   - u is the first instant after a spring-forward jump, and some skipped
//     local second matches.
// The model's value sets come from the expressions this file generates, by
// walking each range value by value, and never from the parser.
//
// Three groups of tests use the model:
//   - CronScheduleDstWindowTest: ten hours around offset changes in 30
//     zones with unusual rules. A fixed-seed generator picks the changes
//     among each zone's changes from 1970 to 2037, and some listed changes
//     are added. Each window checks the listed expressions and random ones
//     that are biased to match inside the window.
//   - QuietWindowsMatchEveryFire: windows of a few days far from any offset
//     change, where the number of fires and every fire must agree.
//   - RareDatesMatchDayByDaySearch: schedules whose next match can be
//     decades away, against a day-by-day search.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cron/cron_schedule.h"
#include "cron/cron_test_support.h"

namespace webjobs {
namespace {

using cron_test::Format;
using cron_test::Instant;
using cron_test::Zone;
using std::chrono::seconds;
using namespace std::chrono_literals;

constexpr uint32_t kSeed = 20240310;

// Field positions in expression order.
enum Position { kSecond, kMinute, kHour, kDay, kMonth, kWeekday };

// Largest number of days per month in any year, February counting 29.
constexpr std::array<int, 13> kMonthLength = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// A schedule in the model's terms: the expression and, per field, the set
// of values that match.
struct ModelSchedule {
  std::string expression;
  std::array<uint64_t, 6> values{};  // bit v is set when value v matches; weekday 0 is Sunday
  bool interval = false;

  bool Has(Position position, int value) const { return (values[position] >> value & 1) != 0; }

  bool MatchesDay(date::local_days day) const {
    const date::year_month_day date{day};
    return Has(kDay, static_cast<int>(static_cast<unsigned>(date.day()))) &&
           Has(kMonth, static_cast<int>(static_cast<unsigned>(date.month()))) &&
           Has(kWeekday, static_cast<int>(date::weekday{day}.c_encoding()));
  }

  bool MatchesTime(seconds time_of_day) const {
    const auto t = static_cast<int>(time_of_day.count());
    return Has(kSecond, t % 60) && Has(kMinute, t / 60 % 60) && Has(kHour, t / 3600);
  }

  bool Matches(date::local_seconds local) const {
    const date::local_days day = date::floor<date::days>(local);
    return MatchesDay(day) && MatchesTime(local - day);
  }

  // Returns true when some month of the month set has some day of the
  // day-of-month set, so the schedule can ever run.
  bool HasPossibleDate() const {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= kMonthLength[month]; ++day) {
        if (Has(kMonth, month) && Has(kDay, day)) return true;
      }
    }
    return false;
  }
};

uint64_t Values(std::initializer_list<int> values) {
  uint64_t bits = 0;
  for (int v : values) bits |= uint64_t{1} << v;
  return bits;
}

uint64_t Every(int first, int last, int step = 1) {
  uint64_t bits = 0;
  for (int v = first; v <= last; v += step) bits |= uint64_t{1} << v;
  return bits;
}

std::vector<ModelSchedule> ListedCases() {
  const uint64_t any_hour = Every(0, 23);
  const uint64_t any_day = Every(1, 31);
  const uint64_t any_month = Every(1, 12);
  const uint64_t any_weekday = Every(0, 6);
  const uint64_t zero = Values({0});
  return {
      {"0 0 * * * *", {zero, zero, any_hour, any_day, any_month, any_weekday}, true},
      {"0 */20 * * * *", {zero, Every(0, 59, 20), any_hour, any_day, any_month, any_weekday}, true},
      {"0 30 1 * * *", {zero, Values({30}), Values({1}), any_day, any_month, any_weekday}, false},
      {"15 30 2 * * *",
       {Values({15}), Values({30}), Values({2}), any_day, any_month, any_weekday},
       false},
      {"*/30 * 1 * * *",
       {Every(0, 59, 30), Every(0, 59), Values({1}), any_day, any_month, any_weekday},
       true},
      {"0 0,30 2 * * *",
       {zero, Values({0, 30}), Values({2}), any_day, any_month, any_weekday},
       false},
      {"0 0 2 * * 0", {zero, zero, Values({2}), any_day, any_month, Values({0})}, false},
      {"*/7 * * * * *",
       {Every(0, 59, 7), Every(0, 59), any_hour, any_day, any_month, any_weekday},
       true},
      {"0 15-45/10 1-3 * * *",
       {zero, Every(15, 45, 10), Every(1, 3), any_day, any_month, any_weekday},
       true},
      {"0 0 22-2 * * FRI-MON",
       {zero, zero, Values({22, 23, 0, 1, 2}), any_day, any_month, Values({5, 6, 0, 1})},
       true},
      {"30 2 * * *", {zero, Values({30}), Values({2}), any_day, any_month, any_weekday}, false},
      {"0 45 0 * * *", {zero, Values({45}), zero, any_day, any_month, any_weekday}, false},
      {"0 0 0 * * *", {zero, zero, zero, any_day, any_month, any_weekday}, false},
      {"59 59 23 * * *",
       {Values({59}), Values({59}), Values({23}), any_day, any_month, any_weekday},
       false},
      {"0 0 12 * * *", {zero, zero, Values({12}), any_day, any_month, any_weekday}, false},
  };
}

// ---------------------------------------------------------------------------
// Random expressions

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

struct FieldLimits {
  int min;
  int max;                                  // largest value of the set
  int text_max;                             // largest value in text: 7 (Sunday) for day-of-week
  std::span<const std::string_view> names;  // full names of min, min + 1, ...
};

const std::array<FieldLimits, 6> kLimits = {{{0, 59, 59, {}},
                                             {0, 59, 59, {}},
                                             {0, 23, 23, {}},
                                             {1, 31, 31, {}},
                                             {1, 12, 12, kMonthNames},
                                             {0, 6, 7, kWeekdayNames}}};

// Returns every `step`-th value of the walk from `first` to `last` as
// written. A walk with first > last runs to the field's maximum and goes
// on from its minimum. Day-of-week 7 is Sunday (0).
uint64_t WalkValues(const FieldLimits& limits, int first, int last, int step) {
  const auto in_set = [&](int v) { return v > limits.max ? limits.min + (v - limits.max - 1) : v; };
  std::vector<int> walk;
  if (first <= last) {
    for (int v = first; v <= last; ++v) walk.push_back(in_set(v));
  } else {
    int v = in_set(first);
    walk.push_back(v);
    while (v != last) {
      v = v == limits.max ? limits.min : v + 1;
      walk.push_back(v);
    }
  }
  uint64_t bits = 0;
  for (size_t i = 0; i < walk.size(); i += static_cast<size_t>(step)) {
    bits |= uint64_t{1} << walk[i];
  }
  return bits;
}

struct RandomField {
  std::string text;
  uint64_t values = 0;
  bool interval_syntax = false;  // the text contains '*', '-' or '/'
};

// Values that a random field should contain, so that the schedule fires
// inside a test window: `values[position]` is preferred, and a field of a
// position in `required` is drawn again until it contains one of them.
struct Focus {
  std::array<std::vector<int>, 6> values;
  std::array<double, 6> required{};  // probability that the field must contain a focus value
};

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint32_t seed) : random_(seed) {}

  ModelSchedule Make(const Focus& focus) {
    const bool five_fields = Chance(0.1);
    std::array<RandomField, 6> fields;
    for (int position = 0; position < 6; ++position) {
      if (position == kSecond && five_fields) {
        fields[kSecond] = {"", Values({0}), false};
        continue;
      }
      fields[position] = MakeFocusedField(static_cast<Position>(position), focus);
    }

    ModelSchedule model;
    for (int position = 0; position < 6; ++position) {
      model.values[position] = fields[position].values;
      if (position == kSecond && five_fields) continue;
      if (!model.expression.empty()) model.expression += Separator();
      model.expression += fields[position].text;
    }
    model.interval = fields[kSecond].interval_syntax || fields[kMinute].interval_syntax ||
                     fields[kHour].interval_syntax;
    return model;
  }

  // Returns one random field for `position`, biased toward `focus`.
  RandomField Field(Position position, const Focus& focus) {
    return MakeFocusedField(position, focus);
  }

  std::mt19937& random() { return random_; }

 private:
  bool Chance(double probability) {
    return std::uniform_real_distribution<double>(0, 1)(random_) < probability;
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::string Separator() {
    const int kind = Uniform(0, 19);
    if (kind == 0) return "\t";
    if (kind == 1) return "  ";
    return " ";
  }

  RandomField MakeFocusedField(Position position, const Focus& focus) {
    const std::vector<int>& preferred = focus.values[position];
    uint64_t preferred_bits = 0;
    for (int v : preferred) preferred_bits |= uint64_t{1} << v;
    const bool required = !preferred.empty() && Chance(focus.required[position]);
    RandomField field = MakeField(position, preferred);
    for (int attempt = 0; required && (field.values & preferred_bits) == 0 && attempt < 50;
         ++attempt) {
      field = MakeField(position, preferred);
    }
    return field;
  }

  RandomField MakeField(Position position, const std::vector<int>& preferred) {
    const FieldLimits& limits = kLimits[position];
    const int items = Chance(0.7) ? 1 : Uniform(2, 3);
    RandomField field;
    for (int i = 0; i < items; ++i) {
      if (i > 0) field.text += ',';
      AddItem(limits, preferred, field);
    }
    return field;
  }

  // Appends one list item: `*`, `*/N`, `V`, `A-B`, `A-B/N` or `V/N`.
  void AddItem(const FieldLimits& limits, const std::vector<int>& preferred, RandomField& field) {
    const int cycle = limits.max - limits.min + 1;
    const int form = Uniform(0, 99);
    if (form < 8) {
      field.text += "*";
      field.values |= WalkValues(limits, limits.min, limits.max, 1);
      field.interval_syntax = true;
    } else if (form < 18) {
      const int step = Uniform(1, cycle + 2);
      field.text += "*/" + std::to_string(step);
      field.values |= WalkValues(limits, limits.min, limits.max, step);
      field.interval_syntax = true;
    } else if (form < 50) {
      const int value = PickValue(limits, preferred);
      field.text += ValueText(limits, value);
      field.values |= WalkValues(limits, value, value, 1);
    } else if (form < 75) {
      const int first = PickValue(limits, preferred);
      const int last = PickValue(limits, preferred);
      field.text += ValueText(limits, first) + "-" + ValueText(limits, last);
      field.values |= WalkValues(limits, first, last, 1);
      field.interval_syntax = true;
    } else if (form < 88) {
      const int first = PickValue(limits, preferred);
      const int last = PickValue(limits, preferred);
      const int step = Uniform(1, cycle / 2 + 1);
      field.text +=
          ValueText(limits, first) + "-" + ValueText(limits, last) + "/" + std::to_string(step);
      field.values |= WalkValues(limits, first, last, step);
      field.interval_syntax = true;
    } else {
      const int first = PickValue(limits, preferred);
      const int step = Uniform(1, cycle / 2 + 1);
      field.text += ValueText(limits, first) + "/" + std::to_string(step);
      field.values |= WalkValues(limits, first, limits.max, step);
      field.interval_syntax = true;
    }
  }

  int PickValue(const FieldLimits& limits, const std::vector<int>& preferred) {
    if (!preferred.empty() && Chance(0.6)) {
      const int value =
          preferred[static_cast<size_t>(Uniform(0, static_cast<int>(preferred.size()) - 1))];
      // Day-of-week 0 may be written as 7.
      return value == 0 && limits.text_max == 7 && Chance(0.3) ? 7 : value;
    }
    return Uniform(limits.min, limits.text_max);
  }

  // Writes a number, sometimes with a leading zero, or for months and
  // weekdays sometimes a name in random case.
  std::string ValueText(const FieldLimits& limits, int value) {
    if (!limits.names.empty() && value <= limits.max && Chance(0.35)) {
      std::string name(limits.names[static_cast<size_t>(value - limits.min)]);
      if (Chance(0.6)) name.resize(3);
      const int style = Uniform(0, 2);
      for (char& c : name) {
        if (style == 0) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        if (style == 1) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      return name;
    }
    return (Chance(0.05) ? "0" : "") + std::to_string(value);
  }

  std::mt19937 random_;
};

// ---------------------------------------------------------------------------
// The model

// Returns true when some local second in [from, to) matches.
bool MatchesSomeSecond(const ModelSchedule& schedule, date::local_seconds from,
                       date::local_seconds to) {
  for (date::local_seconds local = from; local < to;) {
    const date::local_days day = date::floor<date::days>(local);
    const date::local_seconds stop = std::min(to, date::local_seconds{day + date::days{1}});
    if (schedule.MatchesDay(day)) {
      const int64_t last = (stop - day).count();
      for (int64_t time_of_day = (local - day).count(); time_of_day < last; ++time_of_day) {
        if (schedule.MatchesTime(seconds{time_of_day})) return true;
      }
    }
    local = stop;
  }
  return false;
}

int64_t FloorDivide(int64_t value, int64_t divisor) {
  return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

// Returns the fire instants of every schedule in [begin, end), by the model
// in the file comment. For speed, the loop counts plain seconds, keeps the
// schedules whose day matches and among them those whose hour and minute
// match, and updates both lists only when the local day or minute changes.
std::vector<std::vector<date::sys_seconds>> ModelFires(const std::vector<ModelSchedule>& schedules,
                                                       const date::time_zone* zone,
                                                       date::sys_seconds begin,
                                                       date::sys_seconds end) {
  constexpr int64_t kSecondsPerDay = 86400;
  std::vector<std::vector<date::sys_seconds>> fires(schedules.size());
  date::sys_info previous = zone->get_info(begin - 1s);
  date::sys_info current = zone->get_info(begin);
  int64_t current_begin = current.begin.time_since_epoch().count();
  int64_t current_end = current.end.time_since_epoch().count();
  int64_t offset = current.offset.count();
  std::optional<int64_t> day;
  std::optional<int64_t> minute;
  std::vector<size_t> day_matches;
  std::vector<size_t> minute_matches;

  const int64_t end_count = end.time_since_epoch().count();
  for (int64_t t = begin.time_since_epoch().count(); t < end_count; ++t) {
    const date::sys_seconds instant{seconds{t}};
    if (t >= current_end) {
      previous = current;
      current = zone->get_info(instant);
      current_begin = current.begin.time_since_epoch().count();
      current_end = current.end.time_since_epoch().count();
      offset = current.offset.count();
    }
    if (t == current_begin && current.offset > previous.offset) {
      // Skipped local seconds of a spring-forward jump fire here.
      const date::local_seconds gap_begin{instant.time_since_epoch() + previous.offset};
      const date::local_seconds gap_end{instant.time_since_epoch() + current.offset};
      for (size_t i = 0; i < schedules.size(); ++i) {
        if (MatchesSomeSecond(schedules[i], gap_begin, gap_end)) fires[i].push_back(instant);
      }
    }

    const int64_t local = t + offset;
    const int64_t local_day = FloorDivide(local, kSecondsPerDay);
    if (local_day != day) {
      day = local_day;
      minute.reset();
      day_matches.clear();
      const date::local_days calendar_day{date::days{local_day}};
      for (size_t i = 0; i < schedules.size(); ++i) {
        if (schedules[i].MatchesDay(calendar_day)) day_matches.push_back(i);
      }
    }
    const int64_t time_of_day = local - local_day * kSecondsPerDay;
    if (time_of_day / 60 != minute) {
      minute = time_of_day / 60;
      minute_matches.clear();
      for (size_t i : day_matches) {
        if (schedules[i].Has(kHour, static_cast<int>(time_of_day / 3600)) &&
            schedules[i].Has(kMinute, static_cast<int>(time_of_day / 60 % 60))) {
          minute_matches.push_back(i);
        }
      }
    }

    // Whether `instant` is in the first pass over its local time, asked of
    // date only when a fixed-time schedule matches.
    std::optional<bool> first_pass;
    for (size_t i : minute_matches) {
      if (!schedules[i].Has(kSecond, static_cast<int>(time_of_day % 60))) continue;
      if (!schedules[i].interval && !first_pass) {
        const date::local_info info = zone->get_info(date::local_seconds{seconds{local}});
        first_pass =
            info.result != date::local_info::ambiguous || info.first.offset == current.offset;
      }
      if ((schedules[i].interval || *first_pass) &&
          (fires[i].empty() || fires[i].back() != instant)) {
        fires[i].push_back(instant);
      }
    }
  }
  return fires;
}

// ---------------------------------------------------------------------------
// Comparison

struct OffsetChange {
  date::sys_seconds at;
  seconds before;
  seconds after;
};

// Returns the changes of the zone's UTC offset in [begin, end). Boundaries
// where only the abbreviation or the DST flag changes are left out.
std::vector<OffsetChange> OffsetChanges(const date::time_zone* zone, date::sys_seconds begin,
                                        date::sys_seconds end) {
  std::vector<OffsetChange> changes;
  date::sys_info info = zone->get_info(begin);
  while (info.end < end) {
    const date::sys_info next = zone->get_info(info.end);
    if (next.offset != info.offset) changes.push_back({info.end, info.offset, next.offset});
    info = next;
  }
  return changes;
}

// Parses the schedule and checks that the parser agrees with the model on
// whether it is valid and whether it is an interval schedule.
::testing::AssertionResult ParseLikeModel(const ModelSchedule& model,
                                          std::optional<CronSchedule>& schedule) {
  auto parsed = CronSchedule::Parse(model.expression);
  if (!model.HasPossibleDate()) {
    if (parsed.ok()) {
      return ::testing::AssertionFailure()
             << "'" << model.expression << "' parsed, but its date never occurs";
    }
    if (parsed.error().message.find("never occurs") == std::string::npos) {
      return ::testing::AssertionFailure() << parsed.error().message;
    }
    return ::testing::AssertionSuccess();
  }
  if (!parsed.ok()) return ::testing::AssertionFailure() << parsed.error().message;
  if (parsed->IsInterval() != model.interval) {
    return ::testing::AssertionFailure()
           << "'" << model.expression << "': IsInterval is " << parsed->IsInterval();
  }
  schedule = *std::move(parsed);
  return ::testing::AssertionSuccess();
}

// Returns the instants to query. They are the second before the window, the
// seconds around each offset change and around the ends of the local times
// it skips or repeats, a sample of fires and the second before each, and a
// few random instants.
std::vector<date::sys_seconds> Probes(const std::vector<date::sys_seconds>& fires,
                                      const std::vector<OffsetChange>& changes,
                                      date::sys_seconds begin, date::sys_seconds end,
                                      std::mt19937& random) {
  constexpr size_t kSampledFires = 16;
  constexpr int kRandomProbes = 8;
  std::vector<date::sys_seconds> probes = {begin - 1s};
  for (const OffsetChange& change : changes) {
    const seconds jump =
        change.after > change.before ? change.after - change.before : change.before - change.after;
    for (seconds delta : {-2s, -1s, 0s, 1s}) probes.push_back(change.at + delta);
    for (seconds delta : {-1s, 0s}) {
      probes.push_back(change.at - jump + delta);
      probes.push_back(change.at + jump + delta);
    }
  }
  const size_t stride = fires.size() / kSampledFires + 1;
  for (size_t i = 0; i < fires.size(); i += stride) {
    probes.push_back(fires[i] - 1s);
    probes.push_back(fires[i]);
  }
  std::uniform_int_distribution<int64_t> offset(0, (end - begin).count() - 1);
  for (int i = 0; i < kRandomProbes; ++i) probes.push_back(begin + seconds{offset(random)});

  std::erase_if(probes, [&](date::sys_seconds t) { return t < begin - 1s || t >= end; });
  std::sort(probes.begin(), probes.end());
  probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
  return probes;
}

// Checks NextAfter from each probe against the model's fires in [begin,
// end). Where the model has no fire after a probe, NextAfter must return
// `end` or later.
::testing::AssertionResult MatchesModel(const ModelSchedule& model, const CronSchedule& schedule,
                                        const std::vector<date::sys_seconds>& fires,
                                        const std::vector<date::sys_seconds>& probes,
                                        const date::time_zone* zone, date::sys_seconds end) {
  for (date::sys_seconds after : probes) {
    const auto expected = std::upper_bound(fires.begin(), fires.end(), after);
    const auto next = schedule.NextAfter(after, zone);
    const bool ok = next && (expected != fires.end() ? *next == *expected : *next >= end);
    if (!ok) {
      return ::testing::AssertionFailure()
             << "'" << model.expression << "' in " << zone->name() << " after "
             << Format(after, zone) << ": got " << (next ? Format(*next, zone) : "none")
             << ", model says "
             << (expected != fires.end() ? Format(*expected, zone) : "none in window");
    }
  }
  return ::testing::AssertionSuccess();
}

// Checks every fire in [begin, end) by following NextAfter from the
// second before `begin`, which also checks the number of fires.
::testing::AssertionResult MatchesEveryFire(const ModelSchedule& model,
                                            const CronSchedule& schedule,
                                            const std::vector<date::sys_seconds>& fires,
                                            const date::time_zone* zone, date::sys_seconds begin,
                                            date::sys_seconds end) {
  std::vector<date::sys_seconds> got;
  std::chrono::system_clock::time_point after = begin - 1s;
  while (auto next = schedule.NextAfter(after, zone)) {
    if (*next >= end || got.size() > fires.size()) break;
    got.push_back(date::floor<seconds>(*next));
    after = *next;
  }
  if (got == fires) return ::testing::AssertionSuccess();
  const auto [mismatch, _] = std::mismatch(got.begin(), got.end(), fires.begin(), fires.end());
  const size_t index = static_cast<size_t>(mismatch - got.begin());
  auto result = ::testing::AssertionFailure();
  result << "'" << model.expression << "' in " << zone->name() << " from " << Format(begin, zone)
         << ": " << got.size() << " fires, model says " << fires.size();
  result << "; fire " << index << " is "
         << (index < got.size() ? Format(got[index], zone) : "missing") << ", model says "
         << (index < fires.size() ? Format(fires[index], zone) : "none");
  return result;
}

// ---------------------------------------------------------------------------
// Windows around offset changes

// The local dates, hours and minutes that a window covers, for biasing
// random expressions toward it.
struct WindowFocus {
  std::vector<date::local_days> days;
  std::vector<int> hours;
  std::vector<int> minutes;
};

WindowFocus FocusOf(const date::time_zone* zone, date::sys_seconds begin, date::sys_seconds end,
                    const std::vector<OffsetChange>& changes) {
  const auto local = [](date::sys_seconds instant, seconds offset) {
    return date::local_seconds{instant.time_since_epoch() + offset};
  };
  std::vector<date::local_seconds> points = {local(begin, zone->get_info(begin).offset),
                                             local(end - 1s, zone->get_info(end - 1s).offset)};
  WindowFocus focus;
  focus.minutes.push_back(0);
  for (const OffsetChange& change : changes) {
    for (date::local_seconds point :
         {local(change.at, change.before), local(change.at, change.after)}) {
      points.push_back(point);
      const date::hh_mm_ss<seconds> time{point - date::floor<date::days>(point)};
      const int hour = static_cast<int>(time.hours().count());
      for (int h : {(hour + 23) % 24, hour, (hour + 1) % 24}) focus.hours.push_back(h);
      focus.minutes.push_back(static_cast<int>(time.minutes().count()));
    }
  }
  const auto [first, last] = std::minmax_element(points.begin(), points.end());
  for (date::local_days day = date::floor<date::days>(*first);
       day <= date::floor<date::days>(*last); day += date::days{1}) {
    focus.days.push_back(day);
  }
  return focus;
}

// Returns `count` random schedules, each biased to one local date of the
// window and to the hours and minutes around its offset changes.
// `time_bias` is the probability that the hour field must contain one of
// those hours, and half of it applies to the minute and second fields.
std::vector<ModelSchedule> RandomCases(ExpressionGenerator& generator, const WindowFocus& window,
                                       int count, double time_bias) {
  std::vector<ModelSchedule> cases;
  for (int i = 0; i < count; ++i) {
    const date::local_days day = window.days[std::uniform_int_distribution<size_t>(
        0, window.days.size() - 1)(generator.random())];
    const date::year_month_day date{day};
    Focus focus;
    focus.values[kDay] = {static_cast<int>(static_cast<unsigned>(date.day()))};
    focus.values[kMonth] = {static_cast<int>(static_cast<unsigned>(date.month()))};
    focus.values[kWeekday] = {static_cast<int>(date::weekday{day}.c_encoding())};
    focus.values[kHour] = window.hours;
    focus.values[kMinute] = window.minutes;
    focus.values[kSecond] = {0};
    focus.required = {time_bias / 2, time_bias / 2, time_bias, 0.85, 0.85, 0.85};
    cases.push_back(generator.Make(focus));
  }
  return cases;
}

// FNV-1a, so that each zone gets its own stable seed.
uint32_t Hash(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

struct ZoneCase {
  std::string_view zone;
  // Instants shortly before listed offset changes. Each window goes around
  // the first change after its instant.
  std::vector<std::string_view> listed;
};

// Names the zone in test output.
void PrintTo(const ZoneCase& zone_case, std::ostream* out) { *out << zone_case.zone; }

constexpr int kRandomChangesPerZone = 4;
constexpr int kRandomCasesPerWindow = 40;
constexpr seconds kBeforeChange = 4h;
constexpr seconds kAfterChange = 6h;

// Returns the offset changes to test in the zone: the listed ones and
// kRandomChangesPerZone picked at random from 1970 to 2037.
std::vector<date::sys_seconds> PickChanges(const ZoneCase& zone_case, const date::time_zone* zone) {
  std::vector<date::sys_seconds> picked;
  for (std::string_view text : zone_case.listed) {
    picked.push_back(zone->get_info(date::floor<seconds>(Instant(text))).end);
  }
  std::vector<OffsetChange> all = OffsetChanges(zone, date::sys_days{date::year{1970} / 1 / 1},
                                                date::sys_days{date::year{2038} / 1 / 1});
  std::mt19937 random(kSeed ^ Hash(zone_case.zone));
  std::shuffle(all.begin(), all.end(), random);
  for (size_t i = 0; i < all.size() && i < kRandomChangesPerZone; ++i) picked.push_back(all[i].at);
  std::sort(picked.begin(), picked.end());
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  return picked;
}

class CronScheduleDstWindowTest : public ::testing::TestWithParam<ZoneCase> {};

TEST_P(CronScheduleDstWindowTest, MatchesModel) {
  const ZoneCase& zone_case = GetParam();
  const date::time_zone* zone = Zone(zone_case.zone);
  ExpressionGenerator generator(kSeed ^ Hash(zone_case.zone) ^ 1);
  const std::vector<date::sys_seconds> picked = PickChanges(zone_case, zone);
  ASSERT_FALSE(picked.empty()) << zone_case.zone << " has no offset change from 1970 to 2037";

  int checked = 0;
  for (date::sys_seconds change : picked) {
    const date::sys_seconds begin = change - kBeforeChange;
    const date::sys_seconds end = change + kAfterChange;
    const std::vector<OffsetChange> changes = OffsetChanges(zone, begin, end);
    ASSERT_FALSE(changes.empty()) << "no offset change near " << Format(change, zone);
    SCOPED_TRACE(::testing::Message() << "window around " << Format(change, zone));

    std::vector<ModelSchedule> cases = ListedCases();
    for (ModelSchedule& random_case :
         RandomCases(generator, FocusOf(zone, begin, end, changes), kRandomCasesPerWindow, 0.7)) {
      cases.push_back(std::move(random_case));
    }
    const auto fires = ModelFires(cases, zone, begin, end);
    for (size_t i = 0; i < cases.size(); ++i) {
      std::optional<CronSchedule> schedule;
      ASSERT_TRUE(ParseLikeModel(cases[i], schedule));
      if (!schedule) continue;
      const auto probes = Probes(fires[i], changes, begin, end, generator.random());
      EXPECT_TRUE(MatchesModel(cases[i], *schedule, fires[i], probes, zone, end));
      ++checked;
    }
  }
  EXPECT_GE(checked, static_cast<int>(picked.size()) * kRandomCasesPerWindow / 2);
}

// Zones whose changes are unusual: 30-minute and 2-hour DST, changes at
// midnight that skip or repeat it, skipped days at the date line, negative
// DST, offsets that are not whole hours, and one-time changes of the
// standard offset.
INSTANTIATE_TEST_SUITE_P(
    Zones, CronScheduleDstWindowTest,
    ::testing::Values(
        ZoneCase{"America/New_York", {"2024-03-10T00:00:00Z", "2024-11-03T00:00:00Z"}},
        ZoneCase{"Europe/Berlin", {"2024-03-30T00:00:00Z", "2024-10-26T00:00:00Z"}},
        ZoneCase{"Australia/Lord_Howe", {"2024-10-05T00:00:00Z", "2024-04-06T00:00:00Z"}},
        ZoneCase{"America/Havana", {"2024-03-09T00:00:00Z", "2024-11-02T00:00:00Z"}},
        ZoneCase{"America/Santiago", {"2022-09-10T00:00:00Z", "2023-04-01T00:00:00Z"}},
        ZoneCase{"America/Asuncion", {}}, ZoneCase{"Asia/Beirut", {}},
        ZoneCase{"Pacific/Apia", {"2011-12-29T00:00:00Z"}},
        ZoneCase{"Europe/Dublin", {"2024-10-26T00:00:00Z"}}, ZoneCase{"Africa/Casablanca", {}},
        ZoneCase{"America/St_Johns", {}}, ZoneCase{"Asia/Tehran", {}},
        ZoneCase{"Europe/Moscow", {"2011-03-26T00:00:00Z", "2014-10-25T00:00:00Z"}},
        ZoneCase{"Antarctica/Troll", {}}, ZoneCase{"America/Nuuk", {}},
        ZoneCase{"Pacific/Chatham", {}}, ZoneCase{"Asia/Kathmandu", {}},
        ZoneCase{"Australia/Adelaide", {}},
        ZoneCase{"Pacific/Kiritimati", {"1994-12-30T00:00:00Z"}}, ZoneCase{"Pacific/Kwajalein", {}},
        ZoneCase{"America/Caracas", {}}, ZoneCase{"Asia/Pyongyang", {}},
        ZoneCase{"America/Sao_Paulo", {}}, ZoneCase{"Asia/Gaza", {}}, ZoneCase{"Africa/Cairo", {}},
        ZoneCase{"Africa/Monrovia", {}}, ZoneCase{"Australia/Eucla", {}},
        ZoneCase{"America/Scoresbysund", {}}, ZoneCase{"Asia/Colombo", {}},
        ZoneCase{"Europe/London", {}}),
    [](const ::testing::TestParamInfo<ZoneCase>& info) {
      std::string name(info.param.zone);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// ---------------------------------------------------------------------------
// Windows far from offset changes

TEST(CronScheduleBruteForceTest, QuietWindowsMatchEveryFire) {
  constexpr int kWindows = 12;
  constexpr int kCasesPerWindow = 24;
  constexpr size_t kMaxFiresFollowed = 3000;
  const std::array<std::string_view, 8> zones = {
      "UTC",          "America/New_York", "Europe/Berlin",   "Australia/Lord_Howe",
      "Asia/Kolkata", "America/Santiago", "Pacific/Chatham", "Asia/Tehran"};
  ExpressionGenerator generator(kSeed ^ 2);
  std::mt19937& random = generator.random();

  int followed = 0;
  for (int w = 0; w < kWindows; ++w) {
    const date::time_zone* zone = Zone(zones[static_cast<size_t>(w) % zones.size()]);
    const seconds length = date::days{std::uniform_int_distribution<int>(2, 4)(random)};
    const int64_t first =
        date::sys_seconds{date::sys_days{date::year{1970} / 1 / 1}}.time_since_epoch().count();
    const int64_t last =
        date::sys_seconds{date::sys_days{date::year{2037} / 1 / 1}}.time_since_epoch().count();
    date::sys_seconds begin;
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 1000) << "no quiet window in " << zone->name();
      begin =
          date::sys_seconds{seconds{std::uniform_int_distribution<int64_t>(first, last)(random)}};
      // Far from DST: no offset change from a day before to a day after.
      if (OffsetChanges(zone, begin - date::days{1}, begin + length + date::days{1}).empty()) break;
    }
    const date::sys_seconds end = begin + length;
    SCOPED_TRACE(::testing::Message() << zone->name() << " window from " << Format(begin, zone));

    const std::vector<ModelSchedule> cases =
        RandomCases(generator, FocusOf(zone, begin, end, {}), kCasesPerWindow, 0.3);
    const auto fires = ModelFires(cases, zone, begin, end);
    for (size_t i = 0; i < cases.size(); ++i) {
      std::optional<CronSchedule> schedule;
      ASSERT_TRUE(ParseLikeModel(cases[i], schedule));
      if (!schedule) continue;
      if (fires[i].size() <= kMaxFiresFollowed) {
        EXPECT_TRUE(MatchesEveryFire(cases[i], *schedule, fires[i], zone, begin, end));
        ++followed;
      } else {
        const auto probes = Probes(fires[i], {}, begin, end, random);
        EXPECT_TRUE(MatchesModel(cases[i], *schedule, fires[i], probes, zone, end));
      }
    }
  }
  EXPECT_GE(followed, kWindows * kCasesPerWindow / 2);
}

// ---------------------------------------------------------------------------
// Dates decades apart

// Returns the first occurrence after `after` by trying every local day in
// turn. The schedules given to it run at fixed local times that no offset
// change of the test zones skips or repeats.
std::optional<date::sys_seconds> DayByDayNext(const ModelSchedule& schedule,
                                              const date::time_zone* zone,
                                              date::sys_seconds after) {
  const date::local_seconds local_after{after.time_since_epoch() + zone->get_info(after).offset};
  date::local_days day = date::floor<date::days>(local_after);
  for (int n = 0; n < 2 * 146097; ++n, day += date::days{1}) {
    if (!schedule.MatchesDay(day)) continue;
    for (int hour = 0; hour < 24; ++hour) {
      if (!schedule.Has(kHour, hour)) continue;
      for (int minute = 0; minute < 60; ++minute) {
        if (!schedule.Has(kMinute, minute)) continue;
        for (int second = 0; second < 60; ++second) {
          const date::local_seconds local =
              day + std::chrono::hours{hour} + std::chrono::minutes{minute} + seconds{second};
          if (!schedule.Has(kSecond, second) || local <= local_after) continue;
          const date::local_info info = zone->get_info(local);
          if (info.result != date::local_info::unique) return std::nullopt;
          return date::sys_seconds{local.time_since_epoch() - info.first.offset};
        }
      }
    }
  }
  return std::nullopt;
}

TEST(CronScheduleBruteForceTest, RareDatesMatchDayByDaySearch) {
  constexpr int kRandomCases = 40;
  constexpr int kStartsPerCase = 4;
  const uint64_t zero = Values({0});
  std::vector<ModelSchedule> cases = {
      // Feb 29 on a Monday: 2016, 2044, 2072, 2112 (2100 is no leap year).
      {"0 0 0 29 2 1", {zero, zero, zero, Values({29}), Values({2}), Values({1})}, false},
      {"0 0 0 31 12 0", {zero, zero, zero, Values({31}), Values({12}), Values({0})}, false},
      {"0 0 12 29 2 *", {zero, zero, Values({12}), Values({29}), Values({2}), Every(0, 6)}, false},
      {"0 0 0 13 * FRI", {zero, zero, zero, Values({13}), Every(1, 12), Values({5})}, false},
      {"59 59 23 29 FEB SUN",
       {Values({59}), Values({59}), Values({23}), Values({29}), Values({2}), Values({0})},
       false},
      {"0 0 0 29-31 2,4 1", {zero, zero, zero, Every(29, 31), Values({2, 4}), Values({1})}, false},
  };

  // Random day fields that match rarely, at fixed times away from 01:00 to
  // 03:59, where New York's offset changes.
  ExpressionGenerator generator(kSeed ^ 3);
  std::mt19937& random = generator.random();
  const auto pick = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const size_t listed = cases.size();
  while (cases.size() < listed + kRandomCases) {
    Focus focus;
    focus.values[kDay] = {1, 13, 28, 29, 30, 31};
    focus.required[kDay] = 1;
    const RandomField day = generator.Field(kDay, focus);
    const RandomField month = generator.Field(kMonth, focus);
    const RandomField weekday = generator.Field(kWeekday, focus);
    if (std::popcount(day.values) > 3 || std::popcount(month.values) > 2 ||
        std::popcount(weekday.values) > 2) {
      continue;
    }
    const int second = pick(0, 59);
    const int minute = pick(0, 59);
    const int hour = pick(0, 19) == 0 ? 0 : pick(4, 23);
    ModelSchedule model;
    model.expression = std::to_string(second) + " " + std::to_string(minute) + " " +
                       std::to_string(hour) + " " + day.text + " " + month.text + " " +
                       weekday.text;
    model.values = {Values({second}), Values({minute}), Values({hour}),
                    day.values,       month.values,     weekday.values};
    model.interval = false;
    if (model.HasPossibleDate()) cases.push_back(model);
  }

  const int64_t first =
      date::sys_seconds{date::sys_days{date::year{1970} / 1 / 1}}.time_since_epoch().count();
  const int64_t last =
      date::sys_seconds{date::sys_days{date::year{2040} / 1 / 1}}.time_since_epoch().count();
  for (std::string_view zone_name : {"UTC", "Asia/Tokyo", "America/New_York"}) {
    const date::time_zone* zone = Zone(zone_name);
    for (const ModelSchedule& model : cases) {
      std::optional<CronSchedule> schedule;
      ASSERT_TRUE(ParseLikeModel(model, schedule));
      ASSERT_TRUE(schedule.has_value()) << model.expression;
      for (int i = 0; i < kStartsPerCase; ++i) {
        const date::sys_seconds after{
            seconds{std::uniform_int_distribution<int64_t>(first, last)(random)}};
        const auto expected = DayByDayNext(model, zone, after);
        ASSERT_TRUE(expected.has_value()) << model.expression << " in " << zone_name;
        const auto next = schedule->NextAfter(after, zone);
        ASSERT_TRUE(next.has_value()) << model.expression << " in " << zone_name;
        EXPECT_EQ(Format(*next, zone), Format(*expected, zone))
            << "'" << model.expression << "' in " << zone_name << " after " << Format(after, zone);
      }
    }
  }
}

}  // namespace
}  // namespace webjobs
