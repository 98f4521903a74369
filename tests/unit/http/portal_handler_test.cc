#include "http/portal_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/api_server_fixture.h"

namespace webjobs::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class PortalTest : public ApiServerTest {
 protected:
  // A client without credentials.
  httplib::Client Anonymous() {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10);
    return client;
  }

  // Signs in as the test user and keeps the session cookie and CSRF token.
  void SignIn() {
    httplib::Result result = Anonymous().Post(
        "/portal/session", json{{"user", kTestUser}, {"password", kTestPassword}}.dump(),
        "application/json");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 201) << result->body;
    std::string set_cookie = result->get_header_value("Set-Cookie");
    ASSERT_EQ(set_cookie.rfind("webjobs_session=", 0), 0u) << set_cookie;
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    json body = json::parse(result->body);
    csrf_token_ = body["csrf_token"];
    EXPECT_EQ(body["user"], kTestUser);
    EXPECT_EQ(body["scope"], "admin");
  }

  httplib::Headers WithCookie(std::optional<std::string> csrf = std::nullopt) {
    httplib::Headers headers{{"Cookie", cookie_}};
    if (csrf) headers.emplace("X-CSRF-Token", *csrf);
    return headers;
  }

  std::string cookie_;
  std::string csrf_token_;
};

TEST_F(PortalTest, RootRedirectsToPortal) {
  for (const char* path : {"/", "/portal"}) {
    httplib::Result result = Anonymous().Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 302) << path;
    EXPECT_EQ(result->get_header_value("Location"), "/portal/") << path;
  }
}

TEST_F(PortalTest, PagesNeedNoCredentials) {
  for (const char* path : {"/portal/", "/portal/signin", "/portal/portal.js", "/portal/portal.css",
                           "/portal/i18n/ko.json"}) {
    httplib::Result result = Anonymous().Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
    EXPECT_THAT(result->get_header_value("Content-Security-Policy"),
                HasSubstr("frame-ancestors 'none'"))
        << path;
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff") << path;
  }
}

TEST_F(PortalTest, EveryPageGetsTheSharedTopBar) {
  for (const char* path :
       {"/portal/", "/portal/new", "/portal/jobs/triggered/nightly",
        "/portal/jobs/triggered/nightly/runs/202612050102030405", "/portal/jobs/continuous/daemon",
        "/portal/jobs/continuous/daemon/settings"}) {
    httplib::Result result = Anonymous().Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("{{"))) << path;
    EXPECT_THAT(result->body, HasSubstr("<header class=\"topbar\">")) << path;
    EXPECT_THAT(result->body, HasSubstr("<nav class=\"breadcrumb\"")) << path;
    EXPECT_THAT(result->body, HasSubstr("id=\"sign-out\"")) << path;
    EXPECT_THAT(result->body, HasSubstr("</header>")) << path;
  }
}

TEST_F(PortalTest, PagesGetTheirSharedParts) {
  const std::pair<const char*, const char*> parts[] = {
      {"/portal/new", "id=\"schedule-group\""},
      {"/portal/jobs/triggered/nightly/settings", "id=\"schedule-group\""},
      {"/portal/", "id=\"run-dialog\""},
      {"/portal/jobs/triggered/nightly", "id=\"run-dialog\""},
  };
  for (const auto& [path, part] : parts) {
    httplib::Result result = Anonymous().Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_THAT(result->body, HasSubstr(part)) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("{{"))) << path;
  }
}

TEST_F(PortalTest, UnknownPageAddressGetsNotFoundPage) {
  for (const char* path : {"/portal/nosuchpage", "/portal/jobs/triggered/", "/portal/jobs/x/y/z"}) {
    httplib::Result result = Anonymous().Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("text/html")) << path;
    EXPECT_THAT(result->body, HasSubstr("data-i18n=\"notFound.heading\"")) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("{{"))) << path;
  }
}

TEST_F(PortalTest, PartialsAreNotServed) {
  httplib::Result result = Anonymous().Get("/portal/partials/topbar_start.html");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
}

TEST_F(PortalTest, UnknownPortalFileIsNotFound) {
  httplib::Result result = Anonymous().Get("/portal/nope.js");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  result = Anonymous().Get("/portal/../api/webjobs");
  ASSERT_TRUE(result);
  EXPECT_NE(result->status, 200);
}

TEST_F(PortalTest, PageLanguageFollowsAcceptLanguageAndCookie) {
  httplib::Result result = Anonymous().Get("/portal/", {{"Accept-Language", "ko-KR,ko;q=0.9"}});
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, HasSubstr("<html lang=\"ko\">"));
  EXPECT_EQ(result->get_header_value("Content-Language"), "ko");
  result = Anonymous().Get("/portal/signin",
                           {{"Accept-Language", "ko-KR"}, {"Cookie", "webjobs_lang=en"}});
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, HasSubstr("<html lang=\"en\">"));
  result = Anonymous().Get("/portal/", {{"Cookie", "webjobs_lang=<b>"}});
  ASSERT_TRUE(result);
  EXPECT_THAT(result->body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(result->body, Not(HasSubstr("<b>")));
}

TEST_F(PortalTest, SignInSetsSessionCookie) {
  httplib::Result result = Anonymous().Post(
      "/portal/session", json{{"user", kTestUser}, {"password", kTestPassword}}.dump(),
      "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 201) << result->body;
  std::string cookie = result->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, Not(HasSubstr("Secure")));
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
}

