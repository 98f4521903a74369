// GET /api/schedule/preview through a real ApiServer.
#include "http/schedule_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cron/time_zone.h"
#include "http/api_server.h"
#include "http/api_server_fixture.h"
#include "http/request_path.h"

namespace webjobs::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string PreviewPath(const std::string& expression, const std::string& rest = "") {
  return "/api/schedule/preview?expression=" + PercentEncode(expression) + rest;
}

class SchedulePreviewTest : public ApiServerTest {
 protected:
  httplib::Result Get(const std::string& path) { return Client().Get(path.c_str()); }

  json GetJson(const std::string& path) {
    httplib::Result response = Get(path);
    EXPECT_TRUE(response) << path;
    if (!response) return json();
    EXPECT_EQ(response->status, 200) << path << ": " << response->body;
    EXPECT_THAT(response->get_header_value("Content-Type"), StartsWith("application/json"));
    return json::parse(response->body, nullptr, false);
  }
};

TEST_F(SchedulePreviewTest, ListsOccurrencesWithGapMark) {
  json body = GetJson(PreviewPath("0 30 2 * * *", "&time_zone=America/New_York&count=2&from=" +
                                                      PercentEncode("2024-03-09T12:00:00-05:00")));
  EXPECT_EQ(body["expression"], "0 30 2 * * *");
  EXPECT_EQ(body["expanded"], "0 30 2 * * *");
  EXPECT_EQ(body["time_zone"], "America/New_York");
  EXPECT_EQ(body["is_interval"], false);
  ASSERT_EQ(body["occurrences"].size(), 2u);

  const json& moved = body["occurrences"][0];
  EXPECT_EQ(moved["time"], "2024-03-10T03:00:00-04:00");
  EXPECT_EQ(moved["utc"], "2024-03-10T07:00:00Z");
  EXPECT_EQ(moved["offset"], "-04:00");
  EXPECT_EQ(moved["abbreviation"], "EDT");
  EXPECT_EQ(moved["local_time"], "2024-03-10T03:00:00");
  EXPECT_EQ(moved["dst_gap"],
            json({{"skipped_local_time", "2024-03-10T02:30:00"}, {"change", "dst"}}));
  EXPECT_TRUE(moved["dst_overlap"].is_null());

  const json& next = body["occurrences"][1];
  EXPECT_EQ(next["time"], "2024-03-11T02:30:00-04:00");
  EXPECT_TRUE(next.contains("dst_gap"));
  EXPECT_TRUE(next["dst_gap"].is_null());
  EXPECT_TRUE(next["dst_overlap"].is_null());
}

TEST_F(SchedulePreviewTest, MarksBothOverlapPasses) {
  json body =
      GetJson(PreviewPath("0 */20 * * * *", "&time_zone=America/New_York&count=6&from=" +
                                                PercentEncode("2024-11-03T01:00:00-04:00")));
  EXPECT_EQ(body["is_interval"], true);
  EXPECT_EQ(body["expanded"], "0 0,20,40 * * * *");
  ASSERT_EQ(body["occurrences"].size(), 6u);
  EXPECT_EQ(body["occurrences"][0]["time"], "2024-11-03T01:00:00-04:00");
  EXPECT_EQ(body["occurrences"][0]["dst_overlap"], json({{"pass", "first"}, {"change", "dst"}}));
  EXPECT_EQ(body["occurrences"][3]["time"], "2024-11-03T01:00:00-05:00");
  EXPECT_EQ(body["occurrences"][3]["abbreviation"], "EST");
  EXPECT_EQ(body["occurrences"][3]["dst_overlap"], json({{"pass", "second"}, {"change", "dst"}}));
  EXPECT_EQ(body["occurrences"][4]["utc"], "2024-11-03T06:20:00Z");
}

// The keys keep their names for existing clients, and `change`
// distinguishes a DST change from another change of the UTC offset.
TEST_F(SchedulePreviewTest, MarksOffsetChangesThatAreNotDst) {
  json apia = GetJson(PreviewPath("0 0 0 * * *", "&time_zone=Pacific/Apia&count=2&from=" +
                                                     PercentEncode("2011-12-29T12:00:00-10:00")));
  ASSERT_EQ(apia["occurrences"].size(), 2u);
  EXPECT_EQ(apia["occurrences"][0]["time"], "2011-12-31T00:00:00+14:00");
  EXPECT_EQ(apia["occurrences"][0]["dst_gap"],
            json({{"skipped_local_time", "2011-12-30T00:00:00"}, {"change", "utc_offset"}}));
  EXPECT_TRUE(apia["occurrences"][0]["dst_overlap"].is_null());
  EXPECT_TRUE(apia["occurrences"][1]["dst_gap"].is_null());

  json moscow = GetJson(PreviewPath("0 30 1 * * *", "&time_zone=Europe/Moscow&count=1&from=" +
                                                        PercentEncode("2014-10-25T12:00:00Z")));
  ASSERT_EQ(moscow["occurrences"].size(), 1u);
  EXPECT_EQ(moscow["occurrences"][0]["time"], "2014-10-26T01:30:00+04:00");
  EXPECT_EQ(moscow["occurrences"][0]["dst_overlap"],
            json({{"pass", "first"}, {"change", "utc_offset"}}));
}

