#include "cli/cron_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cron/time_zone.h"

namespace webjobs {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

const date::time_zone* Zone(std::string_view name) {
  Result<const date::time_zone*> zone = LocateTimeZone(name);
  EXPECT_TRUE(zone.ok()) << name;
  return zone.ok() ? *zone : nullptr;
}

class CronCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("WEBSITE_TIME_ZONE"); }
  void TearDown() override { ::unsetenv("WEBSITE_TIME_ZONE"); }

  ParsedCronCommand Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "webjobs");
    out_.str("");
    err_.str("");
    return ParseCronCommandLine(static_cast<int>(args.size()), args.data(), out_, err_);
  }

  static bool IsCron(std::vector<const char*> args) {
    args.insert(args.begin(), "webjobs");
    return IsCronCommand(static_cast<int>(args.size()), args.data());
  }

  // Prints the preview of `flags` in `zone`, from a fixed "now".
  Status Print(const CronFlags& flags, const date::time_zone* zone) {
    out_.str("");
    const auto now = date::sys_days{date::year{2024} / 1 / 1};
    return PrintCronPreview(flags, zone, now, out_);
  }

  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CronCommandTest, RecognizesCronCommandWord) {
  EXPECT_TRUE(IsCron({"cron", "0 0 * * * *"}));
  EXPECT_TRUE(IsCron({"--url", "http://127.0.0.1:9000", "cron", "0 0 * * * *"}));
  EXPECT_TRUE(IsCron({"cron"}));
  EXPECT_FALSE(IsCron({"list"}));
  EXPECT_FALSE(IsCron({"--url", "cron", "list"}));
  EXPECT_FALSE(IsCron({"deploy", "cron", "--name", "x"}));
  EXPECT_FALSE(IsCron({}));
}

TEST_F(CronCommandTest, ParsesAllFlags) {
  ParsedCronCommand parsed = Parse({"cron", "0 30 2 * * *", "--time-zone", "America/New_York",
                                    "--from", "2024-03-09T00:00:00Z", "--count", "12", "--json"});
  ASSERT_TRUE(parsed.flags) << err_.str();
  EXPECT_EQ(parsed.flags->expression, "0 30 2 * * *");
  EXPECT_EQ(parsed.flags->time_zone, "America/New_York");
  EXPECT_EQ(parsed.flags->from, "2024-03-09T00:00:00Z");
  EXPECT_EQ(parsed.flags->count, 12);
  EXPECT_TRUE(parsed.flags->json);
}

TEST_F(CronCommandTest, DefaultsLeaveZoneAndStartUnset) {
  ParsedCronCommand parsed = Parse({"cron", "0 0 * * * *"});
  ASSERT_TRUE(parsed.flags) << err_.str();
  EXPECT_EQ(parsed.flags->time_zone, std::nullopt);
  EXPECT_EQ(parsed.flags->from, std::nullopt);
  EXPECT_EQ(parsed.flags->count, 5);
  EXPECT_FALSE(parsed.flags->json);
}

TEST_F(CronCommandTest, JoinsUnquotedWords) {
  ParsedCronCommand parsed = Parse({"cron", "0", "30", "2", "*", "*", "*", "--count", "2"});
  ASSERT_TRUE(parsed.flags) << err_.str();
  EXPECT_EQ(parsed.flags->expression, "0 30 2 * * *");
  EXPECT_EQ(parsed.flags->count, 2);
}

TEST_F(CronCommandTest, SkipsUrlBeforeCommand) {
  ParsedCronCommand parsed = Parse({"--url", "http://127.0.0.1:9000", "cron", "0 0 * * * *"});
  ASSERT_TRUE(parsed.flags) << err_.str();
  EXPECT_EQ(parsed.flags->expression, "0 0 * * * *");
}

TEST_F(CronCommandTest, UsageErrorsExitWithTwo) {
  const std::vector<std::vector<const char*>> cases = {
      {"cron"},
      {"cron", "0 0 * * * *", "--count", "many"},
      {"cron", "0 0 * * * *", "--verbose"},
      {"cron", "0 0 * * * *", "--time-zone"},
  };
  for (const auto& args : cases) {
    ParsedCronCommand parsed = Parse(args);
    EXPECT_FALSE(parsed.flags) << args.back();
    EXPECT_EQ(parsed.exit_code, kExitCliUsage) << args.back();
    EXPECT_FALSE(err_.str().empty()) << args.back();
  }
}

