#include "http/portal_handler.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "http/cookie_header.h"
#include "http/http_reply.h"
#include "http/request_path.h"
#include "package/ascii_case.h"
#include "package/message_value.h"
#include "portal/language.h"
#include "portal/portal_assets.h"
#include "portal/portal_page.h"

namespace webjobs {
namespace {

using nlohmann::json;

constexpr std::string_view kPortalPrefix = "/portal/";
constexpr size_t kMaxSignInBodyBytes = 16 << 10;
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

void SetSecurityHeaders(httplib::Response& response) {
  response.set_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Cache-Control", "no-store");
}

void Redirect(httplib::Response& response, std::string_view location) {
  response.status = 302;
  response.set_header("Location", std::string(location));
}

std::string CookieValue(const httplib::Request& request, std::string_view name) {
  auto [begin, end] = request.headers.equal_range("Cookie");
  for (auto it = begin; it != end; ++it) {
    if (std::optional<std::string> value = FindCookie(it->second, name)) return *value;
  }
  return {};
}

// Replaces each `placeholder` in `page` with `value`.
std::string Fill(std::string_view page, std::string_view placeholder, std::string_view value) {
  std::string out;
  out.reserve(page.size() + value.size());
  size_t start = 0;
  for (size_t found = page.find(placeholder); found != std::string_view::npos;
       found = page.find(placeholder, start)) {
    out.append(page.substr(start, found - start));
    out.append(value);
    start = found + placeholder.size();
  }
  out.append(page.substr(start));
  return out;
}

// Returns the page with the parts that pages share filled in (each
// partials/NAME.html in place of {{NAME}}), then the request's language.
std::string FillPage(std::string_view page, std::string_view language) {
  constexpr std::string_view kPartials = "partials/";
  std::string filled(page);
  for (const PortalAsset& asset : PortalAssets()) {
    if (!asset.path.starts_with(kPartials) || !asset.path.ends_with(".html")) continue;
    std::string_view name = asset.path.substr(kPartials.size());
    name.remove_suffix(std::string_view(".html").size());
    filled = Fill(filled, "{{" + std::string(name) + "}}", asset.content);
  }
  return Fill(filled, "{{lang}}", language);
}

// The Origin of a browser's POST must be this host, so that another site
// cannot sign a visitor in to an account of its choosing.
bool OriginMatches(const httplib::Request& request, bool tls) {
  if (!request.has_header("Origin")) return true;
  return request.get_header_value("Origin") == RequestBaseUrl(request, tls);
}

json SessionJson(const SessionGrant& grant) {
  return {{"user", grant.principal.user},
          {"scope", ScopeName(grant.principal.scope)},
          {"csrf_token", grant.csrf_token}};
}

}  // namespace

PortalHandler::PortalHandler(Authenticator& authenticator, Store& store, bool tls)
    : authenticator_(authenticator), store_(store), tls_(tls) {}

bool PortalHandler::Handles(std::string_view path) {
  return path == "/" || path == "/portal" || path.starts_with(kPortalPrefix);
}

void PortalHandler::Serve(const httplib::Request& request, RequestBody& body,
                          httplib::Response& response) {
  SetSecurityHeaders(response);
  std::string_view path = RequestTargetPath(request.target);
  bool reads = request.method == "GET" || request.method == "HEAD";
  if (path == "/" || path == "/portal") {
    if (!reads) return ReplyText(response, 405, "use GET for " + std::string(path));
    return Redirect(response, kPortalPrefix);
  }

  std::string_view rest = path.substr(kPortalPrefix.size());
  if (rest == "session") {
    if (request.method == "POST") return SignIn(request, body, response);
    if (reads) return DescribeSession(request, response);
    if (request.method == "DELETE") return SignOut(request, response);
    response.set_header("Allow", "GET, HEAD, POST, DELETE");
    return ReplyText(response, 405, "use POST, GET or DELETE for /portal/session");
  }
  if (!reads) return ReplyText(response, 405, "use GET for " + QuoteForMessage(path));
  if (std::optional<std::string_view> page = PortalPageFile(rest)) {
    return ServeFile(request, *page, response);
  }
  // An address without a file extension was meant as a page: it gets the
  // portal's own "not found" page, in the user's language.
  std::string_view last = rest.substr(rest.rfind('/') + 1);
  if (last.find('.') == std::string_view::npos && FindPortalAsset(rest) == nullptr) {
    ServeFile(request, "notfound.html", response);
    response.status = 404;
    return;
  }
  ServeFile(request, rest, response);
}

void PortalHandler::ServeFile(const httplib::Request& request, std::string_view file,
                              httplib::Response& response) {
  // Partials are pieces of pages, filled in by FillPage().
  const PortalAsset* asset = file.starts_with("partials/") ? nullptr : FindPortalAsset(file);
  if (asset == nullptr) {
    return ReplyText(response, 404, "no portal page or file " + QuoteForMessage(file));
  }
  response.status = 200;
  if (!asset->path.ends_with(".html")) {
    response.set_content(asset->content.data(), asset->content.size(),
                         std::string(asset->content_type));
    return;
  }
  std::string_view language = ChoosePortalLanguage(CookieValue(request, kLanguageCookie),
                                                   request.get_header_value("Accept-Language"));
  response.set_header("Vary", "Accept-Language, Cookie");
  response.set_header("Content-Language", std::string(language));
  response.set_content(FillPage(asset->content, language), std::string(asset->content_type));
}

void PortalHandler::SignIn(const httplib::Request& request, RequestBody& body,
                           httplib::Response& response) {
  const std::string& address = request.remote_addr;
  if (!OriginMatches(request, tls_)) {
    spdlog::warn("event=auth_failed address={} who={} reason={}", Quote(address),
                 Quote("sign-in form"), Quote("the Origin header names another site"));
    return ReplyText(response, 403, "sign-in from another site's page is not allowed");
  }
  // A form of another site can post text/plain without a preflight, and
  // an older browser may leave out Origin. JSON needs a preflight, which
  // another site does not pass.
  std::string media_type = request.get_header_value("Content-Type");
  media_type = media_type.substr(0, media_type.find(';'));
  if (!EqualsIgnoringAsciiCase(TrimHttpWhitespace(media_type), "application/json")) {
    return ReplyText(response, 415,
                     "send the sign-in as Content-Type: application/json, not " +
                         QuoteForMessage(media_type.empty() ? "(none)" : media_type));
  }
  Result<std::string> text = body.ReadToString(kMaxSignInBodyBytes);
  if (!text.ok()) return ReplyBodyReadError(response, text.error());
  json form = json::parse(*text, nullptr, false);
  if (form.is_discarded() || !form.is_object() || !form.contains("user") ||
      !form.contains("password") || !form["user"].is_string() || !form["password"].is_string()) {
    return ReplyText(response, 400,
                     "the body must be a JSON object such as "
                     "{\"user\": \"alice\", \"password\": \"...\"}");
  }
  Result<SessionGrant> grant = authenticator_.SignIn(form["user"].get<std::string>(),
                                                     form["password"].get<std::string>(), address);
  if (!grant.ok()) {
    if (grant.error().code == ErrorCode::kTooManyRequests) {
      int wait = std::max(1, authenticator_.RetryAfterSeconds(address));
      response.set_header("Retry-After", std::to_string(wait));
    }
    return ReplyError(response, grant.error());
  }
  response.set_header("Set-Cookie", SessionCookie(grant->id, tls_));
  ReplyJson(response, 201, SessionJson(*grant));
  Audit(grant->principal.user, address, "session.sign_in", 201);
}

void PortalHandler::DescribeSession(const httplib::Request& request, httplib::Response& response) {
  std::string id = CookieValue(request, kSessionCookie);
  if (id.empty()) return ReplyText(response, 401, "not signed in to the portal");
  Result<SessionGrant> session =
      authenticator_.AuthenticateSession(id, std::nullopt, request.remote_addr);
  if (!session.ok()) return ReplyError(response, session.error());
  ReplyJson(response, 200, SessionJson(*session));
}

void PortalHandler::SignOut(const httplib::Request& request, httplib::Response& response) {
  std::string id = CookieValue(request, kSessionCookie);
  if (id.empty()) return ReplyText(response, 401, "not signed in to the portal");
  std::string csrf_token = request.get_header_value(std::string(kCsrfHeader));
  Result<SessionGrant> session =
      authenticator_.AuthenticateSession(id, csrf_token, request.remote_addr);
  if (!session.ok()) return ReplyError(response, session.error());
  const Principal& principal = session->principal;
  if (Result<bool> removed = authenticator_.sessions().Remove(id); !removed.ok()) {
    spdlog::error("event=session_end_failed address={} user={} error={}",
                  Quote(request.remote_addr), Quote(principal.user),
                  Quote(removed.error().message));
    return ReplyError(response, removed.error());
  }
  spdlog::info("event=session_ended address={} user={}", Quote(request.remote_addr),
               Quote(principal.user));
  response.set_header("Set-Cookie", ExpiredSessionCookie(tls_));
  ReplyEmpty(response, 204);
  Audit(principal.user, request.remote_addr, "session.sign_out", 204);
}

void PortalHandler::Audit(const std::string& user, const std::string& address,
                          std::string_view action, int status) {
  AuditRecord record{
      0, std::chrono::system_clock::now(), user, address, std::string(action), "portal", status};
  if (Status appended = store_.AppendAudit(record); !appended.ok()) {
    spdlog::error("event=audit_failed action={} actor={} error={}", action, Quote(user),
                  Quote(appended.error().message));
  }
}

}  // namespace webjobs
