#include "portal/language.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(NegotiateLanguageTest, PicksHighestWeight) {
  EXPECT_EQ(NegotiateLanguage("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), "ko");
  EXPECT_EQ(NegotiateLanguage("en-US,en;q=0.9,ko;q=0.8"), "en");
  EXPECT_EQ(NegotiateLanguage("en;q=0.5, ko;q=0.6"), "ko");
  EXPECT_EQ(NegotiateLanguage("ko;q=0.125,en;q=0.120"), "ko");
}

TEST(NegotiateLanguageTest, SkipsUnsupportedLanguages) {
  EXPECT_EQ(NegotiateLanguage("fr-FR,fr;q=0.9,ko;q=0.5"), "ko");
  EXPECT_EQ(NegotiateLanguage("ja,de"), "en");
}

TEST(NegotiateLanguageTest, MatchesPrimarySubtagIgnoringCase) {
  EXPECT_EQ(NegotiateLanguage("KO-kr"), "ko");
  EXPECT_EQ(NegotiateLanguage("ko-Kore-KR"), "ko");
  EXPECT_EQ(NegotiateLanguage("kor"), "en");
}

TEST(NegotiateLanguageTest, EarlierEntryWinsOnEqualWeight) {
  EXPECT_EQ(NegotiateLanguage("ko, en"), "ko");
  EXPECT_EQ(NegotiateLanguage("en;q=0.8, ko;q=0.8"), "en");
}

TEST(NegotiateLanguageTest, ZeroWeightExcludes) {
  EXPECT_EQ(NegotiateLanguage("ko;q=0, fr"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q=0.000"), "en");
}

TEST(NegotiateLanguageTest, WildcardSelectsDefault) {
  EXPECT_EQ(NegotiateLanguage("*"), "en");
  EXPECT_EQ(NegotiateLanguage("fr, *;q=0.1"), "en");
  EXPECT_EQ(NegotiateLanguage("*;q=0.1, ko;q=0.5"), "ko");
}

TEST(NegotiateLanguageTest, MalformedEntriesAreSkipped) {
  EXPECT_EQ(NegotiateLanguage(""), "en");
  EXPECT_EQ(NegotiateLanguage(",,,"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q=2"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q=1.5"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q=0.1234"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q=abc, en;q=0.1"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;level=1"), "en");
  EXPECT_EQ(NegotiateLanguage("ko;q="), "en");
  EXPECT_EQ(NegotiateLanguage("ko ; Q=0.5"), "ko");
}

TEST(ChoosePortalLanguageTest, CookieWins) {
  EXPECT_EQ(ChoosePortalLanguage("ko", "en-US"), "ko");
  EXPECT_EQ(ChoosePortalLanguage("en", "ko-KR"), "en");
}

TEST(ChoosePortalLanguageTest, InvalidCookieFallsBackToHeader) {
  EXPECT_EQ(ChoosePortalLanguage("", "ko-KR"), "ko");
  EXPECT_EQ(ChoosePortalLanguage("fr", "ko-KR"), "ko");
  EXPECT_EQ(ChoosePortalLanguage("KO", "en"), "en");
  EXPECT_EQ(ChoosePortalLanguage("<script>", ""), "en");
}

}  // namespace
}  // namespace webjobs
