#include "package/job_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <string>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

std::string Utf16Le(std::string_view ascii) {
  std::string bytes = "\xFF\xFE";
  for (char ch : ascii) {
    bytes += ch;
    bytes += '\0';
  }
  return bytes;
}

std::string Utf16Be(std::string_view ascii) {
  std::string bytes = "\xFE\xFF";
  for (char ch : ascii) {
    bytes += '\0';
    bytes += ch;
  }
  return bytes;
}

JobSettings Parse(std::string_view text) {
  Result<JobSettings> settings = ParseJobSettings(text);
  EXPECT_TRUE(settings.ok()) << text << ": " << (settings.ok() ? "" : settings.error().message);
  return settings.ok() ? *settings : JobSettings{};
}

std::string ParseError(std::string_view text) {
  Result<JobSettings> settings = ParseJobSettings(text);
  EXPECT_FALSE(settings.ok()) << text;
  if (settings.ok()) return "";
  EXPECT_EQ(settings.error().code, ErrorCode::kInvalidArgument) << text;
  return settings.error().message;
}

TEST(JobSettingsTest, ReadsUtf8WithBom) {
  EXPECT_EQ(Parse("\xEF\xBB\xBF{\"schedule\": \"0 0 * * * *\"}").schedule, "0 0 * * * *");
}

TEST(JobSettingsTest, ReadsUtf16WithBom) {
  EXPECT_EQ(Parse(Utf16Le("{\"schedule\": \"0 0 * * * *\"}")).schedule, "0 0 * * * *");
  EXPECT_EQ(Parse(Utf16Be("{\"schedule\": \"0 0 * * * *\"}")).schedule, "0 0 * * * *");
}

TEST(JobSettingsTest, KeysAreCaseSensitive) {
  JobSettings settings = Parse("{\"Schedule\": \"0 0 * * * *\"}");
  EXPECT_FALSE(settings.schedule);
  EXPECT_THAT(settings.warnings,
              ElementsAre("settings.job: unknown key \"Schedule\"; keys are case-sensitive, did "
                          "you mean \"schedule\"?"));
  EXPECT_EQ(settings.raw["Schedule"], "0 0 * * * *");
}

TEST(JobSettingsTest, RejectsStringWhereBoolExpected) {
  std::string message = ParseError("{\"is_singleton\": \"true\"}");
  EXPECT_THAT(message, HasSubstr("\"is_singleton\" must be true or false"));
  EXPECT_THAT(message, HasSubstr("found \"true\" (a string)"));
}

TEST(JobSettingsTest, RejectsStringWhereSecondsExpected) {
  std::string message = ParseError("{\"stopping_wait_time\": \"60\"}");
  EXPECT_THAT(message, HasSubstr("\"stopping_wait_time\" must be a whole number of seconds"));
  EXPECT_THAT(message, HasSubstr("found \"60\" (a string)"));
}

TEST(JobSettingsTest, ReadsWholeSeconds) {
  EXPECT_EQ(Parse("{\"stopping_wait_time\": 60}").stopping_wait_time, std::chrono::seconds(60));
  EXPECT_EQ(Parse("{\"stopping_wait_time\": 0}").stopping_wait_time, std::chrono::seconds(0));
}

TEST(JobSettingsTest, RejectsFractionalSeconds) {
  std::string message = ParseError("{\"stopping_wait_time\": 60.5}");
  EXPECT_THAT(message, HasSubstr("\"stopping_wait_time\""));
  EXPECT_THAT(message, HasSubstr("found 60.5 (a number with a fraction)"));
}

TEST(JobSettingsTest, RejectsHtmlWithLineAndColumn) {
  std::string message = ParseError("<p>{ &quot;schedule&quot;: &quot;0 */2 * * * *&quot; }</p>");
  EXPECT_THAT(message, HasSubstr("settings.job is not valid JSON: line 1, column 1: "));
  EXPECT_THAT(message, HasSubstr("invalid literal"));
}

