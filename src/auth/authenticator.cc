#include "auth/authenticator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "auth/account_service.h"
#include "auth/credentials.h"
#include "auth/password_hash.h"
#include "core/log.h"

namespace webjobs {
namespace {

// Remembered passwords, at most, and for how long.
constexpr size_t kMaxVerified = 4096;
constexpr std::chrono::minutes kVerifiedLifetime{15};
// Tokens remembered by CheckToken(), one entry per token id.
constexpr size_t kMaxCheckedTokens = 4096;

constexpr std::string_view kWrongCredentials = "wrong user name or password";

ptrdiff_t VerificationSlots() {
  unsigned cores = std::thread::hardware_concurrency();
  return std::clamp<ptrdiff_t>(cores == 0 ? 1 : cores, 1, 256);
}

// A hash of a random password that no client can send, so that a user name that does not
// exist costs as much time as a wrong password.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    Result<std::string> decoy = HashPassword(RandomPassword());
    return decoy.ok() ? decoy.value() : std::string();
  }();
  return hash;
}

// Names the user of failed Basic credentials in the log. A name that breaks the user name
// rule is logged by its length only, because clients that put an API token or a password
// into the user field would otherwise write that secret into the log.
std::string DescribeUserForLog(std::string_view name) {
  if (CheckUserName(name).ok()) return "user " + Quote(name);
  return "invalid user name (" + std::to_string(name.size()) + " bytes)";
}

}  // namespace

Authenticator::Authenticator(Store& store, SessionLimits session_limits)
    : store_(store),
      sessions_(store, session_limits),
      verifications_(VerificationSlots()),
      cache_key_(RandomHex(32)) {}

int Authenticator::RetryAfterSeconds(const std::string& address) {
  return static_cast<int>(throttle_.WaitFor(address, LoginThrottle::Clock::now()).count());
}

Result<Principal> Authenticator::Authenticate(std::string_view authorization,
                                              const std::string& address) {
  if (authorization.empty()) {
    return Unauthenticated(
        "no credentials: send HTTP Basic with a user name and password, or an API token as "
        "\"Authorization: Bearer <token>\"");
  }
  if (int wait = RetryAfterSeconds(address); wait > 0) return TooManyFailures(address, wait);
  Result<Credentials> credentials = ParseAuthorization(authorization);
  if (!credentials.ok()) return Fail(address, "", credentials.error().message);

  if (const auto* token = std::get_if<TokenCredentials>(&credentials.value())) {
    Result<Principal> principal = CheckToken(token->id, token->secret);
    if (!principal.ok() && principal.error().code == ErrorCode::kUnauthenticated) {
      return Fail(address, "token " + token->id, principal.error().message);
    }
    return principal;
  }
  const auto& password = std::get<PasswordCredentials>(credentials.value());
  int failures = 0;
  Result<Principal> principal = CheckPassword(password.user, password.password, address, failures);
  if (!principal.ok() && principal.error().code == ErrorCode::kUnauthenticated) {
    return Fail(address, DescribeUserForLog(password.user), principal.error().message, failures);
  }
  return principal;
}

Result<SessionGrant> Authenticator::SignIn(const std::string& user, const std::string& password,
                                           const std::string& address) {
  if (int wait = RetryAfterSeconds(address); wait > 0) return TooManyFailures(address, wait);
  if (user.empty() || password.empty()) {
    return Fail(address, DescribeUserForLog(user),
                "the sign-in form needs a user name and a password");
  }
  int failures = 0;
  Result<Principal> principal = CheckPassword(user, password, address, failures);
  if (!principal.ok()) {
    if (principal.error().code != ErrorCode::kUnauthenticated) return principal.error();
    return Fail(address, DescribeUserForLog(user), principal.error().message, failures);
  }
  Result<SessionGrant> grant = sessions_.Create(principal->user, SessionStore::Clock::now());
  if (!grant.ok()) return grant.error();
  spdlog::info("event=session_started address={} user={} scope={}", Quote(address),
               Quote(grant->principal.user), ScopeName(grant->principal.scope));
  return grant;
}

Result<SessionGrant> Authenticator::AuthenticateSession(std::string_view session_id,
                                                        std::optional<std::string_view> csrf_token,
                                                        const std::string& address) {
  Result<SessionGrant> session = sessions_.Find(session_id, SessionStore::Clock::now());
  if (!session.ok()) {
    if (session.error().code != ErrorCode::kUnauthenticated) return session.error();
    spdlog::warn("event=auth_failed address={} who={} reason={}", Quote(address), Quote("session"),
                 Quote(session.error().message));
    return session.error();
  }
  if (csrf_token.has_value()) {
    if (Status checked = CheckCsrfToken(session->csrf_token, *csrf_token); !checked.ok()) {
      spdlog::warn("event=auth_failed address={} who={} reason={}", Quote(address),
                   Quote("session of user " + session->principal.user),
                   Quote(checked.error().message));
      return checked.error();
    }
  }
  return session;
}

Error Authenticator::TooManyFailures(const std::string& address, int wait_seconds) {
  spdlog::warn("event=auth_throttled address={} retry_after_s={}", Quote(address), wait_seconds);
  return TooManyRequests("too many failed sign-ins from " + address + "; try again in " +
                         std::to_string(wait_seconds) + " s");
}

