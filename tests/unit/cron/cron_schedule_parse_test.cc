#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "cron/cron_schedule.h"

namespace webjobs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string ErrorOf(std::string_view expression) {
  auto schedule = CronSchedule::Parse(expression);
  if (schedule.ok()) return "parsed: " + schedule->Expanded();
  EXPECT_EQ(schedule.error().code, ErrorCode::kInvalidArgument);
  return schedule.error().message;
}

std::string ExpandedOf(std::string_view expression) {
  auto schedule = CronSchedule::Parse(expression);
  return schedule.ok() ? schedule->Expanded() : "error: " + schedule.error().message;
}

TEST(CronScheduleParseTest, AcceptsSixFields) {
  auto schedule = CronSchedule::Parse("0 */5 * * * *");
  ASSERT_TRUE(schedule.ok()) << schedule.error().message;
  EXPECT_EQ(schedule->expression(), "0 */5 * * * *");
  EXPECT_EQ(schedule->Expanded(), "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * *");
}

TEST(CronScheduleParseTest, TrimsAndAcceptsRunsOfSpacesAndTabs) {
  const std::string expected = ExpandedOf("0 */5 * * * *");
  EXPECT_EQ(ExpandedOf("  0   */5 * * * *  "), expected);
  EXPECT_EQ(ExpandedOf("0\t*/5\t*\t*\t*\t*"), expected);
  EXPECT_EQ(ExpandedOf("0 \t */5 * * * *"), expected);
  EXPECT_EQ(ExpandedOf("0 */5 * * * *\n"), expected);
  EXPECT_EQ(ExpandedOf("\r\n0 */5 * * * *\r\n"), expected);
  auto schedule = CronSchedule::Parse("  0   */5 * * * *  ");
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->expression(), "0   */5 * * * *");
}

TEST(CronScheduleParseTest, ReadsFiveFieldsAsClassicCrontab) {
  EXPECT_EQ(ExpandedOf("*/5 * * * *"), "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * *");
  EXPECT_EQ(ExpandedOf("30 9 * * MON-FRI"), "0 30 9 * * 1-5");
  EXPECT_FALSE(CronSchedule::Parse("30 2 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("*/5 * * * *")->IsInterval());
}

TEST(CronScheduleParseTest, RejectsOtherFieldCountsWithExample) {
  EXPECT_EQ(ErrorOf("0 0 12 * * ? *"),
            "invalid schedule '0 0 12 * * ? *': it has 7 fields, so '*' at column 14 is extra; "
            "write 6 fields (second minute hour day-of-month month day-of-week), for example "
            "'0 */5 * * * *' for every five minutes, or 5 fields in classic crontab form (minute "
            "first)");
  EXPECT_THAT(ErrorOf("* * * *"), HasSubstr("it has 4 fields; write 6 fields"));
  EXPECT_THAT(ErrorOf("5"), HasSubstr("it has 1 field; write 6 fields"));
  EXPECT_THAT(ErrorOf("0 0 0 1 1 * 2024 x"),
              HasSubstr("it has 8 fields, so '2024' at column 13 and the fields after it are "
                        "extra; write 6 fields"));
  EXPECT_THAT(ErrorOf("0 0 0 1 1 * 2024"), HasSubstr("'0 */5 * * * *'"));
}

TEST(CronScheduleParseTest, RejectsEmptyExpression) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("invalid schedule '': the expression is empty"));
  EXPECT_THAT(ErrorOf(" \t\n"), HasSubstr("the expression is empty; write six fields"));
}

TEST(CronScheduleParseTest, MacroErrorGivesItsEquivalent) {
  EXPECT_EQ(ErrorOf("@daily"),
            "invalid schedule '@daily': '@daily' at column 1 is a cron macro, which NCRONTAB does "
            "not support; write its six-field equivalent '0 0 0 * * *' (00:00 every day)");
  EXPECT_EQ(ErrorOf("@hourly"),
            "invalid schedule '@hourly': '@hourly' at column 1 is a cron macro, which NCRONTAB "
            "does not support; write its six-field equivalent '0 0 * * * *' (minute 0 of every "
            "hour)");
}

