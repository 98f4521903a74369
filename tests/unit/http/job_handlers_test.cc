#include "http/job_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace webjobs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string BodyError(std::string_view body, JobType type = JobType::kTriggered) {
  Result<JobSettings> settings = ParseSettingsBody(body, type);
  EXPECT_FALSE(settings.ok()) << body;
  if (settings.ok()) return "";
  EXPECT_EQ(settings.error().code, ErrorCode::kInvalidArgument) << body;
  return settings.error().message;
}

size_t CountOccurrences(std::string_view text, std::string_view part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ParseSettingsBodyTest, NamesFaultsAsUploadDoes) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {"not json",
       "settings.job is not valid JSON: line 1, column 2: invalid literal; last read: 'no'"},
      {"{\"schedule\": 5}", "settings.job: \"schedule\" must be a string, found 5 (a number)"},
      {"{\"catch_up_window\": 1e12}",
       "settings.job: \"catch_up_window\" is out of range: found 1000000000000, but it must be a "
       "whole number of seconds from 1 to 2147483647"},
      {"{\"history_size\": 2.5}",
       "settings.job: \"history_size\" must be a whole number from 1 to 2147483647, found 2.5 (a "
       "number with a fraction)"},
      {"{\"is_singleton\": \"true\"}",
       "settings.job: \"is_singleton\" must be true or false (without quotes), found \"true\" (a "
       "string)"},
      {"[1]",
       "settings.job must contain a JSON object such as {\"schedule\": \"0 0 * * * *\"}, found an "
       "array"},
      {"{\"a\": 1e999}",
       "settings.job: the number 1e999 in \"a\" is out of range: numbers must lie between -1.7e308 "
       "and 1.7e308, the range of a double"},
      {"{\"schedule\": \"0 0 * * * *\",\n \"overlap\": x}",
       "settings.job is not valid JSON: line 2, column 13: invalid literal; last read: "
       "'\"overlap\": "
       "x'"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(BodyError(c.body), c.message) << c.body;
    Result<JobSettings> uploaded = ParseJobSettings(c.body);
    ASSERT_FALSE(uploaded.ok()) << c.body;
    EXPECT_EQ(uploaded.error().message, c.message) << c.body;
  }
}

TEST(ParseSettingsBodyTest, ChecksScheduleAndTimeZone) {
  EXPECT_EQ(BodyError("{\"schedule\": \"0 0 * * * *\"}", JobType::kContinuous),
            "settings.job: \"schedule\" is set, but continuous jobs do not run on a schedule; "
            "deploy the job as triggered, or remove the key");
  EXPECT_THAT(BodyError("{\"schedule\": \"0 0 12 * * ? *\"}"),
              StartsWith("settings.job: \"schedule\": invalid schedule '0 0 12 * * ? *'"));
  EXPECT_THAT(BodyError("{\"schedule\": \"0 0 0 30 2 *\"}"),
              StartsWith("settings.job: \"schedule\": invalid schedule '0 0 0 30 2 *'"));
  EXPECT_THAT(BodyError("{\"time_zone\": \"Mars/Olympus\"}"),
              StartsWith("settings.job: \"time_zone\": "));
}

TEST(ParseSettingsBodyTest, OnePrefixPerMessage) {
  const char* bodies[] = {
      "not json",
      "{\"schedule\": 5}",
      "{\"stop_signal\": 99}",
      "{\"catch_up\": \"sometimes\"}",
      "{\"schedule\": \"@daily\"}",
      "{\"time_zone\": \"asia/seoul\"}",
      "\"text\"",
      "",
      "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
  };
  for (const char* body : bodies) {
    std::string message = BodyError(body);
    EXPECT_THAT(message, StartsWith("settings.job")) << body;
    EXPECT_EQ(CountOccurrences(message, "settings.job"), 1u) << body << ": " << message;
    EXPECT_THAT(message, Not(HasSubstr("settings: "))) << body;
    EXPECT_THAT(message, Not(HasSubstr("json.exception"))) << body;
  }
  std::string continuous = BodyError("{\"schedule\": \"0 0 * * * *\"}", JobType::kContinuous);
  EXPECT_EQ(CountOccurrences(continuous, "settings.job"), 1u) << continuous;
}

TEST(ParseSettingsBodyTest, RejectsEmptyBody) {
  for (std::string_view body : {"", " ", " \r\n\t", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n", "\xFF\xFE"}) {
    EXPECT_EQ(BodyError(body),
              "settings.job: the request body is empty; send a JSON object such as "
              "{\"schedule\": \"0 */5 * * * *\"}, or {} to remove every setting")
        << body.size();
  }
}

TEST(ParseSettingsBodyTest, AcceptsWhatUploadAccepts) {
  struct Case {
    std::string body;
    nlohmann::json raw;
  };
  std::string utf16 = "\xFF\xFE";
  for (char ch : std::string_view("{\"is_singleton\": true}")) {
    utf16 += ch;
    utf16 += '\0';
  }
  const Case cases[] = {
      {"{}", nlohmann::json::object()},
      {"// nightly\n{\"schedule\": \"0 0 2 * * *\" /* UTC */}", {{"schedule", "0 0 2 * * *"}}},
      {"\xEF\xBB\xBF{\"history_size\": 10}", {{"history_size", 10}}},
      {utf16, {{"is_singleton", true}}},
      {"{\"catch_up_window\": 3.6e3}", {{"catch_up_window", 3600.0}}},
      {"{\"Schedule\": \"x\"}", {{"Schedule", "x"}}},
  };
  for (const Case& c : cases) {
    Result<JobSettings> settings = ParseSettingsBody(c.body, JobType::kTriggered);
    ASSERT_TRUE(settings.ok()) << c.body << ": " << settings.error().message;
    EXPECT_EQ(settings->raw, c.raw) << c.body;
  }
}

TEST(ParseSettingsBodyTest, ReadsWholeFloatAsSeconds) {
  Result<JobSettings> settings =
      ParseSettingsBody("{\"catch_up_window\": 3.6e3}", JobType::kTriggered);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->catch_up_window, std::chrono::seconds(3600));
}

}  // namespace
}  // namespace webjobs
