#include "cron/time_zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cron/windows_zones.h"

namespace webjobs {
namespace {

using ::testing::HasSubstr;

std::string NameOf(std::string_view query) {
  auto zone = LocateTimeZone(query);
  return zone.ok() ? std::string((*zone)->name()) : "error: " + zone.error().message;
}

TEST(TimeZoneTest, LocatesIanaNames) {
  EXPECT_EQ(NameOf("Asia/Seoul"), "Asia/Seoul");
  EXPECT_EQ(NameOf("UTC"), "UTC");
  EXPECT_EQ(NameOf("America/New_York"), "America/New_York");
  EXPECT_EQ(NameOf("  Europe/Berlin \n"), "Europe/Berlin");
}

TEST(TimeZoneTest, LocatesWindowsIds) {
  EXPECT_EQ(NameOf("Korea Standard Time"), "Asia/Seoul");
  EXPECT_EQ(NameOf("Pacific Standard Time"), "America/Los_Angeles");
  EXPECT_EQ(NameOf("W. Europe Standard Time"), "Europe/Berlin");
  EXPECT_EQ(NameOf("korea standard time"), "Asia/Seoul");
  EXPECT_EQ(NameOf("Tokyo Standard Time"), "Asia/Tokyo");
  EXPECT_EQ(NameOf("India Standard Time"), "Asia/Kolkata");
  EXPECT_EQ(NameOf("UTC-11"), "Etc/GMT+11");
}

TEST(TimeZoneTest, RejectsUnknownNameWithExample) {
  auto zone = LocateTimeZone("Mars/Olympus");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(zone.error().message,
            "unknown time zone 'Mars/Olympus'; use an IANA name such as 'Asia/Seoul' or "
            "'America/New_York', or a Windows zone id such as 'Korea Standard Time'");
}

TEST(TimeZoneTest, SuggestsSpellingWhenOnlyCaseDiffers) {
  auto zone = LocateTimeZone("asia/seoul");
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(zone.error().message, HasSubstr("did you mean 'Asia/Seoul'?"));
}

TEST(TimeZoneTest, UnknownNameQuotesNonAsciiAsCharacters) {
  struct Case {
    std::string_view name;
    std::string_view quoted;
  };
  const Case cases[] = {
      {"\xEC\x84\x9C\xEC\x9A\xB8", "'\xEC\x84\x9C\xEC\x9A\xB8'"},  // Seoul in Hangul
      {"\xE6\x9D\xB1\xE4\xBA\xAC", "'\xE6\x9D\xB1\xE4\xBA\xAC'"},  // Tokyo in kanji
      {"Europe/Z\xC3\xBCrich", "'Europe/Z\xC3\xBCrich'"},
      // Malformed bytes and control characters are still escaped.
      {"Europe/Z\xFCrich", "'Europe/Z\\xFCrich'"},
      {"Asia/Seoul\x1B[2J", "'Asia/Seoul\\x1B[2J'"},
  };
  for (const Case& c : cases) {
    auto zone = LocateTimeZone(c.name);
    ASSERT_FALSE(zone.ok()) << c.quoted;
    EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument) << c.quoted;
    EXPECT_THAT(zone.error().message, HasSubstr("unknown time zone " + std::string(c.quoted) + ";"))
        << zone.error().message;
  }
}

TEST(TimeZoneTest, RejectsEmptyName) {
  auto zone = LocateTimeZone("  ");
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(zone.error().message, HasSubstr("time zone name is empty"));
}

TEST(TimeZoneTest, RejectsPathLikeNames) {
  EXPECT_FALSE(LocateTimeZone("../../../etc/passwd").ok());
  EXPECT_FALSE(LocateTimeZone("/etc/localtime").ok());
}

TEST(TimeZoneTest, DefaultPrefersValidWebsiteSetting) {
  const date::time_zone* zone = DefaultTimeZone("Korea Standard Time");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->name(), "Asia/Seoul");
  zone = DefaultTimeZone("Europe/Paris");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->name(), "Europe/Paris");
}

TEST(TimeZoneTest, DefaultFallsBackToSystemZone) {
  const date::time_zone* system_zone = date::current_zone();
  const date::time_zone* unset = DefaultTimeZone("");
  ASSERT_NE(unset, nullptr);
  EXPECT_EQ(unset->name(), system_zone->name());
  const date::time_zone* invalid = DefaultTimeZone("Not A Zone");
  ASSERT_NE(invalid, nullptr);
  EXPECT_EQ(invalid->name(), system_zone->name());
}

TEST(WindowsZonesTest, EveryMappedZoneExistsInTzdata) {
  for (const WindowsZoneMapping& mapping : WindowsZoneMappings()) {
    auto zone = LocateTimeZone(mapping.iana_name);
    EXPECT_TRUE(zone.ok()) << mapping.windows_id << " -> " << mapping.iana_name;
    auto by_windows_id = LocateTimeZone(mapping.windows_id);
    ASSERT_TRUE(by_windows_id.ok()) << mapping.windows_id;
    // "UTC" is an IANA name too, and IANA names are looked up first.
    if (mapping.windows_id != "UTC") {
      EXPECT_EQ((*by_windows_id)->name(), mapping.iana_name);
    }
  }
}

TEST(WindowsZonesTest, IdsAreUnique) {
  std::set<std::string> ids;
  for (const WindowsZoneMapping& mapping : WindowsZoneMappings()) {
    EXPECT_TRUE(ids.insert(std::string(mapping.windows_id)).second) << mapping.windows_id;
  }
  EXPECT_GE(ids.size(), 130u);
}

TEST(WindowsZonesTest, LookupIgnoresCaseOnly) {
  EXPECT_EQ(IanaNameForWindowsZone("EASTERN STANDARD TIME"), "America/New_York");
  EXPECT_EQ(IanaNameForWindowsZone("Eastern Standard Time (Mexico)"), "America/Cancun");
  EXPECT_FALSE(IanaNameForWindowsZone("Eastern  Standard Time").has_value());
  EXPECT_FALSE(IanaNameForWindowsZone("").has_value());
}

}  // namespace
}  // namespace webjobs