Result<Principal> Authenticator::CheckPassword(const std::string& user, const std::string& password,
                                               const std::string& address, int& failures) {
  Result<std::optional<UserRecord>> record = store_.GetUser(user);
  if (!record.ok()) return record.error();
  bool known = record->has_value();
  UserRecord checked = known ? **record : UserRecord{user, DecoyHash(), "read", {}, {}};
  switch (VerifyWithCache(checked, password, address, failures)) {
    case Verification::kThrottled:
      return TooManyFailures(address, std::max(1, RetryAfterSeconds(address)));
    case Verification::kWrong:
      return Unauthenticated(std::string(kWrongCredentials));
    case Verification::kMatched:
      break;
  }
  // The decoy's password is random and never shown, so it cannot match.
  if (!known) return Unauthenticated(std::string(kWrongCredentials));
  const UserRecord& found = checked;
  Result<Scope> role = ParseScope(found.role);
  if (!role.ok()) {
    return InternalError("user " + Quote(found.name) + " has an unknown role " + Quote(found.role) +
                         " in the store");
  }
  return Principal{found.name, *role, ""};
}

std::optional<Principal> Authenticator::FindCheckedToken(const std::string& id,
                                                         const std::string& secret_hash,
                                                         uint64_t version) {
  std::lock_guard lock(mutex_);
  auto found = checked_tokens_.find(id);
  if (found == checked_tokens_.end()) return std::nullopt;
  if (found->second.version != version) {
    checked_tokens_.erase(found);
    return std::nullopt;
  }
  if (!ConstantTimeEquals(secret_hash, found->second.secret_hash)) return std::nullopt;
  return found->second.principal;
}

Result<Principal> Authenticator::CheckToken(const std::string& id, const std::string& secret) {
  // The version is read before the records, so a change that lands between
  // the two leaves the remembered entry with an outdated version.
  Result<uint64_t> version = store_.CredentialsVersion();
  if (!version.ok()) return version.error();
  std::string secret_hash = Sha256Hex(secret);
  if (std::optional<Principal> known = FindCheckedToken(id, secret_hash, *version)) return *known;

  Result<std::optional<TokenRecord>> record = store_.GetToken(id);
  if (!record.ok()) return record.error();
  constexpr std::string_view kUnknownToken = "unknown or revoked API token";
  if (!record->has_value()) return Unauthenticated(std::string(kUnknownToken));
  const TokenRecord& token = **record;
  if (!ConstantTimeEquals(secret_hash, token.secret_hash)) {
    return Unauthenticated(std::string(kUnknownToken));
  }
  Result<std::optional<UserRecord>> owner = store_.GetUser(token.user);
  if (!owner.ok()) return owner.error();
  if (!owner->has_value()) return Unauthenticated(std::string(kUnknownToken));
  Result<Scope> scope = ParseScope(token.scope);
  Result<Scope> role = ParseScope((*owner)->role);
  if (!scope.ok() || !role.ok()) {
    return InternalError("API token " + token.id + " or its user " + Quote(token.user) +
                         " has an unknown scope in the store");
  }
  // A token never carries more than its user's current role.
  Scope granted = ScopeAllows(*role, *scope) ? *scope : *role;
  Principal principal{(*owner)->name, granted, token.id};
  std::lock_guard lock(mutex_);
  // Entries of other versions are useless, so a full map is emptied.
  if (checked_tokens_.size() >= kMaxCheckedTokens) checked_tokens_.clear();
  checked_tokens_[token.id] = CheckedToken{token.secret_hash, principal, *version};
  return principal;
}

Authenticator::Verification Authenticator::VerifyWithCache(const UserRecord& user,
                                                           const std::string& password,
                                                           const std::string& address,
                                                           int& failures) {
  std::string digest =
      Sha256Hex(cache_key_ + '\0' + user.name + '\0' + user.password_hash + '\0' + password);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto found = verified_.find(digest);
    if (found != verified_.end()) {
      if (now - found->second < kVerifiedLifetime) return Verification::kMatched;
      verified_.erase(found);
    }
  }
  if (throttle_.BeginCheck(address, now).count() > 0) return Verification::kThrottled;
  verifications_.acquire();
  bool matched = VerifyPassword(user.password_hash, password);
  verifications_.release();
  failures = throttle_.FinishCheck(address, !matched, LoginThrottle::Clock::now());
  if (!matched) return Verification::kWrong;
  std::lock_guard lock(mutex_);
  if (verified_.size() >= kMaxVerified) verified_.clear();
  verified_[digest] = now;
  return Verification::kMatched;
}

Error Authenticator::Fail(const std::string& address, std::string_view who, std::string_view reason,
                          std::optional<int> counted) {
  int failures = counted.has_value()
                     ? *counted
                     : throttle_.RecordFailure(address, LoginThrottle::Clock::now());
  spdlog::warn("event=auth_failed address={} who={} failures={} reason={}", Quote(address),
               Quote(who), failures, Quote(reason));
  return Unauthenticated(std::string(reason));
}

}  // namespace webjobs