struct MacroCase {
  std::string_view expression;
  std::string_view equivalent;  // six fields, or empty when there is none
  std::string_view meaning;
};

const MacroCase kMacroCases[] = {
    {"@yearly", "0 0 0 1 1 *", "(00:00 on January 1)"},
    {"@annually", "0 0 0 1 1 *", "(00:00 on January 1)"},
    {"@monthly", "0 0 0 1 * *", "(00:00 on the first day of each month)"},
    {"@weekly", "0 0 0 * * 0", "(00:00 every Sunday)"},
    {"@daily", "0 0 0 * * *", "(00:00 every day)"},
    {"@midnight", "0 0 0 * * *", "(00:00 every day)"},
    {"@hourly", "0 0 * * * *", "(minute 0 of every hour)"},
    // Cron matches macros exactly, but the hint does not depend on case.
    {"@Weekly", "0 0 0 * * 0", "(00:00 every Sunday)"},
    {"  @HOURLY  ", "0 0 * * * *", "(minute 0 of every hour)"},
    // A crontab line pasted whole still names the macro.
    {"@daily /usr/local/bin/backup.sh", "0 0 0 * * *", "(00:00 every day)"},
};

TEST(CronScheduleParseTest, EachMacroGetsItsOwnEquivalent) {
  for (const MacroCase& macro : kMacroCases) {
    SCOPED_TRACE(macro.expression);
    const std::string message = ErrorOf(macro.expression);
    EXPECT_THAT(message, HasSubstr("at column 1 is a cron macro, which NCRONTAB does not support"));
    EXPECT_THAT(message,
                HasSubstr("write its six-field equivalent '" + std::string(macro.equivalent) +
                          "' " + std::string(macro.meaning)));
  }
}

TEST(CronScheduleParseTest, MacroEquivalentsParse) {
  for (const MacroCase& macro : kMacroCases) {
    SCOPED_TRACE(macro.expression);
    auto schedule = CronSchedule::Parse(macro.equivalent);
    ASSERT_TRUE(schedule.ok()) << schedule.error().message;
    EXPECT_FALSE(CronSchedule::Parse(macro.expression).ok());
  }
}

TEST(CronScheduleParseTest, RebootMacroHasNoEquivalent) {
  EXPECT_EQ(ErrorOf("@reboot"),
            "invalid schedule '@reboot': '@reboot' at column 1 is a cron macro with no NCRONTAB "
            "equivalent, because a schedule cannot name the start of the host; to run a script "
            "when the host starts, deploy it as a continuous job instead (the host starts "
            "continuous jobs when it starts and restarts them after they exit)");
  EXPECT_THAT(ErrorOf("  @reboot /opt/warm-cache.sh"),
              HasSubstr("'@reboot' at column 1 is a cron macro with no NCRONTAB equivalent"));
}

TEST(CronScheduleParseTest, UnknownMacroGetsGenericMessage) {
  EXPECT_EQ(ErrorOf("@every 5m"),
            "invalid schedule '@every 5m': '@every' at column 1 is not a known cron macro, and "
            "NCRONTAB supports no macros; write 6 fields (second minute hour day-of-month month "
            "day-of-week), for example '0 */5 * * * *' for every five minutes, or 5 fields in "
            "classic crontab form (minute first)");
  for (std::string_view expression : {"@", "@5m", "@dailyy", "@\xEC\x9B\x94"}) {
    SCOPED_TRACE(expression);
    const std::string message = ErrorOf(expression);
    EXPECT_THAT(message, HasSubstr("at column 1 is not a known cron macro"));
    EXPECT_THAT(message, HasSubstr("for example '0 */5 * * * *'"));
    EXPECT_THAT(message, Not(HasSubstr("equivalent")));
  }
}

// The parts of a rejection that point into the expression.
struct ErrorLocation {
  std::string reading;  // the bracketed note after the expression, or empty
  std::string field;    // for example "day-of-week", or empty when no field is named
  std::string token;    // as quoted in the message
  int column = 0;
};

