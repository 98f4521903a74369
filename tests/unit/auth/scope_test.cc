#include "auth/scope.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(ScopeTest, NamesRoundTrip) {
  for (Scope scope : {Scope::kRead, Scope::kOperate, Scope::kAdmin}) {
    Result<Scope> parsed = ParseScope(ScopeName(scope));
    ASSERT_TRUE(parsed.ok()) << ScopeName(scope);
    EXPECT_EQ(*parsed, scope);
  }
  EXPECT_EQ(ScopeName(Scope::kRead), "read");
  EXPECT_EQ(ScopeName(Scope::kOperate), "operate");
  EXPECT_EQ(ScopeName(Scope::kAdmin), "admin");
}

TEST(ScopeTest, ParsingIsExactAndLowerCase) {
  for (const char* text :
       {"", "Read", "ADMIN", " admin", "admin ", "write", "adm", "admins", "operator"}) {
    Result<Scope> parsed = ParseScope(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("read, operate or admin"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(ScopeTest, ErrorQuotesAtMostFortyCharacters) {
  std::string long_value(500, 'x');
  Result<Scope> parsed = ParseScope(long_value);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message.find(std::string(41, 'x')), std::string::npos);
}

TEST(ScopeTest, EachScopeIncludesTheNarrowerOnes) {
  EXPECT_TRUE(ScopeAllows(Scope::kRead, Scope::kRead));
  EXPECT_FALSE(ScopeAllows(Scope::kRead, Scope::kOperate));
  EXPECT_FALSE(ScopeAllows(Scope::kRead, Scope::kAdmin));
  EXPECT_TRUE(ScopeAllows(Scope::kOperate, Scope::kRead));
  EXPECT_TRUE(ScopeAllows(Scope::kOperate, Scope::kOperate));
  EXPECT_FALSE(ScopeAllows(Scope::kOperate, Scope::kAdmin));
  EXPECT_TRUE(ScopeAllows(Scope::kAdmin, Scope::kRead));
  EXPECT_TRUE(ScopeAllows(Scope::kAdmin, Scope::kOperate));
  EXPECT_TRUE(ScopeAllows(Scope::kAdmin, Scope::kAdmin));
}

}  // namespace
}  // namespace webjobs
