#include "http/openapi_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "http/api_route.h"
#include "http/api_server_fixture.h"
#include "http/route_policy.h"

namespace webjobs::testing {
namespace {

using ::testing::StartsWith;

// One operation under `paths:` of the document, found by indentation: a
// path at two spaces, a method at four, its fields at six.
struct Operation {
  std::string path;   // "/api/health"
  std::string where;  // "get /api/health"
  std::string route;  // x-webjobs-route
  std::string scope;  // x-webjobs-scope
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Returns the body of `enum class RouteKind` in api_route.h, without
// comments, or an empty string when the header has no such enum.
std::string RouteKindBody() {
  std::string header = ReadFile(WEBJOBS_API_ROUTE_HEADER);
  size_t begin = header.find("enum class RouteKind {");
  if (begin == std::string::npos) return {};
  size_t end = header.find("};", begin);
  std::string body = header.substr(begin, end - begin);
  // Drop comments, which name routes such as "/api/{type}webjobs".
  return std::regex_replace(body, std::regex("//[^\n]*"), "");
}

// Returns the RouteKind enumerators in declaration order. They have no
// initializers (RouteKindsReadFromHeader checks), so the i-th name is
// static_cast<RouteKind>(i).
std::vector<std::string> RouteKindNames() {
  std::string body = RouteKindBody();
  std::vector<std::string> names;
  std::regex enumerator("\\bk[A-Z][A-Za-z0-9]*\\b");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), enumerator);
       it != std::sregex_iterator(); ++it) {
    // kCount ends the list and is not a route.
    if (it->str() != "kCount") names.push_back(it->str());
  }
  return names;
}

std::string FieldValue(const std::string& line, const std::string& key) {
  std::string prefix = "      " + key + ": ";
  if (line.rfind(prefix, 0) != 0) return {};
  return line.substr(prefix.size());
}

std::vector<Operation> ParseOperations(std::string_view document) {
  static const std::regex kPathLine("^  (/[^ ]*):\\s*$");
  static const std::regex kMethodLine("^    (get|put|post|delete|patch|head|options|trace):\\s*$");
  std::vector<Operation> operations;
  std::istringstream lines{std::string(document)};
  std::string line;
  std::string path;
  bool in_paths = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line == "paths:";
    if (!in_paths) continue;
    std::smatch match;
    if (std::regex_match(line, match, kPathLine)) {
      path = match[1];
    } else if (std::regex_match(line, match, kMethodLine)) {
      operations.push_back(Operation{path, match[1].str() + " " + path, {}, {}});
    } else if (!operations.empty()) {
      if (std::string route = FieldValue(line, "x-webjobs-route"); !route.empty()) {
        operations.back().route = route;
      }
      if (std::string scope = FieldValue(line, "x-webjobs-scope"); !scope.empty()) {
        operations.back().scope = scope;
      }
    }
  }
  return operations;
}

TEST(OpenApiDocumentTest, DeclaresOpenApi31) {
  EXPECT_THAT(std::string(OpenApiDocument()), StartsWith("openapi: 3.1"));
}

TEST(OpenApiDocumentTest, RouteKindsReadFromHeader) {
  std::string body = RouteKindBody();
  ASSERT_FALSE(body.empty()) << "no 'enum class RouteKind {' in " << WEBJOBS_API_ROUTE_HEADER;
  EXPECT_EQ(body.find('='), std::string::npos)
      << "an enumerator of RouteKind has an initializer, so names no longer map to values";
  std::vector<std::string> names = RouteKindNames();
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names.front(), "kHealth");
  EXPECT_NE(std::find(names.begin(), names.end(), "kOpenApi"), names.end());
}

// The portal's operations are served by PortalHandler, not by an API route.
bool IsPortalOperation(const Operation& operation) {
  return operation.path.starts_with("/portal/");
}

