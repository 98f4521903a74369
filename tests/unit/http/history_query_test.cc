#include "http/history_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace webjobs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseHistoryQueryTest, NoParametersIsEmpty) {
  Result<HistoryQuery> query = ParseHistoryQuery({});
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_TRUE(query->empty());
}

TEST(ParseHistoryQueryTest, IgnoresUnknownAndEmptyParameters) {
  Result<HistoryQuery> query =
      ParseHistoryQuery({{"limit", ""}, {"status", ""}, {"_", "1700000000"}});
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_TRUE(query->empty());
}

TEST(ParseHistoryQueryTest, ReadsEveryParameter) {
  Result<HistoryQuery> query = ParseHistoryQuery({{"limit", "25"},
                                                  {"before", "202401021530450123"},
                                                  {"status", "failed, ABORTED"},
                                                  {"since", "2024-01-02T00:00:00Z"},
                                                  {"until", "2024-01-03T09:00:00+09:00"}});
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->limit, 25u);
  EXPECT_EQ(query->filter.before_run_id, "202401021530450123");
  EXPECT_THAT(query->filter.statuses, ElementsAre("Failed", "Aborted"));
  ASSERT_TRUE(query->filter.since.has_value());
  ASSERT_TRUE(query->filter.until.has_value());
  EXPECT_EQ(*query->filter.until - *query->filter.since, std::chrono::hours(24));
}

TEST(ParseHistoryQueryTest, MergesRepeatedStatusWithoutDuplicates) {
  Result<HistoryQuery> query =
      ParseHistoryQuery({{"status", "Success,success"}, {"status", "Running,Success"}});
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_THAT(query->filter.statuses, ElementsAre("Success", "Running"));
}

TEST(ParseHistoryQueryTest, AcceptsLimitBounds) {
  for (const char* text : {"1", "1000"}) {
    Result<HistoryQuery> query = ParseHistoryQuery({{"limit", text}});
    ASSERT_TRUE(query.ok()) << text << ": " << query.error().message;
  }
}

struct BadValue {
  const char* name;
  const char* value;
  const char* expected;  // part of the message
};

TEST(ParseHistoryQueryTest, RejectsBadValuesNamingParameterAndForm) {
  const BadValue cases[] = {
      {"limit", "0", "limit=\"0\": use a whole number from 1 to 1000"},
      {"limit", "1001", "limit=\"1001\""},
      {"limit", "-1", "limit=\"-1\""},
      {"limit", "10x", "limit=\"10x\""},
      {"limit", " 5", "limit=\" 5\""},
      {"limit", "99999999999999999999999", "from 1 to 1000"},
      {"before", "123", "before=\"123\": use the 18-digit id of a run"},
      {"before", "../../etc", "before="},
      {"status", "Done", "status=\"Done\": use a comma-separated list"},
      {"status", "Success,", "Initializing, Running, Success, Failed, Aborted, Stopped"},
      {"status", ",", "status=\",\""},
      {"since", "yesterday", "since: invalid instant 'yesterday'"},
      {"until", "2024-01-02T00:00:00", "until: invalid instant"},
  };
  for (const BadValue& bad : cases) {
    Result<HistoryQuery> query = ParseHistoryQuery({{bad.name, bad.value}});
    ASSERT_FALSE(query.ok()) << bad.name << "=" << bad.value;
    EXPECT_EQ(query.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(query.error().message, HasSubstr(bad.expected)) << bad.name << "=" << bad.value;
  }
}

TEST(ParseHistoryQueryTest, RejectsRepeatedSingleParameter) {
  Result<HistoryQuery> query = ParseHistoryQuery({{"limit", "1"}, {"limit", "2"}});
  ASSERT_FALSE(query.ok());
  EXPECT_THAT(query.error().message, HasSubstr("limit is given more than once"));
}

TEST(ParseHistoryQueryTest, RejectsSinceAfterUntil) {
  Result<HistoryQuery> query =
      ParseHistoryQuery({{"since", "2024-01-03T00:00:00Z"}, {"until", "2024-01-02T00:00:00Z"}});
  ASSERT_FALSE(query.ok());
  EXPECT_THAT(query.error().message, HasSubstr("since must not be after until"));
}

TEST(ParseHistoryQueryTest, ExplainsPlusDecodedAsSpace) {
  Result<HistoryQuery> query = ParseHistoryQuery({{"since", "2024-01-02T00:00:00 09:00"}});
  ASSERT_FALSE(query.ok());
  EXPECT_THAT(query.error().message, HasSubstr("%2B"));
}

TEST(HistoryQueryParamsTest, CanonicalFormRoundTrips) {
  Result<HistoryQuery> query = ParseHistoryQuery({{"until", "2024-01-03T09:00:00.123456789+09:00"},
                                                  {"status", "aborted,failed"},
                                                  {"limit", "7"}});
  ASSERT_TRUE(query.ok()) << query.error().message;
  httplib::Params params = HistoryQueryParams(*query);
  EXPECT_EQ(EncodeQueryString(params),
            "limit=7&status=Aborted%2CFailed&until=2024-01-03T00%3A00%3A00.1234567Z");

  Result<HistoryQuery> again = ParseHistoryQuery(params);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(HistoryQueryParams(*again), params);
}

TEST(HistoryQueryParamsTest, DifferentQueriesDiffer) {
  Result<HistoryQuery> first = ParseHistoryQuery({{"limit", "5"}});
  Result<HistoryQuery> second = ParseHistoryQuery({{"limit", "6"}});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(EncodeQueryString(HistoryQueryParams(*first)),
            EncodeQueryString(HistoryQueryParams(*second)));
}

}  // namespace
}  // namespace webjobs
