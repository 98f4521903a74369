// Who made a request: a user, signed in with its password or with one of
// its API tokens, and the scope the request may use.
#pragma once

#include <string>

#include "auth/scope.h"

namespace webjobs {

struct Principal {
  std::string user;
  Scope scope = Scope::kRead;
  std::string token_id;      // empty when the user sent its password
  bool via_session = false;  // signed in to the portal (session cookie)

  bool via_token() const { return !token_id.empty(); }
  // "alice", or "alice (token 0123456789abcdef)", for logs and the audit log.
  std::string Describe() const { return via_token() ? user + " (token " + token_id + ")" : user; }
};

}  // namespace webjobs
