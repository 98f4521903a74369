#include "cli/cron_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/exit_codes.h"
#include "cron/time_zone.h"

namespace webjobs {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
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

  ParsedCommandLine Parse(std::vector<const char*> args) {
    args.insert(args.begin(), "webjobs");
    out_.str("");
    err_.str("");
    return ParseCommandLine(static_cast<int>(args.size()), args.data(), out_, err_);
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

TEST_F(CronCommandTest, ParsesAllFlags) {
  ParsedCommandLine parsed = Parse({"cron", "0 30 2 * * *", "--time-zone", "America/New_York",
                                    "--from", "2024-03-09T00:00:00Z", "--count", "12", "--json"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kCron);
  const CronFlags& flags = parsed.command->cron;
  EXPECT_EQ(flags.expression, "0 30 2 * * *");
  EXPECT_EQ(flags.time_zone, "America/New_York");
  EXPECT_EQ(flags.from, "2024-03-09T00:00:00Z");
  EXPECT_EQ(flags.count, 12);
  EXPECT_TRUE(flags.json);
}

TEST_F(CronCommandTest, DefaultsLeaveZoneAndStartUnset) {
  ParsedCommandLine parsed = Parse({"cron", "0 0 * * * *"});
  ASSERT_TRUE(parsed.command) << err_.str();
  const CronFlags& flags = parsed.command->cron;
  EXPECT_EQ(flags.time_zone, std::nullopt);
  EXPECT_EQ(flags.from, std::nullopt);
  EXPECT_EQ(flags.count, 5);
  EXPECT_FALSE(flags.json);
}

TEST_F(CronCommandTest, JoinsUnquotedWords) {
  ParsedCommandLine parsed = Parse({"cron", "0", "30", "2", "*", "*", "*", "--count", "2"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->cron.expression, "0 30 2 * * *");
  EXPECT_EQ(parsed.command->cron.count, 2);
}

// A word that names another command is a word of EXPR.
TEST_F(CronCommandTest, KeepsCommandNamesInExpression) {
  ParsedCommandLine parsed = Parse({"cron", "0", "list", "run"});
  ASSERT_TRUE(parsed.command) << err_.str();
  EXPECT_EQ(parsed.command->kind, CommandKind::kCron);
  EXPECT_EQ(parsed.command->cron.expression, "0 list run");
}

TEST_F(CronCommandTest, IgnoresUrlBeforeOrAfterCommand) {
  const std::vector<std::vector<const char*>> cases = {
      {"--url", "http://127.0.0.1:9000", "cron", "0 0 * * * *"},
      {"cron", "0 0 * * * *", "--url", "http://127.0.0.1:9000"},
      {"cron", "--url=http://127.0.0.1:9000", "0 0 * * * *"},
  };
  for (const auto& args : cases) {
    ParsedCommandLine parsed = Parse(args);
    ASSERT_TRUE(parsed.command) << args[2] << ": " << err_.str();
    EXPECT_EQ(parsed.command->kind, CommandKind::kCron) << args[2];
    EXPECT_EQ(parsed.command->cron.expression, "0 0 * * * *") << args[2];
  }
}

TEST_F(CronCommandTest, HelpExitsWithZero) {
  ParsedCommandLine parsed = Parse({"cron", "--help"});
  EXPECT_FALSE(parsed.command);
  EXPECT_EQ(parsed.exit_code, kExitSuccess);
  EXPECT_THAT(out_.str(), HasSubstr("--time-zone"));
  EXPECT_THAT(out_.str(), HasSubstr("--from"));
  EXPECT_THAT(err_.str(), IsEmpty());
}

TEST_F(CronCommandTest, VersionAfterCommandExitsWithZero) {
  ParsedCommandLine parsed = Parse({"cron", "0 0 * * * *", "--version"});
  EXPECT_FALSE(parsed.command);
  EXPECT_EQ(parsed.exit_code, kExitSuccess);
  EXPECT_THAT(out_.str(), HasSubstr("0."));
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

// A gap or overlap that is not a DST change is labelled as a change of the
// UTC offset.
TEST_F(CronCommandTest, LabelsOffsetChangesThatAreNotDst) {
  struct Case {
    const char* zone;
    const char* expression;
    const char* from;
    const char* expected;
  };
  const Case cases[] = {
      {"Pacific/Apia", "0 0 0 * * *", "2011-12-29T12:00:00-10:00",
       "2011-12-31 00:00:00 +14:00 +14  2011-12-30T10:00:00Z  moved: 2011-12-30 00:00:00 does "
       "not exist (UTC offset change)"},
      {"Asia/Seoul", "0 1 0 * * *", "1908-03-31T00:00:00Z",
       "1908-04-01 00:02:08 +08:30 KST  1908-03-31T15:32:08Z  moved: 00:01:00 does not exist "
       "(UTC offset change)"},
      {"Europe/Moscow", "0 30 1 * * *", "2014-10-25T12:00:00Z",
       "2014-10-26 01:30:00 +04:00 MSK  2014-10-25T21:30:00Z  repeated time (UTC offset "
       "change), first pass"},
      {"Europe/Moscow", "0 */20 * * * *", "2014-10-25T22:10:00Z",
       "2014-10-26 01:20:00 +03:00 MSK  2014-10-25T22:20:00Z  repeated time (UTC offset "
       "change), second pass"},
      // A change of the amount of DST is a DST change.
      {"Europe/London", "0 30 2 * * *", "1941-05-03T12:00:00Z",
       "1941-05-04 03:00:00 +02:00 BDST  1941-05-04T01:00:00Z  moved: 02:30:00 does not exist "
       "(DST gap)"},
      {"Europe/London", "0 30 2 * * *", "1941-08-09T12:00:00Z",
       "1941-08-10 02:30:00 +02:00 BDST  1941-08-10T00:30:00Z  repeated time (DST overlap), "
       "first pass"},
  };
  for (const Case& c : cases) {
    CronFlags flags;
    flags.expression = c.expression;
    flags.time_zone = c.zone;
    flags.from = c.from;
    flags.count = 1;
    ASSERT_TRUE(Print(flags, nullptr).ok()) << c.zone;
    std::vector<std::string> lines = Lines(out_.str());
    ASSERT_EQ(lines.size(), 2u) << out_.str();
    EXPECT_EQ(lines[1], c.expected) << c.zone;
  }
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
  EXPECT_EQ(body["occurrences"][0]["dst_gap"]["change"], "dst");
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

TEST_F(CronCommandTest, ErrorMessagesForNewUsers) {
  struct Case {
    const char* expression;
    const char* message;
  };
  const Case cases[] = {
      {"@hourly",
       "invalid schedule '@hourly': '@hourly' at column 1 is a cron macro, which NCRONTAB does "
       "not support; write its six-field equivalent '0 0 * * * *' (minute 0 of every hour)"},
      {"@weekly",
       "invalid schedule '@weekly': '@weekly' at column 1 is a cron macro, which NCRONTAB does "
       "not support; write its six-field equivalent '0 0 0 * * 0' (00:00 every Sunday)"},
      {"0 0 0 * * \xEC\x9B\x94",
       "invalid schedule '0 0 0 * * \xEC\x9B\x94': '\xEC\x9B\x94' at column 11 in the "
       "day-of-week field is not allowed (a field contains only ASCII letters, digits, '*', "
       "',', '-' and '/'); valid day-of-week values are 0-7 (0 and 7 are Sunday) or SUN-SAT, "
       "for example 'MON-FRI'"},
      {"0 30 2 * *",
       "invalid schedule '0 30 2 * *' (5 fields, read as minute hour day-of-month month "
       "day-of-week): '30' at column 3 in the hour field is out of range; valid hour values are "
       "0-23, for example '9' or '8-18'"},
  };
  for (const Case& c : cases) {
    CronFlags flags;
    flags.expression = c.expression;
    Status status = Print(flags, nullptr);
    ASSERT_FALSE(status.ok()) << c.expression;
    EXPECT_EQ(status.error().message, c.message);
  }
}

TEST_F(CronCommandTest, RebootMacroPointsToContinuousJobs) {
  CronFlags flags;
  flags.expression = "@reboot";
  Status status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("no NCRONTAB equivalent"));
  EXPECT_THAT(status.error().message, HasSubstr("deploy it as a continuous job"));
}

TEST_F(CronCommandTest, SpaceForOffsetSignHasNoUrlHint) {
  CronFlags flags;
  flags.expression = "0 0 * * * *";
  flags.from = "2024-03-10T06:00:00 01:00";
  Status status = Print(flags, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message,
              StartsWith("--from: invalid instant '2024-03-10T06:00:00 01:00': the UTC offset "
                         "has a space in place of its sign; write + or - before the offset"));
  EXPECT_THAT(status.error().message, Not(HasSubstr("%2B")));
}

TEST_F(CronCommandTest, JsonMarksOffsetChangeKind) {
  CronFlags flags;
  flags.expression = "0 0 0 * * *";
  flags.time_zone = "Pacific/Apia";
  flags.from = "2011-12-29T12:00:00-10:00";
  flags.count = 1;
  flags.json = true;
  ASSERT_TRUE(Print(flags, nullptr).ok());
  json body = json::parse(out_.str());
  EXPECT_EQ(body["occurrences"][0]["dst_gap"]["skipped_local_time"], "2011-12-30T00:00:00");
  EXPECT_EQ(body["occurrences"][0]["dst_gap"]["change"], "utc_offset");
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
