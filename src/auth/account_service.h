// Users and API tokens: the rules for who may change what, shared by the
// REST API and the local `webjobs user` commands.
//
// `actor` is the principal making the change, or nullptr for the local
// command line, which may do anything (it can read the data root anyway).
// Rules for an actor:
//   - an admin may add, change and remove any user and revoke any token;
//   - any user signed in with its password may change its own password;
//   - a user signed in with its password may create tokens for itself
//     with a scope no wider than its own, and list and revoke its tokens;
//     a token may list its user's tokens and revoke itself, but create
//     none, so revoking a leaked token ends the access it gave;
//   - the last admin cannot be removed or lose the admin role.
// Every refusal is kPermissionDenied naming the scope or rule; bad values
// are kInvalidArgument naming the value and the rule.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/password_hash.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "store/store.h"

namespace webjobs {

// A token as created: the record and the token text, shown once.
struct CreatedToken {
  TokenRecord record;
  std::string token;
};

// The result of setting a user.
struct UserChange {
  UserRecord user;
  bool created = false;
};

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock,
                 PasswordCost cost = PasswordCost::kInteractive)
      : store_(store), clock_(clock), cost_(cost) {}

  // Creates the user, or changes its password and/or role. Creating needs a
  // password; the role defaults to read.
  Result<UserChange> SetUser(const Principal* actor, const std::string& name,
                             const std::optional<std::string>& password,
                             const std::optional<Scope>& role);
  Status RemoveUser(const Principal* actor, const std::string& name);
  // All users for an admin or the command line, else only the actor.
  Result<std::vector<UserRecord>> ListUsers(const Principal* actor);
  Result<UserRecord> GetUser(const Principal* actor, const std::string& name);

  // Creates a token owned by the actor's user (by `owner` for the command
  // line, which must name an existing user).
  Result<CreatedToken> CreateToken(const Principal* actor, const std::string& owner,
                                   const std::string& label, Scope scope);
  Status RevokeToken(const Principal* actor, const std::string& id);
  Result<std::vector<TokenRecord>> ListTokens(const Principal* actor);

 private:
  Status CheckNotLastAdmin(const UserRecord& user, std::string_view action);

  Store& store_;
  const Clock& clock_;
  PasswordCost cost_;
  // Held by SetUser and RemoveUser, so two requests cannot both pass the
  // last-admin check and leave no admin. A `webjobs user --root` command
  // in another process is not covered.
  std::mutex changes_mutex_;
};

// The rule for user names: a letter or digit, then up to 63 letters,
// digits, '.', '_', '-' or '@'.
Status CheckUserName(std::string_view name);

}  // namespace webjobs