TEST_F(CronCommandTest, HelpExitsWithZero) {
  ParsedCronCommand parsed = Parse({"cron", "--help"});
  EXPECT_FALSE(parsed.flags);
  EXPECT_EQ(parsed.exit_code, kExitSuccess);
  EXPECT_THAT(out_.str(), HasSubstr("--time-zone"));
  EXPECT_THAT(out_.str(), HasSubstr("--from"));
}

TEST_F(CronCommandTest, PrintsGapNote) {
  CronFlags flags;
  flags.expression = "0 30 2 * * *";
  flags.from = "2024-03-09T12:00:00-05:00";
  flags.count = 2;
  ASSERT_TRUE(Print(flags, Zone("America/New_York")).ok());
  EXPECT_THAT(Lines(out_.str()),
              ElementsAre("expression: 0 30 2 * * *  expanded: 0 30 2 * * *  time zone: "
                          "America/New_York",
                          "2024-03-10 03:00:00 -04:00 EDT  2024-03-10T07:00:00Z  moved: 02:30:00 "
                          "does not exist (DST gap)",
                          "2024-03-11 02:30:00 -04:00 EDT  2024-03-11T06:30:00Z"));
}

TEST_F(CronCommandTest, PrintsOverlapPassesAligned) {
  CronFlags flags;
  flags.expression = "0 */20 * * * *";
  flags.time_zone = "America/New_York";
  flags.from = "2024-11-03T01:20:00-04:00";
  flags.count = 5;
  ASSERT_TRUE(Print(flags, nullptr).ok());
  EXPECT_THAT(
      Lines(out_.str()),
      ElementsAre(
          "expression: 0 */20 * * * *  expanded: 0 0,20,40 * * * *  time zone: America/New_York",
          "2024-11-03 01:20:00 -04:00 EDT  2024-11-03T05:20:00Z  repeated time (DST overlap), "
          "first pass",
          "2024-11-03 01:40:00 -04:00 EDT  2024-11-03T05:40:00Z  repeated time (DST overlap), "
          "first pass",
          "2024-11-03 01:00:00 -05:00 EST  2024-11-03T06:00:00Z  repeated time (DST overlap), "
          "second pass",
          "2024-11-03 01:20:00 -05:00 EST  2024-11-03T06:20:00Z  repeated time (DST overlap), "
          "second pass",
          "2024-11-03 01:40:00 -05:00 EST  2024-11-03T06:40:00Z  repeated time (DST overlap), "
          "second pass"));
}

TEST_F(CronCommandTest, PadsColumnsToWidestAbbreviation) {
  CronFlags flags;
  flags.expression = "0 */15 * * * *";
  flags.time_zone = "Australia/Lord_Howe";
  flags.from = "2024-04-07T01:45:00+11:00";
  flags.count = 2;
  ASSERT_TRUE(Print(flags, nullptr).ok());
  std::vector<std::string> lines = Lines(out_.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[1], StartsWith("2024-04-07 01:45:00 +11:00 +11    2024-04-06T14:45:00Z"));
  EXPECT_THAT(lines[2], StartsWith("2024-04-07 01:30:00 +10:30 +1030  2024-04-06T15:00:00Z"));
}

TEST_F(CronCommandTest, UsesDefaultZoneAndNow) {
  CronFlags flags;
  flags.expression = "0 0 9 * * *";
  flags.count = 1;
  ASSERT_TRUE(Print(flags, Zone("Asia/Seoul")).ok());
  EXPECT_THAT(Lines(out_.str()),
              ElementsAre(HasSubstr("time zone: Asia/Seoul"),
                          "2024-01-01 09:00:00 +09:00 KST  2024-01-01T00:00:00Z"));

  ASSERT_TRUE(Print(flags, nullptr).ok());
  EXPECT_THAT(Lines(out_.str()),
              ElementsAre(HasSubstr("time zone: UTC"),
                          "2024-01-01 09:00:00 +00:00 UTC  2024-01-01T09:00:00Z"));
}