// Extracts "'<token>' at column <N> in the <field> field" from `message`,
// or returns nullopt when the message does not point at a token.
std::optional<ErrorLocation> LocationIn(const std::string& message) {
  // Parsed by hand: std::regex trips a false -Wmaybe-uninitialized in
  // GCC 12 with -O2 and the sanitizers.
  constexpr std::string_view kPrefix = "invalid schedule '";
  constexpr std::string_view kFieldCount = " fields, so ";
  constexpr std::string_view kColumn = "' at column ";
  constexpr std::string_view kInThe = " in the ";
  constexpr std::string_view kReadingStart = "' (5 fields";
  std::string_view rest(message);
  if (!rest.starts_with(kPrefix)) return std::nullopt;
  ErrorLocation location;
  const size_t quote_end = rest.find("': ", kPrefix.size());
  const size_t reading_start = rest.find(kReadingStart, kPrefix.size());
  if (reading_start < quote_end) {
    const size_t reading_end = rest.find("): ", reading_start);
    if (reading_end == std::string_view::npos) return std::nullopt;
    location.reading = std::string(rest.substr(reading_start + 3, reading_end - reading_start - 3));
    rest.remove_prefix(reading_end + 3);
  } else if (quote_end != std::string_view::npos) {
    rest.remove_prefix(quote_end + 3);
  } else {
    return std::nullopt;
  }
  if (rest.starts_with("it has ")) {
    const size_t so = rest.find(kFieldCount);
    if (so == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(so + kFieldCount.size());
  }
  if (!rest.starts_with('\'')) return std::nullopt;
  const size_t token_end = rest.find(kColumn, 1);
  if (token_end == std::string_view::npos) return std::nullopt;

  location.token = std::string(rest.substr(1, token_end - 1));
  rest.remove_prefix(token_end + kColumn.size());
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  location.column = std::stoi(std::string(rest.substr(0, digits)));
  rest.remove_prefix(digits);
  if (rest.starts_with(kInThe)) {
    const size_t field_end = rest.find(" field", kInThe.size());
    if (field_end != std::string_view::npos) {
      location.field = std::string(rest.substr(kInThe.size(), field_end - kInThe.size()));
    }
  }
  return location;
}

struct BadInput {
  std::string_view expression;
  std::string_view field;
  std::string_view token;
  int column;
  std::string_view problem;
};

// Each rejection names the field, quotes the token and gives its column in
// the trimmed expression as typed, counted in characters from 1.
const BadInput kBadInputs[] = {
    // Field counts other than 5 and 6 point at the first extra field.
    {"0 0 12 * * ? *", "", "*", 14, "it has 7 fields"},
    {"0 0 0 1 1 * 2024", "", "2024", 13, "it has 7 fields"},
    // A two-byte character before the token counts as one column.
    {"\xC3\xA9 0 0 * * * x", "", "x", 13, "it has 7 fields"},
    // Macros, Quartz extensions, negative values and step 0.
    {"@daily", "", "@daily", 1, "is a cron macro"},
    {"@reboot", "", "@reboot", 1, "is a cron macro with no NCRONTAB equivalent"},
    {"@every 5m", "", "@every", 1, "is not a known cron macro"},
    {"0 0 11 L * *", "day-of-month", "L", 8, "Quartz syntax for the last day of the month"},
    {"0 0 0 LW * *", "day-of-month", "LW", 7, "Quartz syntax for the last weekday"},
    {"0 0 0 15W * *", "day-of-month", "15W", 7, "Quartz syntax for the weekday nearest a day"},
    {"0 0 8 * * 2#1", "day-of-week", "#", 12, "Quartz syntax for the nth weekday"},
    {"0 0 8 * * TUE#1", "day-of-week", "#", 14, "Quartz syntax for the nth weekday"},
    {"0 0 0 * * 5L", "day-of-week", "5L", 11, "Quartz syntax for the last such weekday"},
    {"0 0 0 * * L", "day-of-week", "L", 11, "Quartz syntax for the last day of the week"},
    {"0 0 8 ? * MON", "day-of-month", "?", 7, "so write '*' instead"},
    {"0 0 0 * * -1", "day-of-week", "-", 11, "negative values are not allowed"},
    {"0 */0 * * * *", "minute", "0", 5, "is not a valid step"},
    // Names: three letters or the full name, nothing else.
    {"0 0 9 * * T", "day-of-week", "T", 11, "is not a day name"},
    {"0 0 0 1 Ju *", "month", "Ju", 9, "is not a month name"},
    {"0 0 9 * * MON-FRX", "day-of-week", "FRX", 15, "is not a day name"},
    {"0 0 0 1 Augu *", "month", "Augu", 9, "is not a month name"},
    {"0 0 0 1 SEPT-October *", "month", "SEPT", 9, "is not a month name"},
    {"0 0 9 * MON *", "month", "MON", 9, "is not a month name"},
    {"0 0 9 * * JAN", "day-of-week", "JAN", 11, "is not a day name"},
    {"0 0 MON * * *", "hour", "MON", 5, "is not a number"},
    {"0 0 0 * 2nd *", "month", "2nd", 9, "is neither a number nor a month name"},
    // Dates that never occur.
    {"0 0 0 30 2 *", "day-of-month", "30", 7, "never occurs in February"},
    {"0 0 0 31 4 *", "day-of-month", "31", 7, "never occurs in April"},
    {"0 0 0 30-31 FEB *", "day-of-month", "30-31", 7, "never occurs in February"},
    // Out-of-range values in every field.
    {"60 * * * * *", "second", "60", 1, "is out of range"},
    {"0 60 * * * *", "minute", "60", 3, "is out of range"},
    {"0 0 25 * * *", "hour", "25", 5, "is out of range"},
    {"0 0 0 0 * *", "day-of-month", "0", 7, "is out of range"},
    {"0 0 0 32 * *", "day-of-month", "32", 7, "is out of range"},
    {"0 0 0 * 13 *", "month", "13", 9, "is out of range"},
    {"0 0 0 * * 8", "day-of-week", "8", 11, "is out of range"},
    {"0 0 0 * * 1-8", "day-of-week", "8", 13, "is out of range"},
    {"0 0 99999999999999999999 * * *", "hour", "99999999999999999999", 5, "is out of range"},
    // Bad steps.
    {"0 5/ * * * *", "minute", "/", 4, "has no step after it"},
    {"0 /5 * * * *", "minute", "/", 3, "has no value before it"},
    {"0 */x * * * *", "minute", "x", 5, "is not a valid step"},
    {"0 1/-3 * * * *", "minute", "-3", 5, "is not a valid step"},
    {"0 */2/3 * * * *", "minute", "/", 6, "is one '/' too many"},
    {"0 */99999999999 * * * *", "minute", "99999999999", 5, "is too large for a step"},
    // Bad ranges.
    {"0 0 1- * * *", "hour", "-", 6, "has no value after it"},
    {"0 0 a-b * * *", "hour", "a", 5, "is not a number"},
    {"0 0 0 * * a-b", "day-of-week", "a", 11, "is not a day name"},
    {"0 0 1-2-3 * * *", "hour", "-", 8, "is one '-' too many"},
    {"0 0 *-3 * * *", "hour", "*", 5, "cannot be part of a range"},
    {"0 0 3-* * * *", "hour", "*", 7, "cannot be part of a range"},
    {"0 0 *5 * * *", "hour", "5", 6, "cannot follow '*'"},
    // Empty list items.
    {"0 0 1,,2 * * *", "hour", ",", 7, "leaves an empty list item"},
    {"0 0 1, * * *", "hour", ",", 6, "leaves an empty list item"},
    {"0 0 ,1 * * *", "hour", ",", 5, "leaves an empty list item"},
    // Characters outside the syntax. Well-formed UTF-8 is quoted as it is,
    // and only malformed bytes and control characters are escaped.
    {"0 0 12 * * \xC3\xA9", "day-of-week", "\xC3\xA9", 12, "is not allowed"},
    {"0 0 1.5 * * *", "hour", ".", 6, "is not allowed"},
    {"0 0 12 * * \xFF", "day-of-week", "\\xFF", 12, "is not allowed"},
    {"0 0 12 * * MON\xE2\x80", "day-of-week", "\\xE2", 15, "is not allowed"},
    {"0 0 1\n2 * * *", "hour", "\\x0A", 6, "is not allowed"},
    {"0 0 12 * * MON\xC2\x85", "day-of-week", "\\xC2\\x85", 15, "is not allowed"},
    // Columns count characters of the trimmed expression, a tab as one.
    {"  0  0   25 * * *  ", "hour", "25", 8, "is out of range"},
    {"0\t0\t25\t*\t*\t*", "hour", "25", 5, "is out of range"},
    {"0 0 25 * * *\n", "hour", "25", 5, "is out of range"},
};

TEST(CronScheduleParseTest, ErrorNamesFieldTokenAndColumn) {
  for (const BadInput& input : kBadInputs) {
    SCOPED_TRACE(::testing::Message() << "expression '" << input.expression << "'");
    const std::string message = ErrorOf(input.expression);
    const std::optional<ErrorLocation> location = LocationIn(message);
    ASSERT_TRUE(location.has_value()) << message;
    EXPECT_EQ(location->reading, "") << message;
    EXPECT_EQ(location->field, input.field) << message;
    EXPECT_EQ(location->token, input.token) << message;
    EXPECT_EQ(location->column, input.column) << message;
    EXPECT_THAT(message, HasSubstr(input.problem));
  }
}

TEST(CronScheduleParseTest, ErrorIsOneLineEndingInExample) {
  for (const BadInput& input : kBadInputs) {
    const std::string message = ErrorOf(input.expression);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    // Macros get their equivalent or the reason there is none, which the
    // macro tests check.
    if (!input.expression.starts_with('@')) {
      EXPECT_THAT(message, HasSubstr(", for example '"));
    }
    if (!input.field.empty()) {
      EXPECT_THAT(message, HasSubstr("valid " + std::string(input.field) + " values"));
    }
  }
}

// Five-field input is read as classic crontab, and every error about it
// states that. Otherwise a six-field expression that lost a field looks
// like a wrong value in the field after the gap.
const BadInput kFiveFieldInputs[] = {
    {"60 * * * *", "minute", "60", 1, "is out of range"},
    {"*/0 * * * *", "minute", "0", 3, "is not a valid step"},
    {"0 30 2 * *", "hour", "30", 3, "is out of range"},
    {"0 24 * * *", "hour", "24", 3, "is out of range"},
    {"0 0 32 * *", "day-of-month", "32", 5, "is out of range"},
    {"0 0 L * *", "day-of-month", "L", 5, "Quartz syntax for the last day of the month"},
    {"0 0 30 2 *", "day-of-month", "30", 5, "never occurs in February"},
    {"0 0 1 13 *", "month", "13", 7, "is out of range"},
    {"0 0 1 MON *", "month", "MON", 7, "is not a month name"},
    {"0 0 * * 8", "day-of-week", "8", 9, "is out of range"},
    {"0 0 * * MON-FRX", "day-of-week", "FRX", 13, "is not a day name"},
    {"  0\t0 * * 8  ", "day-of-week", "8", 9, "is out of range"},
    {"0 0 * * \xEC\x9B\x94", "day-of-week", "\xEC\x9B\x94", 9, "is not allowed"},
};

TEST(CronScheduleParseTest, FiveFieldErrorSaysHowItWasRead) {
  for (const BadInput& input : kFiveFieldInputs) {
    SCOPED_TRACE(::testing::Message() << "expression '" << input.expression << "'");
    const std::string message = ErrorOf(input.expression);
    const std::optional<ErrorLocation> location = LocationIn(message);
    ASSERT_TRUE(location.has_value()) << message;
    EXPECT_EQ(location->reading, "5 fields, read as minute hour day-of-month month day-of-week")
        << message;
    EXPECT_EQ(location->field, input.field) << message;
    EXPECT_EQ(location->token, input.token) << message;
    EXPECT_EQ(location->column, input.column) << message;
    EXPECT_THAT(message, HasSubstr(input.problem));
    EXPECT_THAT(message, HasSubstr(", for example '"));
  }
}

TEST(CronScheduleParseTest, FiveFieldErrorInFull) {
  EXPECT_EQ(ErrorOf("0 30 2 * *"),
            "invalid schedule '0 30 2 * *' (5 fields, read as minute hour day-of-month month "
            "day-of-week): '30' at column 3 in the hour field is out of range; valid hour values "
            "are 0-23, for example '9' or '8-18'");
}

TEST(CronScheduleParseTest, OtherErrorsOmitFiveFieldNote) {
  for (std::string_view expression :
       {"0 0 25 * * *", "0 0 * *", "0 0 0 * * * *", "@daily", "0 0 0 30 2 *"}) {
    EXPECT_THAT(ErrorOf(expression), Not(HasSubstr("read as"))) << expression;
  }
}

// Non-ASCII text in each field, as typed with a Korean or Japanese input
// method or pasted from a document, is quoted as the characters
// themselves. Columns count characters.
const BadInput kNonAsciiInputs[] = {
    {"\xEC\xB4\x88 0 0 * * *", "second", "\xEC\xB4\x88", 1, "is not allowed"},
    {"0 \xEF\xBC\x95 * * * *", "minute", "\xEF\xBC\x95", 3, "is not allowed"},
    {"0 0 9\xE2\x80\x93"
     "17 * * *",
     "hour", "\xE2\x80\x93", 6, "is not allowed"},
    {"0 0 0 15\xE6\x97\xA5 * *", "day-of-month", "\xE6\x97\xA5", 9, "is not allowed"},
    {"0 0 0 1 1\xEC\x9B\x94 *", "month", "\xEC\x9B\x94", 10, "is not allowed"},
    {"0 0 0 * * \xEC\x9B\x94", "day-of-week", "\xEC\x9B\x94", 11, "is not allowed"},
    {"0 0 0 * * \xF0\x9F\x98\x80", "day-of-week", "\xF0\x9F\x98\x80", 11, "is not allowed"},
    // A character before the bad one counts as one column.
    {"0 0 0 * 1\xEC\x9B\x94 \xEC\x9B\x94", "month", "\xEC\x9B\x94", 10, "is not allowed"},
};

TEST(CronScheduleParseTest, NonAsciiIsQuotedAsCharacters) {
  for (const BadInput& input : kNonAsciiInputs) {
    SCOPED_TRACE(::testing::Message() << "expression '" << input.expression << "'");
    const std::string message = ErrorOf(input.expression);
    const std::optional<ErrorLocation> location = LocationIn(message);
    ASSERT_TRUE(location.has_value()) << message;
    EXPECT_EQ(location->field, input.field) << message;
    EXPECT_EQ(location->token, input.token) << message;
    EXPECT_EQ(location->column, input.column) << message;
    EXPECT_THAT(message, HasSubstr(input.problem));
    EXPECT_THAT(message, StartsWith("invalid schedule '" + std::string(input.expression) + "'"));
    EXPECT_THAT(message, Not(HasSubstr("\\x")));
  }
}

TEST(CronScheduleParseTest, ErrorMessagesInFull) {
  EXPECT_EQ(ErrorOf("0 0 25 * * *"),
            "invalid schedule '0 0 25 * * *': '25' at column 5 in the hour field is out of range; "
            "valid hour values are 0-23, for example '9' or '8-18'");
  EXPECT_EQ(ErrorOf("0 */0 * * * *"),
            "invalid schedule '0 */0 * * * *': '0' at column 5 in the minute field is not a valid "
            "step (a step is a whole number of at least 1); valid minute values are 0-59, for "
            "example '*/5' or '0,30'");
  EXPECT_EQ(ErrorOf("0 0 8 * * TUE#1"),
            "invalid schedule '0 0 8 * * TUE#1': '#' at column 14 in the day-of-week field is not "
            "supported (Quartz syntax for the nth weekday of a month); valid day-of-week values "
            "are 0-7 (0 and 7 are Sunday) or SUN-SAT, for example 'MON-FRI'");
  EXPECT_EQ(ErrorOf("0 0 0 30 2 *"),
            "invalid schedule '0 0 0 30 2 *': '30' at column 7 in the day-of-month field never "
            "occurs in February, so the schedule would never run; valid day-of-month values for "
            "February are 1-29, for example '1'");
  EXPECT_THAT(ErrorOf("0 0 0 31 2,4,6,9,11 *"),
              HasSubstr("never occurs in February, April, June, September or November, so the "
                        "schedule would never run; valid day-of-month values for these months are "
                        "1-30"));
  EXPECT_EQ(ErrorOf("0 0 0 * * \xEC\x9B\x94"),
            "invalid schedule '0 0 0 * * \xEC\x9B\x94': '\xEC\x9B\x94' at column 11 in the "
            "day-of-week field is not allowed (a field contains only ASCII letters, digits, '*', "
            "',', '-' and '/'); valid day-of-week values are 0-7 (0 and 7 are Sunday) or "
            "SUN-SAT, for example 'MON-FRI'");
  EXPECT_EQ(ErrorOf("0 0 0 * * \xFF"),
            "invalid schedule '0 0 0 * * \\xFF': '\\xFF' at column 11 in the day-of-week field "
            "is not allowed (a field contains only ASCII letters, digits, '*', ',', '-' and '/'); "
            "valid day-of-week values are 0-7 (0 and 7 are Sunday) or SUN-SAT, for example "
            "'MON-FRI'");
}

TEST(CronScheduleParseTest, AcceptsNamesInAnyCaseAndFullNames) {
  EXPECT_EQ(ExpandedOf("0 0 9 * * Monday-Friday"), "0 0 9 * * 1-5");
  EXPECT_EQ(ExpandedOf("0 0 9 * * mon-fri"), "0 0 9 * * 1-5");
  EXPECT_EQ(ExpandedOf("0 0 9 * jan,FEBRUARY,Mar *"), "0 0 9 * 1-3 *");
}

TEST(CronScheduleParseTest, AcceptsSundayAsZeroOrSeven) {
  EXPECT_EQ(ExpandedOf("0 0 0 * * 0"), "0 0 0 * * 0");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 7"), "0 0 0 * * 0");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 0,6"), "0 0 0 * * 0,6");
  EXPECT_EQ(ExpandedOf("0 0 0 * * 1-7"), "0 0 0 * * *");
  EXPECT_EQ(ExpandedOf("0 0 11 28-31 * *"), "0 0 11 28-31 * *");
}

