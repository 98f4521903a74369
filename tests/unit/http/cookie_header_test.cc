#include "http/cookie_header.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(FindCookieTest, FindsNamedCookie) {
  EXPECT_EQ(FindCookie("a=1; webjobs_session=abc; b=2", "webjobs_session"), "abc");
  EXPECT_EQ(FindCookie("webjobs_session=abc", "webjobs_session"), "abc");
  EXPECT_EQ(FindCookie("a=1;b=2", "b"), "2");
}

TEST(FindCookieTest, TrimsSpacesAndQuotes) {
  EXPECT_EQ(FindCookie("  a = 1 ;\tb=\"two\"  ", "a"), "1");
  EXPECT_EQ(FindCookie("a=1; b=\"two\"", "b"), "two");
  EXPECT_EQ(FindCookie("b=\"", "b"), "\"");
}

TEST(FindCookieTest, FirstOfRepeatedNamesWins) { EXPECT_EQ(FindCookie("a=1; a=2", "a"), "1"); }

TEST(FindCookieTest, MissingOrMalformedGivesNothing) {
  EXPECT_EQ(FindCookie("", "a"), std::nullopt);
  EXPECT_EQ(FindCookie("a", "a"), std::nullopt);
  EXPECT_EQ(FindCookie(";;;", "a"), std::nullopt);
  EXPECT_EQ(FindCookie("A=1", "a"), std::nullopt);
  EXPECT_EQ(FindCookie("xa=1; ax=2", "a"), std::nullopt);
}

TEST(FindCookieTest, EmptyValueIsFound) { EXPECT_EQ(FindCookie("a=; b=2", "a"), ""); }

TEST(RemoveCookieTest, RemovesEveryPairOfName) {
  EXPECT_EQ(RemoveCookie("a=1; webjobs_session=abc; b=2", "webjobs_session"), "a=1; b=2");
  EXPECT_EQ(RemoveCookie("webjobs_session=x;webjobs_session=y", "webjobs_session"), "");
  EXPECT_EQ(RemoveCookie(" webjobs_session = x ", "webjobs_session"), "");
}

TEST(RemoveCookieTest, KeepsOtherPairs) {
  EXPECT_EQ(RemoveCookie("a=1;b=\"two\"", "webjobs_session"), "a=1; b=\"two\"");
  EXPECT_EQ(RemoveCookie("xwebjobs_session=1; Webjobs_session=2", "webjobs_session"),
            "xwebjobs_session=1; Webjobs_session=2");
  EXPECT_EQ(RemoveCookie("flag; ;a=1", "webjobs_session"), "flag; a=1");
  EXPECT_EQ(RemoveCookie("", "webjobs_session"), "");
}

TEST(SessionCookieTest, SetsSecurityAttributes) {
  std::string cookie = SessionCookie("0123", false);
  EXPECT_EQ(cookie.rfind("webjobs_session=0123;", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(cookie.find("Max-Age"), std::string::npos);
}

TEST(SessionCookieTest, SecureWithTls) {
  EXPECT_NE(SessionCookie("0123", true).find("; Secure"), std::string::npos);
  EXPECT_NE(ExpiredSessionCookie(true).find("; Secure"), std::string::npos);
}

TEST(SessionCookieTest, ExpiredCookieDeletesIt) {
  std::string cookie = ExpiredSessionCookie(false);
  EXPECT_EQ(cookie.rfind("webjobs_session=;", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
}

}  // namespace
}  // namespace webjobs
