// The web portal's routes, served before any API authentication:
//
//   GET  /                 302 to /portal/
//   GET  /portal           302 to /portal/
//   GET  /portal/          the WebJobs list page
//   GET  /portal/signin    the sign-in page
//   GET  /portal/{file}    the other embedded files (portal/portal_assets.h)
//   POST /portal/session   sign in: {"user", "password"} -> session cookie
//   GET  /portal/session   the signed-in user, scope and CSRF token
//   DELETE /portal/session sign out (needs the CSRF token)
//
// Pages and files contain no data, so they need no credentials. The pages
// fetch everything else from the API with the session cookie, which
// ApiServer accepts alongside Basic and Bearer credentials. HTML pages get
// the request's language (portal/language.h) in their "{{lang}}"
// placeholders. Every portal response forbids framing and inline scripts
// (Content-Security-Policy) and caching of the session (Cache-Control).
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "http/request_body.h"
#include "store/store.h"

namespace webjobs {

class PortalHandler {
 public:
  // `authenticator` and `store` (the audit log) must outlive the handler.
  // `tls` marks the session cookie Secure.
  PortalHandler(Authenticator& authenticator, Store& store, bool tls);

  // True when `path` (the request target without its query) is a portal
  // route: "/" or "/portal" and everything below it.
  static bool Handles(std::string_view path);

  void Serve(const httplib::Request& request, RequestBody& body, httplib::Response& response);

 private:
  void ServeFile(const httplib::Request& request, std::string_view file,
                 httplib::Response& response);
  void SignIn(const httplib::Request& request, RequestBody& body, httplib::Response& response);
  void DescribeSession(const httplib::Request& request, httplib::Response& response);
  void SignOut(const httplib::Request& request, httplib::Response& response);
  void Audit(const std::string& user, const std::string& address, std::string_view action,
             int status);

  Authenticator& authenticator_;
  Store& store_;
  bool tls_;
};

}  // namespace webjobs