TEST_F(CronCommandTest, SaysWhenListEndsEarly) {
  CronFlags flags;
  flags.expression = "0 0 0 1 1 *";
  flags.from = "2261-06-01T00:00:00Z";
  flags.count = 3;
  ASSERT_TRUE(Print(flags, nullptr).ok());
  std::vector<std::string> lines = Lines(out_.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "2262-01-01 00:00:00 +00:00 UTC  2262-01-01T00:00:00Z");
  EXPECT_THAT(lines[2], HasSubstr("no further occurrences before 2262-04-11"));
}

TEST_F(CronCommandTest, JsonMatchesApiShape) {
  CronFlags flags;
  flags.expression = "0 30 2 * * *";
  flags.time_zone = "America/New_York";
  flags.from = "2024-03-09T12:00:00-05:00";
  flags.count = 1;
  flags.json = true;
  ASSERT_TRUE(Print(flags, nullptr).ok());
  json body = json::parse(out_.str());
  EXPECT_EQ(body["expression"], "0 30 2 * * *");
  EXPECT_EQ(body["time_zone"], "America/New_York");
  EXPECT_EQ(body["is_interval"], false);
  ASSERT_EQ(body["occurrences"].size(), 1u);
  EXPECT_EQ(body["occurrences"][0]["time"], "2024-03-10T03:00:00-04:00");
  EXPECT_EQ(body["occurrences"][0]["dst_gap"]["skipped_local_time"], "2024-03-10T02:30:00");
  EXPECT_TRUE(body["occurrences"][0]["dst_overlap"].is_null());
}

TEST_F(CronCommandTest, InvalidInputReturnsParserMessage) {
  CronFlags flags;
  flags.expression = "0 0 25 * * *";
  Status status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(status.error().message, HasSubstr("invalid schedule '0 0 25 * * *'"));
  EXPECT_THAT(status.error().message, HasSubstr("hour"));
  EXPECT_THAT(out_.str(), IsEmpty());

  flags.expression = "0 0 * * * *";
  flags.time_zone = "Mars/Olympus";
  status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("unknown time zone 'Mars/Olympus'"));

  flags.time_zone = " ";
  status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("--time-zone is empty"));

  flags.time_zone.reset();
  flags.from = "tomorrow";
  status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, StartsWith("--from: invalid instant 'tomorrow'"));

  flags.from.reset();
  flags.count = 1001;
  status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("invalid count 1001"));
}

TEST_F(CronCommandTest, RunExitsWithUsageCodeOnInvalidInput) {
  CronFlags flags;
  flags.expression = "@daily";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCronCommand(flags, out, err), kExitCliUsage);
  EXPECT_THAT(err.str(), StartsWith("webjobs: error: invalid schedule '@daily'"));
  EXPECT_THAT(out.str(), IsEmpty());
}

TEST_F(CronCommandTest, RunUsesWebsiteTimeZone) {
  ::setenv("WEBSITE_TIME_ZONE", "Eastern Standard Time", 1);
  CronFlags flags;
  flags.expression = "0 30 2 * * *";
  flags.from = "2024-03-09T12:00:00-05:00";
  flags.count = 1;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCronCommand(flags, out, err), kExitSuccess) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("time zone: America/New_York"));
  EXPECT_THAT(out.str(), HasSubstr("moved: 02:30:00 does not exist (DST gap)"));
  EXPECT_THAT(err.str(), IsEmpty());
}

TEST_F(CronCommandTest, RunWarnsAboutInvalidWebsiteTimeZone) {
  ::setenv("WEBSITE_TIME_ZONE", "Nowhere/Land", 1);
  CronFlags flags;
  flags.expression = "0 0 * * * *";
  flags.count = 1;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCronCommand(flags, out, err), kExitSuccess) << err.str();
  EXPECT_THAT(err.str(), HasSubstr("webjobs: warning: WEBSITE_TIME_ZONE: unknown time zone "
                                   "'Nowhere/Land'"));
  EXPECT_THAT(err.str(), HasSubstr("using the system time zone"));
  EXPECT_EQ(Lines(out.str()).size(), 2u);
}

}  // namespace
}  // namespace webjobs
