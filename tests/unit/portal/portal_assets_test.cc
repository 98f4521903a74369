#include "portal/portal_assets.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "portal/language.h"

namespace webjobs {
namespace {

using nlohmann::json;

std::set<std::string> CatalogKeys(std::string_view language) {
  const PortalAsset* asset = FindPortalAsset("i18n/" + std::string(language) + ".json");
  EXPECT_NE(asset, nullptr) << language;
  if (asset == nullptr) return {};
  json catalog = json::parse(asset->content, nullptr, false);
  EXPECT_TRUE(catalog.is_object()) << "i18n/" << language << ".json is not a JSON object";
  std::set<std::string> keys;
  if (!catalog.is_object()) return keys;
  for (const auto& [key, value] : catalog.items()) {
    EXPECT_TRUE(value.is_string()) << language << ": " << key;
    if (value.is_string()) {
      EXPECT_FALSE(value.get<std::string>().empty()) << language << ": " << key;
    }
    keys.insert(key);
  }
  return keys;
}

// Message keys the pages name literally: data-i18n="key",
// data-i18n-attr="attribute:key;...", and t("key") in scripts.
std::set<std::string> KeysUsedByAssets() {
  static const std::regex kText("data-i18n=\"([^\"]+)\"");
  static const std::regex kAttribute("data-i18n-attr=\"([^\"]+)\"");
  static const std::regex kPair("[a-z-]+:([A-Za-z0-9_.]+)");
  static const std::regex kCall("\\bt\\(\"([A-Za-z0-9_.]*[A-Za-z0-9_])\"");
  std::set<std::string> keys;
  for (const PortalAsset& asset : PortalAssets()) {
    std::string text(asset.content);
    for (const std::regex* pattern : {&kText, &kCall}) {
      for (auto it = std::sregex_iterator(text.begin(), text.end(), *pattern);
           it != std::sregex_iterator(); ++it) {
        keys.insert((*it)[1]);
      }
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kAttribute);
         it != std::sregex_iterator(); ++it) {
      std::string pairs = (*it)[1];
      for (auto pair = std::sregex_iterator(pairs.begin(), pairs.end(), kPair);
           pair != std::sregex_iterator(); ++pair) {
        keys.insert((*pair)[1]);
      }
    }
  }
  return keys;
}

TEST(PortalAssetsTest, ContainsPagesScriptsAndCatalogs) {
  for (const char* path : {"index.html", "signin.html", "portal.css", "portal.js", "jobs.js",
                           "menu.js", "signin.js", "i18n/en.json", "i18n/ko.json"}) {
    const PortalAsset* asset = FindPortalAsset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_FALSE(asset->content.empty()) << path;
  }
}

TEST(PortalAssetsTest, ContentTypeFollowsExtension) {
  EXPECT_EQ(FindPortalAsset("index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(FindPortalAsset("portal.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(FindPortalAsset("jobs.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindPortalAsset("i18n/ko.json")->content_type, "application/json; charset=utf-8");
  ASSERT_NE(FindPortalAsset("favicon.svg"), nullptr);
  EXPECT_EQ(FindPortalAsset("favicon.svg")->content_type, "image/svg+xml");
}

TEST(PortalAssetsTest, UnknownPathIsNotFound) {
  EXPECT_EQ(FindPortalAsset(""), nullptr);
  EXPECT_EQ(FindPortalAsset("nope.js"), nullptr);
  EXPECT_EQ(FindPortalAsset("../index.html"), nullptr);
  EXPECT_EQ(FindPortalAsset("i18n"), nullptr);
}

TEST(PortalAssetsTest, PagesCarryLanguagePlaceholder) {
  for (const char* page : {"index.html", "signin.html"}) {
    EXPECT_NE(FindPortalAsset(page)->content.find("<html lang=\"{{lang}}\">"),
              std::string_view::npos)
        << page;
  }
}

TEST(PortalAssetsTest, ContainsAddAndSettingsPages) {
  for (const char* path :
       {"add.html", "add.js", "settings.html", "settings.js", "schedule_field.js", "form.css"}) {
    const PortalAsset* asset = FindPortalAsset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_FALSE(asset->content.empty()) << path;
  }
  for (const char* page : {"add.html", "settings.html"}) {
    std::string_view content = FindPortalAsset(page)->content;
    EXPECT_NE(content.find("<html lang=\"{{lang}}\">"), std::string_view::npos) << page;
    EXPECT_NE(content.find("<script src=\"/portal/schedule_field.js\" defer></script>"),
              std::string_view::npos)
        << page;
  }
}

TEST(PortalAssetsTest, PagesHaveNoInlineScripts) {
  // The Content-Security-Policy allows scripts from files only.
  static const std::regex kInline("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+=\"");
  for (const PortalAsset& asset : PortalAssets()) {
    if (!asset.path.ends_with(".html")) continue;
    std::string text(asset.content);
    EXPECT_FALSE(std::regex_search(text, kInline)) << asset.path;
  }
}

TEST(PortalAssetsTest, CatalogsHaveSameKeys) {
  std::set<std::string> english = CatalogKeys("en");
  for (std::string_view language : kPortalLanguages) {
    EXPECT_EQ(CatalogKeys(language), english) << language;
  }
}

TEST(PortalAssetsTest, EveryUsedKeyIsInEachCatalog) {
  std::set<std::string> used = KeysUsedByAssets();
  EXPECT_GT(used.size(), 20u);
  for (std::string_view language : kPortalLanguages) {
    std::set<std::string> keys = CatalogKeys(language);
    for (const std::string& key : used) EXPECT_TRUE(keys.contains(key)) << language << ": " << key;
  }
}

TEST(PortalAssetsTest, EveryActionHasScreenReaderLabel) {
  // jobs.js labels each action button with the message key + ".label".
  std::set<std::string> keys = CatalogKeys("en");
  for (const std::string& key : keys) {
    if (key.starts_with("action.") && !key.ends_with(".label")) {
      EXPECT_TRUE(keys.contains(key + ".label")) << key;
    }
  }
}

TEST(PortalAssetsTest, CatalogsCoverJobTypesStatusesAndScopes) {
  // jobs.js builds these keys from API values.
  for (std::string_view language : kPortalLanguages) {
    std::set<std::string> keys = CatalogKeys(language);
    for (const char* key :
         {"type.triggered", "type.continuous", "scope.read", "scope.operate", "scope.admin",
          "status.Ready", "status.Running", "status.Stopped", "status.Success", "status.Failed",
          "status.Aborted", "status.Initializing", "status.PendingRestart"}) {
      EXPECT_TRUE(keys.contains(key)) << language << ": " << key;
    }
  }
}

TEST(PortalAssetsTest, ContainsLogPages) {
  for (const char* page : {"triggered.html", "run.html", "continuous.html"}) {
    const PortalAsset* asset = FindPortalAsset(page);
    ASSERT_NE(asset, nullptr) << page;
    EXPECT_NE(asset->content.find("<html lang=\"{{lang}}\">"), std::string_view::npos) << page;
  }
  for (const char* script : {"job_page.js", "output_view.js", "triggered.js", "run.js",
                             "continuous.js"}) {
    EXPECT_NE(FindPortalAsset(script), nullptr) << script;
  }
}

TEST(PortalAssetsTest, CatalogsCoverBuiltLogKeys) {
  // portal.js, job_page.js and output_view.js build these keys at run time.
  for (std::string_view language : kPortalLanguages) {
    std::set<std::string> keys = CatalogKeys(language);
    for (const char* key :
         {"duration.milliseconds", "duration.seconds", "duration.minutes", "duration.hours",
          "duration.days", "history.trigger.manual", "history.trigger.schedule",
          "history.trigger.scheduleDetail", "history.trigger.api", "history.trigger.apiDetail",
          "log.waiting", "log.empty", "runPage.noOutput", "log.heading", "runPage.output"}) {
      EXPECT_TRUE(keys.contains(key)) << language << ": " << key;
    }
  }
}

}  // namespace
}  // namespace webjobs