TEST(CronScheduleParseTest, ReversedRangesWrap) {
  EXPECT_EQ(ExpandedOf("0 0 22-2 * * *"), "0 0 0-2,22-23 * * *");
  EXPECT_EQ(ExpandedOf("0 0 8 * * FRI-MON"), "0 0 8 * * 0-1,5-6");
}

TEST(CronScheduleParseTest, AcceptsDatesThatOccurInSomeMonth) {
  EXPECT_TRUE(CronSchedule::Parse("0 0 12 29 2 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 31 4,5 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 30,1 2 *").ok());
  EXPECT_TRUE(CronSchedule::Parse("0 0 0 31 * *").ok());
}

TEST(CronScheduleParseTest, RejectsOverlongExpressionAndCutsQuote) {
  const std::string expression = "0 0 0 * * " + std::string(2000, '1');
  const std::string message = ErrorOf(expression);
  EXPECT_THAT(message, HasSubstr("it is 2010 bytes long; the maximum is 1024"));
  EXPECT_LT(message.size(), 300u);
}

TEST(CronScheduleParseTest, IntervalFollowsSecondMinuteHourSyntax) {
  EXPECT_TRUE(CronSchedule::Parse("0 */20 * * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 0 * * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("*/30 * 1 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 0 1-2 * * *")->IsInterval());
  EXPECT_TRUE(CronSchedule::Parse("0 5/30 1 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 30 1 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 0,30 1,2 * * *")->IsInterval());
  EXPECT_FALSE(CronSchedule::Parse("0 0 2 */2 * 1-5")->IsInterval());
}

TEST(CronScheduleParseTest, ExpandedParsesBackToSameSchedule) {
  for (std::string_view expression : {"0 */15 * * * *", "5/15 0-10 22-2 */7 NOV-FEB FRI-MON",
                                      "* * * * * *", "0 0 12 29 2 *", "1,2,3 59 23 31 12 7"}) {
    auto schedule = CronSchedule::Parse(expression);
    ASSERT_TRUE(schedule.ok()) << expression;
    auto reparsed = CronSchedule::Parse(schedule->Expanded());
    ASSERT_TRUE(reparsed.ok()) << schedule->Expanded();
    EXPECT_EQ(reparsed->Expanded(), schedule->Expanded());
  }
}

}  // namespace
}  // namespace webjobs
