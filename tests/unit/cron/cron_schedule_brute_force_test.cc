// Compares CronSchedule::NextAfter with an independent brute-force model
// that steps through every second of a window around DST changes.
//
// The model decides for each instant u whether a schedule fires at u. It
// fires when any of these is true:
//   - The local time at u matches, and date's local_info classifies it as
//     unique.
//   - The local time at u matches and is ambiguous, and either u lies in the
//     first pass or the schedule is an interval schedule.
//   - u is the first instant after a spring-forward jump, and some skipped
//     local second matches.
// Field matching uses hand-written predicates and value sets built here,
// not the parser's bit sets. Random schedules widen the coverage beyond the
// listed expressions.
#include <gtest/gtest.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cron/cron_schedule.h"
#include "cron/cron_test_support.h"

namespace webjobs {
namespace {

using cron_test::Format;
using cron_test::Instant;
using cron_test::Zone;
using std::chrono::seconds;

struct LocalFields {
  int second;
  int minute;
  int hour;
  int day;
  int month;
  int weekday;  // 0 = Sunday
};

struct ModelCase {
  std::string expression;
  bool interval;
  std::function<bool(const LocalFields&)> matches;
};

struct Window {
  std::string_view zone;
  std::string_view begin;  // inclusive
  std::string_view end;    // exclusive
};

LocalFields Decompose(date::local_seconds local) {
  const date::local_days day = date::floor<date::days>(local);
  const date::year_month_day date{day};
  const auto time_of_day = static_cast<int>((local - day).count());
  return {time_of_day % 60,
          time_of_day / 60 % 60,
          time_of_day / 3600,
          static_cast<int>(static_cast<unsigned>(date.day())),
          static_cast<int>(static_cast<unsigned>(date.month())),
          static_cast<int>(date::weekday{day}.c_encoding())};
}

std::vector<ModelCase> ListedCases() {
  return {
      {"0 0 * * * *", true, [](const LocalFields& f) { return f.second == 0 && f.minute == 0; }},
      {"0 */20 * * * *", true,
       [](const LocalFields& f) { return f.second == 0 && f.minute % 20 == 0; }},
      {"0 30 1 * * *", false,
       [](const LocalFields& f) { return f.second == 0 && f.minute == 30 && f.hour == 1; }},
      {"15 30 2 * * *", false,
       [](const LocalFields& f) { return f.second == 15 && f.minute == 30 && f.hour == 2; }},
      {"*/30 * 1 * * *", true,
       [](const LocalFields& f) { return f.second % 30 == 0 && f.hour == 1; }},
      {"0 0,30 2 * * *", false,
       [](const LocalFields& f) {
         return f.second == 0 && (f.minute == 0 || f.minute == 30) && f.hour == 2;
       }},
      {"0 0 2 * * 0", false,
       [](const LocalFields& f) {
         return f.second == 0 && f.minute == 0 && f.hour == 2 && f.weekday == 0;
       }},
      {"*/7 * * * * *", true, [](const LocalFields& f) { return f.second % 7 == 0; }},
      {"0 15-45/10 1-3 * * *", true,
       [](const LocalFields& f) {
         return f.second == 0 && f.minute >= 15 && f.minute <= 45 && (f.minute - 15) % 10 == 0 &&
                f.hour >= 1 && f.hour <= 3;
       }},
      {"0 0 22-2 * * FRI-MON", true,
       [](const LocalFields& f) {
         return f.second == 0 && f.minute == 0 && (f.hour >= 22 || f.hour <= 2) &&
                (f.weekday >= 5 || f.weekday <= 1);
       }},
      {"30 2 * * *", false,
       [](const LocalFields& f) { return f.second == 0 && f.minute == 30 && f.hour == 2; }},
      {"0 45 0 * * *", false,
       [](const LocalFields& f) { return f.second == 0 && f.minute == 45 && f.hour == 0; }},
      {"0 0 0 * * *", false,
       [](const LocalFields& f) { return f.second == 0 && f.minute == 0 && f.hour == 0; }},
      {"59 59 23 * * *", false,
       [](const LocalFields& f) { return f.second == 59 && f.minute == 59 && f.hour == 23; }},
      {"0 0 12 * * *", false,
       [](const LocalFields& f) { return f.second == 0 && f.minute == 0 && f.hour == 12; }},
  };
}

// A random field: its text and the value set the text means, built without
// the parser.
struct RandomField {
  std::string text;
  std::bitset<64> values;
  bool interval_syntax;
};

// Values in lists and range ends are drawn from [min, pick_max], so the
// fields can favor hours near the usual transition times, while `*`, steps
// and wrapping follow the field's whole range [min, max].
RandomField MakeRandomField(std::mt19937& random, int min, int max, int pick_max, bool allow_star) {
  const int form = std::uniform_int_distribution<int>(allow_star ? 0 : 2, 4)(random);
  std::uniform_int_distribution<int> value(min, pick_max);
  RandomField field;
  if (form == 0) {
    field.text = "*";
    for (int v = min; v <= max; ++v) field.values.set(v);
    field.interval_syntax = true;
  } else if (form == 1) {
    const int step = std::uniform_int_distribution<int>(2, 25)(random);
    field.text = "*/" + std::to_string(step);
    for (int v = min; v <= max; v += step) field.values.set(v);
    field.interval_syntax = true;
  } else if (form == 2) {
    // A range that may be reversed and then wraps past the maximum.
    const int first = value(random);
    const int last = value(random);
    field.text = std::to_string(first) + "-" + std::to_string(last);
    for (int v = first; v != last; v = v == max ? min : v + 1) field.values.set(v);
    field.values.set(last);
    field.interval_syntax = true;
  } else {
    const int count = std::uniform_int_distribution<int>(1, 4)(random);
    for (int i = 0; i < count; ++i) {
      const int v = value(random);
      field.text += (i == 0 ? "" : ",") + std::to_string(v);
      field.values.set(v);
    }
    field.interval_syntax = false;
  }
  return field;
}

std::vector<ModelCase> RandomCases(int count) {
  std::mt19937 random(20240310);
  std::vector<ModelCase> cases;
  for (int i = 0; i < count; ++i) {
    const RandomField second = MakeRandomField(random, 0, 59, 59, false);
    const RandomField minute = MakeRandomField(random, 0, 59, 59, true);
    // Hours near the usual transition times make DST cases likely.
    const RandomField hour = MakeRandomField(random, 0, 23, 3, true);
    const RandomField weekday = MakeRandomField(random, 0, 6, 6, true);
    const std::string expression =
        second.text + " " + minute.text + " " + hour.text + " * * " + weekday.text;
    const bool interval = second.interval_syntax || minute.interval_syntax || hour.interval_syntax;
    cases.push_back({expression, interval, [=](const LocalFields& f) {
                       return second.values.test(f.second) && minute.values.test(f.minute) &&
                              hour.values.test(f.hour) && weekday.values.test(f.weekday);
                     }});
  }
  return cases;
}

// Returns the fire instants of every case in [begin, end), by the model in
// the file comment.
std::vector<std::vector<date::sys_seconds>> ModelFires(const std::vector<ModelCase>& cases,
                                                       const date::time_zone* zone,
                                                       date::sys_seconds begin,
                                                       date::sys_seconds end) {
  std::vector<std::vector<date::sys_seconds>> fires(cases.size());
  date::sys_info previous = zone->get_info(begin - seconds{1});
  date::sys_info current = zone->get_info(begin);
  for (date::sys_seconds instant = begin; instant < end; instant += seconds{1}) {
    if (instant >= current.end) {
      previous = current;
      current = zone->get_info(instant);
    }
    if (instant == current.begin && current.offset > previous.offset) {
      // Skipped local seconds of a spring-forward jump fire here.
      const date::local_seconds gap_begin{instant.time_since_epoch() + previous.offset};
      const date::local_seconds gap_end{instant.time_since_epoch() + current.offset};
      for (size_t i = 0; i < cases.size(); ++i) {
        for (date::local_seconds local = gap_begin; local < gap_end; local += seconds{1}) {
          if (cases[i].matches(Decompose(local))) {
            fires[i].push_back(instant);
            break;
          }
        }
      }
    }

    const date::local_seconds local{instant.time_since_epoch() + current.offset};
    const LocalFields fields = Decompose(local);
    std::optional<bool> first_pass;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (!cases[i].matches(fields)) continue;
      if (!first_pass) {
        const date::local_info info = zone->get_info(local);
        first_pass =
            info.result != date::local_info::ambiguous || info.first.offset == current.offset;
      }
      if ((cases[i].interval || *first_pass) && (fires[i].empty() || fires[i].back() != instant)) {
        fires[i].push_back(instant);
      }
    }
  }
  return fires;
}

// Returns the instants to query: every 181st second of the window, every
// 17th second near each offset change, and the seconds around each offset
// change and around model fires (a sample of them when fires are dense),
// where mistakes cluster.
std::vector<date::sys_seconds> Probes(const std::vector<date::sys_seconds>& fires,
                                      const std::vector<date::sys_seconds>& transitions,
                                      date::sys_seconds begin, date::sys_seconds end) {
  constexpr size_t kMaxFiresProbed = 300;
  std::vector<date::sys_seconds> probes;
  for (date::sys_seconds t = begin - seconds{1}; t < end; t += seconds{181}) probes.push_back(t);
  for (date::sys_seconds transition : transitions) {
    for (seconds delta{-2700}; delta <= seconds{2700}; delta += seconds{17}) {
      probes.push_back(transition + delta);
    }
    for (int delta = -3; delta <= 2; ++delta) probes.push_back(transition + seconds{delta});
  }
  const size_t stride = fires.size() / kMaxFiresProbed + 1;
  for (size_t i = 0; i < fires.size(); i += stride) {
    for (int delta = -2; delta <= 1; ++delta) probes.push_back(fires[i] + seconds{delta});
  }
  std::sort(probes.begin(), probes.end());
  probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
  return probes;
}

std::vector<date::sys_seconds> Transitions(const date::time_zone* zone, date::sys_seconds begin,
                                           date::sys_seconds end) {
  std::vector<date::sys_seconds> transitions;
  for (date::sys_info info = zone->get_info(begin); info.end < end;
       info = zone->get_info(info.end)) {
    transitions.push_back(info.end);
  }
  return transitions;
}

::testing::AssertionResult MatchesModel(const ModelCase& model_case,
                                        const std::vector<date::sys_seconds>& fires,
                                        const std::vector<date::sys_seconds>& probes,
                                        const date::time_zone* zone, date::sys_seconds end) {
  auto schedule = CronSchedule::Parse(model_case.expression);
  if (!schedule.ok()) return ::testing::AssertionFailure() << schedule.error().message;
  if (schedule->IsInterval() != model_case.interval) {
    return ::testing::AssertionFailure() << model_case.expression << ": IsInterval differs";
  }

  for (date::sys_seconds after : probes) {
    const auto expected = std::upper_bound(fires.begin(), fires.end(), after);
    const auto next = schedule->NextAfter(after, zone);
    const bool ok = next && (expected != fires.end() ? *next == *expected : *next >= end);
    if (!ok) {
      return ::testing::AssertionFailure()
             << "'" << model_case.expression << "' in " << zone->name() << " after "
             << Format(after, zone) << ": got " << (next ? Format(*next, zone) : "none")
             << ", model says "
             << (expected != fires.end() ? Format(*expected, zone) : "none in window");
    }
  }
  return ::testing::AssertionSuccess();
}

class CronScheduleBruteForceTest : public ::testing::TestWithParam<Window> {};

TEST_P(CronScheduleBruteForceTest, MatchesModel) {
  const Window& window = GetParam();
  std::vector<ModelCase> cases = ListedCases();
  for (ModelCase& random_case : RandomCases(16)) cases.push_back(std::move(random_case));

  const date::time_zone* zone = Zone(window.zone);
  const date::sys_seconds begin = date::floor<seconds>(Instant(window.begin));
  const date::sys_seconds end = date::floor<seconds>(Instant(window.end));
  const auto transitions = Transitions(zone, begin, end);
  ASSERT_FALSE(transitions.empty()) << "no offset change in the window";
  const auto fires = ModelFires(cases, zone, begin, end);
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_TRUE(
        MatchesModel(cases[i], fires[i], Probes(fires[i], transitions, begin, end), zone, end));
  }
}