TEST(OpenApiDocumentTest, EveryOperationNamesRouteAndScope) {
  std::vector<Operation> operations = ParseOperations(OpenApiDocument());
  ASSERT_GE(operations.size(), 30u);
  for (const Operation& operation : operations) {
    if (IsPortalOperation(operation)) continue;
    EXPECT_THAT(operation.route, StartsWith("k")) << operation.where << " has no x-webjobs-route";
    EXPECT_TRUE(operation.scope == "read" || operation.scope == "operate" ||
                operation.scope == "admin")
        << operation.where << " has x-webjobs-scope '" << operation.scope
        << "'; expected read, operate or admin";
  }
}

TEST(OpenApiDocumentTest, PortalOperationsNamePortalRoute) {
  std::vector<std::string> portal;
  for (const Operation& operation : ParseOperations(OpenApiDocument())) {
    if (!IsPortalOperation(operation)) continue;
    portal.push_back(operation.where);
    EXPECT_EQ(operation.route, "portal") << operation.where;
    bool sign_in = operation.where == "post /portal/session";
    EXPECT_EQ(operation.scope, sign_in ? "none" : "read") << operation.where;
  }
  EXPECT_EQ(portal, (std::vector<std::string>{"post /portal/session", "get /portal/session",
                                              "delete /portal/session"}));
}

TEST(OpenApiDocumentTest, EveryRouteKindIsDocumented) {
  std::vector<Operation> operations = ParseOperations(OpenApiDocument());
  for (const std::string& name : RouteKindNames()) {
    bool documented =
        std::any_of(operations.begin(), operations.end(),
                    [&](const Operation& operation) { return operation.route == name; });
    EXPECT_TRUE(documented) << "RouteKind::" << name
                            << " has no operation with x-webjobs-route: " << name
                            << " in docs/openapi.yaml";
  }
}

TEST(OpenApiDocumentTest, ScopesMatchRequiredScope) {
  std::vector<std::string> names = RouteKindNames();
  for (const Operation& operation : ParseOperations(OpenApiDocument())) {
    auto found = std::find(names.begin(), names.end(), operation.route);
    // Operations of routes that this build does not have yet are skipped.
    if (found == names.end()) continue;
    auto kind = static_cast<RouteKind>(found - names.begin());
    EXPECT_EQ(operation.scope, ScopeName(RequiredScope(kind)))
        << operation.where << " (" << operation.route << ")";
  }
}

TEST(OpenApiDocumentTest, RouteMatchesPathAndAcceptsOnlyGet) {
  for (const char* target : {"/api/openapi.yaml", "/API/OpenApi.YAML", "/api/openapi.yaml/"}) {
    Result<Route> route = MatchRoute("GET", target);
    ASSERT_TRUE(route.ok()) << target << ": " << route.error().message;
    EXPECT_EQ(route->kind, RouteKind::kOpenApi) << target;
  }
  Result<Route> head = MatchRoute("HEAD", "/api/openapi.yaml");
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->kind, RouteKind::kOpenApi);

  Result<Route> put = MatchRoute("PUT", "/api/openapi.yaml");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(put.error().message, ::testing::HasSubstr("it accepts GET"));
}

TEST(OpenApiDocumentTest, RouteNeedsReadAndIsNotAudited) {
  EXPECT_EQ(RequiredScope(RouteKind::kOpenApi), Scope::kRead);
  EXPECT_TRUE(AuditAction(RouteKind::kOpenApi).empty());
}

TEST_F(ApiServerTest, ServesOpenApiDocumentAsYaml) {
  httplib::Result response = Client().Get("/api/openapi.yaml");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/yaml; charset=utf-8");
  EXPECT_EQ(response->body, std::string(OpenApiDocument()));
}

TEST_F(ApiServerTest, OpenApiDocumentNeedsCredentials) {
  httplib::Client client("127.0.0.1", port_);
  httplib::Result response = client.Get("/api/openapi.yaml");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(response->body.find("openapi:"), std::string::npos);
}

}  // namespace
}  // namespace webjobs::testing
