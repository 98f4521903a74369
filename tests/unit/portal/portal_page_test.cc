#include "portal/portal_page.h"

#include <gtest/gtest.h>

namespace webjobs {
namespace {

TEST(PortalPageFileTest, MapsEachPageAddress) {
  EXPECT_EQ(PortalPageFile(""), "index.html");
  EXPECT_EQ(PortalPageFile("signin"), "signin.html");
  EXPECT_EQ(PortalPageFile("new"), "add.html");
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly"), "triggered.html");
  EXPECT_EQ(PortalPageFile("jobs/continuous/daemon"), "continuous.html");
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/settings"), "settings.html");
  EXPECT_EQ(PortalPageFile("jobs/continuous/daemon/settings"), "settings.html");
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/202612050102030405"), "run.html");
}

TEST(PortalPageFileTest, LeavesFilesAndUnknownAddressesAlone) {
  EXPECT_EQ(PortalPageFile("portal.css"), std::nullopt);
  EXPECT_EQ(PortalPageFile("i18n/ko.json"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/scheduled/nightly"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered//settings"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/log"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/settings/x"), std::nullopt);
}

TEST(PortalPageFileTest, RunPagesNeedATriggeredJobAndADigitId) {
  EXPECT_EQ(PortalPageFile("jobs/continuous/daemon/runs/1"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/12a"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/-1"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/12345678901234567890"), std::nullopt);
  EXPECT_EQ(PortalPageFile("jobs/triggered/nightly/runs/1/x"), std::nullopt);
}

}  // namespace
}  // namespace webjobs