TEST(JobSettingsTest, ReportsLineAndColumnInCharacters) {
  std::string message = ParseError("{\n  \"schedule\": \"0 0 * * * *\",\n  \"\xC3\xA9\": x\n}");
  EXPECT_THAT(message, HasSubstr("line 3, column 8"));
  EXPECT_THAT(ParseError("{\"a\": 1,\n}"), HasSubstr("line 2, column 1"));
  EXPECT_THAT(ParseError("[1, 2"), HasSubstr("line 1, column 6"));
}

TEST(JobSettingsTest, AcceptsComments) {
  JobSettings settings = Parse(
      "// nightly job\n{\n  /* every hour */ \"schedule\": \"0 0 * * * *\", // UTC\n"
      "  \"is_singleton\": true\n}\n");
  EXPECT_EQ(settings.schedule, "0 0 * * * *");
  EXPECT_EQ(settings.is_singleton, true);
}

TEST(JobSettingsTest, EmptyFileMeansNoSettings) {
  for (std::string_view text : {"", " \r\n\t", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n"}) {
    JobSettings settings = Parse(text);
    EXPECT_TRUE(settings.raw.is_object());
    EXPECT_TRUE(settings.raw.empty());
  }
}

TEST(JobSettingsTest, RejectsNonObject) {
  EXPECT_THAT(ParseError("[1]"), HasSubstr("must contain a JSON object"));
  EXPECT_THAT(ParseError("\"x\""), HasSubstr("found \"x\" (a string)"));
  EXPECT_THAT(ParseError("null"), HasSubstr("found null"));
}

TEST(JobSettingsTest, ReadsKuduKeys) {
  JobSettings settings = Parse(
      "{\"schedule\": \"0 */5 * * * *\", \"is_singleton\": true, \"stopping_wait_time\": 120, "
      "\"is_in_place\": false}");
  EXPECT_EQ(settings.schedule, "0 */5 * * * *");
  EXPECT_EQ(settings.is_singleton, true);
  EXPECT_EQ(settings.stopping_wait_time, std::chrono::seconds(120));
  EXPECT_EQ(settings.is_in_place, false);
  EXPECT_THAT(settings.warnings, IsEmpty());
}

TEST(JobSettingsTest, ReadsOurKeys) {
  JobSettings settings = Parse(
      "{\"time_zone\": \"Europe/Berlin\", \"stop_signal\": \"SIGINT\", \"history_size\": 10, "
      "\"idle_timeout\": 0, \"restart_delay\": 5, \"catch_up\": \"all\", "
      "\"catch_up_window\": 3600, \"overlap\": \"queue_one\"}");
  EXPECT_EQ(settings.time_zone, "Europe/Berlin");
  EXPECT_EQ(settings.stop_signal, SIGINT);
  EXPECT_EQ(settings.history_size, 10);
  EXPECT_EQ(settings.idle_timeout, std::chrono::seconds(0));
  EXPECT_EQ(settings.restart_delay, std::chrono::seconds(5));
  EXPECT_EQ(settings.catch_up, CatchUpPolicy::kAll);
  EXPECT_EQ(settings.catch_up_window, std::chrono::seconds(3600));
  EXPECT_EQ(settings.overlap, OverlapPolicy::kQueueOne);
}

TEST(JobSettingsTest, AbsentKeysStayEmpty) {
  JobSettings settings = Parse("{}");
  EXPECT_FALSE(settings.schedule);
  EXPECT_FALSE(settings.is_singleton);
  EXPECT_FALSE(settings.stopping_wait_time);
  EXPECT_FALSE(settings.stop_signal);
  EXPECT_FALSE(settings.catch_up);
  EXPECT_FALSE(settings.overlap);
}

TEST(JobSettingsTest, NullMeansNotSet) {
  JobSettings settings = Parse("{\"schedule\": null, \"is_singleton\": null}");
  EXPECT_FALSE(settings.schedule);
  EXPECT_FALSE(settings.is_singleton);
  EXPECT_TRUE(settings.raw.contains("schedule"));
}

TEST(JobSettingsTest, ParsesSignalNamesAndNumbers) {
  struct Case {
    const char* json;
    int signal;
  };
  for (const Case& c :
       {Case{"\"SIGTERM\"", SIGTERM}, Case{"\"TERM\"", SIGTERM}, Case{"\"term\"", SIGTERM},
        Case{"\"SigInt\"", SIGINT}, Case{"\"SIGHUP\"", SIGHUP}, Case{"\"usr1\"", SIGUSR1},
        Case{"\"SIGUSR2\"", SIGUSR2}, Case{"\"SIGQUIT\"", SIGQUIT}, Case{"9", 9}, Case{"64", 64},
        Case{"\"15\"", 15}, Case{"1", 1}}) {
    std::string text = std::string("{\"stop_signal\": ") + c.json + "}";
    EXPECT_EQ(Parse(text).stop_signal, c.signal) << c.json;
  }
}

TEST(JobSettingsTest, RejectsBadSignals) {
  for (const char* value : {"\"SIGFOO\"", "\"SIG\"", "\"\"", "true", "15.5", "\"100\"", "[15]"}) {
    std::string message = ParseError(std::string("{\"stop_signal\": ") + value + "}");
    EXPECT_THAT(message, HasSubstr("\"stop_signal\" must be a signal name")) << value;
  }
}

TEST(JobSettingsTest, RejectsSignalNumbersOutOfRange) {
  for (const char* value : {"0", "65", "-1", "6.5e1", "18446744073709551615", "1e999"}) {
    std::string message = ParseError(std::string("{\"stop_signal\": ") + value + "}");
    EXPECT_THAT(message, HasSubstr("settings.job: \"stop_signal\" is out of range: found "))
        << value;
    EXPECT_THAT(message, HasSubstr("or a number from 1 to 64")) << value;
  }
}

TEST(JobSettingsTest, ChecksIntegerRanges) {
  EXPECT_EQ(ParseError("{\"history_size\": 0}"),
            "settings.job: \"history_size\" is out of range: found 0, but it must be a whole "
            "number from 1 to 2147483647");
  EXPECT_THAT(ParseError("{\"idle_timeout\": -1}"), HasSubstr("\"idle_timeout\""));
  EXPECT_THAT(ParseError("{\"restart_delay\": 2147483648}"), HasSubstr("\"restart_delay\""));
  EXPECT_THAT(ParseError("{\"stopping_wait_time\": 18446744073709551615}"),
              HasSubstr("\"stopping_wait_time\""));
  EXPECT_THAT(ParseError("{\"catch_up_window\": 0}"), HasSubstr("from 1 to"));
  EXPECT_EQ(Parse("{\"restart_delay\": 2147483647}").restart_delay,
            std::chrono::seconds(2147483647));
}

// Every key that takes a whole number, with its allowed range and the
// unit that its messages name.
struct WholeNumberKey {
  const char* key;
  int64_t minimum;
  int64_t maximum;
  const char* expected;
};

constexpr WholeNumberKey kWholeNumberKeys[] = {
    {"stopping_wait_time", 0, 2147483647, "a whole number of seconds from 0 to 2147483647"},
    {"history_size", 1, 2147483647, "a whole number from 1 to 2147483647"},
    {"idle_timeout", 0, 2147483647, "a whole number of seconds from 0 to 2147483647"},
    {"restart_delay", 0, 2147483647, "a whole number of seconds from 0 to 2147483647"},
    {"catch_up_window", 1, 2147483647, "a whole number of seconds from 1 to 2147483647"},
    {"stop_signal", 1, 64,
     "a signal name such as \"SIGTERM\", \"TERM\" or \"SIGINT\", or a number from 1 to 64"},
};

// Reads `key` from a file that sets it to `value` as written.
std::optional<int64_t> ReadWholeNumberKey(const char* key, const std::string& value) {
  JobSettings settings = Parse(std::string("{\"") + key + "\": " + value + "}");
  std::string_view name = key;
  if (name == "stopping_wait_time" && settings.stopping_wait_time) {
    return settings.stopping_wait_time->count();
  }
  if (name == "history_size") return settings.history_size;
  if (name == "idle_timeout" && settings.idle_timeout) return settings.idle_timeout->count();
  if (name == "restart_delay" && settings.restart_delay) return settings.restart_delay->count();
  if (name == "catch_up_window" && settings.catch_up_window) {
    return settings.catch_up_window->count();
  }
  if (name == "stop_signal") return settings.stop_signal;
  return std::nullopt;
}

TEST(JobSettingsTest, WholeNumbersInAnyNotation) {
  for (const WholeNumberKey& key : kWholeNumberKeys) {
    for (const char* written : {"60", "60.0", "6e1", "6E+1", "6.0e1", "600e-1", "60.000"}) {
      EXPECT_EQ(ReadWholeNumberKey(key.key, written), 60) << key.key << ": " << written;
    }
    std::string maximum = std::to_string(key.maximum);
    EXPECT_EQ(ReadWholeNumberKey(key.key, maximum + ".0"), key.maximum) << key.key;
    std::string minimum = std::to_string(key.minimum);
    EXPECT_EQ(ReadWholeNumberKey(key.key, minimum + ".0"), key.minimum) << key.key;
  }
}

TEST(JobSettingsTest, OutOfRangeSaysOutOfRange) {
  struct Case {
    const char* written;
    const char* in_message;  // the number as the message writes it
  };
  const Case cases[] = {
      {"1e12", "1000000000000"},
      {"1000000000000", "1000000000000"},
      {"1.0e12", "1000000000000"},
      {"2147483648", "2147483648"},
      {"2.147483648e9", "2147483648"},
      {"-1", "-1"},
      {"-1.0", "-1"},
      {"-1e3", "-1000"},
      {"1e20", "1e+20"},
      {"18446744073709551615", "18446744073709551615"},
      {"18446744073709551616", "1.8446744073709552e+19"},
      {"-9223372036854775809", "-9.223372036854776e+18"},
      {"1e999", "1e999"},
      {"-1E400", "-1E400"},
  };
  for (const WholeNumberKey& key : kWholeNumberKeys) {
    for (const Case& c : cases) {
      std::string text = std::string("{\"") + key.key + "\": " + c.written + "}";
      std::string message = ParseError(text);
      EXPECT_EQ(message, std::string("settings.job: \"") + key.key + "\" is out of range: found " +
                             c.in_message + ", but it must be " + key.expected)
          << text;
      EXPECT_THAT(message, Not(HasSubstr("fraction"))) << text;
    }
  }
}

TEST(JobSettingsTest, RangeBoundsAreInclusive) {
  for (const WholeNumberKey& key : kWholeNumberKeys) {
    EXPECT_EQ(ReadWholeNumberKey(key.key, std::to_string(key.minimum)), key.minimum) << key.key;
    EXPECT_EQ(ReadWholeNumberKey(key.key, std::to_string(key.maximum)), key.maximum) << key.key;
    std::string below =
        std::string("{\"") + key.key + "\": " + std::to_string(key.minimum - 1) + "}";
    EXPECT_THAT(ParseError(below), HasSubstr("is out of range")) << below;
    std::string above =
        std::string("{\"") + key.key + "\": " + std::to_string(key.maximum + 1) + "}";
    EXPECT_THAT(ParseError(above), HasSubstr("is out of range")) << above;
  }
}

TEST(JobSettingsTest, FractionSaysFraction) {
  for (const WholeNumberKey& key : kWholeNumberKeys) {
    for (const char* written : {"60.5", "0.1", "1e-1", "-0.5", "2147483647.5", "6.05e1"}) {
      std::string text = std::string("{\"") + key.key + "\": " + written + "}";
      std::string message = ParseError(text);
      EXPECT_THAT(message, StartsWith(std::string("settings.job: \"") + key.key + "\" must be " +
                                      key.expected + ", found "))
          << text;
      EXPECT_THAT(message, EndsWith(" (a number with a fraction)")) << text;
      EXPECT_THAT(message, Not(HasSubstr("out of range"))) << text;
    }
  }
}

TEST(JobSettingsTest, WholeFloatIsNotCalledFractional) {
  for (const char* text : {"{\"is_singleton\": 1e12}", "{\"schedule\": 5.0}", "{\"catch_up\": 1E3}",
                           "{\"overlap\": -2.0}"}) {
    std::string message = ParseError(text);
    EXPECT_THAT(message, HasSubstr(" (a number)")) << text;
    EXPECT_THAT(message, Not(HasSubstr("fraction"))) << text;
  }
  EXPECT_THAT(ParseError("{\"is_singleton\": 1e12}"), HasSubstr("found 1000000000000 (a number)"));
  EXPECT_THAT(ParseError("{\"schedule\": 1e999}"),
              HasSubstr("\"schedule\" must be a string, found 1e999 (a number)"));
}

TEST(JobSettingsTest, HugeNumberElsewhereNamesTopLevelKey) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"{\"extra\": 1e999}",
       "settings.job: the number 1e999 in \"extra\" is out of range: numbers must lie between "
       "-1.7e308 and 1.7e308, the range of a double"},
      {"{\"extra\": [1, {\"inner\": -2E+999}]}",
       "settings.job: the number -2E+999 in \"extra\" is out of range: numbers must lie between "
       "-1.7e308 and 1.7e308, the range of a double"},
      {"{\"catch_up_window\": [1e999]}",
       "settings.job: the number 1e999 in \"catch_up_window\" is out of range: numbers must lie "
       "between -1.7e308 and 1.7e308, the range of a double"},
      {"[1e999]",
       "settings.job: the number 1e999 is out of range: numbers must lie between -1.7e308 and "
       "1.7e308, the range of a double"},
  };
  for (const Case& c : cases) EXPECT_EQ(ParseError(c.text), c.message) << c.text;
}

