#include "auth/account_service.h"

#include <algorithm>

#include "auth/credentials.h"
#include "core/log.h"

namespace webjobs {
namespace {

constexpr size_t kMaxUserNameLength = 64;
constexpr size_t kMaxLabelLength = 100;

bool IsAdmin(const Principal* actor) {
  return actor == nullptr || ScopeAllows(actor->scope, Scope::kAdmin);
}

bool IsSelf(const Principal* actor, const std::string& name) {
  if (actor == nullptr || actor->user.size() != name.size()) return false;
  return std::equal(name.begin(), name.end(), actor->user.begin(), [](char a, char b) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return lower(a) == lower(b);
  });
}

Error NeedsAdmin(std::string_view action) {
  return PermissionDenied(std::string(action) +
                          " needs the admin scope; ask an admin, or sign in as one");
}

Status CheckLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) {
    return InvalidArgument("invalid token label: use 1 to " + std::to_string(kMaxLabelLength) +
                           " characters that say what the token is for");
  }
  for (unsigned char c : label) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgument("invalid token label " + Quote(label) +
                             ": control characters are not allowed");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckUserName(std::string_view name) {
  auto valid_first = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  bool valid = !name.empty() && name.size() <= kMaxUserNameLength && valid_first(name.front()) &&
               std::all_of(name.begin(), name.end(), [&](char c) {
                 return valid_first(c) || c == '.' || c == '_' || c == '-' || c == '@';
               });
  if (valid) return Status::Ok();
  return InvalidArgument("invalid user name " + Quote(name.substr(0, kMaxUserNameLength)) +
                         ": use a letter or digit, then up to 63 letters, digits, '.', '_', "
                         "'-' or '@'");
}

Result<UserChange> AccountService::SetUser(const Principal* actor, const std::string& name,
                                           const std::optional<std::string>& password,
                                           const std::optional<Scope>& role) {
  if (Status valid = CheckUserName(name); !valid.ok()) return valid.error();
  bool own_password_only = IsSelf(actor, name) && !role.has_value() && !actor->via_token();
  if (!IsAdmin(actor) && !own_password_only) {
    return NeedsAdmin("changing user " + Quote(name) + " (other than your own password)");
  }
  if (password.has_value()) {
    if (Status strong = CheckNewPassword(*password); !strong.ok()) return strong.error();
  }
  std::lock_guard lock(changes_mutex_);
  Result<std::optional<UserRecord>> existing = store_.GetUser(name);
  if (!existing.ok()) return existing.error();
  UserChange change;
  change.created = !existing->has_value();
  auto now = clock_.Now();
  if (change.created) {
    if (!password.has_value()) {
      return InvalidArgument("user " + Quote(name) +
                             " does not exist; a new user needs a password");
    }
    change.user = UserRecord{name, "", std::string(ScopeName(role.value_or(Scope::kRead))), now,
                             now};
  } else {
    change.user = **existing;
    change.user.updated = now;
    if (role.has_value()) {
      if (*role != Scope::kAdmin) {
        if (Status kept = CheckNotLastAdmin(change.user, "take the admin role from");
            !kept.ok()) {
          return kept.error();
        }
      }
      change.user.role = std::string(ScopeName(*role));
    }
  }
  if (password.has_value()) {
    Result<std::string> hash = HashPassword(*password, cost_);
    if (!hash.ok()) return hash.error();
    change.user.password_hash = std::move(hash).value();
  }
  if (Status saved = store_.PutUser(change.user); !saved.ok()) return saved.error();
  return change;
}

Status AccountService::RemoveUser(const Principal* actor, const std::string& name) {
  if (Status valid = CheckUserName(name); !valid.ok()) return valid;
  if (!IsAdmin(actor)) return NeedsAdmin("removing user " + Quote(name));
  std::lock_guard lock(changes_mutex_);
  Result<std::optional<UserRecord>> existing = store_.GetUser(name);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) return NotFound("user " + Quote(name) + " does not exist");
  if (Status kept = CheckNotLastAdmin(**existing, "remove"); !kept.ok()) return kept;
  Result<bool> deleted = store_.DeleteUser(name);
  if (!deleted.ok()) return deleted.error();
  return Status::Ok();
}

