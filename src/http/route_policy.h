// The policy of each route: the scope a principal must
// hold to use it, and the action name under which a successful change is
// written to the audit log. Every route needs authentication; the switch
// statements have no default, so a new RouteKind does not compile until it
// is given a scope here.
#pragma once

#include <string>
#include <string_view>

#include "auth/scope.h"
#include "http/api_route.h"

namespace webjobs {

// The narrowest scope that may use `kind`. Account routes need only read:
// AccountService applies the finer rules (own password, own tokens).
Scope RequiredScope(RouteKind kind);

// The audit action of a route that changes something, such as
// "job.deploy"; empty for a route that only reads. GET and HEAD requests
// are never audited, so a passthrough GET is not.
std::string_view AuditAction(RouteKind kind);

// What the route acts on, for the audit log: "triggered/nightly",
// "triggered/nightly/202401021530450123", "user bob", "token 0123abcd...".
std::string AuditTarget(const Route& route);

}  // namespace webjobs
