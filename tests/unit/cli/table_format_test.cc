#include "cli/table_format.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

using nlohmann::json;

TEST(FormatTableTest, AlignsColumns) {
  std::string table = FormatTable({"NAME", "TYPE"}, {{"a", "triggered"}, {"longer", "x"}});
  EXPECT_EQ(table,
            "NAME    TYPE\n"
            "a       triggered\n"
            "longer  x\n");
}

TEST(FormatTableTest, CountsUtf8CodePoints) {
  std::string table = FormatTable({"N", "T"}, {{"caf\xC3\xA9", "x"}, {"abcde", "y"}});
  EXPECT_EQ(table,
            "N      T\n"
            "caf\xC3\xA9   x\n"
            "abcde  y\n");
}

TEST(FormatTableTest, FillsMissingCells) {
  EXPECT_EQ(FormatTable({"A", "B"}, {{"1"}}), "A  B\n1\n");
}

TEST(FormatJobTableTest, ShowsStatusPerType) {
  json jobs = json::array({
      {{"name", "nightly"},
       {"type", "triggered"},
       {"schedule", "0 0 2 * * *"},
       {"next_scheduled_run", "2024-01-03T02:00:00Z"},
       {"latest_run", {{"status", "Failed"}, {"start_time", "2024-01-02T02:00:00.0012Z"}}}},
      {{"name", "adhoc"}, {"type", "triggered"}, {"schedule", nullptr}, {"latest_run", nullptr}},
      {{"name", "worker"}, {"type", "continuous"}, {"status", "Running"}},
  });
  EXPECT_EQ(
      FormatJobTable(jobs),
      "NAME     TYPE        STATUS     SCHEDULE     NEXT RUN              LAST RUN\n"
      "nightly  triggered   Failed     0 0 2 * * *  2024-01-03 02:00:00Z  2024-01-02 02:00:00Z\n"
      "adhoc    triggered   never run  -            -                     -\n"
      "worker   continuous  Running    -            -                     -\n");
}

TEST(FormatRunTableTest, ShowsRunColumns) {
  json runs = json::array({
      {{"id", "202401021530450123"},
       {"status", "Success"},
       {"start_time", "2024-01-02T15:30:45.0123456Z"},
       {"duration", "00:00:05.2222222"},
       {"exit_code", 0},
       {"trigger", "External - curl/8.0"}},
      {{"id", "202401021430450123"},
       {"status", "Running"},
       {"start_time", "2024-01-02T14:30:45Z"},
       {"duration", "01:00:00"},
       {"exit_code", nullptr},
       {"trigger", "Schedule - 0 30 14 * * *"}},
  });
  EXPECT_EQ(FormatRunTable(runs),
            "ID                  STATUS   START                 DURATION      EXIT  TRIGGER\n"
            "202401021530450123  Success  2024-01-02 15:30:45Z  00:00:05.222  0     External - "
            "curl/8.0\n"
            "202401021430450123  Running  2024-01-02 14:30:45Z  01:00:00      -     Schedule - 0 "
            "30 14 * * *\n");
}

TEST(FormatRunTableTest, KeepsCellsOnOneLine) {
  json runs = json::array({{{"id", "1"}, {"trigger", "External - a\nb"}}});
  EXPECT_NE(FormatRunTable(runs).find("External - a b"), std::string::npos);
}

TEST(ShortTimeTest, DropsFractionAndT) {
  EXPECT_EQ(ShortTime("2024-01-02T15:30:45.0123456Z"), "2024-01-02 15:30:45Z");
  EXPECT_EQ(ShortTime("2024-01-02T15:30:45Z"), "2024-01-02 15:30:45Z");
  EXPECT_EQ(ShortTime("0001-01-01T00:00:00"), "0001-01-01T00:00:00");
  EXPECT_EQ(ShortTime("-"), "-");
}

TEST(ShortDurationTest, KeepsMilliseconds) {
  EXPECT_EQ(ShortDuration("00:00:05.2222222"), "00:00:05.222");
  EXPECT_EQ(ShortDuration("1.02:00:00"), "1.02:00:00");
  EXPECT_EQ(ShortDuration("1.02:00:00.5000000"), "1.02:00:00.500");
}

}  // namespace
}  // namespace webjobs