TEST(JobSettingsTest, NoLibraryTextInMessages) {
  for (const char* text :
       {"not json", "{\"a\": }", "{\"a\": 1e999}", "[1, 2", "{\"a\": \"\\u12\"}", "{'a': 1}",
        "{\"a\": 1,}", "{\"catch_up_window\": 1e999}", "\"\\uD800\"", "{\"a\": 01}"}) {
    std::string message = ParseError(text);
    EXPECT_THAT(message, StartsWith("settings.job")) << text;
    EXPECT_THAT(message, Not(HasSubstr("json.exception"))) << text;
    EXPECT_THAT(message, Not(HasSubstr("parse error at"))) << text;
    EXPECT_THAT(message, Not(HasSubstr("syntax error while parsing"))) << text;
  }
}

TEST(JobSettingsTest, ChecksChoices) {
  EXPECT_EQ(Parse("{\"catch_up\": \"kudu\"}").catch_up, CatchUpPolicy::kKudu);
  EXPECT_EQ(Parse("{\"catch_up\": \"none\"}").catch_up, CatchUpPolicy::kNone);
  EXPECT_EQ(Parse("{\"catch_up\": \"latest\"}").catch_up, CatchUpPolicy::kLatest);
  EXPECT_EQ(Parse("{\"overlap\": \"skip\"}").overlap, OverlapPolicy::kSkip);
  EXPECT_THAT(ParseError("{\"catch_up\": \"KUDU\"}"),
              HasSubstr("must be one of \"kudu\", \"none\", \"latest\", \"all\""));
}