TEST_F(PortalTest, WrongPasswordIsRejectedWithoutChallenge) {
  httplib::Result result = Anonymous().Post(
      "/portal/session", json{{"user", kTestUser}, {"password", "wrong password 1"}}.dump(),
      "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_FALSE(result->has_header("Set-Cookie"));
  EXPECT_FALSE(result->has_header("WWW-Authenticate"));
}

TEST_F(PortalTest, MalformedSignInIsBadRequest) {
  for (const char* body :
       {"", "[]", "{\"user\": \"tester\"}", "{\"user\": 1, \"password\": \"x\"}"}) {
    httplib::Result result = Anonymous().Post("/portal/session", body, "application/json");
    ASSERT_TRUE(result) << body;
    EXPECT_EQ(result->status, 400) << body;
  }
}

TEST_F(PortalTest, SignInNeedsJsonContentType) {
  // Another site's form can post these types without a preflight.
  const std::string body =
      std::string("{\"user\": \"") + kTestUser + "\", \"password\": \"" + kTestPassword + "\"}";
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    httplib::Result result = Anonymous().Post("/portal/session", body, type);
    ASSERT_TRUE(result) << type;
    // httplib rejects a multipart body that does not parse (400) first.
    EXPECT_TRUE(result->status == 415 || result->status == 400) << type << " " << result->status;
    EXPECT_TRUE(result->get_header_value("Set-Cookie").empty()) << type;
  }
  httplib::Result result = Anonymous().Post("/portal/session", body, "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_THAT(result->body, HasSubstr("application/json"));

  result = Anonymous().Post("/portal/session", body, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 201) << result->body;
}

TEST_F(PortalTest, SignInFromAnotherSiteIsForbidden) {
  httplib::Result result = Anonymous().Post(
      "/portal/session", {{"Origin", "http://evil.example"}},
      json{{"user", kTestUser}, {"password", kTestPassword}}.dump(), "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_FALSE(result->has_header("Set-Cookie"));
}

TEST_F(PortalTest, SessionCookieReadsApi) {
  AddJob("nightly", JobType::kTriggered);
  SignIn();
  httplib::Result result = Anonymous().Get("/api/webjobs", WithCookie());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_THAT(result->body, HasSubstr("nightly"));
  result = Anonymous().Get("/portal/session", WithCookie());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(json::parse(result->body)["csrf_token"], csrf_token_);
}

TEST_F(PortalTest, ChangeWithCookieNeedsCsrfToken) {
  AddJob("nightly", JobType::kTriggered);
  SignIn();
  httplib::Result result =
      Anonymous().Post("/api/triggeredwebjobs/nightly/run", WithCookie(), "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403) << result->body;
  EXPECT_THAT(result->body, HasSubstr("X-CSRF-Token"));

  result = Anonymous().Post("/api/triggeredwebjobs/nightly/run", WithCookie(std::string(64, '0')),
                            "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403) << result->body;
  {
    std::lock_guard lock(service_.mutex);
    EXPECT_THAT(service_.calls, Not(::testing::Contains(HasSubstr("RunJob"))));
  }

  result = Anonymous().Post("/api/triggeredwebjobs/nightly/run", WithCookie(csrf_token_), "",
                            "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202) << result->body;
}

TEST_F(PortalTest, RunFromPortalNamesItsUser) {
  AddJob("nightly", JobType::kTriggered);
  SignIn();
  httplib::Result result = Anonymous().Post("/api/triggeredwebjobs/nightly/run",
                                            WithCookie(csrf_token_), "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202) << result->body;
  {
    std::lock_guard lock(service_.mutex);
    EXPECT_EQ(service_.last_trigger, std::string("Portal - ") + kTestUser);
  }

  // The same user with Basic credentials is an external client.
  result = Client().Post("/api/triggeredwebjobs/nightly/run", "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 202) << result->body;
  std::lock_guard lock(service_.mutex);
  EXPECT_TRUE(service_.last_trigger.starts_with("External - ")) << service_.last_trigger;
}

TEST_F(PortalTest, UnknownSessionIsRejectedWithoutChallenge) {
  httplib::Result result =
      Anonymous().Get("/api/webjobs", {{"Cookie", "webjobs_session=" + std::string(64, 'a')}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_FALSE(result->has_header("WWW-Authenticate"));
  result = Anonymous().Get("/portal/session");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
}

TEST_F(PortalTest, OtherCookiesDoNotAuthenticate) {
  httplib::Result result = Anonymous().Get("/api/webjobs", {{"Cookie", "webjobs_lang=ko"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_TRUE(result->has_header("WWW-Authenticate"));
}

TEST_F(PortalTest, SignOutNeedsCsrfTokenAndEndsSession) {
  SignIn();
  httplib::Result result = Anonymous().Delete("/portal/session", WithCookie());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);

  result = Anonymous().Delete("/portal/session", WithCookie(csrf_token_));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 204);
  EXPECT_THAT(result->get_header_value("Set-Cookie"), HasSubstr("Max-Age=0"));

  result = Anonymous().Get("/api/webjobs", WithCookie());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
}

TEST_F(PortalTest, BasicCredentialsStillWork) {
  httplib::Result result = Client().Get("/api/webjobs");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(PortalTest, SignInAndOutAreAudited) {
  SignIn();
  ASSERT_TRUE(Anonymous().Delete("/portal/session", WithCookie(csrf_token_)));
  Result<std::vector<AuditRecord>> audit = store_->ListAudit(10, std::nullopt);
  ASSERT_TRUE(audit.ok());
  ASSERT_GE(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "session.sign_out");
  EXPECT_EQ((*audit)[1].action, "session.sign_in");
  EXPECT_EQ((*audit)[1].actor, kTestUser);
}

}  // namespace
}  // namespace webjobs::testing