TEST_F(SchedulePreviewTest, UnencodedPlusInFromGetsHint) {
  struct Case {
    const char* query;      // the raw `from` value as sent
    const char* corrected;  // the value the message suggests
  };
  const Case cases[] = {
      {"2024-03-10T06:00:00+01:00", "2024-03-10T06:00:00%2B01:00"},
      {"2024-03-10+06:00:00+01:00", "2024-03-10T06:00:00%2B01:00"},
      {"2024-03-10T06:00+0530", "2024-03-10T06:00%2B0530"},
  };
  for (const Case& c : cases) {
    httplib::Result response =
        Get("/api/schedule/preview?expression=0+0+*+*+*+*&count=1&from=" + std::string(c.query));
    ASSERT_TRUE(response) << c.query;
    EXPECT_EQ(response->status, 400) << c.query;
    EXPECT_THAT(response->body, StartsWith("from: invalid instant '")) << c.query;
    EXPECT_THAT(response->body,
                HasSubstr("the UTC offset has a space in place of its sign, as when a '+' in "
                          "a URL is not encoded; write '+' as %2B, as in " +
                          std::string(c.corrected)))
        << c.query;
  }
}

TEST_F(SchedulePreviewTest, SuggestedFromValueWorks) {
  json body = GetJson(
      "/api/schedule/preview?expression=0+0+*+*+*+*&count=1&from=2024-03-10T06:00:00%2B01:00");
  ASSERT_EQ(body["occurrences"].size(), 1u);
  EXPECT_EQ(body["occurrences"][0]["utc"], "2024-03-10T05:00:00Z");
}

TEST_F(SchedulePreviewTest, ErrorsQuoteNonAsciiAsCharacters) {
  httplib::Result schedule = Get(PreviewPath("0 0 0 * * \xEC\x9B\x94"));
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->status, 400);
  EXPECT_THAT(schedule->body, StartsWith("invalid schedule '0 0 0 * * \xEC\x9B\x94': "
                                         "'\xEC\x9B\x94' at column 11 in the day-of-week field"));

  httplib::Result zone =
      Get(PreviewPath("0 0 * * * *", "&time_zone=" + PercentEncode("\xEC\x84\x9C\xEC\x9A\xB8")));
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->status, 400);
  EXPECT_THAT(zone->body, StartsWith("unknown time zone '\xEC\x84\x9C\xEC\x9A\xB8'"));
}