Result<std::vector<UserRecord>> AccountService::ListUsers(const Principal* actor) {
  if (IsAdmin(actor)) return store_.ListUsers();
  Result<UserRecord> self = GetUser(actor, actor->user);
  if (!self.ok()) return self.error();
  return std::vector<UserRecord>{self.value()};
}

Result<UserRecord> AccountService::GetUser(const Principal* actor, const std::string& name) {
  if (Status valid = CheckUserName(name); !valid.ok()) return valid.error();
  if (!IsAdmin(actor) && !IsSelf(actor, name)) return NeedsAdmin("reading user " + Quote(name));
  Result<std::optional<UserRecord>> existing = store_.GetUser(name);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) return NotFound("user " + Quote(name) + " does not exist");
  return **existing;
}

Result<CreatedToken> AccountService::CreateToken(const Principal* actor, const std::string& owner,
                                                 const std::string& label, Scope scope) {
  if (Status valid = CheckLabel(label); !valid.ok()) return valid.error();
  // Otherwise a leaked token could mint tokens that outlive its revocation.
  if (actor != nullptr && actor->via_token()) {
    return PermissionDenied(
        "creating an API token needs a sign-in with a user name and password; a token cannot "
        "create tokens");
  }
  std::string user = actor != nullptr ? actor->user : owner;
  Result<std::optional<UserRecord>> record = store_.GetUser(user);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return NotFound("user " + Quote(user) + " does not exist");
  Result<Scope> role = ParseScope((*record)->role);
  if (!role.ok()) return role.error();
  Scope widest = actor != nullptr ? actor->scope : *role;
  if (!ScopeAllows(widest, scope)) {
    return PermissionDenied("cannot create a token with scope " + std::string(ScopeName(scope)) +
                            ": user " + Quote(user) + " has only " +
                            std::string(ScopeName(widest)));
  }
  TokenCredentials token = GenerateToken();
  CreatedToken created{TokenRecord{token.id, (*record)->name, label,
                                   std::string(ScopeName(scope)), Sha256Hex(token.secret),
                                   clock_.Now()},
                       FormatToken(token)};
  if (Status saved = store_.PutToken(created.record); !saved.ok()) return saved.error();
  return created;
}

Status AccountService::RevokeToken(const Principal* actor, const std::string& id) {
  if (!IsTokenId(id)) {
    return InvalidArgument("invalid token id " + Quote(id.substr(0, 40)) +
                           ": expected 16 hex digits as `webjobs token list` shows");
  }
  Result<std::optional<TokenRecord>> record = store_.GetToken(id);
  if (!record.ok()) return record.error();
  if (!record->has_value()) return NotFound("API token " + id + " does not exist");
  bool own_token = IsSelf(actor, (*record)->user) &&
                   (!actor->via_token() || actor->token_id == id);
  if (!IsAdmin(actor) && !own_token) {
    return NeedsAdmin("revoking token " + id + " (other than your own, or with a token other "
                      "than itself)");
  }
  Result<bool> deleted = store_.DeleteToken(id);
  if (!deleted.ok()) return deleted.error();
  return Status::Ok();
}

Result<std::vector<TokenRecord>> AccountService::ListTokens(const Principal* actor) {
  Result<std::vector<TokenRecord>> tokens = store_.ListTokens();
  if (!tokens.ok() || IsAdmin(actor)) return tokens;
  std::erase_if(*tokens, [&](const TokenRecord& token) { return !IsSelf(actor, token.user); });
  return tokens;
}

Status AccountService::CheckNotLastAdmin(const UserRecord& user, std::string_view action) {
  if (user.role != ScopeName(Scope::kAdmin)) return Status::Ok();
  Result<std::vector<UserRecord>> users = store_.ListUsers();
  if (!users.ok()) return users.error();
  auto admins = std::count_if(users->begin(), users->end(), [](const UserRecord& other) {
    return other.role == ScopeName(Scope::kAdmin);
  });
  if (admins > 1) return Status::Ok();
  return Conflict("cannot " + std::string(action) + " user " + Quote(user.name) +
                  ": it is the last admin; make another user admin first");
}

}  // namespace webjobs