// Each window runs from 6 hours before an offset change to 9 hours after it.
INSTANTIATE_TEST_SUITE_P(
    DstChanges, CronScheduleBruteForceTest,
    ::testing::Values(Window{"America/New_York", "2024-03-10T01:00:00Z", "2024-03-10T16:00:00Z"},
                      Window{"America/New_York", "2024-11-03T00:00:00Z", "2024-11-03T15:00:00Z"},
                      Window{"Europe/Berlin", "2024-03-30T19:00:00Z", "2024-03-31T10:00:00Z"},
                      Window{"Europe/Berlin", "2024-10-26T19:00:00Z", "2024-10-27T10:00:00Z"},
                      Window{"Australia/Lord_Howe", "2024-10-05T09:30:00Z", "2024-10-06T00:30:00Z"},
                      Window{"Australia/Lord_Howe", "2024-04-06T09:00:00Z", "2024-04-07T00:00:00Z"},
                      Window{"America/Havana", "2024-03-09T23:00:00Z", "2024-03-10T14:00:00Z"},
                      Window{"America/Havana", "2024-11-02T23:00:00Z", "2024-11-03T14:00:00Z"},
                      Window{"Pacific/Apia", "2011-12-30T04:00:00Z", "2011-12-30T19:00:00Z"},
                      Window{"Europe/Dublin", "2024-10-26T19:00:00Z", "2024-10-27T10:00:00Z"}),
    [](const ::testing::TestParamInfo<Window>& info) {
      std::string name = std::string(info.param.zone) + "_" + std::string(info.param.begin);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace webjobs