TEST_F(SchedulePreviewTest, FiveFieldErrorSaysHowItWasRead) {
  httplib::Result response = Get(PreviewPath("0 30 2 * *"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body,
            "invalid schedule '0 30 2 * *' (5 fields, read as minute hour day-of-month month "
            "day-of-week): '30' at column 3 in the hour field is out of range; valid hour values "
            "are 0-23, for example '9' or '8-18'");
}

TEST_F(SchedulePreviewTest, AcceptsPlusAsSpaceAndWindowsZoneId) {
  json body = GetJson(
      "/api/schedule/preview?expression=0+0+9+*+*+MON-FRI&time_zone=Korea+Standard+Time"
      "&from=2024-03-09T00:00:00Z&count=1");
  EXPECT_EQ(body["expression"], "0 0 9 * * MON-FRI");
  EXPECT_EQ(body["expanded"], "0 0 9 * * 1-5");
  EXPECT_EQ(body["time_zone"], "Asia/Seoul");
  ASSERT_EQ(body["occurrences"].size(), 1u);
  EXPECT_EQ(body["occurrences"][0]["time"], "2024-03-11T09:00:00+09:00");
  EXPECT_EQ(body["occurrences"][0]["abbreviation"], "KST");
}

TEST_F(SchedulePreviewTest, DefaultsToFiveFromNowInUtc) {
  // The fixture's server has no default zone, so UTC applies.
  const auto before = std::chrono::system_clock::now();
  json body = GetJson(PreviewPath("*/10 * * * * *"));
  EXPECT_EQ(body["time_zone"], "UTC");
  ASSERT_EQ(body["occurrences"].size(), 5u);
  EXPECT_EQ(body["occurrences"][0]["offset"], "+00:00");
  const std::string first = body["occurrences"][0]["utc"];
  EXPECT_GE(first, date::format("%FT%TZ", date::floor<std::chrono::seconds>(before)));
}

TEST_F(SchedulePreviewTest, EmptyOptionalValuesMeanDefaults) {
  json body = GetJson(PreviewPath("0 0 * * * *", "&time_zone=&count=&from="));
  EXPECT_EQ(body["time_zone"], "UTC");
  EXPECT_EQ(body["occurrences"].size(), 5u);
}

TEST_F(SchedulePreviewTest, CountLimits) {
  json one = GetJson(PreviewPath("* * * * * *", "&count=1"));
  EXPECT_EQ(one["occurrences"].size(), 1u);
  json max = GetJson(PreviewPath("* * * * * *", "&count=1000"));
  EXPECT_EQ(max["occurrences"].size(), 1000u);

  for (const char* count : {"0", "1001", "-1", "abc", "5x", "99999999999"}) {
    httplib::Result response = Get(PreviewPath("* * * * * *", std::string("&count=") + count));
    ASSERT_TRUE(response) << count;
    EXPECT_EQ(response->status, 400) << count;
    EXPECT_THAT(response->body, HasSubstr("count")) << count;
    EXPECT_THAT(response->body, HasSubstr("from 1 to 1000")) << count;
  }
}

TEST_F(SchedulePreviewTest, InvalidExpressionNamesToken) {
  httplib::Result response = Get(PreviewPath("0 0 25 * * *"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("invalid schedule '0 0 25 * * *'"));
  EXPECT_THAT(response->body, HasSubstr("hour"));
  EXPECT_THAT(response->body, HasSubstr("25"));
}

TEST_F(SchedulePreviewTest, MissingExpressionIsBadRequest) {
  httplib::Result response = Get("/api/schedule/preview");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("missing query parameter expression"));

  httplib::Result empty = Get("/api/schedule/preview?expression=");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_THAT(empty->body, HasSubstr("the expression is empty"));
}

TEST_F(SchedulePreviewTest, UnknownZoneIsBadRequest) {
  httplib::Result response = Get(PreviewPath("0 0 * * * *", "&time_zone=Mars/Olympus"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, HasSubstr("unknown time zone 'Mars/Olympus'"));

  httplib::Result wrong_case = Get(PreviewPath("0 0 * * * *", "&time_zone=asia/seoul"));
  ASSERT_TRUE(wrong_case);
  EXPECT_EQ(wrong_case->status, 400);
  EXPECT_THAT(wrong_case->body, HasSubstr("did you mean 'Asia/Seoul'"));
}

TEST_F(SchedulePreviewTest, InvalidFromIsBadRequest) {
  httplib::Result response = Get(PreviewPath("0 0 * * * *", "&from=2024-03-10T06:00:00"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(response->body, StartsWith("from: invalid instant '2024-03-10T06:00:00'"));
  EXPECT_THAT(response->body, HasSubstr("UTC offset is missing"));
}

TEST_F(SchedulePreviewTest, OnlyGetIsRouted) {
  httplib::Result response = Client().Post(PreviewPath("0 0 * * * *").c_str());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_THAT(response->body, HasSubstr("it accepts GET"));

  httplib::Result head = Client().Head(PreviewPath("0 0 * * * *").c_str());
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
}

TEST_F(SchedulePreviewTest, RouteIgnoresCaseAndTrailingSlash) {
  json body = GetJson("/API/Schedule/Preview/?expression=0+0+*+*+*+*&count=1");
  EXPECT_EQ(body["occurrences"].size(), 1u);
}

TEST(SchedulePreviewServerTest, UsesHostDefaultZone) {
  FakeJobService service;
  ApiServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  Result<const date::time_zone*> zone = LocateTimeZone("America/New_York");
  ASSERT_TRUE(zone.ok());
  options.default_time_zone = *zone;
  TempDir root;
  std::unique_ptr<SqliteStore> store = OpenTestStore(root.path());
  ASSERT_NE(store, nullptr);
  ApiServer server(service, *store, options);
  Result<int> port = server.Start();
  ASSERT_TRUE(port.ok()) << port.error().message;

  httplib::Client client("127.0.0.1", *port);
  client.set_url_encode(false);
  client.set_basic_auth(kTestUser, kTestPassword);
  httplib::Result response = client.Get(
      "/api/schedule/preview?expression=0+30+1+*+*+*&count=1&from=2024-11-03T00:00:00-04:00");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["time_zone"], "America/New_York");
  EXPECT_EQ(body["occurrences"][0]["time"], "2024-11-03T01:30:00-04:00");
  EXPECT_EQ(body["occurrences"][0]["dst_overlap"], json({{"pass", "first"}, {"change", "dst"}}));
  server.Stop();
}

}  // namespace
}  // namespace webjobs::testing