TEST(JobSettingsTest, ReadsEveryOverlapPolicy) {
  EXPECT_EQ(Parse("{\"overlap\": \"skip\"}").overlap, OverlapPolicy::kSkip);
  EXPECT_EQ(Parse("{\"overlap\": \"queue_one\"}").overlap, OverlapPolicy::kQueueOne);
  EXPECT_EQ(Parse("{\"overlap\": \"replace\"}").overlap, OverlapPolicy::kReplace);
  EXPECT_EQ(Parse("{\"overlap\": \"allow\"}").overlap, OverlapPolicy::kAllow);
}

TEST(JobSettingsTest, OverlapQueueIsAliasOfQueueOne) {
  EXPECT_EQ(Parse("{\"overlap\": \"queue\"}").overlap, OverlapPolicy::kQueueOne);
}

TEST(JobSettingsTest, OverlapErrorListsDocumentedNames) {
  std::string error = ParseError("{\"overlap\": 1}");
  EXPECT_THAT(error, HasSubstr("one of \"skip\", \"queue_one\", \"replace\", \"allow\""));
  EXPECT_THAT(error, Not(HasSubstr("\"queue\"")));
  EXPECT_THAT(ParseError("{\"overlap\": \"Queue\"}"), HasSubstr("\"overlap\""));
  EXPECT_THAT(ParseError("{\"overlap\": \"queue_two\"}"), HasSubstr("\"overlap\""));
}

