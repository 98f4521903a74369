#include "auth/scope.h"

#include <string>

namespace webjobs {

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kRead:
      return "read";
    case Scope::kOperate:
      return "operate";
    case Scope::kAdmin:
      return "admin";
  }
  return "read";
}

Result<Scope> ParseScope(std::string_view text) {
  for (Scope scope : {Scope::kRead, Scope::kOperate, Scope::kAdmin}) {
    if (text == ScopeName(scope)) return scope;
  }
  std::string shown(text.substr(0, 40));
  return InvalidArgument("invalid scope \"" + shown + "\": expected read, operate or admin");
}

}  // namespace webjobs
