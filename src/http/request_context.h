// Inputs of a route handler besides the matched route.
#pragma once

#include <httplib.h>

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
};

}  // namespace webjobs