TEST(JobSettingsTest, RejectsWrongTypesForEveryKey) {
  for (const char* text :
       {"{\"schedule\": 5}", "{\"is_singleton\": 1}", "{\"is_in_place\": \"yes\"}",
        "{\"time_zone\": []}", "{\"history_size\": \"5\"}", "{\"idle_timeout\": {}}",
        "{\"catch_up_window\": 1.5}"}) {
    std::string message = ParseError(text);
    EXPECT_THAT(message, HasSubstr("settings.job: \"")) << text;
  }
}

TEST(JobSettingsTest, KeepsUnknownKeys) {
  JobSettings settings = Parse("{\"run_mode\": \"on_demand\", \"x\": [1, {\"y\": 2}]}");
  EXPECT_EQ(settings.raw["run_mode"], "on_demand");
  EXPECT_EQ(settings.raw["x"][1]["y"], 2);
  EXPECT_THAT(settings.warnings, IsEmpty());
}

TEST(JobSettingsTest, RejectsDeepNesting) {
  std::string deep = "{\"x\": " + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_THAT(ParseError(deep), HasSubstr("nests arrays or objects more than 32 levels"));
  std::string shallow = "{\"x\": " + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_TRUE(ParseJobSettings(shallow).ok());
}

TEST(JobSettingsTest, RejectsOversizedFile) {
  std::string big = "{\"x\": \"" + std::string(kMaxSettingsFileBytes, 'a') + "\"}";
  EXPECT_THAT(ParseError(big), HasSubstr("the limit is 1048576 bytes"));
}

