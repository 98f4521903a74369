#include "http/request_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace webjobs {
namespace {

using ::testing::ElementsAre;

TEST(SplitRequestPathTest, DecodesEachSegmentAfterSplitting) {
  Result<std::vector<std::string>> segments = SplitRequestPath("/api/x/..%2F..%2Fy");
  ASSERT_TRUE(segments.ok());
  EXPECT_THAT(*segments, ElementsAre("api", "x", "../../y"));
}

TEST(SplitRequestPathTest, CutsQueryAndFragment) {
  Result<std::vector<std::string>> segments = SplitRequestPath("/a/b?c=/d#e");
  ASSERT_TRUE(segments.ok());
  EXPECT_THAT(*segments, ElementsAre("a", "b"));
}

TEST(SplitRequestPathTest, KeepsEmptySegmentsAndPlus) {
  Result<std::vector<std::string>> segments = SplitRequestPath("/a//b+c/");
  ASSERT_TRUE(segments.ok());
  EXPECT_THAT(*segments, ElementsAre("a", "", "b+c", ""));
}

TEST(SplitRequestPathTest, RejectsBadPercentEncoding) {
  for (const char* target : {"/a%2", "/a%zz", "/%"}) {
    Result<std::vector<std::string>> segments = SplitRequestPath(target);
    ASSERT_FALSE(segments.ok()) << target;
    EXPECT_EQ(segments.error().code, ErrorCode::kInvalidArgument) << target;
  }
}

TEST(SplitRequestPathTest, RejectsTargetWithoutLeadingSlash) {
  EXPECT_FALSE(SplitRequestPath("http://host/api").ok());
  EXPECT_FALSE(SplitRequestPath("").ok());
}

TEST(RequestTargetPathTest, DropsQuery) {
  EXPECT_EQ(RequestTargetPath("/api/x/run?arguments=secret"), "/api/x/run");
}

TEST(PercentEncodeTest, KeepsUnreservedOnly) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b/c+d%"), "a%20b%2Fc%2Bd%25");
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");
}

}  // namespace
}  // namespace webjobs
