// Inputs of a route handler besides the matched route.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "auth/principal.h"
#include "http/request_body.h"
#include "store/store.h"

namespace webjobs {

struct RequestContext {
  const httplib::Request& http;
  RequestBody& body;
  // "http://" + the Host header, for URLs in job and run JSON.
  std::string base_url;
  // One clock reading per request, for durations of runs in progress.
  TimePoint now;
  // Who sent the request; every routed request is authenticated.
  const Principal& principal;
  // The client's IP address.
  std::string address;
  // The audit log's target for a change whose object gets its id in the
  // handler, such as "token 3f9c0a1b2c3d4e5f"; empty means the route's target.
  std::string audit_target;
  // Returns whether the request's credentials still authenticate: false
  // once its session ended, its token was revoked or its password changed.
  // Long responses (event streams) call it now and then; it may be empty.
  std::function<bool()> credentials_valid;
};

}  // namespace webjobs
