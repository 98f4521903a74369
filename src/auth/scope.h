// Scopes of access to the REST API. Each scope includes the ones before
// it: `read` sees jobs, runs and logs; `operate` also starts, stops, runs
// and cancels; `admin` also uploads, deletes, changes settings and manages
// users and tokens. A user has a role, which is the widest scope its
// password and its tokens can carry.
#pragma once

#include <string_view>

#include "core/result.h"

namespace webjobs {

enum class Scope { kRead = 0, kOperate = 1, kAdmin = 2 };

// "read", "operate" or "admin".
std::string_view ScopeName(Scope scope);

// Parses a scope name (exact, lower case). kInvalidArgument names the value
// and the three accepted names.
Result<Scope> ParseScope(std::string_view text);

// True when `granted` includes `needed`.
inline bool ScopeAllows(Scope granted, Scope needed) {
  return static_cast<int>(granted) >= static_cast<int>(needed);
}

}  // namespace webjobs