TEST(JobSettingsTest, RejectsInvalidUtf8) {
  EXPECT_THAT(ParseError("{\"schedule\": \"\xFF\"}"), HasSubstr("not valid UTF-8"));
}

TEST(JobSettingsTest, ChecksParsedObject) {
  nlohmann::json body = {{"schedule", "0 */2 * * * *"}, {"is_singleton", true}};
  Result<JobSettings> settings = JobSettingsFromJson(body);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->schedule, "0 */2 * * * *");
  EXPECT_FALSE(JobSettingsFromJson(nlohmann::json::array()).ok());
  EXPECT_FALSE(JobSettingsFromJson({{"is_singleton", "true"}}).ok());
}

TEST(JobSettingsTest, SerializesPretty) {
  nlohmann::json settings = {{"schedule", "0 */2 * * * *"}, {"is_singleton", true}};
  EXPECT_EQ(SerializeJobSettings(settings),
            "{\n  \"is_singleton\": true,\n  \"schedule\": \"0 */2 * * * *\"\n}\n");
  EXPECT_EQ(SerializeJobSettings(nlohmann::json::object()), "{}\n");
}

TEST(JobSettingsTest, SerializedFormParsesBack) {
  JobSettings first = Parse("{\"schedule\": \"0 0 * * * *\", \"extra\": {\"a\": [1, 2]}}");
  JobSettings second = Parse(SerializeJobSettings(first.raw));
  EXPECT_EQ(first.raw, second.raw);
}

TEST(JobSettingsTest, DefaultStopWaitDependsOnType) {
  EXPECT_EQ(DefaultStoppingWaitTime(JobType::kContinuous), std::chrono::seconds(5));
  EXPECT_EQ(DefaultStoppingWaitTime(JobType::kTriggered), std::chrono::seconds(30));
}

TEST(JobSettingsTest, NamesPolicies) {
  EXPECT_EQ(CatchUpPolicyName(CatchUpPolicy::kLatest), "latest");
  EXPECT_EQ(OverlapPolicyName(OverlapPolicy::kSkip), "skip");
  EXPECT_EQ(OverlapPolicyName(OverlapPolicy::kQueueOne), "queue_one");
  EXPECT_EQ(OverlapPolicyName(OverlapPolicy::kReplace), "replace");
  EXPECT_EQ(OverlapPolicyName(OverlapPolicy::kAllow), "allow");
}

}  // namespace
}  // namespace webjobs
